import { formatWireTime, parseWireTime } from '@esimkit/contract';
import { nextJobTime } from '../../jobs/queue.js';
import type { MerchantContext, SandboxControls, ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { nextSweepTime } from '../sweeps/due.js';
import { markAdvancing, runSweeps, SWEEP } from '../sweeps/run.js';
import { DELIVER_WEBHOOK } from '../webhooks/emit.js';

// Kinds the clock does not stop for: the recurring sweep (its work is found directly) and
// webhook deliveries (sent by the background runner, so a slow receiver cannot stall time).
const NOT_STEPPED = [SWEEP, DELIVER_WEBHOOK];
const MAX_STEPS = 100_000;
const MAX_ADVANCE_MS = 400 * 86_400_000;
/** How long the advancing mark lasts unless renewed (a crashed advance frees it). */
const ADVANCING_LEASE_MS = 60_000;

export function sandboxOf(ctx: Pick<ServiceContext, 'sandbox'>): SandboxControls {
  if (!ctx.sandbox) throw new ApiError('000103', 'The sandbox API is served only in sandbox mode.');
  return ctx.sandbox;
}

function clockState(controls: SandboxControls) {
  return { now: formatWireTime(controls.clock.now()), offsetSeconds: Math.round(controls.clock.offset / 1000) };
}

export async function readClock({ ctx }: { ctx: MerchantContext }) {
  return clockState(sandboxOf(ctx));
}

/**
 * Moves the instance's clock forward, stopping at every moment something falls due on the
 * way (a job, a validity warning, a daily reset, an expiry) and running it there, so what
 * happens over 30 days happens in order and with the right timestamps.
 */
export async function advanceClock({ ctx, input }: { ctx: MerchantContext; input: { seconds?: number | undefined; to?: string | undefined } }) {
  const controls = sandboxOf(ctx);
  const start = controls.clock.now().getTime();
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

  const ran = { jobs: 0, warned: 0, reset: 0, expired: 0 };
  const runDue = async () => {
    ran.jobs += await controls.drainJobs(NOT_STEPPED);
    const swept = await runSweeps(ctx);
    ran.warned += swept.warned;
    ran.reset += swept.reset;
    ran.expired += swept.expired;
  };
  await markAdvancing(ctx, Date.now() + ADVANCING_LEASE_MS);
  try {
    return await stepTo(ctx, controls, target, runDue, ran);
  } finally {
    await markAdvancing(ctx, null);
    ctx.wakeJobs?.();
  }
}

async function stepTo(
  ctx: MerchantContext,
  controls: SandboxControls,
  target: number,
  runDue: () => Promise<void>,
  ran: { jobs: number; warned: number; reset: number; expired: number },
) {
  let leaseRenewedAt = Date.now();
  await runDue();
  for (let step = 0; step < MAX_STEPS; step++) {
    if (Date.now() - leaseRenewedAt > ADVANCING_LEASE_MS / 2) {
      await markAdvancing(ctx, Date.now() + ADVANCING_LEASE_MS);
      leaseRenewedAt = Date.now();
    }
    const now = controls.clock.now();
    const candidates = [await nextJobTime(ctx.db, now, NOT_STEPPED), await nextSweepTime(ctx.db, now)].filter((t): t is number => t !== null);
    const next = candidates.length ? Math.min(...candidates) : null;
    if (next === null || next > target) break;
    await controls.clock.moveTo(new Date(next));
    await runDue();
  }
  await controls.clock.moveTo(new Date(target));
  await runDue();
  return { ...clockState(controls), ...ran };
}
