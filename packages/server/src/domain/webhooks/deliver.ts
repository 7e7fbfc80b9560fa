import type { ServiceContext } from '../context.js';
import { enqueueJob, finishJobIn, type Job } from '../../jobs/queue.js';
import { postJson, type PostResult } from './post.js';
import { signatureHeaders } from './signing.js';
import { checkWebhookTarget, UnsafeWebhookUrl } from './url-policy.js';
import { DELIVER_WEBHOOK } from './emit.js';

/** Sends a prepared body to a URL after checking it; an unsafe URL is a failed attempt. */
export async function sendWebhook(ctx: ServiceContext, url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
  try {
    const target = await checkWebhookTarget(url, ctx.config.webhookAllowPrivate);
    return await postJson(target, body, headers, ctx.config.webhookTimeoutMs);
  } catch (error) {
    if (error instanceof UnsafeWebhookUrl) return { statusCode: null, latencyMs: 0, response: '', error: error.message };
    throw error;
  }
}

export function isSuccess(result: PostResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

/**
 * The delivery job: one attempt at one event. Only a 2xx counts. A failure schedules the
 * next attempt per the retry schedule on the injected clock; after the last it is failed.
 * Every attempt is logged. The event row changes only if it is still as this attempt found
 * it, so a duplicate job (a worker died after posting) cannot double-count.
 */
export async function deliverWebhook(ctx: ServiceContext, eventId: number, finishing?: Job): Promise<boolean> {
  const db = ctx.db.kysely;
  const event = await db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
  if (!event || event.status !== 'pending') return false;
  const merchant = await db
    .selectFrom('merchants')
    .select(['webhook_url', 'webhook_secret', 'webhook_previous_secret', 'webhook_previous_secret_until'])
    .where('id', '=', event.merchant_id)
    .executeTakeFirstOrThrow();
  if (!merchant.webhook_url) {
    await db.updateTable('webhook_events').set({ status: 'no_endpoint', next_attempt_at: null }).where('id', '=', event.id).execute();
    return false;
  }
  const startedAt = ctx.clock.now();
  const result = await sendWebhook(ctx, merchant.webhook_url, event.body, signatureHeaders(merchant, event.notify_id, event.body));
  const attempt = event.attempts + 1;
  const now = ctx.clock.now();
  const schedule = ctx.config.webhookRetryScheduleMs;
  const delivered = isSuccess(result);
  const retryAt = !delivered && attempt <= schedule.length ? new Date(now.getTime() + schedule[attempt - 1]!) : null;

  return db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('webhook_events')
      .set({
        attempts: attempt,
        status: delivered ? 'delivered' : retryAt ? 'pending' : 'failed',
        delivered_at: delivered ? now.getTime() : null,
        next_attempt_at: retryAt ? retryAt.getTime() : null,
      })
      .where('id', '=', event.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', event.attempts)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await tx
      .insertInto('webhook_attempts')
      .values({
        event_id: event.id,
        attempt,
        url: merchant.webhook_url!,
        at: startedAt.getTime(),
        status_code: result.statusCode,
        latency_ms: result.latencyMs,
        response: result.response,
        error: result.error,
      })
      .execute();
    if (retryAt) await enqueueJob(tx, { kind: DELIVER_WEBHOOK, payload: { eventIds: [event.id] }, runAt: retryAt, now });
    if (finishing) await finishJobIn(tx, finishing);
    return Boolean(finishing);
  });
}

/**
 * The delivery job: its events one after another, in the order they were written; the last
 * one's transaction also removes the job.
 */
export async function deliverWebhooks(ctx: ServiceContext, eventIds: number[], job?: Job): Promise<boolean> {
  let finished = false;
  for (const [index, id] of eventIds.entries()) finished = await deliverWebhook(ctx, id, index === eventIds.length - 1 ? job : undefined);
  return finished;
}
