import { CLEAN_STOP } from '../../db/replay-marker.js';
import type { ServiceContext } from '../context.js';
import { SHARED_ANSWER_RENEW_MS } from '../request-log/recorder.js';

const BATCH = 5000;

/**
 * The request log keeps REQUEST_LOG_RETENTION_DAYS of real time, oldest first, in batches.
 * A shared answer is named only by requests of the SHARED_ANSWER_RENEW_MS after it was
 * written, so it goes that long after them, without looking for rows that still name it.
 */
export async function pruneRequestLog(ctx: ServiceContext): Promise<number> {
  const before = Date.now() - ctx.config.requestLogRetentionMs;
  let total = 0;
  for (;;) {
    const ids = (await ctx.db.kysely.selectFrom('api_requests').select('id').where('created_at', '<', before).orderBy('created_at').limit(BATCH).execute()).map((r) => r.id);
    if (ids.length > 0) await ctx.db.kysely.deleteFrom('api_requests').where('id', 'in', ids).execute();
    total += ids.length;
    if (ids.length < BATCH) break;
  }
  await ctx.db.kysely.deleteFrom('api_shared_answers').where('created_at', '<', before - SHARED_ANSWER_RENEW_MS).execute();
  return total;
}

/**
 * RequestIDs a clean stop kept that are past their replay window are forgotten
 * (http/replay-guard.ts); the clean-stop mark stays for the next start to read.
 */
export async function pruneSeenRequestIds(ctx: ServiceContext): Promise<number> {
  const result = await ctx.db.kysely.deleteFrom('seen_request_ids').where('expires_at', '<=', Date.now()).where('key', '!=', CLEAN_STOP).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * handleDownloadProgressInfo calls are kept to tell a replay from a new call; an SM-DP+
 * retries within hours, so they are kept as long as the webhook log keeps its events.
 */
export async function pruneEs2Notifications(ctx: ServiceContext): Promise<number> {
  const before = Date.now() - ctx.config.webhookRetentionMs;
  const result = await ctx.db.kysely.deleteFrom('es2_notifications').where('received_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
