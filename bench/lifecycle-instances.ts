import { randomBytes } from 'node:crypto';
import { startChild, type Child, type CpuSample } from './shared.js';

// The esimkit processes of one lifecycle run, all on the same database, and where they run.
//
// How several instances share one database (as `npm run chaos -- --instances N` runs them):
// the first prepares it (migrations, catalogue) and creates the bench merchant; the others
// start after it is ready, so no two run migrations at once, and serve the same merchant.
// They must seal secrets with the same ESIMKIT_SECRET_KEY. Each runs its own job runner on
// the shared jobs table (leases decide who runs a job), so an order placed on one instance
// may be allocated and notified by another. REDIS_URL is not set: Redis holds only the rate
// limit buckets and the replay window, and the bench merchant has no rate limit (the limiter
// is never asked) and sends unsigned requests (no RequestID to remember). The merchant cache
// is per process, but nothing about the merchant changes once the load starts.

/**
 * core0: every instance on core 0 (one instance: the historical setup, client and PostgreSQL
 * free); split: instance i on core i mod 2; none: nothing pinned, the OS spreads the instances,
 * PostgreSQL and the client over the cores. The client is never pinned.
 */
export type Pinning = 'core0' | 'split' | 'none';

export function isPinning(value: string): value is Pinning {
  return value === 'core0' || value === 'split' || value === 'none';
}

export function cpuOf(pinning: Pinning, index: number): number | undefined {
  if (pinning === 'core0') return 0;
  if (pinning === 'split') return index % 2;
  return undefined;
}

/** The pinning in words, for the header line; `count` undefined: the servers of a sweep. */
export function describePinning(pinning: Pinning, count?: number): string {
  if (count === 1 && pinning === 'core0') return 'server pinned to core 0, client on core 1';
  const servers = count === undefined ? 'the servers' : count === 1 ? 'the server' : `${count} servers`;
  if (pinning === 'core0') return `${servers} pinned to core 0, client and PostgreSQL unpinned`;
  if (pinning === 'split') return `${servers} pinned in turn to cores 0 and 1 (instance i on core i mod 2), client and PostgreSQL unpinned`;
  return `nothing pinned, the OS spreads ${servers}, PostgreSQL and the client over the cores`;
}

export interface Instances {
  urls: string[];
  accessCode: string;
  /** CPU time the instances' processes have used so far, microseconds, all together. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

export interface InstanceOptions {
  count: number;
  pinning: Pinning;
  databaseUrl: string;
  mode: string;
  /** Profiles the first instance imports for the benchmark's plan: production mode has no simulated SM-DP+. */
  inventory: number;
}

export async function startInstances(options: InstanceOptions): Promise<Instances> {
  const env = {
    BENCH_DATABASE_URL: options.databaseUrl,
    DATABASE_URL: options.databaseUrl,
    ALLOCATION_DELAY_MS: '0',
    ESIMKIT_MODE: options.mode,
    // The receiver is on loopback, which production refuses by default.
    WEBHOOK_ALLOW_PRIVATE: 'on',
    // The backlog measurement holds deliveries unanswered while it builds up, up to 25 s:
    // a post may take this long (the jobs' lease is 15 s longer, runtime.ts).
    WEBHOOK_TIMEOUT_MS: '25000',
    // Production seals merchants' secrets with a key it must be given (docs/secrets.md); every instance the same one.
    ESIMKIT_SECRET_KEY: randomBytes(32).toString('hex'),
  };
  const children: Child[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()));
  };
  try {
    const urls: string[] = [];
    let accessCode = '';
    for (let index = 0; index < options.count; index++) {
      const child = startChild('lifecycle-server.js', {
        cpu: cpuOf(options.pinning, index),
        env: { ...env, ...profileFileOf(index), ...(index > 0 ? { BENCH_MERCHANT: 'existing' } : { BENCH_INVENTORY: String(options.inventory) }) },
      });
      children.push(child);
      const ready = await child.first<{ url: string; accessCode?: string }>('ready');
      urls.push(ready.url);
      if (index === 0) accessCode = ready.accessCode!;
    }
    const cpuMicros = async () => (await Promise.all(children.map((child) => child.ask<CpuSample>({ type: 'cpu' })))).reduce((sum, sample) => sum + sample.cpuMicros, 0);
    return { urls, accessCode, cpuMicros, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** BENCH_CPU_PROFILE=FILE: the first instance writes FILE, the others FILE-2, FILE-3 (before its extension). */
function profileFileOf(index: number): Record<string, string> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file || index === 0) return {};
  return { BENCH_CPU_PROFILE: file.replace(/(\.cpuprofile)?$/, `-${index + 1}$1`) };
}
