import type { ServiceContext } from '../context.js';

const BATCH = 1000;

/**
 * Keeps the webhook log from growing without end: finished events (delivered, failed, no
 * endpoint) older than WEBHOOK_RETENTION_DAYS go, with their attempts, oldest first and in
 * batches. Pending events stay whatever their age.
 */
export async function pruneWebhookLog(ctx: ServiceContext): Promise<number> {
  // The log's records are kept on real time, whatever any merchant's sandbox clock says.
  const before = Date.now() - ctx.config.webhookRetentionMs;
  let total = 0;
  for (;;) {
    const removed = await ctx.db.kysely.transaction().execute(async (tx) => {
      const ids = (
        await tx
          .selectFrom('webhook_events')
          .select('id')
          .where('created_at', '<', before)
          .where('status', '!=', 'pending')
          .orderBy('created_at')
          .limit(BATCH)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      await tx.deleteFrom('webhook_attempts').where('event_id', 'in', ids).execute();
      await tx.deleteFrom('webhook_events').where('id', 'in', ids).execute();
      return ids.length;
    });
    total += removed;
    if (removed < BATCH) return total;
  }
}
