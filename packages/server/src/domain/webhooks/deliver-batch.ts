import type { FinishAllIn } from '../../jobs/runner.js';
import type { ServiceContext } from '../context.js';
import { attemptDelivery, endpointColumns, recordAttempts, type Attempt } from './deliver.js';

/**
 * Several delivery jobs of one merchant claimed together (each the event ids it delivers): their events are read in one
 * query, each job's events are posted one after another in the order written (as a job
 * alone), the jobs side by side, and every attempt is recorded in one transaction that
 * also finishes the jobs: one commit for the batch instead of one per event.
 */
export async function deliverWebhookBatch(ctx: ServiceContext, batch: readonly number[][], finishAllIn: FinishAllIn): Promise<void> {
  const db = ctx.db.kysely;
  const events = new Map(
    (await db.selectFrom('webhook_events').selectAll().where('id', 'in', batch.flat()).where('status', '=', 'pending').execute()).map((e) => [e.id, e]),
  );
  const merchantIds = [...new Set([...events.values()].map((e) => e.merchant_id))];
  const endpoints = new Map(
    merchantIds.length ? (await db.selectFrom('merchants').select(['id', ...endpointColumns]).where('id', 'in', merchantIds).execute()).map((m) => [m.id, m]) : [],
  );
  const attempts = await Promise.all(
    batch.map(async (eventIds) => {
      const made: Attempt[] = [];
      for (const id of eventIds) {
        const event = events.get(id);
        const endpoint = event && endpoints.get(event.merchant_id);
        if (!event || !endpoint) continue;
        const attempt = await attemptDelivery(ctx, event, endpoint);
        if (attempt) made.push(attempt);
      }
      return made;
    }),
  );
  await db.transaction().execute(async (tx) => {
    await recordAttempts(ctx, tx, attempts.flat());
    await finishAllIn(tx);
  });
}
