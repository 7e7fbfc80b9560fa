import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: the RT-RequestIDs of signed requests within the replay window, kept by a clean
// stop so that a restart does not forget them (without Redis, the window was only in
// memory), with a mark saying the stop was clean: a new database starts as after one.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('seen_request_ids')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', dialect.bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('seen_request_ids_expires').on('seen_request_ids').column('expires_at').execute();
  await db.insertInto('seen_request_ids').values({ key: '*clean-stop', expires_at: 0 }).execute();
}
