// Orders and webhooks under load (issues 3, 4 and 15), against esimkit in its own process(es):
// - allocation: eSIMs allocated per second end to end (order sent to its ORDER_STATUS
//   webhook, i.e. GOT_RESOURCE) for batches of 1 and 30, and order latency p50/p99;
// - webhooks: deliveries per second to a fast local receiver, and the delay from a state
//   change (an esim/cancel answered) to its ESIM_STATUS delivery, p50/p99; then delivery
//   alone: a backlog of up to --backlog (2000) deliveries held by the receiver, drained.
//   npm run bench:lifecycle -- [--database sqlite|postgres] [--orders 600] [--connections 16] [--mode sandbox|production]
//                              [--instances N] [--sweep-instances 1,2,3] [--pin core0|split|none] [--backlog 2000]
// --mode production runs esimkit as production does (on SQLite: every commit synced to disk).
// --instances N (PostgreSQL) runs N esimkit processes on one schema; the client's connections
// go to them round robin. --sweep-instances runs only the single-eSIM allocation for each
// count, on a fresh schema each, and prints one table. --pin: see lifecycle-instances.ts;
// default core0 for one instance, none for several and for a sweep (the same for every row).
// PostgreSQL: a throwaway schema in BENCH_POSTGRES_URL (default the local test database),
// whose settings the server keeps (`BENCH_POSTGRES_URL=...?prepare=false`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePinning, isPinning, startInstances, type Instances, type Pinning } from './lifecycle-instances.js';
import { throwawayPostgresSchema } from './shared.js';
import { esimsOf, measureAllocation, measureBacklog, measureWebhooks, post, startReceiver, type Receiver } from './lifecycle-measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const database = option('database', 'sqlite');
const singleOrders = Number(option('orders', '600'));
const connections = Number(option('connections', '16'));
const mode = option('mode', 'sandbox');
const instanceCount = Number(option('instances', '1'));
const sweep = args.includes('--sweep-instances') ? option('sweep-instances', '').split(',').map(Number) : undefined;
const pinOption = option('pin', '');
const backlogSize = Number(option('backlog', '2000'));

const counts = sweep ?? [instanceCount];
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--instances / --sweep-instances: whole numbers from 1');
// Several processes on one SQLite file is not a supported way to run esimkit (docs/reliability.md).
if (database !== 'postgres' && counts.some((n) => n > 1)) throw new Error('several instances need --database postgres');
if (pinOption && !isPinning(pinOption)) throw new Error('--pin: core0, split or none');
const pinning: Pinning = isPinning(pinOption) ? pinOption : !sweep && instanceCount === 1 ? 'core0' : 'none';

/** N instances on a fresh database with the receiver's webhook saved; `run` measures, then everything is stopped and dropped. */
async function withInstances<T>(count: number, profiles: number, run: (instances: Instances, receiver: Receiver) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'esimkit-bench-'));
  const schema = database === 'postgres' ? throwawayPostgresSchema(`bench_${randomBytes(4).toString('hex')}`) : undefined;
  const databaseUrl = schema ? schema.url : join(dir, 'bench.db');
  const receiver = await startReceiver();
  let instances: Instances | undefined;
  try {
    instances = await startInstances({ count, pinning, databaseUrl, mode, inventory: mode === 'production' ? profiles : 0 });
    // Before any load: no instance has cached the merchant without its webhook.
    await post(instances, 0, '/api/v1/open/webhook/save', { webhook: receiver.hook });
    return await run(instances, receiver);
  } finally {
    await instances?.stop();
    receiver.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(table: string[][]) {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

/** The default run: allocation for orders of 1 and 30 eSIMs, then webhooks after cancelling the batch-30 eSIMs. */
async function lifecycle() {
  const runs = [
    [1, singleOrders],
    [30, Math.max(20, Math.round(singleOrders / 6))],
  ] as const;
  const profiles = runs.reduce((n, [batch, orders]) => n + batch * orders, 0);
  await withInstances(instanceCount, profiles, async (instances, receiver) => {
    const rows: string[][] = [];
    let orderNos: string[] = [];
    for (const [batch, orders] of runs) {
      const result = await measureAllocation(instances, receiver, { batch, orders, connections });
      if (batch === 30) orderNos = result.orderNos;
      rows.push([`allocation, ${batch} eSIM${batch > 1 ? 's' : ''}/order`, String(orders), result.esimsPerSecond.toFixed(0), result.p50.toFixed(1), result.p99.toFixed(1)]);
    }
    // Half the batch-30 eSIMs are cancelled live, the other half (at most --backlog) into a
    // held backlog, which must build up well within the 25 s the receiver may hold a delivery.
    const esims = await esimsOf(instances, orderNos);
    const half = Math.floor(esims.length / 2);
    const webhooks = await measureWebhooks(instances, receiver, { esims: esims.slice(0, half), connections });
    const backlog = await measureBacklog(instances, receiver, { esims: esims.slice(half, half + backlogSize), connections });
    const webhookRows = [
      ['webhooks (ESIM_STATUS after cancel)', String(webhooks.received), webhooks.perSecond.toFixed(0), webhooks.p50.toFixed(1), webhooks.p99.toFixed(1)],
      ['webhooks, a held backlog drained', String(backlog.delivered), backlog.perSecond.toFixed(0), '-', '-'],
    ];

    const where = instanceCount === 1 ? '' : `${instanceCount} instances, `;
    console.log(`\nesimkit lifecycle benchmark: ${database}, ${mode} mode, ${connections} connections, ${where}${describePinning(pinning, instanceCount)}\n`);
    printTable([['what', 'count', 'per second', 'p50 ms', 'p99 ms'], ...rows, ...webhookRows]);
    console.log('\nallocation: per second = eSIMs allocated/s (first order sent to last ORDER_STATUS received); p50/p99 = order request latency');
    console.log('webhooks: per second = deliveries/s; p50/p99 = delay from the cancel answer to the ESIM_STATUS delivery');
    console.log('backlog: the receiver held its answers while the other half was cancelled; per second = deliveries/s from its release to the last delivery');
  });
}

/** Single-eSIM allocation for each instance count, one schema each (issue 15). */
async function instanceSweep(counts: number[]) {
  const rows: string[][] = [];
  for (const count of counts) {
    const result = await withInstances(count, singleOrders, async (instances, receiver) => {
      const cpuBefore = await instances.cpuMicros();
      const allocation = await measureAllocation(instances, receiver, { batch: 1, orders: singleOrders, connections });
      return { ...allocation, cpuPerOrder: ((await instances.cpuMicros()) - cpuBefore) / singleOrders };
    });
    rows.push([String(count), result.ordersPerSecond.toFixed(0), result.p50.toFixed(1), result.p99.toFixed(1), result.cpuPerOrder.toFixed(0)]);
  }
  console.log(`\nesimkit lifecycle benchmark, instance sweep: ${database}, ${mode} mode, ${connections} connections, ${singleOrders} orders of 1 eSIM per row`);
  console.log(`pinning ${pinning}, the same in every row: ${describePinning(pinning)}\n`);
  printTable([['instances', 'orders/s', 'p50 ms', 'p99 ms', 'esimkit CPU µs/order'], ...rows]);
  console.log('\norders/s = single-eSIM orders allocated per second (first order sent to last ORDER_STATUS received); p50/p99 = order request latency');
  console.log("esimkit CPU µs/order = CPU time of the esimkit processes over the run / orders (PostgreSQL's own not counted): less drift from the machine's speed than orders/s");
}

if (sweep) await instanceSweep(sweep);
else await lifecycle();
