import type { AnyDb } from '../dialect.js';

// Frozen: the webhook log is pruned by age, oldest first.
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('webhook_events_created').on('webhook_events').columns(['created_at', 'id']).execute();
}
