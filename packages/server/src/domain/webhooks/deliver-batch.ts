import type { FinishAllIn } from '../../jobs/runner.js';
import type { ServiceContext } from '../context.js';
import { attemptDelivery, endpointColumns, handOver, recordAttempts, timeForAnotherPost, type Attempt } from './deliver.js';

/**
 * Several delivery jobs of one merchant claimed together (each the event ids it delivers): their events are read in one
 * query, each job's events are posted one after another in the order written (as a job
 * alone), the jobs side by side, and every attempt is recorded in one transaction that
 * also finishes the jobs: one commit for the batch instead of one per event. A job whose
 * lease would end before another post could hands the rest of its events to a new job in
 * that transaction.
 */
export async function deliverWebhookBatch(ctx: ServiceContext, batch: readonly { eventIds: number[]; leaseUntil: number }[], finishAllIn: FinishAllIn): Promise<void> {
  const db = ctx.db.kysely;
  const events = new Map(
    (await db.selectFrom('webhook_events').selectAll().where('id', 'in', batch.flatMap((job) => job.eventIds)).where('status', '=', 'pending').execute()).map((e) => [e.id, e]),
  );
  const merchantIds = [...new Set([...events.values()].map((e) => e.merchant_id))];
  const endpoints = new Map(
    merchantIds.length ? (await db.selectFrom('merchants').select(['id', ...endpointColumns]).where('id', 'in', merchantIds).execute()).map((m) => [m.id, m]) : [],
  );
  const leftOver: { merchantId: number; eventIds: number[] }[] = [];
  const attempts = await Promise.all(
    batch.map(async ({ eventIds, leaseUntil }) => {
      const made: Attempt[] = [];
      let posted = 0;
      for (const [index, id] of eventIds.entries()) {
        const event = events.get(id);
        const endpoint = event && endpoints.get(event.merchant_id);
        if (!event || !endpoint) continue;
        if (!timeForAnotherPost(ctx, leaseUntil, posted)) {
          leftOver.push({ merchantId: event.merchant_id, eventIds: eventIds.slice(index) });
          break;
        }
        const attempt = await attemptDelivery(ctx, event, endpoint);
        posted += 1;
        if (attempt) made.push(attempt);
      }
      return made;
    }),
  );
  await db.transaction().execute(async (tx) => {
    await recordAttempts(ctx, tx, attempts.flat());
    for (const rest of leftOver) await handOver(tx, rest.merchantId, rest.eventIds);
    await finishAllIn(tx);
  });
}
