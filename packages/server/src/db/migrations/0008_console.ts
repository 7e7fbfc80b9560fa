import { sql } from 'kysely';
import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: people who sign in to the console (/console).
// - console_users: one merchant's user (merchant_id set) or an operator (is_operator = 1,
//   merchant_id null). password_hash is null until a password is set (a user made with a
//   set-password link, or the sandbox's demo user, who signs in with one-time links).
// - console_sessions: a signed-in browser. The cookie carries a random token; only its
//   SHA-256 is stored (token_hash), so a copy of the database opens no session.
// - console_login_tokens: one-time links (sign in, set a password), stored as hashes too.
// Times are real time (epoch milliseconds), never a merchant's clock.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;
  await dialect
    .addIdColumn(db.schema.createTable('console_users'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('merchant_id', big, (c) => c.references('merchants.id'))
    .addColumn('is_operator', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', big, (c) => c.notNull())
    .addCheckConstraint('console_users_merchant_or_operator', sql`(merchant_id IS NULL) <> (is_operator = 0)`)
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable('console_sessions'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', big, (c) => c.notNull().references('console_users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_seen_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_user').on('console_sessions').columns(['user_id']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('console_login_tokens'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', big, (c) => c.notNull().references('console_users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .execute();
}
