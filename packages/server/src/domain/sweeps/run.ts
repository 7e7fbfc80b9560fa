import { enqueueJob } from '../../jobs/queue.js';
import type { ServiceContext } from '../context.js';
import { resetDailyAllowances } from './daily-reset.js';
import { expireEsims } from './expire.js';
import { warnValidity } from './validity.js';
import { pruneWebhookLog } from './prune-webhooks.js';

export const SWEEP = 'sweep';
export const SWEEP_INTERVAL_MS = 60_000;

/** Every time-driven change that is due, in the order a day unfolds: warn, reset, expire. */
export async function runSweeps(ctx: ServiceContext): Promise<{ warned: number; reset: number; expired: number }> {
  const warned = await warnValidity(ctx);
  const reset = await resetDailyAllowances(ctx);
  const expired = await expireEsims(ctx);
  return { warned, reset, expired };
}

/** The recurring job's share of housekeeping beyond the eSIM sweeps. */
async function housekeeping(ctx: ServiceContext): Promise<void> {
  await pruneWebhookLog(ctx);
}

/**
 * Makes sure the next sweep is queued: one job per minute of the clock, made once however
 * many instances ask (the dedupe key names the minute).
 */
export async function scheduleNextSweep(ctx: ServiceContext): Promise<void> {
  const now = ctx.clock.now().getTime();
  const at = Math.floor(now / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS + SWEEP_INTERVAL_MS;
  await enqueueJob(ctx.db.kysely, { kind: SWEEP, payload: {}, runAt: new Date(at), now: new Date(now), dedupeKey: `${SWEEP}:${at}` });
}

const ADVANCING_KEY = 'sandbox_advancing_until';

/**
 * While the sandbox clock is being advanced (by any instance), the advance runs the sweeps
 * itself at each step; the recurring job stands aside so the two do not race for the same
 * rows. The mark carries a wall-clock expiry, so a crashed advance frees it by itself.
 */
export async function markAdvancing(ctx: ServiceContext, untilWallMs: number | null): Promise<void> {
  const value = String(untilWallMs ?? 0);
  await ctx.db.kysely
    .insertInto('meta')
    .values({ key: ADVANCING_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

async function advancing(ctx: ServiceContext): Promise<boolean> {
  const row = await ctx.db.kysely.selectFrom('meta').select('value').where('key', '=', ADVANCING_KEY).executeTakeFirst();
  return Number(row?.value ?? 0) > Date.now();
}

/** The recurring sweep job: sweeps (unless an advance is sweeping), then queues the next. */
export async function sweepJob(ctx: ServiceContext): Promise<void> {
  if (!(await advancing(ctx))) await runSweeps(ctx);
  await housekeeping(ctx);
  await scheduleNextSweep(ctx);
}
