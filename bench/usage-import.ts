// Usage-records import benchmark (issue 13): `esimkit usage import` of a 100,000-line CSV
// spread over 1,000 eSIMs in use, then the same file again (every record a duplicate).
// Runs the built CLI (`npm run build` first) as an operator would, in production mode.
//   npx tsc -b bench/tsconfig.build.json && node bench/dist/usage-import.js [--database sqlite|postgres] [--records 100000] [--esims 1000] [--profile DIR]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createMerchant, loadConfig, migrate, openRuntime } from '@esimkit/server';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const database = option('database', 'sqlite');
const records = Number(option('records', '100000'));
const esimCount = Number(option('esims', '1000'));
/** `--profile DIR`: a V8 CPU profile of each import in DIR (read it with bench/profile-summary.ts). */
const profile = option('profile', '');
const DAY = 86_400_000;
// From bench/dist/ when compiled, from bench/ when run with tsx.
const BIN = fileURLToPath(new URL(`${import.meta.url.includes('/bench/dist/') ? '../..' : '..'}/packages/cli/bin/esimkit.js`, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'esimkit-usage-bench-'));
const schema = `bench_usage_${randomBytes(4).toString('hex')}`;
const url = database === 'postgres' ? `postgres://postgres@127.0.0.1:5432/test?schema=${schema}` : join(dir, 'usage.db');
const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', ESIMKIT_MODE: 'production', SEED_CATALOG: 'none', ESIMKIT_SECRET_KEY: randomBytes(32).toString('hex') };
const runtime = await openRuntime(loadConfig(env));
const { db } = runtime.ctx;

async function load(now: number): Promise<string[]> {
  await migrate(db);
  await db.kysely
    .insertInto('packages')
    .values({
      code: 'BENCH', slug: 'BENCH_50_30', type: 'BASE', base_code: null, name: 'Bench 50GB 30Days', description: 'bench', price: 10000, retail_price: 15000,
      volume: 50 * 2 ** 30, sms_status: 0, data_type: 1, unused_valid_time: 180, duration: 30, duration_unit: 'DAY', location: 'JP', location_code: 'JP',
      scope: 'country', active_type: 2, favorite: 0, speed: '5G', ip_export: 'JP', support_topup_type: 1, fup_policy: '', networks: '[]', sort_order: 0,
    })
    .execute();
  const merchant = await createMerchant({ ctx: runtime.ctx, input: { name: 'bench' } });
  const order = await db.kysely
    .insertInto('orders')
    .values({ order_no: 'B0000000000000', merchant_id: merchant.id, transaction_id: 'bench', request_hash: '', status: 'GOT_RESOURCE', items: '[]', amount: 0, esim_count: esimCount, failure_reason: null, created_at: now - 7 * DAY, completed_at: now - 7 * DAY })
    .returning('id')
    .executeTakeFirstOrThrow();
  const iccids = Array.from({ length: esimCount }, (_, j) => String(8985200000000000000n + BigInt(j)));
  for (let i = 0; i < esimCount; i += 500) {
    const rows = iccids.slice(i, i + 500).map((iccid, k) => ({
      esim_tran_no: String(10_000_000_000_000 + i + k), order_id: order.id, merchant_id: merchant.id, package_code: 'BENCH', iccid,
      imsi: '454420000000000', msisdn: '', ac: 'LPA:1$bench$X', public_token: `${i + k}`.padStart(32, '0'), pin: '0000', puk: '00000000', apn: 'bench',
      esim_status: 'IN_USE' as const, smdp_status: 'ENABLED' as const, eid: '', active_type: 2, data_type: 1, sms_status: 0,
      price: 10000, period_num: null, total_volume: 50 * 2 ** 30, total_duration: 30, order_usage: 0, usage_updated_at: null, expired_time: now + 29 * DAY,
      activated_at: now - 7 * DAY, usage_alerts_sent: '[]', created_at: now - 7 * DAY, validity_warn_at: now + 28 * DAY, daily_reset_at: null,
    }));
    await db.kysely.insertInto('esims').values(rows).execute();
  }
  return iccids;
}

function timeImport(file: string): { seconds: number; summary: { accepted: number; duplicates: number; rejected: unknown[] } } {
  const started = performance.now();
  const out = execFileSync(process.execPath, [...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), BIN, 'usage', 'import', file, '--json'], { env, maxBuffer: 64 * 2 ** 20 });
  return { seconds: (performance.now() - started) / 1000, summary: JSON.parse(out.toString()) };
}

async function main() {
  const now = Date.now();
  const iccids = await load(now);
  const file = join(dir, 'usage.csv');
  const lines = ['record_id,iccid,bytes,period_start,period_end'];
  let total = 0;
  for (let i = 0; i < records; i++) {
    const bytes = 1_000_000 + (i % 1000);
    total += bytes;
    const end = now - (records - i) * 1000;
    lines.push(`net-${i},${iccids[i % esimCount]},${bytes},${new Date(end - 3_600_000).toISOString()},${new Date(end).toISOString()}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);

  const first = timeImport(file);
  const again = timeImport(file);
  const sum = await db.kysely.selectFrom('esims').select((eb) => eb.fn.sum<number>('order_usage').as('s')).executeTakeFirstOrThrow();
  if (first.summary.accepted !== records || again.summary.duplicates !== records || Number(sum.s) !== total) {
    throw new Error(`wrong result: ${JSON.stringify({ first: first.summary, again: { ...again.summary, rejected: again.summary.rejected.length }, sum: sum.s, total })}`);
  }
  const rate = (s: number) => Math.round(records / s).toLocaleString('en-US');
  console.log(`${database}, ${records.toLocaleString('en-US')} records over ${esimCount.toLocaleString('en-US')} eSIMs:`);
  console.log(`  first import ${first.seconds.toFixed(1)} s (${rate(first.seconds)} records/s); again, all duplicates, ${again.seconds.toFixed(1)} s (${rate(again.seconds)} records/s)`);
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
