import type { SignaturePolicy } from '@esimkit/contract';
import type { OperatorClient } from './operator-client.js';
import type { PackageProfileSource } from '@esimkit/server';
import { unknownAccessCode, type MerchantSettings, type InventoryResult, type InventoryRows, type MerchantSummary, type OperatorTarget, type Statement } from './operator-target.js';

// The operator operations over a remote server's operator API (docs/operator-api.md), answered
// in the shapes of the domain's verbs so that each command prints what it prints on the
// database. Files go in pieces the API takes: its import routes accept 8 MiB a body, its
// usage route 10,000 records.

/** The operator API's largest import body (IMPORT_BODY_LIMIT of packages/server). */
const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;
/** Usage records a request: 5,000 of about 150 bytes is under 1 MB, and half the API's maximum. */
const USAGE_BATCH = 5_000;
/** Inventory rows a request: about 2 MB of CSV. */
const INVENTORY_BATCH = 20_000;

interface ApiMerchant {
  merchantId: number;
  name: string;
  accessCode: string;
  signaturePolicy: SignaturePolicy;
  rateLimit: number;
  rateBurst: number;
  balance: number;
}

export function remoteTarget(api: OperatorClient): OperatorTarget {
  /** The merchant's id for its access code: the API names merchants by id. */
  const merchantIdOf = async (accessCode: string): Promise<number> => {
    const { merchantList } = await api.call<{ merchantList: { merchantId: number; accessCode: string }[] }>('merchant/list', { search: accessCode });
    const merchant = merchantList.find((m) => m.accessCode === accessCode);
    if (!merchant) throw unknownAccessCode(accessCode);
    return merchant.merchantId;
  };
  const deposit = (merchantId: number, amount: number, reason: string) => api.call<{ balance: number }>('merchant/deposit', { merchantId, amount, reason });
  const listSources = async () => (await api.call<{ packageList: PackageProfileSource[] }>('catalog/sources', {})).packageList;

  return {
    async createMerchant(input) {
      const created = await api.call<ApiMerchant & { secretKey: string }>('merchant/create', {
        name: input.name,
        ...(input.signaturePolicy !== undefined ? { signaturePolicy: input.signaturePolicy } : {}),
        ...(input.rateLimit !== undefined ? { rateLimit: input.rateLimit } : {}),
        ...(input.rateBurst !== undefined ? { rateBurst: input.rateBurst } : {}),
        ...(input.ipBlocklist !== undefined ? { ipBlocklist: input.ipBlocklist } : {}),
      });
      // The API opens no balance: the opening deposit follows, with the note createMerchant gives it.
      const balance = input.balance ? (await deposit(created.merchantId, input.balance, 'opening balance')).balance : created.balance;
      const { merchantId: id, name, accessCode, secretKey, signaturePolicy, rateLimit, rateBurst } = created;
      return { id, name, accessCode, secretKey, signaturePolicy, rateLimit, rateBurst, balance };
    },

    async deposit(input) {
      // depositFunds' own note when none is given; the API asks for one.
      return { balance: (await deposit(await merchantIdOf(input.accessCode), input.amount, input.note ?? 'deposit')).balance };
    },

    async listMerchants() {
      const { merchantList } = await api.call<{ merchantList: (Omit<MerchantSummary, 'id'> & { merchantId: number })[] }>('merchant/list', {});
      return merchantList.map(({ merchantId, name, accessCode, signaturePolicy, rateLimit, balance, disabled, createdAt }) => ({
        id: merchantId,
        name,
        accessCode,
        signaturePolicy,
        rateLimit,
        balance,
        disabled,
        createdAt,
      }));
    },

    async importCatalog(_catalog, text) {
      // Sent whole: the API imports a catalogue or refuses it whole, and pieces would each count its locations.
      const body = { content: text };
      const size = Buffer.byteLength(JSON.stringify(body));
      if (size > IMPORT_BODY_LIMIT) {
        throw new Error(`the file is ${(size / 1048576).toFixed(1)} MiB as sent; the operator API takes a catalogue of at most 8 MiB: import it without --url where the database is`);
      }
      return api.call('catalog/import', body);
    },

    async importInventory(rows) {
      const total: InventoryResult = { imported: 0, skipped: 0, packages: [] };
      for (let i = 0; i < rows.length; i += INVENTORY_BATCH) {
        const part = await api.call<InventoryResult>('inventory/import', { content: inventoryCsv(rows.slice(i, i + INVENTORY_BATCH)) });
        total.imported += part.imported;
        total.skipped += part.skipped;
        for (const code of part.packages) if (!total.packages.includes(code)) total.packages.push(code);
      }
      return total;
    },

    async inventoryLevels() {
      const { stockList } = await api.call<{ stockList: { packageCode: string; total: number; free: number }[] }>('inventory/stock', {});
      return stockList.map(({ packageCode, total, free }) => ({ packageCode, total, free }));
    },

    setProfileSource: ({ packageCode, source, profileType }) =>
      // The API's word for "no source" is default (a JSON null would read as "not given").
      api.call('catalog/source', { packageCode, source: source ?? 'default', ...(profileType !== undefined ? { profileType } : {}) }),

    listProfileSources: listSources,

    async packagesWithoutSource() {
      // packagesWithoutSource's rule: only production refuses plans without a source (or with the simulator).
      if ((await api.mode()) !== 'production') return [];
      const all = await listSources();
      return all.filter((p) => p.source === null || p.source === 'simulator').map((p) => p.packageCode);
    },

    async adjust({ accessCode, amount, reason }) {
      return { balance: (await api.call<{ balance: number }>('merchant/adjust', { merchantId: await merchantIdOf(accessCode), amount, reason })).balance };
    },

    async setDisabled({ accessCode, disabled }) {
      await api.call(disabled ? 'merchant/disable' : 'merchant/enable', { merchantId: await merchantIdOf(accessCode) });
    },

    async changeSettings({ accessCode, signaturePolicy, rateLimit, rateBurst, ipBlocklist }) {
      const merchantId = await merchantIdOf(accessCode);
      type Settings = Omit<MerchantSettings, 'accessCode'>;
      let after: Settings | undefined;
      if (signaturePolicy !== undefined || rateLimit !== undefined) {
        after = await api.call<Settings>('merchant/settings', { merchantId, signaturePolicy, rateLimit, rateBurst });
      }
      if (ipBlocklist !== undefined) after = await api.call<Settings>('merchant/blocklist', { merchantId, ipBlocklist });
      after ??= await api.call<Settings>('merchant/get', { merchantId });
      return { accessCode, signaturePolicy: after.signaturePolicy, rateLimit: after.rateLimit, rateBurst: after.rateBurst, ipBlocklist: after.ipBlocklist, disabled: after.disabled };
    },

    async statement({ accessCode, from, to, page, pageSize }) {
      const found = await api.call<{ entryList: Statement['entries']; total: number; pageNum: number; pageSize: number }>('merchant/statement', {
        merchantId: await merchantIdOf(accessCode),
        ...(from ? { from: from.toISOString() } : {}),
        ...(to ? { to: to.toISOString() } : {}),
        pageNum: page,
        pageSize,
      });
      return { entries: found.entryList, total: found.total, page: found.pageNum, pageSize: found.pageSize };
    },

    importUsageRecords: (records) => api.call('usage/records', { records }),
    usageBatchSize: USAGE_BATCH,
  };
}

/** Rows checked by readInventoryFile back to the CSV the API parses, each with its packageCode. */
function inventoryCsv(rows: InventoryRows): string {
  const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;
  return ['packageCode,iccid,imsi,ac', ...rows.map((r) => [r.packageCode, r.iccid, r.imsi, r.ac].map(cell).join(','))].join('\n');
}
