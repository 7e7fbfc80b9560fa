// Sweep benchmark (issue 5): one sweep (expiry, validity warnings, daily resets) over
// 1,000,000 eSIMs with nothing due, then with 10,000 due.
//   npm run bench:sweeps -- [--database sqlite|postgres] [--esims 1000000] [--due 10000]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createMerchant, loadConfig, migrate, openRuntime } from '@esimkit/server';
import { runSweeps } from '@esimkit/server/internal/domain/sweeps/run';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const database = option('database', 'sqlite');
const total = Number(option('esims', '1000000'));
const due = Number(option('due', '10000'));
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'esimkit-sweep-'));
const schema = `bench_sweep_${randomBytes(4).toString('hex')}`;
const url = database === 'postgres' ? `postgres://postgres@127.0.0.1:5432/test?schema=${schema}` : join(dir, 'sweep.db');
// Production seals merchants' secrets with a key it must be given (docs/secrets.md).
const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ESIMKIT_MODE: 'production', ESIMKIT_SECRET_KEY: randomBytes(32).toString('hex') });
const runtime = await openRuntime(config);
const { ctx } = runtime;
const { db } = ctx;

async function main() {
  await migrate(db);
  const now = Date.now();
  await db.kysely
    .insertInto('packages')
    .values({
      code: 'BENCH', slug: 'BENCH_1_30', type: 'BASE', base_code: null, name: 'Bench 1GB 30Days', description: 'bench', price: 10000, retail_price: 15000,
      volume: 2 ** 30, sms_status: 0, data_type: 1, unused_valid_time: 180, duration: 30, duration_unit: 'DAY', location: 'JP', location_code: 'JP',
      scope: 'country', active_type: 2, favorite: 0, speed: '5G', ip_export: 'JP', support_topup_type: 1, fup_policy: '', networks: '[]', sort_order: 0,
    })
    .execute();
  const merchant = await createMerchant({ ctx, input: { name: 'bench' } });
  const order = await db.kysely
    .insertInto('orders')
    .values({ order_no: 'B0000000000000', merchant_id: merchant.id, transaction_id: 'bench', request_hash: '', status: 'GOT_RESOURCE', items: '[]', amount: 0, esim_count: total, failure_reason: null, created_at: now, completed_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();

  const started = performance.now();
  // Bound variables per statement: SQLite allows 32,766, PostgreSQL 65,535.
  const BATCH = database === 'postgres' ? 1500 : 800;
  for (let i = 0; i < total; i += BATCH) {
    const rows = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++) {
      const activated = j % 2 === 0;
      const expires = now + (30 + (j % 150)) * DAY;
      rows.push({
        esim_tran_no: String(10_000_000_000_000 + j), order_id: order.id, merchant_id: merchant.id, package_code: 'BENCH', iccid: String(8985200000000000000n + BigInt(j)),
        imsi: '454420000000000', msisdn: '', ac: 'LPA:1$bench$X', public_token: `${j}`.padStart(32, '0'), pin: '0000', puk: '00000000', apn: 'bench',
        esim_status: activated ? ('IN_USE' as const) : ('GOT_RESOURCE' as const), smdp_status: activated ? ('ENABLED' as const) : ('RELEASED' as const), eid: '', active_type: 2, data_type: 1, sms_status: 0,
        price: 10000, period_num: null, total_volume: 2 ** 30, total_duration: 30, order_usage: 0, usage_updated_at: null, expired_time: expires,
        activated_at: activated ? now : null, usage_alerts_sent: '[]', created_at: now, validity_warn_at: activated ? expires - DAY : null, daily_reset_at: null,
      });
    }
    await db.kysely.insertInto('esims').values(rows).execute();
  }
  if (database === 'postgres') await sql`ANALYZE esims`.execute(db.kysely);
  console.log(`loaded ${total.toLocaleString()} eSIMs in ${((performance.now() - started) / 1000).toFixed(1)} s (${database})`);

  const timeSweep = async (label: string) => {
    const t = performance.now();
    const result = await runSweeps(ctx, { now: ctx.clock.now() });
    const ms = performance.now() - t;
    console.log(`${label}: ${ms.toFixed(1)} ms  warned=${result.warned} reset=${result.reset} expired=${result.expired}`);
    return { ms, result };
  };
  const idle = [];
  for (let i = 0; i < 5; i++) idle.push((await timeSweep('sweep, nothing due')).ms);
  idle.sort((a, b) => a - b);

  // Make `due` eSIMs expire now (half never activated, half activated).
  const ids = (await db.kysely.selectFrom('esims').select('id').orderBy('id').limit(due).execute()).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 1000) {
    await db.kysely.updateTable('esims').set({ expired_time: now - 1000, validity_warn_at: null }).where('id', 'in', ids.slice(i, i + 1000)).execute();
  }
  const busy = await timeSweep(`sweep, ${due.toLocaleString()} due`);
  console.log(`\nresult (${database}, ${total.toLocaleString()} eSIMs): nothing due median ${idle[2]!.toFixed(1)} ms; ${due.toLocaleString()} due ${busy.ms.toFixed(0)} ms (${Math.round(busy.result.expired / (busy.ms / 1000)).toLocaleString()} eSIMs/s)`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (database === 'postgres') await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db.kysely).catch(() => {});
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });
