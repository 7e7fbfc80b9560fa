import { enqueueJob } from '../../jobs/queue.js';
import type { ServiceContext } from '../context.js';
import { advancingMerchants, merchantsAhead } from '../sandbox/clock-state.js';
import { resetDailyAllowances } from './daily-reset.js';
import type { SweepScope } from './due.js';
import { expireEsims } from './expire.js';
import { pruneEs2Notifications, pruneRequestLog, pruneSeenRequestIds } from './prune-requests.js';
import { pruneWebhookLog } from './prune-webhooks.js';
import { warnValidity } from './validity.js';

export const SWEEP_INTERVAL_MS = 60_000;

/** Every time-driven change due in the scope, in the order a day unfolds: warn, reset, expire. */
export async function runSweeps(ctx: ServiceContext, scope: SweepScope): Promise<{ warned: number; reset: number; expired: number }> {
  const warned = await warnValidity(ctx, scope);
  const reset = await resetDailyAllowances(ctx, scope);
  const expired = await expireEsims(ctx, scope);
  return { warned, reset, expired };
}

/**
 * Makes sure the next sweep is queued: one job per minute of real time, made once however
 * many instances ask (the dedupe key names the minute).
 */
export async function scheduleNextSweep(ctx: ServiceContext): Promise<void> {
  const at = Math.floor(Date.now() / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS + SWEEP_INTERVAL_MS;
  await enqueueJob(ctx.db.kysely, { kind: 'sweep', payload: {}, at, dedupeKey: `sweep:${at}` });
}

/**
 * The recurring sweep job. Each merchant's eSIMs change on its own clock: merchants whose
 * sandbox clock runs ahead are swept one by one at their own time (except while their clock
 * is being advanced: the advance sweeps them itself, step by step), everyone else in one
 * pass at real time. Then housekeeping, and the next sweep.
 */
export async function sweepJob(ctx: ServiceContext): Promise<void> {
  const ahead = ctx.sandbox ? await merchantsAhead(ctx.db) : [];
  const advancing = ctx.sandbox ? await advancingMerchants(ctx.db) : new Set<number>();
  for (const merchant of ahead) {
    if (!advancing.has(merchant.id)) await runSweeps(ctx, { now: new Date(Date.now() + merchant.offsetMs), merchantId: merchant.id });
  }
  await runSweeps(ctx, { now: new Date(), excludeMerchants: [...new Set([...ahead.map((m) => m.id), ...advancing])] });
  await pruneWebhookLog(ctx);
  await pruneRequestLog(ctx);
  await pruneSeenRequestIds(ctx);
  await pruneEs2Notifications(ctx);
  await scheduleNextSweep(ctx);
}
