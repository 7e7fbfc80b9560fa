import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: a large answer sent as one shared Buffer (a cached package list) is logged once in
// api_shared_answers and each request's row names it, instead of every row carrying its own
// 4 KB copy (about 30 µs of SQLite per request, most of what the request log cost a signed
// package/list). Rows of other answers keep their body in response_body as before.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('api_shared_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', dialect.bigint, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('api_requests').addColumn('shared_answer_id', 'text').execute();
}
