import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: webhook URL and signing secrets per merchant, the event outbox and every delivery
// attempt.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;
  for (const [name, type] of [
    ['webhook_url', 'text'],
    ['webhook_secret', 'text'],
    ['webhook_previous_secret', 'text'],
    ['webhook_previous_secret_until', big],
  ] as const) {
    await db.schema.alterTable('merchants').addColumn(name, type).execute();
  }

  await dialect
    .addIdColumn(db.schema.createTable('webhook_events'))
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('notify_id', 'text', (c) => c.notNull().unique())
    .addColumn('notify_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', big)
    .addColumn('delivered_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_events_merchant').on('webhook_events').columns(['merchant_id', 'id']).execute();
  await db.schema.createIndex('webhook_events_merchant_status').on('webhook_events').columns(['merchant_id', 'status', 'created_at']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('webhook_attempts'))
    .addColumn('event_id', big, (c) => c.notNull().references('webhook_events.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('webhook_attempts_event').on('webhook_attempts').columns(['event_id', 'id']).execute();
}
