import type { ServiceContext } from '../context.js';
import { enqueueJob } from '../../jobs/queue.js';
import type { RunningJob } from '../../jobs/runner.js';
import { postJson, type PostResult } from './post.js';
import { signatureHeaders } from './signing.js';
import { openSigningState } from '../merchants/secrets.js';
import { checkWebhookTarget, UnsafeWebhookUrl } from './url-policy.js';

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
 * next attempt per the retry schedule (a job of the merchant's, so a sandbox clock advance
 * brings it forward); after the last it is failed. Every attempt is logged, at real time.
 * The event row changes only if it is still as this attempt found it, so a duplicate job (a
 * worker died after posting) cannot double-count.
 */
export async function deliverWebhook(ctx: ServiceContext, eventId: number, finishing?: RunningJob): Promise<void> {
  const db = ctx.db.kysely;
  const event = await db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
  if (!event || event.status !== 'pending') return;
  const merchant = await db
    .selectFrom('merchants')
    .select(['webhook_url', 'webhook_secret_sealed', 'webhook_previous_secret_sealed', 'webhook_previous_secret_until'])
    .where('id', '=', event.merchant_id)
    .executeTakeFirstOrThrow();
  if (!merchant.webhook_url) {
    await db.updateTable('webhook_events').set({ status: 'no_endpoint', next_attempt_at: null }).where('id', '=', event.id).execute();
    return;
  }
  const startedAt = Date.now();
  const result = await sendWebhook(ctx, merchant.webhook_url, event.body, signatureHeaders(openSigningState(ctx.secrets, merchant), event.notify_id, event.body));
  const attempt = event.attempts + 1;
  const now = Date.now();
  const schedule = ctx.config.webhookRetryScheduleMs;
  const delivered = isSuccess(result);
  const retryDelay = !delivered && attempt <= schedule.length ? schedule[attempt - 1]! : null;

  await db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('webhook_events')
      .set({
        attempts: attempt,
        status: delivered ? 'delivered' : retryDelay !== null ? 'pending' : 'failed',
        delivered_at: delivered ? now : null,
        next_attempt_at: retryDelay !== null ? now + retryDelay : null,
      })
      .where('id', '=', event.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', event.attempts)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return;
    await tx
      .insertInto('webhook_attempts')
      .values({
        event_id: event.id,
        attempt,
        url: merchant.webhook_url!,
        at: startedAt,
        status_code: result.statusCode,
        latency_ms: result.latencyMs,
        response: result.response,
        error: result.error,
      })
      .execute();
    if (retryDelay !== null) await enqueueJob(tx, { kind: 'deliver-webhook', payload: { eventIds: [event.id] }, delayMs: retryDelay, merchantId: event.merchant_id });
    await finishing?.finishIn(tx);
  });
}

/**
 * The delivery job: its events one after another, in the order they were written; the last
 * one's transaction also finishes the job.
 */
export async function deliverWebhooks(ctx: ServiceContext, eventIds: number[], job?: RunningJob): Promise<void> {
  for (const [index, id] of eventIds.entries()) await deliverWebhook(ctx, id, index === eventIds.length - 1 ? job : undefined);
}

/** A delivery job that failed for good (not a refused delivery: the job itself kept breaking). */
export async function failDeliveries(ctx: ServiceContext, eventIds: number[]): Promise<void> {
  await ctx.db.kysely.updateTable('webhook_events').set({ status: 'failed', next_attempt_at: null }).where('id', 'in', eventIds).where('status', '=', 'pending').execute();
}
