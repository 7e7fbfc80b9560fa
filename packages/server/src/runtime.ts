import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { connect, type Db } from './db/connect.js';
import { migrate } from './db/migrate.js';
import type { ServiceContext } from './domain/context.js';
import { catalogIsEmpty, importCatalog, readCatalogFile } from './domain/catalog/import.js';
import { createMerchant, type CreatedMerchant } from './domain/merchants/create.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './http/rate-limit.js';
import { MemoryReplayGuard, RedisReplayGuard, type ReplayGuard } from './http/replay-guard.js';
import { systemClock, type Clock } from './lib/clock.js';

/** The price list shipped with esimkit (a copy of the shared eSIM Access price list). */
export const bundledPriceList = fileURLToPath(new URL('../seed/esimaccess-pricelist.csv', import.meta.url));

/** The demo merchant's opening balance: $1,000 of test funds. */
export const DEMO_BALANCE = 10_000_000;

export interface Runtime {
  ctx: ServiceContext;
  rateLimiter: RateLimiter;
  replayGuard: ReplayGuard;
  redis: Redis | undefined;
  close(): Promise<void>;
}

/** Opens the database and Redis named by the config; nothing else. */
export async function openRuntime(config: Config, clock: Clock = systemClock): Promise<Runtime> {
  const db: Db = connect(config.databaseUrl);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true }) : undefined;
  return {
    ctx: { db, clock, config },
    rateLimiter: redis ? new RedisRateLimiter(redis) : new MemoryRateLimiter(),
    replayGuard: redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard(),
    redis,
    async close() {
      redis?.disconnect();
      await db.close();
    },
  };
}

/** Migrations, then the first-start seed: catalogue when empty. */
export async function prepareDatabase(ctx: ServiceContext): Promise<{ migrations: string[]; seeded: number }> {
  const migrations = await migrate(ctx.db);
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
 */
export async function ensureDemoMerchant(ctx: ServiceContext): Promise<(CreatedMerchant & { created: boolean }) | undefined> {
  if (ctx.config.mode !== 'sandbox') return undefined;
  const marker = await ctx.db.kysely.selectFrom('meta').select('value').where('key', '=', 'demo_merchant').executeTakeFirst();
  if (marker) {
    const row = await ctx.db.kysely.selectFrom('merchants').selectAll().where('access_code', '=', marker.value).executeTakeFirst();
    if (row) {
      return {
        id: Number(row.id),
        name: row.name,
        accessCode: row.access_code,
        secretKey: row.secret_key,
        signaturePolicy: row.signature_policy,
        rateLimit: row.rate_limit,
        rateBurst: row.rate_burst,
        balance: row.balance,
        created: false,
      };
    }
  }
  const merchant = await createMerchant({ ctx, input: { name: 'Demo merchant', balance: DEMO_BALANCE } });
  await ctx.db.kysely
    .insertInto('meta')
    .values({ key: 'demo_merchant', value: merchant.accessCode })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: merchant.accessCode }))
    .execute();
  return { ...merchant, created: true };
}
