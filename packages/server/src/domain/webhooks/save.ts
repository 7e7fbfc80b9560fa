import { randomHex } from '../../lib/random.js';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { isSuccess, sendWebhook } from './deliver.js';
import { webhookBody } from './emit.js';
import { signatureHeaders } from './signing.js';
import { parseWebhookUrl, UnsafeWebhookUrl } from './url-policy.js';
import { openSigningState } from '../merchants/secrets.js';

/**
 * webhook/save: the URL must be safe (see url-policy) and answer CHECK_HEALTH with a 2xx
 * within the timeout; otherwise 000104 says why and the previous URL stays. The check is
 * logged like any delivery.
 */
export async function saveWebhook({ ctx, input }: Verb<{ webhook: string }>): Promise<{ webhook: string }> {
  try {
    parseWebhookUrl(input.webhook);
  } catch (error) {
    if (error instanceof UnsafeWebhookUrl) throw new ApiError('000104', `The webhook URL was refused: ${error.message}.`);
    throw error;
  }
  const db = ctx.db.kysely;
  const merchant = await db.selectFrom('merchants').selectAll().where('id', '=', ctx.merchant.id).executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const notifyId = randomHex(16);
  const body = webhookBody('CHECK_HEALTH', notifyId, now, { orderNo: '1234567890', orderStatus: 'Test' });
  const result = await sendWebhook(ctx, input.webhook, body, signatureHeaders(openSigningState(ctx.secrets, merchant), notifyId, body));
  const ok = isSuccess(result);

  await db.transaction().execute(async (tx) => {
    const event = await tx
      .insertInto('webhook_events')
      .values({
        merchant_id: merchant.id,
        notify_id: notifyId,
        notify_type: 'CHECK_HEALTH',
        body,
        status: ok ? 'delivered' : 'failed',
        attempts: 1,
        next_attempt_at: null,
        delivered_at: ok ? now.getTime() : null,
        created_at: now.getTime(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('webhook_attempts')
      .values({ event_id: event.id, attempt: 1, url: input.webhook, at: now.getTime(), status_code: result.statusCode, latency_ms: result.latencyMs, response: result.response, error: result.error })
      .execute();
    if (ok) await tx.updateTable('merchants').set({ webhook_url: input.webhook }).where('id', '=', merchant.id).execute();
  });

  if (!ok) {
    const why = result.statusCode === null ? (result.error ?? 'no answer') : `HTTP ${result.statusCode}`;
    throw new ApiError('000104', `The webhook was not saved: CHECK_HEALTH to ${input.webhook} failed (${why}); the previous URL stays.`);
  }
  return { webhook: input.webhook };
}

export async function queryWebhook({ ctx }: Verb<unknown>): Promise<{ webhook: string | null }> {
  const row = await ctx.db.kysely.selectFrom('merchants').select('webhook_url').where('id', '=', ctx.merchant.id).executeTakeFirstOrThrow();
  return { webhook: row.webhook_url };
}
