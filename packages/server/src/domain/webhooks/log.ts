import { formatWireTime, parseWireTime } from '@esimkit/contract';
import type { DeliveryStatus } from '../../db/schema.js';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { normalisePager } from '../esims/query.js';

export interface WebhookLogInput {
  status?: DeliveryStatus | undefined;
  notifyType?: string | undefined;
  notifyId?: string | undefined;
  since?: string | undefined;
  pager?: { pageNum?: number | undefined; pageSize?: number | undefined } | undefined;
}

export function parseSince(field: string, text: string): number {
  const date = parseWireTime(text);
  if (!date) throw new ApiError('000104', `Invalid request parameter ${field}: expected an ISO UTC time such as 2025-01-31T10:00:00Z`);
  return date.getTime();
}

/** The merchant's delivery log: events newest first, each with every attempt. */
export async function webhookDeliveryLog({ ctx, input }: Verb<WebhookLogInput>) {
  const db = ctx.db.kysely;
  const { pageNum, pageSize } = normalisePager(input.pager);
  let events = db.selectFrom('webhook_events').where('merchant_id', '=', ctx.merchant.id);
  if (input.status) events = events.where('status', '=', input.status);
  if (input.notifyType) events = events.where('notify_type', '=', input.notifyType);
  if (input.notifyId) events = events.where('notify_id', '=', input.notifyId);
  if (input.since) events = events.where('created_at', '>=', parseSince('since', input.since));
  const total = await events.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await events
    .selectAll()
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((pageNum - 1) * pageSize)
    .execute();
  const attempts = rows.length
    ? await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'event_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    : [];
  const time = (ms: number | null) => (ms === null ? null : formatWireTime(new Date(ms)));
  return {
    eventList: rows.map((r) => ({
      notifyId: r.notify_id,
      notifyType: r.notify_type,
      status: r.status,
      attempts: r.attempts,
      createTime: formatWireTime(new Date(r.created_at)),
      deliveredTime: time(r.delivered_at),
      nextAttemptTime: time(r.next_attempt_at),
      body: r.body,
      attemptList: attempts
        .filter((a) => a.event_id === r.id)
        .map((a) => ({
          attempt: a.attempt,
          time: formatWireTime(new Date(a.at)),
          url: a.url,
          statusCode: a.status_code,
          latencyMs: a.latency_ms,
          response: a.response,
          error: a.error,
        })),
    })),
    pager: { pageSize, pageNum, total: Number(total.n) },
  };
}
