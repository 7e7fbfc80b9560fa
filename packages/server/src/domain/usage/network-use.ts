import type { ServiceContext } from '../context.js';
import { activationFields, isDailyPlan } from '../esims/activation.js';
import type { EsimRow } from '../esims/find.js';
import { lockEsim } from '../esims/lock.js';
import { ApiError } from '../errors.js';
import type { Network } from '../ports.js';
import { enqueueJob } from '../../jobs/queue.js';
import { reportUsage } from './report.js';

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

/** The network serves an eSIM whose profile is enabled and whose plan is in use and valid. */
export function requireService(esim: EsimRow, now: Date): void {
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
 * The device uses `bytes` of data; the network carries what the plan's limits allow. A
 * first use activates the plan. What was carried reaches orderUsage after the reporting
 * lag (at once when it is zero).
 */
export async function recordNetworkUse(ctx: ServiceContext, network: Network, esimId: number, bytes: number): Promise<UseResult> {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new ApiError('000104', 'Invalid request parameter bytes: a positive whole number of bytes.');
  const now = ctx.clock.now();
  const result = await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await lockEsim(tx, ctx.db.dialect, esimId);
    requireService(esim, now);
    const activation = esim.activated_at === null ? activationFields(esim, now) : {};
    // A daily plan's package volume is its daily allowance.
    const pkg = await tx.selectFrom('packages').select('volume').where('code', '=', esim.package_code).executeTakeFirstOrThrow();
    const { carried, throttled } = network.carry(
      { dataType: esim.data_type, totalVolume: esim.total_volume, dailyAllowance: isDailyPlan(esim) ? pkg.volume : esim.total_volume },
      { total: esim.network_usage, today: esim.daily_usage, usedUp: esim.esim_status === 'USED_UP' },
      bytes,
    );
    const metered = esim.network_usage + carried;
    const daily = esim.daily_usage + carried;
    await tx.updateTable('esims').set({ network_usage: metered, daily_usage: daily, ...activation }).where('id', '=', esim.id).execute();
    if (carried > 0) {
      if (ctx.config.usageLagMs === 0) await reportUsage(tx, ctx, esim.id, metered, now);
      else await enqueueJob(tx, { kind: 'report-usage', payload: { esimId: esim.id, metered }, delayMs: ctx.config.usageLagMs, merchantId: esim.merchant_id });
    }
    return { esimTranNo: esim.esim_tran_no, consumed: carried, networkUsage: metered, dailyUsage: daily, throttled, cutOff: carried < bytes };
  });
  ctx.wakeJobs?.();
  return result;
}
