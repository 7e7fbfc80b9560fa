import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '@esimkit/contract';
import { call, expectFailure, startTestServer, type TestServer } from './support/harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';

// Delivery: at least once, durable across restarts, retried on a schedule, logged,
// redeliverable, optionally signed, and never held up by another merchant's endpoint.
const open = (p: string) => `/api/v1/open/${p}`;
const ext = (p: string) => `/api/v1/esimkit/${p}`;
const FAST_RETRIES = { ALLOCATION_DELAY_MS: '0', WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms', WEBHOOK_TIMEOUT_MS: '2000' };

async function placeOrder(server: TestServer, accessCode: string) {
  const placed = await call(server, open('esim/order'), { transactionId: `t-${Math.random()}`, packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, { accessCode });
  expect(placed.json.success).toBe(true);
  return placed.json.obj.orderNo as string;
}

async function logOf(server: TestServer, accessCode: string, filter: Record<string, unknown> = {}) {
  const result = await call(server, ext('webhook/log'), filter, { accessCode });
  expect(result.json.success).toBe(true);
  return result.json.obj.eventList as any[];
}

async function waitForLog(server: TestServer, accessCode: string, predicate: (events: any[]) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await logOf(server, accessCode);
    if (predicate(events)) return events;
    if (Date.now() > deadline) throw new Error(`log condition not met: ${JSON.stringify(events.map((e) => [e.notifyType, e.status, e.attempts]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A test server and a webhook receiver for one describe block, closed after it. */
function serverWithReceiver(options: { env?: Record<string, string> }, use: (server: TestServer, receiver: Receiver) => void): void {
  let server: TestServer | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
    receiver = await startReceiver();
    use(server, receiver);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });
}

describe('saving a webhook URL', () => {
  let server: TestServer;
  let receiver: Receiver;
  serverWithReceiver({}, (s, r) => {
    server = s;
    receiver = r;
  });

  it('saves only after CHECK_HEALTH gets a 2xx, and webhook/query returns it', async () => {
    const merchant = await server.merchant();
    expect((await call(server, open('webhook/query'), {}, { accessCode: merchant.accessCode })).json.obj).toEqual({ webhook: null });
    const saved = await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    expect(saved.json).toMatchObject({ success: true, errorCode: '0', obj: { webhook: receiver.url } });
    expect(receiver.events('CHECK_HEALTH')).toHaveLength(1);
    expect((await call(server, open('webhook/query'), {}, { accessCode: merchant.accessCode })).json.obj).toEqual({ webhook: receiver.url });
  });

  it('keeps the previous URL when the new one fails the check', async () => {
    const merchant = await server.merchant();
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    receiver.failNext(1, 503);
    const refused = await call(server, open('webhook/save'), { webhook: `${receiver.url}?v=2` }, { accessCode: merchant.accessCode });
    expect(expectFailure(refused)).toBe('000104');
    expect(refused.json.errorMsg).toMatch(/HTTP 503/);
    const dead = await call(server, open('webhook/save'), { webhook: 'http://127.0.0.1:9/nothing' }, { accessCode: merchant.accessCode });
    expect(expectFailure(dead)).toBe('000104');
    expect((await call(server, open('webhook/query'), {}, { accessCode: merchant.accessCode })).json.obj.webhook).toBe(receiver.url);
  });

  it('refuses URLs no partner endpoint should have', async () => {
    const merchant = await server.merchant();
    for (const webhook of [
      'ftp://example.com/hook',
      'not a url',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/hook',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://user:pass@127.0.0.1/hook',
      'http://0.0.0.0:80/',
      'http://224.0.0.1/',
    ]) {
      const result = await call(server, open('webhook/save'), { webhook }, { accessCode: merchant.accessCode });
      expect(expectFailure(result), webhook).toBe('000104');
    }
    expect(expectFailure(await call(server, open('webhook/save'), {}, { accessCode: merchant.accessCode }))).toBe('000105');
  });
});

describe('private addresses outside the sandbox', () => {
  let server: TestServer;
  let receiver: Receiver;
  serverWithReceiver({ env: { ...FAST_RETRIES, WEBHOOK_ALLOW_PRIVATE: 'off' } }, (s, r) => {
    server = s;
    receiver = r;
  });

  it('refuses loopback when saving and again at delivery', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    const refused = await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    expect(expectFailure(refused)).toBe('000104');
    expect(refused.json.errorMsg).toMatch(/loopback or private/);
    // A URL that got in another way (or whose DNS now points inside) is refused at delivery.
    await server.runtime.ctx.db.kysely.updateTable('merchants').set({ webhook_url: receiver.url }).where('id', '=', merchant.id).execute();
    await placeOrder(server, merchant.accessCode);
    const events = await waitForLog(server, merchant.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS' && e.status === 'failed'));
    const order = events.find((e) => e.notifyType === 'ORDER_STATUS');
    expect(order.attemptList).toHaveLength(4);
    expect(order.attemptList[0].error).toMatch(/loopback or private/);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses loopback however the URL spells it: IPv4-mapped, IPv4-compatible, hex and decimal forms', async () => {
    const merchant = await server.merchant();
    const port = new URL(receiver.url).port;
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:127.0.0.1]', '[::127.0.0.1]', '0x7f.1', '2130706433', 'localhost']) {
      const refused = await call(server, open('webhook/save'), { webhook: `http://${host}:${port}/hook` }, { accessCode: merchant.accessCode });
      expect(expectFailure(refused), host).toBe('000104');
      expect(refused.json.errorMsg, host).toMatch(/loopback or private/);
    }
    expect(receiver.received).toHaveLength(0);
  });
});

