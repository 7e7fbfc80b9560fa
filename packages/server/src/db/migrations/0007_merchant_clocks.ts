import { sql } from 'kysely';
import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: a sandbox clock per merchant, and jobs that fail for good.
// - merchants.clock_offset_ms: how far the merchant's clock is ahead of real time. A database
//   that ran on the one shared sandbox clock gives every merchant that clock's offset, so
//   the times its eSIMs already hold stay consistent.
// - clock_advances: merchants whose clock is being advanced, until a wall-clock time (a
//   crashed advance frees itself); background work of theirs stands aside meanwhile.
// - jobs.merchant_id: whose clock a job's work runs on; jobs.failed_at: a job out of
//   attempts is failed, a state, no longer due.
// - per-merchant sweep indexes, so one merchant's clock can be swept alone.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;
  await db.schema.alterTable('merchants').addColumn('clock_offset_ms', big, (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE merchants SET clock_offset_ms = COALESCE((SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'sandbox_clock_offset_ms'), 0)`.execute(db);
  await sql`DELETE FROM meta WHERE key IN ('sandbox_clock_offset_ms', 'sandbox_advancing_until')`.execute(db);

  await db.schema
    .createTable('clock_advances')
    .addColumn('merchant_id', big, (c) => c.primaryKey().references('merchants.id'))
    .addColumn('until', big, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('jobs').addColumn('merchant_id', big).execute();
  await db.schema.alterTable('jobs').addColumn('failed_at', big).execute();
  // Jobs parked a year ahead by the earlier runner (due 300 days after they were made or
  // later) are failed jobs.
  await sql`UPDATE jobs SET failed_at = created_at WHERE attempts >= 10 AND run_at > created_at + 25920000000`.execute(db);
  await db.schema.dropIndex('jobs_due').execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at', 'id']).where(sql<boolean>`failed_at IS NULL`).execute();
  await db.schema.createIndex('jobs_merchant').on('jobs').columns(['merchant_id', 'run_at']).where(sql<boolean>`failed_at IS NULL AND merchant_id IS NOT NULL`).execute();
  await db.schema.createIndex('jobs_failed').on('jobs').columns(['failed_at']).where(sql<boolean>`failed_at IS NOT NULL`).execute();

  await db.schema
    .createIndex('esims_merchant_expiry_due')
    .on('esims')
    .columns(['merchant_id', 'expired_time'])
    .where(sql<boolean>`esim_status IN ('GOT_RESOURCE', 'IN_USE', 'USED_UP', 'SUSPENDED')`)
    .execute();
  await db.schema
    .createIndex('esims_merchant_validity_warn_due')
    .on('esims')
    .columns(['merchant_id', 'validity_warn_at'])
    .where(sql<boolean>`validity_warn_at IS NOT NULL`)
    .execute();
  await db.schema
    .createIndex('esims_merchant_daily_reset_due')
    .on('esims')
    .columns(['merchant_id', 'daily_reset_at'])
    .where(sql<boolean>`daily_reset_at IS NOT NULL`)
    .execute();
}
