export { loadConfig, ConfigError, type Config } from './config.js';
import type { RunningServer, StartOptions } from './server.js';
export type { RunningServer, StartOptions } from './server.js';
export { VERSION } from './version.js';

/**
 * Everything `esimkit serve` does (server.ts). The HTTP layer (fastify and every route) is
 * imported on the first call, so a program that only uses the database side of this package
 * (the CLI's operator commands) never loads it.
 */
export async function startServer(options?: StartOptions): Promise<RunningServer> {
  const server = await import('./server.js');
  return server.startServer(options);
}
export { openRuntime, prepareDatabase, ensureDemoMerchant, bundledPriceList, DEMO_BALANCE, type Runtime } from './runtime.js';
export { connect, isPostgresUrl, type Db } from './db/connect.js';
export { asDatabaseError, databaseName, DatabaseError, type DatabaseProblem } from './db/errors.js';
export { productionWarnings } from './production-warnings.js';
export { migrate } from './db/migrate.js';
export { createMerchant, type CreateMerchantInput, type CreatedMerchant } from './domain/merchants/create.js';
export { depositFunds } from './domain/merchants/deposit.js';
export { listMerchants } from './domain/merchants/list.js';
export { importCatalog, readCatalogFile } from './domain/catalog/import.js';
export { parsePriceList } from './domain/catalog/price-list.js';
export { ledgerSum } from './domain/ledger.js';
export { ApiError } from './domain/errors.js';
export { invalidBlocklistEntries } from './domain/merchants/blocklist.js';
export type { ServiceContext } from './domain/context.js';
export { systemClock, type Clock } from './lib/clock.js';
export { readInventoryFile, importInventory, inventoryLevels, type InventoryRow } from './domain/inventory/import.js';
export { setProfileSource, listProfileSources, packagesWithoutSource, type PackageProfileSource } from './domain/catalog/profile-sources.js';
export type { ProfileSourceKind } from './db/schema.js';
export { installProfile, changeProfileOnDevice, consumeData } from './domain/sandbox/device.js';
export { randomEid } from './sim/device.js';
export { attachToNetwork } from './domain/usage/network-use.js';
export { importUsageRecords, type UsageImportResult, type UsageRecordInput } from './domain/usage/records.js';
export { readUsageCsv, type UsageCsvLine } from './domain/usage/records-csv.js';
export { deliverSmsToDevice, sendSmsFromDevice } from './domain/esims/device-sms.js';
export { allocateOrder } from './domain/orders/allocate.js';
export { JobRunner } from './jobs/runner.js';
export { webhookSigningState, type WebhookSigningState } from './domain/webhooks/secret.js';
export { verifyLedgers, type LedgerCheck } from './domain/merchants/verify-ledger.js';
export { createConsoleUser, type ConsoleUser, type CreateConsoleUserInput } from './domain/console-users/create.js';
export { ConsoleUserError } from './domain/console-users/errors.js';
export { createLoginToken, SET_PASSWORD_TOKEN_TTL_MS } from './domain/console-users/login-tokens.js';
export { passwordProblem } from './domain/console-users/password.js';
export { createOperatorToken, type CreatedOperatorToken } from './domain/operator-tokens/create.js';
export { listOperatorTokens, type OperatorTokenSummary } from './domain/operator-tokens/list.js';
export { revokeOperatorToken } from './domain/operator-tokens/revoke.js';
export { operatorScopes, ALL_SCOPES as ALL_OPERATOR_SCOPES, type OperatorScope } from './domain/operator-tokens/scopes.js';
export { resealSecrets, SecretKeyMismatch, type ResealResult } from './domain/merchants/seal-secrets.js';
export { SecretBox, parseSecretKey } from './lib/secret-box.js';
export { readKeyFile, replaceKeyFile } from './secret-key.js';
