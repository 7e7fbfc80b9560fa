import { withTransaction, type Executor } from '../../db/transaction.js';
import type { ServiceContext } from '../context.js';
import { lockEsim } from '../esims/lock.js';
import { applyEsimEventsIfAllowed } from '../lifecycle/apply.js';
import { announceDataUsage } from '../webhooks/data-usage.js';

/**
 * Usage reaches the API: orderUsage rises to what the network had metered, DATA_USAGE
 * thresholds fire, and a total-data plan that is used up becomes USED_UP. Runs inline, in
 * the transaction that recorded the use, when the reporting lag is zero, else as a job
 * `lag` after the use, in a transaction of its own.
 */
export function reportUsage(executor: Executor, ctx: ServiceContext, esimId: number, metered: number, at: Date): Promise<void> {
  return withTransaction(executor, async (tx) => {
    const esim = await lockEsim(tx, ctx.db.dialect, esimId);
    const usage = Math.max(esim.order_usage, Math.min(metered, esim.data_type === 1 ? esim.total_volume : metered));
    if (usage === esim.order_usage && esim.usage_updated_at !== null) return;
    const alerts = await announceDataUsage(tx, esim, usage, ctx.config.dataUsageThresholds, at);
    await tx
      .updateTable('esims')
      .set({ order_usage: usage, usage_updated_at: at.getTime(), usage_alerts_sent: JSON.stringify(alerts) })
      .where('id', '=', esim.id)
      .execute();
    // A total-data plan whose volume is used up: USED_UP, if the lifecycle allows it now (a
    // suspended eSIM stays suspended).
    if (esim.data_type === 1 && usage >= esim.total_volume) await applyEsimEventsIfAllowed(tx, esim, ['USE_UP'], { actor: 'system', at });
  });
}

/** The delayed report job. */
export async function runUsageReport(ctx: ServiceContext, payload: { esimId: number; metered: number }): Promise<void> {
  await reportUsage(ctx.db.kysely, ctx, payload.esimId, payload.metered, ctx.clock.now());
  ctx.wakeJobs?.();
}
