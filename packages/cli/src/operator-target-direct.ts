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
import type { OperatorTarget } from './operator-target.js';

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
    importUsageRecords: (records) => importUsageRecords(ctx, records),
    usageBatchSize: USAGE_BATCH,
  };
}