describe('retries, restarts and redelivery', () => {
  let server: TestServer;
  let receiver: Receiver;
  serverWithReceiver({ env: FAST_RETRIES }, (s, r) => {
    server = s;
    receiver = r;
  });

  it('retries on the schedule with the same notifyId until a 2xx, and logs each attempt', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    receiver.failNext(2, 500);
    const orderNo = await placeOrder(server, merchant.accessCode);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo));
    const events = await waitForLog(server, merchant.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS' && e.status === 'delivered'));
    const event = events.find((e) => e.notifyType === 'ORDER_STATUS');
    expect(event.attempts).toBe(3);
    expect(event.attemptList.map((a: any) => a.statusCode)).toEqual([500, 500, 200]);
    expect(event.attemptList[0].response).toBe('not now');
    expect(event.attemptList.every((a: any) => a.url === receiver.url && a.latencyMs >= 0)).toBe(true);
    expect(JSON.parse(event.body).notifyId).toBe(event.notifyId);
    expect(receiver.events('ORDER_STATUS').find((e) => e.content.orderNo === orderNo).notifyId).toBe(event.notifyId);
  });

  it('marks an event failed after the last try, then redelivers it with the same notifyId', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    receiver.failNext(4, 502);
    const orderNo = await placeOrder(server, merchant.accessCode);
    const events = await waitForLog(server, merchant.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS' && e.status === 'failed'));
    const failed = events.find((e) => e.notifyType === 'ORDER_STATUS');
    expect(failed.attempts).toBe(4);
    expect((await logOf(server, merchant.accessCode, { status: 'failed' })).map((e) => e.notifyId)).toEqual([failed.notifyId]);

    const again = await call(server, ext('webhook/redeliver'), { notifyId: failed.notifyId }, { accessCode: merchant.accessCode });
    expect(again.json.obj).toEqual({ redelivered: 1 });
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo));
    expect(receiver.events('ORDER_STATUS').find((e) => e.content.orderNo === orderNo).notifyId).toBe(failed.notifyId);
    expect(expectFailure(await call(server, ext('webhook/redeliver'), { notifyId: 'f'.repeat(32) }, { accessCode: merchant.accessCode }))).toBe('310403');
    expect(expectFailure(await call(server, ext('webhook/redeliver'), {}, { accessCode: merchant.accessCode }))).toBe('000105');
  });

  it('redelivers everything failed since a time', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    const since = new Date(Date.now() - 1000).toISOString();
    receiver.failNext(8, 500);
    const first = await placeOrder(server, merchant.accessCode);
    await waitForLog(server, merchant.accessCode, (list) => list.filter((e) => e.status === 'failed').length === 1);
    const second = await placeOrder(server, merchant.accessCode);
    await waitForLog(server, merchant.accessCode, (list) => list.filter((e) => e.status === 'failed').length === 2);
    const result = await call(server, ext('webhook/redeliver'), { failedSince: since }, { accessCode: merchant.accessCode });
    expect(result.json.obj.redelivered).toBe(2);
    await receiver.waitFor(() => [first, second].every((o) => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === o)));
  });

  it('loses nothing when the server restarts between attempts', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    const slow = await startTestServer({ databaseUrl: server.databaseUrl, env: { ...FAST_RETRIES, WEBHOOK_RETRY_SCHEDULE: '1s,1s' } });
    receiver.failNext(1, 500);
    const orderNo = await placeOrder(slow, merchant.accessCode);
    await waitForLog(slow, merchant.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS' && e.attempts === 1));
    // Stop that instance while the retry waits; the other instance finishes the job.
    await slow.app.close();
    await slow.runtime.close();
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo), 15_000);
    const events = await waitForLog(server, merchant.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS' && e.status === 'delivered'));
    expect(events.find((e) => e.notifyType === 'ORDER_STATUS').attempts).toBe(2);
  });

  it('never shows one merchant another merchant’s log', async () => {
    const a = await server.merchant({ balance: 10_000_000 });
    const b = await server.merchant();
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: a.accessCode });
    await placeOrder(server, a.accessCode);
    const aLog = await waitForLog(server, a.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS'));
    expect(await logOf(server, b.accessCode)).toEqual([]);
    expect(expectFailure(await call(server, ext('webhook/redeliver'), { notifyId: aLog[0].notifyId }, { accessCode: b.accessCode }))).toBe('000105');
  });
});

