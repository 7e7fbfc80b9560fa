import type { Selectable } from 'kysely';
import type { BalanceReads } from './balance/query.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import type { Sequences } from '../db/sequences.js';
import type { MerchantsTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { DrainOptions } from '../jobs/runner.js';
import type { PackageListCache } from './catalog/package-list-cache.js';
import type { OrderablePackageCache } from './orders/orderable-packages.js';
import type { Ledger } from './ledger.js';
import type { OrderWrites } from './orders/order-writes.js';
import type { RequestLogRecorder } from './request-log/recorder.js';
import type { Device, Network } from './ports.js';

/**
 * What every domain verb may use: storage, time, settings and this process's services.
 * Nothing of HTTP. Built once by the runtime (runtime.ts) and never changed (it is frozen):
 * what a verb needs to vary, such as a merchant's clock, goes in a derived copy.
 */
export interface ServiceContext {
  readonly db: Db;
  /**
   * "Now": real time for work that is no merchant's; a merchant's own clock (ahead of real
   * time in the sandbox) for its verbs and its background jobs (domain/merchant-clock.ts).
   */
  readonly clock: Clock;
  /** The settings, all but the public URL, which is final only once the server listens. */
  readonly config: ServiceConfig;
  /** The base of URLs handed out (flags, QR codes): PUBLIC_URL, or this server's own address. */
  publicUrl(): string;
  /** Caches and counters of this process, made by the runtime. */
  readonly services: Services;
  /** Seals secrets at rest and hashes access codes, with ESIMKIT_SECRET_KEY (docs/secrets.md). */
  readonly secrets: SecretBox;
  /** Error and warning logs of background work; absent in operator commands. */
  readonly log?: Log;
  /** Tells the job runner of this process that a job was enqueued (saves a poll interval). */
  wakeJobs?(): void;
  /**
   * Drops this process's cached merchant settings after a verb changed a merchant's settings
   * (other instances see the change within their cache's second).
   */
  merchantChanged(): void;
  /** Sandbox mode only: the simulated device and network, and a way to run due jobs now. */
  readonly sandbox?: SandboxControls;
}

/** The settings a verb sees: not the public URL (see above), nor the key secrets are sealed with (ctx.secrets uses it). */
export type ServiceConfig = Omit<Config, 'publicUrl' | 'secretKey'>;

export interface Log {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Per-process state, one of each per runtime: nothing of this kind lives in a module. */
export interface Services {
  /** Blocks of order, eSIM and ICCID numbers this process has taken. */
  readonly sequences: Sequences;
  /** package/list answers, dropped when the catalogue changes. */
  readonly packageLists: PackageListCache;
  /** esim/order's base plans, while the catalogue version is unchanged. */
  readonly orderablePackages: OrderablePackageCache;
  /** esim/order's writes, compiled once (domain/orders/order-writes.ts). */
  readonly orderWrites: OrderWrites;
  /** The ledger's writes, compiled once (domain/ledger.ts). */
  readonly ledger: Ledger;
  /** balance/query's reads, shared by a merchant's concurrent queries (domain/balance/query.ts). */
  readonly balanceReads: BalanceReads;
  /** Each merchant's recent API requests, written in batches (console request log). */
  readonly requestLog: RequestLogRecorder;
}

export interface SandboxControls {
  /** The simulated handset and mobile network the sandbox's device actions drive. */
  device: Device;
  network: Network;
  /** Runs due jobs now (a merchant's, on its moving clock, for a clock advance); returns how many ran. */
  drainJobs(options: DrainOptions): Promise<number>;
}

/** A merchant as stored, balance included: read it fresh (in a transaction when it matters). */
export type MerchantRow = Selectable<MerchantsTable>;

export type MerchantBalance = Pick<MerchantRow, 'balance' | 'balance_updated_at'>;

/** The merchant's columns that hold sealed secrets or the access code's hash (docs/secrets.md). */
export type SealedMerchantColumns = 'access_code_hash' | 'access_code_sealed' | 'secret_key_sealed' | 'webhook_secret_sealed' | 'webhook_previous_secret_sealed';

/** A merchant's secrets as opened (domain/merchants/secrets.ts): they live in memory only. */
export interface MerchantSecrets {
  access_code: string;
  secret_key: string;
  webhook_secret: string | null;
  webhook_previous_secret: string | null;
}

/**
 * A merchant's settings: everything but the balance, with its secrets opened. The request's
 * merchant may come from a cache a second old, so it cannot carry a balance to be mistaken
 * for a fresh one.
 */
export type MerchantSettings = Omit<MerchantRow, keyof MerchantBalance | SealedMerchantColumns> & MerchantSecrets;

/** A verb acting for an authenticated merchant. */
export interface MerchantContext extends ServiceContext {
  readonly merchant: MerchantSettings;
}

export interface Verb<Input, Ctx = MerchantContext> {
  ctx: Ctx;
  input: Input;
}
