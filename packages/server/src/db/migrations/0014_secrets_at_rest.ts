import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: secrets at rest (issue 14, docs/secrets.md).
// The merchant's secrets move to columns named for what they now hold: a keyed hash of the
// access code (looked up by, unique) and sealed copies of the access code, the API secret
// key and the webhook signing secrets. Renaming keeps the NOT NULL and UNIQUE constraints on
// both databases without rebuilding the table (SQLite cannot drop a UNIQUE column).
// A migration cannot know the key, so the values stay as they were (plain) here; the start
// that runs next (runtime.ts, domain/merchants/seal-secrets.ts) seals them, in one
// transaction, before anything reads them. A plain value is told by its missing prefix.
export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('merchants').renameColumn('access_code', 'access_code_hash').execute();
  await db.schema.alterTable('merchants').renameColumn('secret_key', 'secret_key_sealed').execute();
  await db.schema.alterTable('merchants').renameColumn('webhook_secret', 'webhook_secret_sealed').execute();
  await db.schema.alterTable('merchants').renameColumn('webhook_previous_secret', 'webhook_previous_secret_sealed').execute();
  // Null until the start seals the row (old rows); set with every new merchant.
  await db.schema.alterTable('merchants').addColumn('access_code_sealed', 'text').execute();
}
