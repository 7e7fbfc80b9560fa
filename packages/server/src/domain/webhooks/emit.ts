import { formatEventTime, type NotifyType, type WebhookContent } from '@esimkit/contract';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { randomHex } from '../../lib/random.js';

type Executor = Kysely<Database> | Transaction<Database>;

export const DELIVER_WEBHOOK = 'deliver-webhook';

/** The body exactly as sent: the vendor's key order, notifyId fixed for every retry. */
export function webhookBody<T extends NotifyType>(type: T, notifyId: string, at: Date, content: WebhookContent<T>): string {
  return JSON.stringify({ notifyType: type, eventGenerateTime: formatEventTime(at), notifyId, content });
}

export interface EventToEmit<T extends NotifyType = NotifyType> {
  merchantId: number;
  type: T;
  content: WebhookContent<T>;
  at: Date;
}

/**
 * Writes webhook events in the caller's transaction, so they exist exactly when the change
 * they report commits, and enqueues their first delivery as one job: events of one change
 * are delivered one after another, in order (ENABLED never overtakes DOWNLOAD). A merchant
 * without a webhook URL still gets the events in its log, marked no_endpoint.
 */
export async function emitWebhooks(tx: Executor, events: EventToEmit[]): Promise<void> {
  if (events.length === 0) return;
  const merchantIds = [...new Set(events.map((e) => e.merchantId))];
  const merchants = await tx.selectFrom('merchants').select(['id', 'webhook_url']).where('id', 'in', merchantIds).execute();
  const withEndpoint = new Set(merchants.filter((m) => m.webhook_url).map((m) => m.id));
  const rows = await tx
    .insertInto('webhook_events')
    .values(
      events.map((event) => {
        const notifyId = randomHex(16);
        const pending = withEndpoint.has(event.merchantId);
        return {
          merchant_id: event.merchantId,
          notify_id: notifyId,
          notify_type: event.type,
          body: webhookBody(event.type, notifyId, event.at, event.content as WebhookContent<typeof event.type>),
          status: pending ? ('pending' as const) : ('no_endpoint' as const),
          next_attempt_at: pending ? event.at.getTime() : null,
          delivered_at: null,
          created_at: event.at.getTime(),
        };
      }),
    )
    .returning(['id', 'merchant_id'])
    .execute();
  const eventIds = rows.filter((r) => withEndpoint.has(r.merchant_id)).map((r) => r.id);
  if (eventIds.length === 0) return;
  // Every event of one transaction goes in one delivery job, in the order written: the
  // DATA_USAGE and USED_UP of one use arrive in that order.
  const batch = tx.isTransaction ? jobOfTransaction.get(tx) : undefined;
  if (batch) {
    batch.eventIds.push(...eventIds);
    await tx.updateTable('jobs').set({ payload: JSON.stringify({ eventIds: batch.eventIds }) }).where('id', '=', batch.jobId).execute();
    return;
  }
  const at = events[0]!.at.getTime();
  const job = await tx
    .insertInto('jobs')
    .values({ kind: DELIVER_WEBHOOK, payload: JSON.stringify({ eventIds }), run_at: at, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (tx.isTransaction) jobOfTransaction.set(tx, { jobId: job.id, eventIds });
}

const jobOfTransaction = new WeakMap<Executor, { jobId: number; eventIds: number[] }>();

export function emitWebhook<T extends NotifyType>(tx: Executor, event: EventToEmit<T>): Promise<void> {
  return emitWebhooks(tx, [event as EventToEmit]);
}
