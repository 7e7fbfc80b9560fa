import { withTransaction, type Executor } from '../../db/transaction.js';
import type { ServiceContext } from '../context.js';
import type { EsimRow } from '../esims/find.js';
import { lockEsim } from '../esims/lock.js';
import { applyEsimEventsIfAllowed } from '../lifecycle/apply.js';
import { announceDataUsage, dueThresholds } from '../webhooks/data-usage.js';

/**
 * What a report of `metered` bytes makes of an eSIM: orderUsage rises to what was metered
 * (a total-data plan's no further than its volume, and never down); `unchanged` when it
 * stays as it was already reported; `quiet` when storing it is all there is to do: no
 * DATA_USAGE threshold reached and the volume not used up.
 */
export function reportOutcome(
  esim: Pick<EsimRow, 'order_usage' | 'usage_updated_at' | 'data_type' | 'total_volume' | 'usage_alerts_sent'>,
  metered: number,
  thresholds: readonly number[],
): { usage: number; unchanged: boolean; quiet: boolean } {
  const usage = Math.max(esim.order_usage, Math.min(metered, esim.data_type === 1 ? esim.total_volume : metered));
  return {
    usage,
    unchanged: usage === esim.order_usage && esim.usage_updated_at !== null,
    quiet: dueThresholds(esim, usage, thresholds).length === 0 && !usesUp(esim, usage),
  };
}

/** A total-data plan whose volume is used up. */
function usesUp(esim: Pick<EsimRow, 'data_type' | 'total_volume'>, usage: number): boolean {
  return esim.data_type === 1 && usage >= esim.total_volume;
}

/**
 * Usage reaches the API: orderUsage rises to what the network had metered, DATA_USAGE
 * thresholds fire, and a total-data plan that is used up becomes USED_UP. Runs inline, in
 * the transaction that recorded the use, when the reporting lag is zero, else as a job
 * `lag` after the use, in a transaction of its own.
 */
export function reportUsage(executor: Executor, ctx: ServiceContext, esimId: number, metered: number, at: Date): Promise<void> {
  return withTransaction(executor, async (tx) => {
    const esim = await lockEsim(tx, ctx.db.dialect, esimId);
    const { usage, unchanged } = reportOutcome(esim, metered, ctx.config.dataUsageThresholds);
    if (unchanged) return;
    const alerts = await announceDataUsage(tx, esim, usage, ctx.config.dataUsageThresholds, at);
    await tx
      .updateTable('esims')
      .set({ order_usage: usage, usage_updated_at: at.getTime(), usage_alerts_sent: JSON.stringify(alerts) })
      .where('id', '=', esim.id)
      .execute();
    // A total-data plan whose volume is used up: USED_UP, if the lifecycle allows it now (a
    // suspended eSIM stays suspended).
    if (usesUp(esim, usage)) await applyEsimEventsIfAllowed(tx, esim, ['USE_UP'], { actor: 'system', at });
  });
}

/** The delayed report job. */
export async function runUsageReport(ctx: ServiceContext, payload: { esimId: number; metered: number }): Promise<void> {
  await reportUsage(ctx.db.kysely, ctx, payload.esimId, payload.metered, ctx.clock.now());
  ctx.wakeJobs?.();
}
