import {
  createMerchant,
  depositFunds,
  importCatalog,
  importInventory,
  importUsageRecords,
  inventoryLevels,
  listMerchants,
  listProfileSources,
  packagesWithoutSource,
  setProfileSource,
  type ServiceContext,
} from '@esimkit/server';
import { adjustBalance } from '@esimkit/server/internal/domain/merchants/adjust';
import { merchantLedgerStatement } from '@esimkit/server/internal/domain/merchants/ledger-statement';
import { merchantAccount } from '@esimkit/server/internal/domain/merchants/account';
import { setMerchantDisabled, updateMerchantSettings } from '@esimkit/server/internal/domain/merchants/update-settings';
import { unknownAccessCode, type OperatorTarget } from './operator-target.js';

/** Records handed to importUsageRecords at once (it applies them a transaction per 500). */
const USAGE_BATCH = 500;

/** The operator operations on the database, through the domain's verbs (what the commands always did). */
export function directTarget(ctx: ServiceContext): OperatorTarget {
  return {
    createMerchant: (input) => createMerchant({ ctx, input }),
    deposit: (input) => depositFunds({ ctx, input }),
    listMerchants: () => listMerchants({ ctx }),
    importCatalog: (catalog) => importCatalog({ ctx, input: catalog }),
    importInventory: (rows) => importInventory({ ctx, input: rows }),
    inventoryLevels: () => inventoryLevels(ctx),
    setProfileSource: (input) => setProfileSource({ ctx, input }),
    listProfileSources: () => listProfileSources(ctx),
    packagesWithoutSource: () => packagesWithoutSource(ctx),
    adjust: (input) => adjustBalance({ ctx, input }),
    setDisabled: (input) => setMerchantDisabled({ ctx, input }),
    async changeSettings(input) {
      await updateMerchantSettings({ ctx, input });
      const merchant = (await listMerchants({ ctx, input: { search: input.accessCode } })).find((m) => m.accessCode === input.accessCode);
      const account = merchant && (await merchantAccount({ ctx, input: { id: merchant.id } }));
      if (!account) throw unknownAccessCode(input.accessCode);
      const { signaturePolicy, rateLimit, rateBurst, ipBlocklist, disabled } = account;
      return { accessCode: input.accessCode, signaturePolicy, rateLimit, rateBurst, ipBlocklist, disabled };
    },
    async statement({ accessCode, from, to, page, pageSize }) {
      const merchant = (await listMerchants({ ctx, input: { search: accessCode } })).find((m) => m.accessCode === accessCode);
      if (!merchant) throw unknownAccessCode(accessCode);
      const found = await merchantLedgerStatement({ ctx, input: { merchantId: merchant.id, from: from?.getTime(), to: to?.getTime(), page, pageSize } });
      if (!found) throw unknownAccessCode(accessCode);
      return {
        entries: found.lines.map((l) => ({ entryId: l.id, time: l.at.toISOString(), kind: l.kind, reference: l.reference, note: l.note, amount: l.amount, balance: l.balance })),
        total: found.total,
        page: found.page,
        pageSize: found.pageSize,
      };
    },
    importUsageRecords: (records) => importUsageRecords(ctx, records),
    usageBatchSize: USAGE_BATCH,
  };
}
