import { sql } from 'kysely';
import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: production made real (issue 13).
// - Each package names where its profiles come from (`profile_source`): imported inventory,
//   a real SM-DP+ over GSMA ES2+ (with the SM-DP+'s `profileType`), or the simulated SM-DP+
//   (sandbox only). Null: the mode's default (sandbox: the simulator; production: none, so
//   the package cannot be ordered). Packages that already have inventory say so.
// - es2_profiles: one row per eSIM an order needs from an SM-DP+, written before each ES2+
//   call, so a crash resumes at the step it stopped at and never reserves a second profile.
// - es2_notifications: handleDownloadProgressInfo calls taken in, by functionCallIdentifier,
//   so a replayed notification changes nothing.
// - usage_records: usage reported by the network, idempotent by record id. esims gets an
//   index on iccid: the network and the SM-DP+ name a profile by ICCID alone.
// - operator_tokens: bearer tokens of the operator API, stored as hashes, scoped, revocable.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('packages').addColumn('profile_source', 'text').execute();
  await db.schema.alterTable('packages').addColumn('es2_profile_type', 'text').execute();
  await sql`UPDATE packages SET profile_source = 'inventory' WHERE code IN (SELECT package_code FROM profiles)`.execute(db);

  await dialect
    .addIdColumn(db.schema.createTable('es2_profiles'))
    .addColumn('order_id', dialect.bigint, (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('package_code', 'text', (c) => c.notNull())
    .addColumn('profile_type', 'text')
    .addColumn('requested_iccid', 'text')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('iccid', 'text')
    .addColumn('matching_id', 'text')
    .addColumn('smdp_address', 'text')
    .addColumn('esim_id', dialect.bigint)
    .addColumn('failure', 'text')
    .addColumn('created_at', dialect.bigint, (c) => c.notNull())
    .addColumn('updated_at', dialect.bigint, (c) => c.notNull())
    .addUniqueConstraint('es2_profiles_order_slot', ['order_id', 'slot'])
    .execute();
  await db.schema.createIndex('es2_profiles_iccid').on('es2_profiles').column('iccid').execute();
  // Notifications and usage records from the network name a profile by ICCID alone.
  await db.schema.createIndex('esims_iccid').on('esims').column('iccid').execute();
  await db.schema.createIndex('es2_profiles_esim').on('es2_profiles').column('esim_id').execute();

  await db.schema
    .createTable('es2_notifications')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('iccid', 'text', (c) => c.notNull())
    .addColumn('notification_point', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('esim_id', dialect.bigint)
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', dialect.bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('es2_notifications_received').on('es2_notifications').column('received_at').execute();

  await db.schema
    .createTable('usage_records')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('iccid', 'text', (c) => c.notNull())
    .addColumn('esim_id', dialect.bigint)
    .addColumn('bytes', dialect.bigint, (c) => c.notNull())
    .addColumn('period_start', dialect.bigint, (c) => c.notNull())
    .addColumn('period_end', dialect.bigint, (c) => c.notNull())
    .addColumn('received_at', dialect.bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_records_esim').on('usage_records').columns(['esim_id', 'period_end']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('operator_tokens'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', dialect.bigint, (c) => c.notNull())
    .addColumn('last_used_at', dialect.bigint)
    .addColumn('revoked_at', dialect.bigint)
    .execute();
}
