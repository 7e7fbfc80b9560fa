import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import type { Clock } from '../lib/clock.js';
import type { MerchantsTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import type { DrainOptions } from '../jobs/runner.js';
import type { Device, Network } from './ports.js';

/** What every domain verb may use: storage, time and settings. Nothing of HTTP. */
export interface ServiceContext {
  db: Db;
  /**
   * "Now": real time for work that is no merchant's; a merchant's own clock (ahead of real
   * time in the sandbox) for its verbs and its background jobs (domain/merchant-clock.ts).
   */
  clock: Clock;
  config: Config;
  /** Error and warning logs of background work; absent in some scripts. */
  log?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Tells the job runner of this process that a job was enqueued (saves a poll interval). */
  wakeJobs?: () => void;
  /**
   * Drops this process's cached merchant rows after a verb changed a merchant's settings
   * (other instances see the change within their cache's second).
   */
  merchantChanged?: () => void;
  /** Sandbox mode only: the simulated device and network, and a way to run due jobs now. */
  sandbox?: SandboxControls;
}

export interface SandboxControls {
  /** The simulated handset and mobile network the sandbox's device actions drive. */
  device: Device;
  network: Network;
  /** Runs due jobs now (a merchant's, on its moving clock, for a clock advance); returns how many ran. */
  drainJobs(options: DrainOptions): Promise<number>;
}

export type MerchantRow = Selectable<MerchantsTable>;

/** A verb acting for an authenticated merchant. */
export interface MerchantContext extends ServiceContext {
  merchant: MerchantRow;
}

export interface Verb<Input, Ctx = MerchantContext> {
  ctx: Ctx;
  input: Input;
}
