import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: the RT-RequestIDs of signed requests within the replay window, kept so that a
// restart does not forget them (without Redis, the window was only in memory).
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('seen_request_ids')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', dialect.bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('seen_request_ids_expires').on('seen_request_ids').column('expires_at').execute();
}