describe('signing', () => {
  let server: TestServer;
  let receiver: Receiver;
  serverWithReceiver({ env: FAST_RETRIES }, (s, r) => {
    server = s;
    receiver = r;
  });

  it('signs with Standard Webhooks headers once enabled, over the untouched body', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    const unsigned = await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    expect(unsigned.json.success).toBe(true);
    expect(receiver.received.at(-1)!.headers['webhook-signature']).toBeUndefined();

    const rotated = await call(server, ext('webhook/secret/rotate'), {}, { accessCode: merchant.accessCode });
    const secret = rotated.json.obj.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(rotated.json.obj.previousValidUntil).toBeNull();
    const orderNo = await placeOrder(server, merchant.accessCode);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo));
    const delivery = receiver.received.find((r) => r.json?.content?.orderNo === orderNo)!;
    expect(delivery.headers['webhook-id']).toBe(delivery.json.notifyId);
    expect(verifyWebhookSignature(secret, delivery.headers as any, delivery.body)).toBe(true);
    expect(verifyWebhookSignature(secret, delivery.headers as any, delivery.body.replace('GOT_RESOURCE', 'GOT_RESOURCF'))).toBe(false);
    expect(verifyWebhookSignature('whsec_' + Buffer.from('another key').toString('base64'), delivery.headers as any, delivery.body)).toBe(false);
    expect(verifyWebhookSignature(secret, delivery.headers as any, delivery.body, { now: new Date(Date.now() + 3600_000) })).toBe(false);

    // Rotation: both secrets verify during the overlap.
    const next = await call(server, ext('webhook/secret/rotate'), { overlapSeconds: 600 }, { accessCode: merchant.accessCode });
    const newSecret = next.json.obj.secret as string;
    expect(next.json.obj.previousValidUntil).toMatch(/\+0000$/);
    const second = await placeOrder(server, merchant.accessCode);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === second));
    const rotatedDelivery = receiver.received.find((r) => r.json?.content?.orderNo === second)!;
    expect(String(rotatedDelivery.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWebhookSignature(newSecret, rotatedDelivery.headers as any, rotatedDelivery.body)).toBe(true);
    expect(verifyWebhookSignature(secret, rotatedDelivery.headers as any, rotatedDelivery.body)).toBe(true);

    await call(server, ext('webhook/secret/disable'), {}, { accessCode: merchant.accessCode });
    const third = await placeOrder(server, merchant.accessCode);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === third));
    expect(receiver.received.find((r) => r.json?.content?.orderNo === third)!.headers['webhook-signature']).toBeUndefined();
  });
});

