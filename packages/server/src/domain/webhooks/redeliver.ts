import { enqueueJob } from '../../jobs/queue.js';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { parseSince } from './log.js';

/**
 * Sends events again, with their original notifyId and body: one event by notifyId (any
 * status but CHECK_HEALTH), or every failed or undelivered event since a time. Each gets a
 * fresh round of the retry schedule.
 */
export async function redeliverWebhooks({ ctx, input }: Verb<{ notifyId?: string | undefined; failedSince?: string | undefined }>) {
  if (!input.notifyId && !input.failedSince) throw new ApiError('000105', 'Request parameters (mandatory) are not contained: notifyId or failedSince');
  const db = ctx.db.kysely;
  const merchant = await db.selectFrom('merchants').select('webhook_url').where('id', '=', ctx.merchant.id).executeTakeFirstOrThrow();
  if (!merchant.webhook_url) throw new ApiError('000105', 'No webhook URL is saved: set one with webhook/save first.');
  let query = db.selectFrom('webhook_events').select('id').where('merchant_id', '=', ctx.merchant.id).where('notify_type', '!=', 'CHECK_HEALTH');
  if (input.notifyId) {
    query = query.where('notify_id', '=', input.notifyId);
  } else {
    query = query.where('status', 'in', ['failed', 'no_endpoint']).where('created_at', '>=', parseSince('failedSince', input.failedSince!));
  }
  const ids = (await query.execute()).map((r) => r.id);
  if (input.notifyId && ids.length === 0) throw new ApiError('310403', `No event with notifyId ${input.notifyId}.`);
  const now = Date.now();
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      await tx.updateTable('webhook_events').set({ status: 'pending', attempts: 0, next_attempt_at: now }).where('id', 'in', batch).execute();
      await enqueueJob(tx, { kind: 'deliver-webhook', payload: { eventIds: batch }, merchantId: ctx.merchant.id });
    }
  });
  ctx.wakeJobs?.();
  return { redelivered: ids.length };
}
