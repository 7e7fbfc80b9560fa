import { sql } from 'kysely';
import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: once released a migration never changes; later changes get a new file.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;

  await dialect
    .addIdColumn(db.schema.createTable('merchants'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('access_code', 'text', (c) => c.notNull().unique())
    .addColumn('secret_key', 'text', (c) => c.notNull())
    .addColumn('signature_policy', 'text', (c) => c.notNull().defaultTo('optional'))
    .addColumn('rate_limit', 'real', (c) => c.notNull().defaultTo(8))
    .addColumn('rate_burst', 'integer', (c) => c.notNull().defaultTo(8))
    .addColumn('ip_blocklist', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('balance', big, (c) => c.notNull().defaultTo(0))
    .addColumn('balance_updated_at', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addCheckConstraint('merchants_balance_not_negative', sql`balance >= 0`)
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable('ledger_entries'))
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('amount', big, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_entries_merchant').on('ledger_entries').columns(['merchant_id', 'id']).execute();

  await db.schema
    .createTable('packages')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('base_code', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('price', big, (c) => c.notNull())
    .addColumn('retail_price', big, (c) => c.notNull())
    .addColumn('volume', big, (c) => c.notNull())
    .addColumn('sms_status', 'integer', (c) => c.notNull())
    .addColumn('data_type', 'integer', (c) => c.notNull())
    .addColumn('unused_valid_time', 'integer', (c) => c.notNull())
    .addColumn('duration', 'integer', (c) => c.notNull())
    .addColumn('duration_unit', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('location_code', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('active_type', 'integer', (c) => c.notNull())
    .addColumn('favorite', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('speed', 'text', (c) => c.notNull())
    .addColumn('ip_export', 'text', (c) => c.notNull())
    .addColumn('support_topup_type', 'integer', (c) => c.notNull())
    .addColumn('fup_policy', 'text', (c) => c.notNull())
    .addColumn('networks', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('packages_type_slug').unique().on('packages').columns(['type', 'slug']).execute();
  await db.schema.createIndex('packages_type_location').on('packages').columns(['type', 'location_code']).execute();
  await db.schema.createIndex('packages_type_scope').on('packages').columns(['type', 'scope']).execute();

  await db.schema
    .createTable('locations')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('sub_locations', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
