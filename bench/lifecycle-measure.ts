import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Instances } from './lifecycle-instances.js';

/** The plan every benchmark order names (a slug of the seeded catalogue). */
export const BENCH_PACKAGE = 'JP_1_7';

// The measurements of bench/lifecycle.ts: a webhook receiver in the client process, the
// partner calls spread over the instances, allocation and webhook timings.

export interface Delivery {
  at: number;
  body: any;
}

export interface Receiver {
  hook: string;
  deliveries: Delivery[];
  /** Keeps answering back until `release`: deliveries pile up in esimkit (a backlog). */
  hold(): void;
  /** Answers what was held, and everything after at once; returns when it released them. */
  release(): number;
  close(): void;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let held: (() => void)[] | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const answer = () => {
        deliveries.push({ at: performance.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        response.end('ok');
      };
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    hook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      const at = performance.now();
      for (const answer of waiting) answer();
      return at;
    },
    close: () => server.close(),
  };
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

/** A partner API call to one instance; throws unless the answer is a success. */
export async function post(instances: Instances, instance: number, path: string, body: unknown): Promise<any> {
  const url = instances.urls[instance % instances.urls.length]!;
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'RT-AccessCode': instances.accessCode }, body: JSON.stringify(body) });
  const json = (await response.json()) as any;
  if (!json.success) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json.obj;
}

/** Runs `work` for 0..count-1 over `connections` loops; loop c sends to instance c mod N (round robin). */
async function spread(connections: number, count: number, work: (connection: number, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, connection) => {
      while (next < count) await work(connection, next++);
    }),
  );
}

const waitFor = async (done: () => boolean) => {
  const deadline = Date.now() + 120_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
};

export interface Allocation {
  orders: number;
  /** eSIMs allocated per second, first order sent to last ORDER_STATUS received. */
  esimsPerSecond: number;
  ordersPerSecond: number;
  /** Order request latency, ms. */
  p50: number;
  p99: number;
  orderNos: string[];
}

/** `orders` orders of `batch` eSIMs each, until every ORDER_STATUS has arrived (or 120 s). */
export async function measureAllocation(instances: Instances, receiver: Receiver, options: { batch: number; orders: number; connections: number }): Promise<Allocation> {
  const { batch, orders, connections } = options;
  const { deliveries } = receiver;
  const before = deliveries.length;
  const latencies: number[] = [];
  const orderNos: string[] = [];
  const sent = new Set<string>();
  const started = performance.now();
  await spread(connections, orders, async (connection, i) => {
    const t = performance.now();
    const obj = await post(instances, connection, '/api/v1/open/esim/order', { transactionId: `b${batch}-${i}`, packageInfoList: [{ packageCode: BENCH_PACKAGE, count: batch }] });
    latencies.push(performance.now() - t);
    sent.add(obj.orderNo);
    orderNos.push(obj.orderNo);
  });
  const done = () => deliveries.slice(before).filter((d) => d.body.notifyType === 'ORDER_STATUS' && sent.has(d.body.content.orderNo)).length;
  await waitFor(() => done() >= orders);
  const last = Math.max(...deliveries.slice(before).map((d) => d.at));
  const seconds = (last - started) / 1000;
  return { orders, esimsPerSecond: (orders * batch) / seconds, ordersPerSecond: orders / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), orderNos };
}

export interface Webhooks {
  received: number;
  perSecond: number;
  /** Delay from the cancel's answer to the ESIM_STATUS delivery, ms. */
  p50: number;
  p99: number;
}

/** The eSIMs of the orders, by esim/query. */
export async function esimsOf(instances: Instances, orderNos: string[]): Promise<string[]> {
  const esims: string[] = [];
  for (const orderNo of orderNos) esims.push(...(await post(instances, 0, '/api/v1/open/esim/query', { orderNo })).esimList.map((e: any) => e.esimTranNo));
  return esims;
}

export interface Backlog {
  delivered: number;
  /** Deliveries per second from the receiver's release to the last delivery. */
  perSecond: number;
}

/**
 * Delivery throughput alone: the receiver holds its answers while every eSIM is cancelled
 * (one ESIM_STATUS each), so the deliveries pile up as jobs; then it answers, and the
 * backlog is timed from that moment to its last delivery. (The delivering process does
 * nothing else meanwhile, unlike measureWebhooks, where the cancels share its CPU.)
 */
export async function measureBacklog(instances: Instances, receiver: Receiver, options: { esims: string[]; connections: number }): Promise<Backlog> {
  const { deliveries } = receiver;
  receiver.hold();
  const before = deliveries.length;
  await spread(options.connections, options.esims.length, async (connection, i) => {
    await post(instances, connection, '/api/v1/open/esim/cancel', { esimTranNo: options.esims[i]! });
  });
  const released = receiver.release();
  const statusOf = () => deliveries.slice(before).filter((d) => d.body.notifyType === 'ESIM_STATUS');
  await waitFor(() => statusOf().length >= options.esims.length);
  const received = statusOf();
  const span = (Math.max(...received.map((d) => d.at)) - released) / 1000;
  return { delivered: received.length, perSecond: received.length / span };
}

/** Cancels every eSIM of `orderNos`; each answered cancel is a state change whose ESIM_STATUS is timed to its arrival. */
export async function measureWebhooks(instances: Instances, receiver: Receiver, options: { esims: string[]; connections: number }): Promise<Webhooks> {
  const { deliveries } = receiver;
  const esims = options.esims;
  const changedAt = new Map<string, number>();
  const before = deliveries.length;
  const started = performance.now();
  await spread(options.connections, esims.length, async (connection, i) => {
    const tranNo = esims[i]!;
    await post(instances, connection, '/api/v1/open/esim/cancel', { esimTranNo: tranNo });
    changedAt.set(tranNo, performance.now());
  });
  const statusOf = () => deliveries.slice(before).filter((d) => d.body.notifyType === 'ESIM_STATUS');
  await waitFor(() => statusOf().length >= esims.length);
  const received = statusOf();
  const delays = received.map((d) => d.at - changedAt.get(d.body.content.esimTranNo)!).filter((x) => Number.isFinite(x));
  const span = (Math.max(...received.map((d) => d.at)) - started) / 1000;
  return { received: received.length, perSecond: received.length / span, p50: percentile(delays, 0.5), p99: percentile(delays, 0.99) };
}
