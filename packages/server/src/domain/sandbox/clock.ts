import { formatWireTime, parseWireTime } from '@esimkit/contract';
import { nextJobTime } from '../../jobs/queue.js';
import type { MerchantContext, SandboxControls, ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { merchantClock } from '../merchant-clock.js';
import { nextSweepTime } from '../sweeps/due.js';
import { runSweeps } from '../sweeps/run.js';
import { clockOffsetOf, markAdvancing, moveMerchantClock } from './clock-state.js';

// Each merchant has its own sandbox clock, like per-object test clocks: it starts at real
// time, only its merchant moves it, and moving it runs only that merchant's due work.

// Kinds the clock does not stop for: the recurring sweep (its work is found directly) and
// webhook deliveries (sent by the background runner, so a slow receiver cannot stall time).
const NOT_STEPPED = ['sweep', 'deliver-webhook'];
const MAX_STEPS = 100_000;
const MAX_ADVANCE_MS = 400 * 86_400_000;
/** How long the advancing mark lasts unless renewed (a crashed advance frees it). */
const ADVANCING_LEASE_MS = 60_000;

export function sandboxOf(ctx: Pick<ServiceContext, 'sandbox'>): SandboxControls {
  if (!ctx.sandbox) throw new ApiError('000103', 'The sandbox API is served only in sandbox mode.');
  return ctx.sandbox;
}

function clockState(offsetMs: number) {
  return { now: formatWireTime(new Date(Date.now() + offsetMs)), offsetSeconds: Math.round(offsetMs / 1000) };
}

export async function readClock({ ctx }: { ctx: MerchantContext }) {
  sandboxOf(ctx);
  return clockState(await clockOffsetOf(ctx.db, ctx.merchant.id));
}

interface Ran {
  jobs: number;
  warned: number;
  reset: number;
  expired: number;
}

/**
 * Moves the merchant's clock forward, stopping at every moment something of the merchant's
 * falls due on the way (a job, a validity warning, a daily reset, an expiry) and running it
 * there, so what happens over 30 days happens in order and with the right timestamps.
 * Nothing of another merchant's changes.
 */
export async function advanceClock({ ctx, input }: { ctx: MerchantContext; input: { seconds?: number | undefined; to?: string | undefined } }) {
  const controls = sandboxOf(ctx);
  const merchantId = ctx.merchant.id;
  const start = Date.now() + (await clockOffsetOf(ctx.db, merchantId));
  let target: number;
  if (input.to !== undefined) {
    const to = parseWireTime(input.to);
    if (!to) throw new ApiError('000104', 'Invalid request parameter to: expected an ISO UTC time such as 2026-12-31T00:00:00Z');
    target = to.getTime();
  } else if (input.seconds !== undefined) {
    target = start + input.seconds * 1000;
  } else {
    throw new ApiError('000105', 'Request parameters (mandatory) are not contained: seconds or to');
  }
  if (target <= start) throw new ApiError('000104', `The sandbox clock never goes backward: it is ${formatWireTime(new Date(start))}.`);
  if (target - start > MAX_ADVANCE_MS) throw new ApiError('000104', 'The sandbox clock moves at most 400 days in one call.');

  const ran: Ran = { jobs: 0, warned: 0, reset: 0, expired: 0 };
  let offset = await clockOffsetOf(ctx.db, merchantId);
  const runDue = async () => {
    const clock = merchantClock(offset);
    ran.jobs += await controls.drainJobs({ excludeKinds: NOT_STEPPED, merchant: { id: merchantId, clock } });
    const swept = await runSweeps({ ...ctx, clock }, { now: clock.now(), merchantId });
    ran.warned += swept.warned;
    ran.reset += swept.reset;
    ran.expired += swept.expired;
  };
  const moveTo = async (time: number) => {
    offset = await moveMerchantClock(ctx.db, merchantId, time);
  };

  await markAdvancing(ctx.db.kysely, merchantId, Date.now() + ADVANCING_LEASE_MS);
  try {
    let leaseRenewedAt = Date.now();
    await runDue();
    for (let step = 0; step < MAX_STEPS; step++) {
      if (Date.now() - leaseRenewedAt > ADVANCING_LEASE_MS / 2) {
        await markAdvancing(ctx.db.kysely, merchantId, Date.now() + ADVANCING_LEASE_MS);
        leaseRenewedAt = Date.now();
      }
      const now = Date.now() + offset;
      const nextJob = await nextJobTime(ctx.db, merchantId, NOT_STEPPED);
      const candidates = [nextJob === null ? null : nextJob + offset, await nextSweepTime(ctx.db, merchantId, new Date(now))].filter((t): t is number => t !== null);
      const next = candidates.length ? Math.min(...candidates) : null;
      if (next === null || next > target) break;
      await moveTo(Math.max(next, now + 1));
      await runDue();
    }
    await moveTo(target);
    await runDue();
  } finally {
    await markAdvancing(ctx.db.kysely, merchantId, null);
    ctx.merchantChanged();
    ctx.wakeJobs?.();
  }
  return { ...clockState(offset), ...ran };
}
