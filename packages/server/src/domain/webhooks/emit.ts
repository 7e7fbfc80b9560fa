import { formatEventTime, type NotifyType, type WebhookContent } from '@esimkit/contract';
import { insertRows } from '../../db/insert-rows.js';
import { withTransaction, type Executor } from '../../db/transaction.js';
import { enqueueDeliveries, enqueueJobs } from '../../jobs/queue.js';
import { randomHex } from '../../lib/random.js';

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
 * Writes webhook events in the caller's transaction (or one of their own, with their
 * delivery job), so they exist exactly when the change they report commits, and enqueues
 * their delivery: the events one transaction writes for
 * a merchant go in one job, delivered one after another in order (ENABLED never overtakes
 * DOWNLOAD). A merchant without a webhook URL still gets the events in its log, marked
 * no_endpoint. `at` (the event's time on the merchant's clock) is in the body; the log's own
 * record times are real time.
 */
export async function emitWebhooks(executor: Executor, events: EventToEmit[], options: EmitOptions = {}): Promise<void> {
  if (events.length === 0) return;
  await withTransaction(executor, (tx) => writeEvents(tx, events, options));
}

export interface EmitOptions {
  /**
   * Events that report unrelated changes written together (a batch of orders allocated in
   * one transaction): each gets its own delivery job, so none waits for another's receiver
   * and the runner can post them side by side.
   */
  unrelated?: boolean;
}

async function writeEvents(tx: Executor, events: EventToEmit[], options: EmitOptions): Promise<void> {
  const merchantIds = [...new Set(events.map((e) => e.merchantId))];
  const merchants = await tx.selectFrom('merchants').select(['id', 'webhook_url']).where('id', 'in', merchantIds).execute();
  const withEndpoint = new Set(merchants.filter((m) => m.webhook_url).map((m) => m.id));
  const wallNow = Date.now();
  const rows = await insertRows(
    tx,
    'webhook_events',
    events.map((event) => {
      const notifyId = randomHex(16);
      const pending = withEndpoint.has(event.merchantId);
      return {
        merchant_id: event.merchantId,
        notify_id: notifyId,
        notify_type: event.type,
        body: webhookBody(event.type, notifyId, event.at, event.content as WebhookContent<typeof event.type>),
        status: pending ? ('pending' as const) : ('no_endpoint' as const),
        next_attempt_at: pending ? wallNow : null,
        delivered_at: null,
        created_at: wallNow,
      };
    }),
    ['id', 'merchant_id'],
  );
  if (options.unrelated) {
    const pending = rows.filter((r) => withEndpoint.has(r.merchant_id));
    await enqueueJobs(tx, pending.map((r) => ({ kind: 'deliver-webhook' as const, payload: { eventIds: [r.id] }, merchantId: r.merchant_id })));
    return;
  }
  for (const merchantId of withEndpoint) {
    const eventIds = rows.filter((r) => r.merchant_id === merchantId).map((r) => r.id);
    if (eventIds.length) await enqueueDeliveries(tx, merchantId, eventIds);
  }
}

export function emitWebhook<T extends NotifyType>(tx: Executor, event: EventToEmit<T>): Promise<void> {
  return emitWebhooks(tx, [event as EventToEmit]);
}
