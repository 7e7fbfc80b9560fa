import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: orders, eSIMs and everything that happens to them; the job queue; profile
// inventory; id sequences.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const big = dialect.bigint;

  await db.schema
    .alterTable('merchants')
    .addColumn('allocation_delay_ms', 'integer')
    .execute();
  await db.schema
    .alterTable('merchants')
    .addColumn('fail_allocations', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sequences')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', big, (c) => c.notNull())
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable('orders'))
    .addColumn('order_no', 'text', (c) => c.notNull().unique())
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('amount', big, (c) => c.notNull())
    .addColumn('esim_count', 'integer', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('completed_at', big)
    .execute();
  await db.schema.createIndex('orders_merchant_transaction').unique().on('orders').columns(['merchant_id', 'transaction_id']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('esims'))
    .addColumn('esim_tran_no', 'text', (c) => c.notNull().unique())
    .addColumn('order_id', big, (c) => c.notNull().references('orders.id'))
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('package_code', 'text', (c) => c.notNull().references('packages.code'))
    .addColumn('iccid', 'text', (c) => c.notNull())
    .addColumn('imsi', 'text', (c) => c.notNull())
    .addColumn('msisdn', 'text', (c) => c.notNull())
    .addColumn('ac', 'text', (c) => c.notNull())
    .addColumn('public_token', 'text', (c) => c.notNull().unique())
    .addColumn('pin', 'text', (c) => c.notNull())
    .addColumn('puk', 'text', (c) => c.notNull())
    .addColumn('apn', 'text', (c) => c.notNull())
    .addColumn('esim_status', 'text', (c) => c.notNull())
    .addColumn('smdp_status', 'text', (c) => c.notNull())
    .addColumn('eid', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('active_type', 'integer', (c) => c.notNull())
    .addColumn('data_type', 'integer', (c) => c.notNull())
    .addColumn('sms_status', 'integer', (c) => c.notNull())
    .addColumn('price', big, (c) => c.notNull())
    .addColumn('period_num', 'integer')
    .addColumn('total_volume', big, (c) => c.notNull())
    .addColumn('total_duration', 'integer', (c) => c.notNull())
    .addColumn('order_usage', big, (c) => c.notNull().defaultTo(0))
    .addColumn('usage_updated_at', big)
    .addColumn('expired_time', big, (c) => c.notNull())
    .addColumn('activated_at', big)
    .addColumn('usage_alerts_sent', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('esims_merchant_created').on('esims').columns(['merchant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('esims_order').on('esims').columns(['order_id', 'id']).execute();
  await db.schema.createIndex('esims_merchant_iccid').on('esims').columns(['merchant_id', 'iccid']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('esim_packages'))
    .addColumn('esim_id', big, (c) => c.notNull().references('esims.id'))
    .addColumn('package_code', 'text', (c) => c.notNull().references('packages.code'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('volume', big, (c) => c.notNull())
    .addColumn('duration', 'integer', (c) => c.notNull())
    .addColumn('price', big, (c) => c.notNull())
    .addColumn('tran_no', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('esim_packages_esim').on('esim_packages').columns(['esim_id', 'id']).execute();

  // Every change of esimStatus or smdpStatus: who, when, from, to. Webhooks and the
  // console's timeline are derived from it.
  await dialect
    .addIdColumn(db.schema.createTable('esim_events'))
    .addColumn('esim_id', big, (c) => c.notNull().references('esims.id'))
    .addColumn('merchant_id', big, (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('esim_events_esim').on('esim_events').columns(['esim_id', 'id']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('topups'))
    .addColumn('merchant_id', big, (c) => c.notNull().references('merchants.id'))
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('esim_id', big, (c) => c.notNull().references('esims.id'))
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('topups_merchant_transaction').unique().on('topups').columns(['merchant_id', 'transaction_id']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('sms_messages'))
    .addColumn('esim_id', big, (c) => c.notNull().references('esims.id'))
    .addColumn('merchant_id', big, (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sms_messages_esim').on('sms_messages').columns(['esim_id', 'id']).execute();

  // An operator's imported profiles. A package with any rows here draws only from them.
  await dialect
    .addIdColumn(db.schema.createTable('profiles'))
    .addColumn('package_code', 'text', (c) => c.notNull())
    .addColumn('iccid', 'text', (c) => c.notNull())
    .addColumn('imsi', 'text', (c) => c.notNull())
    .addColumn('ac', 'text', (c) => c.notNull())
    .addColumn('order_id', big)
    .addColumn('esim_id', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('profiles_package_iccid').unique().on('profiles').columns(['package_code', 'iccid']).execute();
  await db.schema.createIndex('profiles_free').on('profiles').columns(['package_code', 'order_id', 'id']).execute();

  await dialect
    .addIdColumn(db.schema.createTable('jobs'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', big, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', big)
    .addColumn('last_error', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at', 'id']).execute();
}