describe('isolation between endpoints', () => {
  let server: TestServer;
  let slowReceiver: Receiver;
  let fastReceiver: Receiver;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...FAST_RETRIES, WEBHOOK_TIMEOUT_MS: '4000' } });
    slowReceiver = await startReceiver();
    fastReceiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.close();
    await slowReceiver?.close();
    await fastReceiver?.close();
  });

  it('delivers to a fast endpoint while another merchant’s endpoint hangs', async () => {
    const slowMerchant = await server.merchant({ balance: 10_000_000 });
    const fastMerchant = await server.merchant({ balance: 10_000_000 });
    await call(server, open('webhook/save'), { webhook: slowReceiver.url }, { accessCode: slowMerchant.accessCode });
    await call(server, open('webhook/save'), { webhook: fastReceiver.url }, { accessCode: fastMerchant.accessCode });
    slowReceiver.delayMs = 3000;
    for (let i = 0; i < 5; i++) await placeOrder(server, slowMerchant.accessCode);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const orderNo = await placeOrder(server, fastMerchant.accessCode);
    await fastReceiver.waitFor(() => fastReceiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo), 2500);
    expect(Date.now() - started).toBeLessThan(2500);
    slowReceiver.delayMs = 0;
  });
});

describe('retention of the delivery log', () => {
  let server: TestServer;
  let receiver: Receiver;
  serverWithReceiver({ env: { ...FAST_RETRIES, WEBHOOK_RETENTION_DAYS: '1' } }, (s, r) => {
    server = s;
    receiver = r;
  });

  it('prunes finished events older than the retention (real time), never pending ones', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
    await placeOrder(server, merchant.accessCode);
    await waitForLog(server, merchant.accessCode, (list) => list.some((e) => e.notifyType === 'ORDER_STATUS' && e.status === 'delivered'));
    const db = server.runtime.ctx.db.kysely;
    const [pending] = await db.selectFrom('webhook_events').select('id').where('notify_type', '=', 'ORDER_STATUS').execute();
    // One event still waiting for a retry must survive the prune.
    await db.updateTable('webhook_events').set({ status: 'pending', next_attempt_at: Date.now() + 86_400_000 * 30 }).where('id', '=', pending!.id).execute();
    expect((await logOf(server, merchant.accessCode)).length).toBe(2);
    const { pruneWebhookLog } = await import('../src/domain/sweeps/prune-webhooks.js');
    // Retention runs on real time: moving the merchant's sandbox clock ahead prunes nothing,
    // so an expiry test keeps the delivery history it wants to look at.
    await call(server, '/sandbox/v1/clock/advance', { seconds: 2 * 86_400 }, { accessCode: merchant.accessCode });
    await pruneWebhookLog(server.runtime.ctx);
    expect((await logOf(server, merchant.accessCode)).length).toBe(2);
    // Two real days later (the records made that long ago), the finished event goes.
    await db.updateTable('webhook_events').set({ created_at: Date.now() - 2 * 86_400_000 }).where('merchant_id', '=', merchant.id).execute();
    await pruneWebhookLog(server.runtime.ctx);
    const left = await logOf(server, merchant.accessCode);
    expect(left.map((e) => [e.notifyType, e.status])).toEqual([['ORDER_STATUS', 'pending']]);
    expect(await db.selectFrom('webhook_attempts').select('id').where('event_id', '!=', pending!.id).execute()).toEqual([]);
  });
});
