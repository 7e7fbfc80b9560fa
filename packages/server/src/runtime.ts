import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { defaultPublicUrl, type Config } from './config.js';
import { connect, type Db } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { Sequences } from './db/sequences.js';
import { BalanceReads } from './domain/balance/query.js';
import { PackageListCache } from './domain/catalog/package-list-cache.js';
import { OrderablePackageCache } from './domain/orders/orderable-packages.js';
import { Ledger } from './domain/ledger.js';
import { OrderWrites } from './domain/orders/order-writes.js';
import type { SandboxControls, ServiceContext, Services } from './domain/context.js';
import { MerchantCache } from './http/merchant-cache.js';
import { catalogIsEmpty, importCatalog, readCatalogFile } from './domain/catalog/import.js';
import { createMerchant, type CreatedMerchant } from './domain/merchants/create.js';
import { sealPlainSecrets } from './domain/merchants/seal-secrets.js';
import { openMerchantSecrets } from './domain/merchants/secrets.js';
import { resolveSecretKey, type ResolvedSecretKey } from './secret-key.js';
import { randomHex } from './lib/random.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './http/rate-limit.js';
import { PersistentReplayGuard, RedisReplayGuard, type ReplayGuard } from './http/replay-guard.js';
import { systemClock, type Clock } from './lib/clock.js';
import { jobHandlers } from './jobs/handlers.js';
import { JobRunner } from './jobs/runner.js';
import { RequestLogRecorder } from './domain/request-log/recorder.js';
import { SimulatedSmdp } from './sim/smdp.js';
import { Es2PlusClient } from './es2plus/client.js';
import { SimulatedDevice } from './sim/device.js';
import { SimulatedNetwork } from './sim/network.js';

/** The price list shipped with esimkit (a copy of the shared eSIM Access price list). */
export const bundledPriceList = fileURLToPath(new URL('../seed/esimaccess-pricelist.csv', import.meta.url));

/** The demo merchant's opening balance: $1,000 of test funds. */
export const DEMO_BALANCE = 10_000_000;

export interface Runtime {
  ctx: ServiceContext;
  /** Background jobs of this process (started by the server when JOB_RUNNER is on). */
  jobs: JobRunner;
  /** Merchants by access code, for authentication; `ctx.merchantChanged` empties it. */
  merchants: MerchantCache;
  rateLimiter: RateLimiter;
  replayGuard: ReplayGuard;
  redis: Redis | undefined;
  /** The process's log (the HTTP server logs to it too), when one was asked for. */
  logger: Logger | undefined;
  /** Where the key that seals secrets came from (never the key). */
  secretKey: Omit<ResolvedSecretKey, 'box'>;
  /** The server listens on `port`: a public URL that follows the port (PORT=0) names it from now on. */
  listening(port: number): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** `false` (operator commands) refuses to make a new SQLite file. */
  createDatabase?: boolean;
  /** A long-running server: SQLite checkpoints its log from a worker thread (db/sqlite-checkpointer.ts). */
  serving?: boolean;
  /**
   * A log for background work and the HTTP server: pino options, `true` for pino's defaults,
   * `false` for none. Default: none (operator commands print their own output).
   */
  logger?: boolean | LoggerOptions;
}

/**
 * Opens the database and Redis named by the config, and makes this process's services and
 * the context that carries them, once: nothing of this kind lives at module level, so two
 * runtimes in one process (tests, a CLI command inside a server) share nothing.
 */
