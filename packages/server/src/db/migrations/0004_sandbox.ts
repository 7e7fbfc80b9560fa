import { sql } from 'kysely';
import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: what the sandbox and the time-driven sweeps need. The sweep indexes are partial,
// so a sweep with nothing due reads nothing, however many eSIMs there are.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;
  const esimColumns: [string, string, boolean][] = [
    ['network_usage', big, true],
    ['daily_usage', big, true],
    ['daily_reset_at', big, false],
    ['validity_warn_at', big, false],
  ];
  for (const [name, type, zero] of esimColumns) {
    await db.schema
      .alterTable('esims')
      .addColumn(name, type as 'bigint', (c) => (zero ? c.notNull().defaultTo(0) : c))
      .execute();
  }
  await db.schema.alterTable('merchants').addColumn('faults_active', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('merchants').addColumn('busy_share', 'real', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sms_messages').addColumn('party', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('dedupe_key', 'text').execute();
  await db.schema.createIndex('jobs_dedupe_key').unique().on('jobs').column('dedupe_key').execute();

  await dialect
    .addIdColumn(db.schema.createTable('fault_rules'))
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('endpoint', 'text')
    .addColumn('package_code', 'text')
    .addColumn('error_code', 'text', (c) => c.notNull())
    .addColumn('remaining', 'integer', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fault_rules_merchant').on('fault_rules').columns(['merchant_id', 'id']).execute();

  await db.schema
    .createIndex('esims_expiry_due')
    .on('esims')
    .column('expired_time')
    .where(sql<boolean>`esim_status IN ('GOT_RESOURCE', 'IN_USE', 'USED_UP', 'SUSPENDED')`)
    .execute();
  await db.schema.createIndex('esims_validity_warn_due').on('esims').column('validity_warn_at').where(sql<boolean>`validity_warn_at IS NOT NULL`).execute();
  await db.schema.createIndex('esims_daily_reset_due').on('esims').column('daily_reset_at').where(sql<boolean>`daily_reset_at IS NOT NULL`).execute();
}
