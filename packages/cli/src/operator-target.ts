import type {
  CreateMerchantInput,
  CreatedMerchant,
  importCatalog,
  importInventory,
  inventoryLevels,
  listMerchants,
  PackageProfileSource,
  ProfileSourceKind,
  UsageImportResult,
  UsageRecordInput,
} from '@esimkit/server';
import type { SignaturePolicy } from '@esimkit/contract';
import type { Command } from 'commander';
import { OperatorClient, OPERATOR_TOKEN_ENV, OPERATOR_URL_ENV, remoteUrlOf, SETUP_EXIT } from './operator-client.js';
import { directTarget } from './operator-target-direct.js';
import { remoteTarget } from './operator-target-remote.js';
import { withContext } from './with-context.js';

// The one place that decides whether an operator command works on the database (DATABASE_URL)
// or calls a remote server's operator API (--url / ESIMKIT_OPERATOR_URL). Commands are
// written once against OperatorTarget; its two implementations answer alike, so a command
// prints the same either way.

export type MerchantSummary = Awaited<ReturnType<typeof listMerchants>>[number];
export type CatalogInput = Parameters<typeof importCatalog>[0]['input'];
export type InventoryRows = Parameters<typeof importInventory>[0]['input'];
export type InventoryResult = Awaited<ReturnType<typeof importInventory>>;
export type InventoryLevel = Awaited<ReturnType<typeof inventoryLevels>>[number];
export type { CreateMerchantInput, CreatedMerchant, UsageImportResult, UsageRecordInput };

export interface OperatorTarget {
  createMerchant(input: CreateMerchantInput): Promise<CreatedMerchant>;
  /** Credits the merchant of this access code; refused like depositFunds for an unknown one. */
  deposit(input: { accessCode: string; amount: number; note?: string }): Promise<{ balance: number }>;
  listMerchants(): Promise<MerchantSummary[]>;
  /** The catalogue parsed (checked here first) and the file's text as read (what the API takes). */
  importCatalog(catalog: CatalogInput, text: string): Promise<{ packages: number; locations: number }>;
  importInventory(rows: InventoryRows): Promise<InventoryResult>;
  inventoryLevels(): Promise<InventoryLevel[]>;
  /** source null: back to the mode's default. */
  setProfileSource(input: { packageCode: string; source: ProfileSourceKind | null; profileType?: string | undefined }): Promise<PackageProfileSource>;
  listProfileSources(): Promise<PackageProfileSource[]>;
  /** Production's plans that cannot be ordered; none in the sandbox. */
  packagesWithoutSource(): Promise<string[]>;
  /** A signed correction with its reason; refused (200007) below zero. */
  adjust(input: { accessCode: string; amount: number; reason: string }): Promise<{ balance: number }>;
  setDisabled(input: { accessCode: string; disabled: boolean }): Promise<void>;
  /** Changes the fields given (an empty ipBlocklist clears it) and answers the settings after. */
  changeSettings(input: SettingsChange): Promise<MerchantSettings>;
  statement(input: StatementRequest): Promise<Statement>;
  /** One batch of usage records, at most usageBatchSize. */
  importUsageRecords(records: UsageRecordInput[]): Promise<UsageImportResult>;
  readonly usageBatchSize: number;
}

export interface SettingsChange {
  accessCode: string;
  signaturePolicy?: SignaturePolicy;
  rateLimit?: number;
  /** Only with rateLimit. */
  rateBurst?: number;
  ipBlocklist?: string[];
}

export interface MerchantSettings {
  accessCode: string;
  signaturePolicy: SignaturePolicy;
  rateLimit: number;
  rateBurst: number;
  ipBlocklist: string[];
  disabled: boolean;
}

export interface StatementRequest {
  accessCode: string;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
  pageSize: number;
}

/** A page of a merchant's ledger, newest first, each entry with the balance just after it (the operator API's shape). */
export interface Statement {
  entries: { entryId: number; time: string; kind: string; reference: string | null; note: string | null; amount: number; balance: number }[];
  total: number;
  page: number;
  pageSize: number;
}

/** depositFunds' words for an access code no merchant has, whichever way it was looked up. */
export const unknownAccessCode = (accessCode: string) => new Error(`no merchant with access code ${accessCode}`);

export interface RemoteOption {
  url?: string;
}

/** The --url option of an operator command that can call a remote server: `.option(...URL_OPTION)`. */
export const URL_OPTION = [
  '--url <url>',
  `call the operator API of the esimkit at this base URL instead of opening DATABASE_URL (env ${OPERATOR_URL_ENV}; token from ${OPERATOR_TOKEN_ENV})`,
] as const;

/**
 * Adds --url to a command that has no operator API endpoint, only to refuse it with a reason
 * (rather than commander's "unknown option"). ESIMKIT_OPERATOR_URL is not read by such a
 * command: it works on DATABASE_URL, as it says in its --help.
 */
export function directOnly<C extends Command>(command: C, why: string): C {
  command.option('--url <url>', `not available: ${why}`);
  command.hook('preAction', (_root, action) => {
    const url = action.opts<RemoteOption>().url;
    if (url === undefined) return;
    const names: string[] = [];
    for (let c: Command | null = action; c?.parent; c = c.parent) names.unshift(c.name());
    process.stderr.write(`error: esimkit ${names.join(' ')} cannot call a remote server (--url ${url}): ${why}\n`);
    process.exit(SETUP_EXIT);
  });
  return command;
}

/** Runs `work` against the remote server when the command has one, else against the database (opened with `direct`). */
export async function withOperatorTarget<T>(options: RemoteOption, work: (target: OperatorTarget) => Promise<T>, direct: { seed?: boolean } = {}): Promise<T> {
  const url = remoteUrlOf(options);
  if (url !== undefined) return work(remoteTarget(OperatorClient.fromEnvironment(url)));
  return withContext((ctx) => work(directTarget(ctx)), direct);
}
