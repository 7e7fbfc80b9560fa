// Orders and webhooks under load (issues 3 and 4), against esimkit in its own process:
// - allocation: eSIMs allocated per second end to end (order sent to its ORDER_STATUS
//   webhook, i.e. GOT_RESOURCE) for batches of 1 and 30, and order latency p50/p99;
// - webhooks: deliveries per second to a fast local receiver, and the delay from a state
//   change (an esim/cancel answered) to its ESIM_STATUS delivery, p50/p99.
//   npm run bench:lifecycle -- [--database sqlite|postgres] [--orders 600] [--connections 16] [--mode sandbox|production]
// --mode production runs esimkit as production does (on SQLite: every commit synced to disk).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startChild } from './shared.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const database = option('database', 'sqlite');
const singleOrders = Number(option('orders', '600'));
const connections = Number(option('connections', '16'));
const mode = option('mode', 'sandbox');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

interface Delivery {
  at: number;
  body: any;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'esimkit-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = database === 'postgres' ? `postgres://postgres@127.0.0.1:5432/test?schema=${schema}` : join(dir, 'bench.db');

  const deliveries: Delivery[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      deliveries.push({ at: performance.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const child = startChild('lifecycle-server.js', {
    cpu: 0,
    // The receiver is on loopback, which production refuses by default.
    // Production seals merchants' secrets with a key it must be given (docs/secrets.md).
    env: { BENCH_DATABASE_URL: databaseUrl, DATABASE_URL: databaseUrl, ALLOCATION_DELAY_MS: '0', ESIMKIT_MODE: mode, WEBHOOK_ALLOW_PRIVATE: 'on', ESIMKIT_SECRET_KEY: randomBytes(32).toString('hex') },
  });
  try {
    const ready = await child.first<{ url: string; accessCode: string }>('ready');
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${ready.url}${path}`, { method: 'POST', headers: { 'RT-AccessCode': ready.accessCode }, body: JSON.stringify(body) });
      const json = (await response.json()) as any;
      if (!json.success) throw new Error(`${path}: ${JSON.stringify(json)}`);
      return json.obj;
    };
    await post('/api/v1/open/webhook/save', { webhook: hook });

    const rows: string[][] = [];
    const orderNos: string[] = [];
    for (const [batch, orders] of [
      [1, singleOrders],
      [30, Math.max(20, Math.round(singleOrders / 6))],
    ] as const) {
      const before = deliveries.length;
      const latencies: number[] = [];
      const sent = new Set<string>();
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (next < orders) {
            const i = next++;
            const t = performance.now();
            const obj = await post('/api/v1/open/esim/order', { transactionId: `b${batch}-${i}`, packageInfoList: [{ packageCode: 'JP_1_7', count: batch }] });
            latencies.push(performance.now() - t);
            sent.add(obj.orderNo);
            if (batch === 30) orderNos.push(obj.orderNo);
          }
        }),
      );
      const deadline = Date.now() + 120_000;
      const done = () => deliveries.slice(before).filter((d) => d.body.notifyType === 'ORDER_STATUS' && sent.has(d.body.content.orderNo)).length;
      while (done() < orders && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const last = Math.max(...deliveries.slice(before).map((d) => d.at));
      const seconds = (last - started) / 1000;
      rows.push([`allocation, ${batch} eSIM${batch > 1 ? 's' : ''}/order`, String(orders), (orders * batch / seconds).toFixed(0), percentile(latencies, 0.5).toFixed(1), percentile(latencies, 0.99).toFixed(1)]);
    }

    // Webhooks: cancel the batch-30 eSIMs; each answered cancel is a state change whose
    // ESIM_STATUS is timed to its arrival.
    const esims: string[] = [];
    for (const orderNo of orderNos) esims.push(...(await post('/api/v1/open/esim/query', { orderNo })).esimList.map((e: any) => e.esimTranNo));
    const changedAt = new Map<string, number>();
    const before = deliveries.length;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < esims.length) {
          const tranNo = esims[next++]!;
          await post('/api/v1/open/esim/cancel', { esimTranNo: tranNo });
          changedAt.set(tranNo, performance.now());
        }
      }),
    );
    const statusOf = () => deliveries.slice(before).filter((d) => d.body.notifyType === 'ESIM_STATUS');
    const deadline = Date.now() + 120_000;
    while (statusOf().length < esims.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const received = statusOf();
    const delays = received.map((d) => d.at - changedAt.get(d.body.content.esimTranNo)!).filter((x) => Number.isFinite(x));
    const span = (Math.max(...received.map((d) => d.at)) - started) / 1000;
    const webhookRow = ['webhooks (ESIM_STATUS after cancel)', String(received.length), (received.length / span).toFixed(0), percentile(delays, 0.5).toFixed(1), percentile(delays, 0.99).toFixed(1)];

    console.log(`\nesimkit lifecycle benchmark: ${database}, ${mode} mode, ${connections} connections, server pinned to core 0, client on core 1\n`);
    const header = ['what', 'count', 'per second', 'p50 ms', 'p99 ms'];
    const table = [header, ...rows, webhookRow];
    const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
    console.log('\nallocation: per second = eSIMs allocated/s (first order sent to last ORDER_STATUS received); p50/p99 = order request latency');
    console.log('webhooks: per second = deliveries/s; p50/p99 = delay from the cancel answer to the ESIM_STATUS delivery');
  } finally {
    await child.stop();
    receiver.close();
    if (database === 'postgres') {
      const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
