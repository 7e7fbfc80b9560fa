import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: an operator can disable a merchant (console). A disabled merchant's API requests
// are refused as an unknown access code would be (000101); its data stays as it is.
export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('merchants').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
