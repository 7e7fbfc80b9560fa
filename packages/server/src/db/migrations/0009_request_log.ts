import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: each merchant's recent API requests, for the console's request log (what a
// payments dashboard shows: endpoint, answer code, latency, bodies with secrets masked).
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;
  await dialect
    .addIdColumn(db.schema.createTable('api_requests'))
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('latency_us', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('request_body', 'text', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_requests_merchant').on('api_requests').columns(['merchant_id', 'id']).execute();
  await db.schema.createIndex('api_requests_created').on('api_requests').columns(['created_at', 'id']).execute();
}
