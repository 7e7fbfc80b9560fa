import type { ServiceContext } from '../domain/context.js';
import { ApiError } from '../domain/errors.js';
import { activationFields, isDailyPlan } from '../domain/esims/activation.js';
import type { EsimRow } from '../domain/esims/find.js';
import { lockEsim } from '../domain/esims/lock.js';
import { REPORT_USAGE, reportUsage } from '../domain/usage/report.js';
import { enqueueJob } from '../jobs/queue.js';

// The simulated mobile network: attaching a device, metering its data against the plan's
// limits (total volume; daily allowance with throttling or cut-off), and carrying SMS.

export interface UseResult {
  esimTranNo: string;
  /** Bytes the network carried (less than asked when a limit cut it off). */
  consumed: number;
  networkUsage: number;
  dailyUsage: number;
  /** Daily plan of dataType 2 past its allowance: slowed to its fupPolicy. */
  throttled: boolean;
  /** The plan's limit stopped the data (total volume, or a dataType 3 daily allowance). */
  cutOff: boolean;
}

function requireService(esim: EsimRow, now: Date): void {
  if (esim.smdp_status !== 'ENABLED') throw new ApiError('200002', `The profile is not enabled on a device (smdpStatus ${esim.smdp_status}).`);
  if (!['IN_USE', 'USED_UP'].includes(esim.esim_status) || esim.expired_time <= now.getTime()) {
    throw new ApiError('200002', `No network service: the eSIM is ${esim.esim_status}.`);
  }
}

/** The device attaches: a plan that activates on first network use (activeType 2) starts now. */
export async function attachToNetwork(ctx: ServiceContext, esimId: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await lockEsim(tx, ctx.db.dialect, esimId);
    requireService(esim, now);
    if (esim.activated_at === null) await tx.updateTable('esims').set(activationFields(esim, now)).where('id', '=', esim.id).execute();
  });
}

/**
 * The device uses `bytes` of data. A first use activates the plan. A total-data plan stops
 * at its volume; a daily plan counts against its daily allowance (dataType 2 throttles past
 * it, 3 cuts off, 4 is unlimited). What was used reaches orderUsage after the reporting lag.
 */
export async function consumeData(ctx: ServiceContext, esimId: number, bytes: number): Promise<UseResult> {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new ApiError('000104', 'Invalid request parameter bytes: a positive whole number of bytes.');
  const now = ctx.clock.now();
  const result = await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await lockEsim(tx, ctx.db.dialect, esimId);
    requireService(esim, now);
    const activation = esim.activated_at === null ? activationFields(esim, now) : {};
    const pkg = await tx.selectFrom('packages').select('volume').where('code', '=', esim.package_code).executeTakeFirstOrThrow();
    let allowed = bytes;
    let throttled = false;
    if (!isDailyPlan(esim)) {
      allowed = Math.max(0, Math.min(bytes, esim.total_volume - esim.network_usage));
    } else if (esim.data_type === 3) {
      allowed = Math.max(0, Math.min(bytes, pkg.volume - esim.daily_usage));
    } else if (esim.data_type === 2) {
      throttled = esim.daily_usage + bytes > pkg.volume;
    }
    if (esim.esim_status === 'USED_UP') allowed = 0;
    const metered = esim.network_usage + allowed;
    const daily = esim.daily_usage + allowed;
    await tx.updateTable('esims').set({ network_usage: metered, daily_usage: daily, ...activation }).where('id', '=', esim.id).execute();
    if (allowed > 0) {
      if (ctx.config.usageLagMs === 0) await reportUsage(tx, ctx, esim.id, metered, now);
      else await enqueueJob(tx, { kind: REPORT_USAGE, payload: { esimId: esim.id, metered }, runAt: new Date(now.getTime() + ctx.config.usageLagMs), now });
    }
    return { esimTranNo: esim.esim_tran_no, consumed: allowed, networkUsage: metered, dailyUsage: daily, throttled, cutOff: allowed < bytes };
  });
  ctx.wakeJobs?.();
  return result;
}

/** An SMS reaches the device: from a phone (`from` given) or through the API path. */
export async function deliverSmsToDevice(ctx: ServiceContext, esimId: number, message: string, from: string | null): Promise<void> {
  const esim = await ctx.db.kysely.selectFrom('esims').selectAll().where('id', '=', esimId).executeTakeFirstOrThrow();
  if (esim.sms_status === 0) throw new ApiError('200002', "This eSIM's package does not support SMS (smsStatus 0).");
  if (from !== null && esim.sms_status === 2) throw new ApiError('200002', 'This package takes SMS through the API only (smsStatus 2), not from phones.');
  if (!['ENABLED', 'DISABLED'].includes(esim.smdp_status)) throw new ApiError('200002', `The profile is not on a device (smdpStatus ${esim.smdp_status}).`);
  await ctx.db.kysely
    .insertInto('sms_messages')
    .values({ esim_id: esim.id, merchant_id: esim.merchant_id, direction: 'MT', message, party: from, created_at: ctx.clock.now().getTime() })
    .execute();
}

/** The device sends an SMS (mobile originated). */
export async function sendSmsFromDevice(ctx: ServiceContext, esimId: number, message: string, to: string): Promise<void> {
  const now = ctx.clock.now();
  const esim = await ctx.db.kysely.selectFrom('esims').selectAll().where('id', '=', esimId).executeTakeFirstOrThrow();
  if (esim.sms_status === 0) throw new ApiError('200002', "This eSIM's package does not support SMS (smsStatus 0).");
  requireService(esim, now);
  await ctx.db.kysely
    .insertInto('sms_messages')
    .values({ esim_id: esim.id, merchant_id: esim.merchant_id, direction: 'MO', message, party: to, created_at: now.getTime() })
    .execute();
}
