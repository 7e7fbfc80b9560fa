import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: the plans a merchant marked as favourites in the console (a merchant's own list;
// the catalogue's `favorite` flag stays what package/list answers, see docs/console.md).
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('merchant_favourites')
    .addColumn('merchant_id', dialect.bigint, (c) => c.notNull().references('merchants.id'))
    .addColumn('package_code', 'text', (c) => c.notNull())
    .addColumn('created_at', dialect.bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('merchant_favourites_pk', ['merchant_id', 'package_code'])
    .execute();
}
