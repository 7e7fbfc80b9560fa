import { parseArgs } from 'node:util';

// The command line of `npm run chaos -- ...`. Every knob has a default that makes a short,
// meaningful run on a laptop; a bad value stops the tool before anything is started.

export interface ChaosOptions {
  database: 'sqlite' | 'postgres';
  /** Server processes serving at once (PostgreSQL only; SQLite serves from one process). */
  instances: number;
  /** Seconds of load (orders and kills); the drain and the checks come after. */
  duration: number;
  /** Orders in flight at once across all clients. */
  concurrency: number;
  /** Mean seconds between two kills (each one 0.5x-1.5x of it, from the seed). */
  killEvery: number;
  seed: number;
  /** A PostgreSQL database to connect to: the run creates a database of its own beside it, dropped after. */
  postgresUrl: string;
  redisUrl: string;
  mode: 'sandbox' | 'production';
  /** Seconds the servers take to allocate an order (so that kills land between accepting and allocating). */
  allocationDelayMs: number;
  /** Production mode: profiles imported per package (production has no simulated SM-DP+). */
  inventory: number;
  /** Keep the database after the run (to look at it). */
  keep: boolean;
}

const USAGE = `usage: npm run chaos -- [--database sqlite|postgres] [--instances N] [--duration S]
       [--concurrency N] [--kill-every S] [--seed N] [--mode sandbox|production]
       [--allocation-delay-ms MS] [--inventory N] [--postgres-url URL] [--redis-url URL] [--keep]`;

export function parseOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      database: { type: 'string', default: 'sqlite' },
      instances: { type: 'string' },
      duration: { type: 'string', default: '60' },
      concurrency: { type: 'string', default: '16' },
      'kill-every': { type: 'string', default: '5' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      mode: { type: 'string', default: 'sandbox' },
      'allocation-delay-ms': { type: 'string', default: '300' },
      'postgres-url': { type: 'string', default: process.env.CHAOS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      'redis-url': { type: 'string', default: process.env.CHAOS_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      inventory: { type: 'string', default: '10000' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const positive = (name: string, raw: string, min = 1): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) problems.push(`--${name} must be a number >= ${min} (got ${raw})`);
    return value;
  };
  const database = values.database;
  if (database !== 'sqlite' && database !== 'postgres') problems.push(`--database must be sqlite or postgres (got ${database})`);
  const mode = values.mode;
  if (mode !== 'sandbox' && mode !== 'production') problems.push(`--mode must be sandbox or production (got ${mode})`);
  const instances = positive('instances', values.instances ?? (database === 'postgres' ? '2' : '1'));
  // Several processes writing one SQLite file is not a supported way to run esimkit.
  if (database === 'sqlite' && instances !== 1) problems.push('--instances must be 1 on SQLite (one process per SQLite file)');
  const options: ChaosOptions = {
    database: database as ChaosOptions['database'],
    instances: Math.floor(instances),
    duration: positive('duration', values.duration),
    concurrency: Math.floor(positive('concurrency', values.concurrency)),
    killEvery: positive('kill-every', values['kill-every'], 0.5),
    seed: Math.floor(positive('seed', values.seed, 0)),
    postgresUrl: values['postgres-url'],
    redisUrl: values['redis-url'],
    mode: mode as ChaosOptions['mode'],
    allocationDelayMs: Math.floor(positive('allocation-delay-ms', values['allocation-delay-ms'], 0)),
    inventory: Math.floor(positive('inventory', values.inventory)),
    keep: values.keep,
  };
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n${USAGE}`);
    process.exit(2);
  }
  return options;
}