export async function openRuntime(config: Config, givenClock?: Clock, options: RuntimeOptions = {}): Promise<Runtime> {
  // A real SM-DP+ over ES2+ when ES2_SMDP_URL is set (docs/production.md). Its PEM files are
  // read first: an unreadable one stops the start before any connection is opened.
  const es2 = config.es2.smdpUrl ? Es2PlusClient.fromSettings({ ...config.es2, smdpUrl: config.es2.smdpUrl }, config.smdpAddress) : undefined;
  let logger: Logger | undefined;
  const db: Db = connect(config.databaseUrl, {
    create: options.createDatabase ?? true,
    durable: config.mode === 'production',
    backgroundCheckpoints: options.serving ?? false,
    onBackgroundError: (message) => logger?.error({ error: message }, 'checkpointing the SQLite log failed'),
  });
  // After connecting: a command run where there is no database says so, and makes no key file.
  let secretKey: ResolvedSecretKey;
  try {
    secretKey = resolveSecretKey(config);
  } catch (error) {
    await db.close();
    throw error;
  }
  // Real time for everything that is no merchant's; each merchant's own clock (movable in
  // the sandbox) comes with the merchant. A clock passed in (tests) stands for real time.
  const clock: Clock = givenClock ?? systemClock;
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  logger = options.logger === undefined || options.logger === false ? undefined : pino(options.logger === true ? {} : options.logger);
  if (secretKey.generated) logger?.info({ file: secretKey.file, keyId: secretKey.box.keyId }, 'secret key generated (sandbox mode): it seals the merchants\' secrets; keep it with the database');
  const merchants = new MerchantCache(db, secretKey.box);
  const services: Services = Object.freeze({
    sequences: new Sequences(db),
    packageLists: new PackageListCache(),
    orderablePackages: new OrderablePackageCache(db),
    orderWrites: new OrderWrites(db),
    ledger: new Ledger(db),
    balanceReads: new BalanceReads(db),
    requestLog: new RequestLogRecorder(db, { onError: (error) => logger?.error({ err: error }, 'writing the request log failed') }),
  });
  // PORT=0 takes any free port, known only once the server listens, and the URLs handed
  // out (flags, QR codes, the OpenAPI server) must name it. The context is needed before
  // that (migrations, seed, routes), so rather than build it late or change it, it reads the
  // public URL through a function, bound late like the runner below; the server reports the
  // port it got (`listening`). A set PUBLIC_URL or a fixed port is final from the start.
  const followsPort = config.port === 0 && config.publicUrl === defaultPublicUrl(config.host, 0);
  let boundUrl: string | undefined;
  const { publicUrl: configuredUrl, secretKey: _secretKeySetting, ...settings } = config;
  // The runner needs the context and the context wakes the runner: bound late, built once.
  let runner: JobRunner | undefined;
  const sandbox: SandboxControls | undefined =
    config.mode === 'sandbox'
      ? Object.freeze<SandboxControls>({ drainJobs: (options) => runner!.drain(options), device: new SimulatedDevice(), network: new SimulatedNetwork() })
      : undefined;
  // Frozen: a verb that needs something else (a merchant, its clock) makes a derived copy;
  // an assignment to the shared context fails loudly instead of leaking into every request.
  const ctx: ServiceContext = Object.freeze({
    db,
    clock,
    config: Object.freeze(settings),
    publicUrl: () => boundUrl ?? configuredUrl,
    services,
    secrets: secretKey.box,
    ...(logger ? { log: logger } : {}),
    wakeJobs: () => runner?.wake(),
    merchantChanged: () => merchants.invalidate(),
    ...(sandbox ? { sandbox } : {}),
  });
  const replayGuard = redis ? new RedisReplayGuard(redis) : new PersistentReplayGuard(db, config.signatureWindowMs * 2, (error) => logger?.error({ err: error }, 'keeping the replay window at stop failed'));
  // A lease covers the longest outside call a job makes (a webhook POST may take up to 60 s,
  // an ES2+ call 25 s) with room to record it: jobs stop before their lease would end
  // between calls, but a call once made runs to its end.
  const leaseMs = Math.max(30_000, config.webhookTimeoutMs + 15_000);
  const jobs = new JobRunner(ctx, jobHandlers({ smdp: new SimulatedSmdp(services.sequences, config.smdpAddress), es2 }), { leaseMs });
  runner = jobs;
  return {
    ctx,
    jobs,
    merchants,
    rateLimiter: redis ? new RedisRateLimiter(redis) : new MemoryRateLimiter(),
    replayGuard,
    redis,
    logger,
    secretKey: { source: secretKey.source, generated: secretKey.generated, ...(secretKey.file ? { file: secretKey.file } : {}) },
    listening(port) {
      if (followsPort) boundUrl = defaultPublicUrl(config.host, port);
    },
    async close() {
      await jobs.stop();
      es2?.close();
      await services.requestLog.close();
      if (replayGuard instanceof PersistentReplayGuard) await replayGuard.close();
      redis?.disconnect();
      await db.close();
    },
  };
}

