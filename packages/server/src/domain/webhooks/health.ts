import type { DeliveryStatus } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';

// Webhook delivery health across merchants (console operator page): what is waiting, what
// arrived, what gave up, over the webhook log the retention keeps (WEBHOOK_RETENTION_DAYS).
// Times are real time, as the webhook log's are.

export interface MerchantWebhookHealth {
  merchantId: number;
  merchantName: string;
  webhookUrl: string | null;
  pending: number;
  delivered: number;
  failed: number;
  /** Events recorded while the merchant had no URL (never sent). */
  noEndpoint: number;
  /** created_at of the oldest event still pending; null when none is. */
  oldestPendingAt: number | null;
}

export interface FailedDelivery {
  eventId: number;
  merchantId: number;
  merchantName: string;
  notifyType: string;
  attempts: number;
  createdAt: number;
  /** The last attempt: its HTTP status (null: no answer) and error. */
  lastStatusCode: number | null;
  lastError: string | null;
  lastUrl: string | null;
}

/** One line per merchant (merchants with no events included, so a missing URL shows). */
export async function webhookHealth({ ctx }: { ctx: ServiceContext }): Promise<MerchantWebhookHealth[]> {
  const [merchants, counts, oldest] = await Promise.all([
    ctx.db.kysely.selectFrom('merchants').select(['id', 'name', 'webhook_url']).orderBy('id').execute(),
    ctx.db.kysely
      .selectFrom('webhook_events')
      .select((eb) => ['merchant_id', 'status', eb.fn.countAll<string | number>().as('n')])
      .groupBy(['merchant_id', 'status'])
      .execute(),
    ctx.db.kysely
      .selectFrom('webhook_events')
      .select((eb) => ['merchant_id', eb.fn.min<number>('created_at').as('oldest')])
      .where('status', '=', 'pending')
      .groupBy('merchant_id')
      .execute(),
  ]);
  const countOf = (merchantId: number, status: DeliveryStatus) =>
    Number(counts.find((c) => Number(c.merchant_id) === merchantId && c.status === status)?.n ?? 0);
  return merchants.map((m) => {
    const id = Number(m.id);
    const pendingSince = oldest.find((o) => Number(o.merchant_id) === id)?.oldest;
    return {
      merchantId: id,
      merchantName: m.name,
      webhookUrl: m.webhook_url,
      pending: countOf(id, 'pending'),
      delivered: countOf(id, 'delivered'),
      failed: countOf(id, 'failed'),
      noEndpoint: countOf(id, 'no_endpoint'),
      oldestPendingAt: pendingSince === undefined || pendingSince === null ? null : Number(pendingSince),
    };
  });
}

/** The newest deliveries that gave up, with their last attempt, newest first. */
export async function recentFailedDeliveries({ ctx, input }: { ctx: ServiceContext; input: { merchantId?: number | undefined; limit: number } }): Promise<FailedDelivery[]> {
  let query = ctx.db.kysely
    .selectFrom('webhook_events')
    .innerJoin('merchants', 'merchants.id', 'webhook_events.merchant_id')
    .select(['webhook_events.id', 'webhook_events.merchant_id', 'merchants.name', 'webhook_events.notify_type', 'webhook_events.attempts', 'webhook_events.created_at'])
    .where('webhook_events.status', '=', 'failed');
  if (input.merchantId !== undefined) query = query.where('webhook_events.merchant_id', '=', input.merchantId);
  const events = await query.orderBy('webhook_events.id', 'desc').limit(input.limit).execute();
  if (events.length === 0) return [];
  const attempts = await ctx.db.kysely
    .selectFrom('webhook_attempts')
    .select(['event_id', 'attempt', 'status_code', 'error', 'url'])
    .where(
      'event_id',
      'in',
      events.map((e) => e.id),
    )
    .orderBy('attempt', 'desc')
    .execute();
  return events.map((e) => {
    const last = attempts.find((a) => Number(a.event_id) === Number(e.id));
    return {
      eventId: Number(e.id),
      merchantId: Number(e.merchant_id),
      merchantName: e.name,
      notifyType: e.notify_type,
      attempts: Number(e.attempts),
      createdAt: Number(e.created_at),
      lastStatusCode: last?.status_code ?? null,
      lastError: last?.error ?? null,
      lastUrl: last?.url ?? null,
    };
  });
}