/**
 * Migrations, the secrets check (plain rows sealed, a wrong key refused: SecretKeyMismatch),
 * then the first-start seed: catalogue when empty.
 */
export async function prepareDatabase(ctx: ServiceContext): Promise<{ migrations: string[]; seeded: number }> {
  const migrations = await migrate(ctx.db);
  await sealPlainSecrets(ctx);
  let seeded = 0;
  const source = ctx.config.seedCatalog ?? bundledPriceList;
  if (source !== 'none' && (await catalogIsEmpty(ctx))) {
    const catalog = await readCatalogFile(source);
    seeded = (await importCatalog({ ctx, input: catalog })).packages;
  }
  return { migrations, seeded };
}

/**
 * In sandbox mode there is always a demo merchant, made on first start with test funds.
 * Returns its credentials (made now or earlier); undefined in production mode.
 *
 * Several instances may start at once on a fresh database: the `demo_merchant` marker is
 * claimed first (insert, do nothing on conflict) with credentials chosen up front, and only
 * the instance that claimed it creates the merchant. The others wait for that merchant, so
 * every instance prints the same credentials and there is one demo merchant.
 */
export async function ensureDemoMerchant(ctx: ServiceContext): Promise<(CreatedMerchant & { created: boolean }) | undefined> {
  if (ctx.config.mode !== 'sandbox') return undefined;
  const existing = await findDemoMerchant(ctx);
  if (existing) return { ...existing, created: false };

  const accessCode = randomHex(16);
  const secretKey = randomHex(16);
  await ctx.db.kysely
    .insertInto('meta')
    // By its keyed hash: the meta table holds no plain access code either.
    .values({ key: 'demo_merchant', value: ctx.secrets.hashAccessCode(accessCode) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const marker = await demoMarker(ctx);
  if (marker === ctx.secrets.hashAccessCode(accessCode)) {
    const merchant = await createMerchant({ ctx, input: { name: 'Demo merchant', balance: DEMO_BALANCE, accessCode, secretKey } });
    return { ...merchant, created: true };
  }

  // Another instance holds the marker: its merchant appears as soon as it has written it.
  for (let waited = 0; waited < DEMO_WAIT_MS; waited += 50) {
    const other = await findDemoMerchant(ctx);
    if (other) return { ...other, created: false };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // A marker without a merchant (the merchant was deleted, or a start died in between):
  // make a new demo merchant and point the marker at it.
  const merchant = await createMerchant({ ctx, input: { name: 'Demo merchant', balance: DEMO_BALANCE, accessCode, secretKey } });
  await ctx.db.kysely.updateTable('meta').set({ value: ctx.secrets.hashAccessCode(accessCode) }).where('key', '=', 'demo_merchant').execute();
  return { ...merchant, created: true };
}

/** How long a start waits for the demo merchant another instance has claimed. */
const DEMO_WAIT_MS = 5000;

async function demoMarker(ctx: ServiceContext): Promise<string | undefined> {
  const row = await ctx.db.kysely.selectFrom('meta').select('value').where('key', '=', 'demo_merchant').executeTakeFirst();
  return row?.value;
}

async function findDemoMerchant(ctx: ServiceContext): Promise<CreatedMerchant | undefined> {
  const marker = await demoMarker(ctx);
  if (marker === undefined) return undefined;
  const row = await ctx.db.kysely.selectFrom('merchants').selectAll().where('access_code_hash', '=', marker).executeTakeFirst();
  if (!row) return undefined;
  const secrets = openMerchantSecrets(ctx.secrets, row);
  return {
    id: Number(row.id),
    name: row.name,
    accessCode: secrets.access_code,
    secretKey: secrets.secret_key,
    signaturePolicy: row.signature_policy,
    rateLimit: row.rate_limit,
    rateBurst: row.rate_burst,
    balance: row.balance,
  };
}

/**
 * Redis for the shared rate limit and replay window. Commands fail at once while it is
 * unreachable (no queue that would hold requests up); the start waits a moment for the
 * first connection so the first requests already share the buckets.
 */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  // Outages surface where Redis is used (the rate limiter logs them); no unhandled events.
  redis.on('error', () => {});
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
