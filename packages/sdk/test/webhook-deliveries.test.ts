import { signWebhook } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LruDedupeStore, parseWebhookEvent, verifyWebhook, WebhookDeduper, type DedupeStore, type EsimAccessClient, type WebhookEvent } from '../src/index.js';
import { clientFor, startHook, startServer, until, type Hook, type TestServer } from './support.js';

// Verifying and deduplicating real deliveries of a running esimkit.
describe('verifyWebhook', () => {
  const secret = `whsec_${Buffer.from('a secret of 24 bytes!!!!').toString('base64')}`;
  const body = '{"notifyType":"CHECK_HEALTH"}';
  const now = Math.floor(Date.now() / 1000);
  const signed = { 'webhook-id': 'abc', 'webhook-timestamp': String(now), 'webhook-signature': signWebhook(secret, 'abc', now, body) };

  it('accepts the exact body with any header shape, refuses anything else', () => {
    expect(verifyWebhook(secret, signed, body)).toBe(true);
    expect(verifyWebhook(secret, new Headers(signed), Buffer.from(body))).toBe(true);
    expect(verifyWebhook(secret, { 'Webhook-Id': 'abc', 'Webhook-Timestamp': String(now), 'WEBHOOK-SIGNATURE': [`v1,bogus`, signed['webhook-signature']] }, body)).toBe(true);
    expect(verifyWebhook(secret, signed, `${body} `)).toBe(false);
    expect(verifyWebhook(`whsec_${Buffer.from('another secret').toString('base64')}`, signed, body)).toBe(false);
    expect(verifyWebhook(secret, { ...signed, 'webhook-signature': undefined }, body)).toBe(false);
    expect(verifyWebhook(secret, signed, body, { now: new Date((now + 600) * 1000) })).toBe(false);
  });
});

describe('the deduper', () => {
  it('remembers the latest ids (LRU), a repeat refreshing its place', async () => {
    const store = new LruDedupeStore(2);
    const dedupe = new WebhookDeduper({ store });
    expect(await dedupe.isNew('a')).toBe(true);
    expect(await dedupe.isNew('b')).toBe(true);
    expect(await dedupe.isNew('a')).toBe(false); // a is now the newest
    expect(await dedupe.isNew('c')).toBe(true); // evicts b
    expect(store.size).toBe(2);
    expect(await dedupe.isNew('a')).toBe(false);
    expect(await dedupe.isNew('b')).toBe(true);
  });

  it('takes a pluggable store, and releases an id whose handling failed', async () => {
    const shared = new Map<string, true>();
    const store: DedupeStore = {
      claim: async (id) => !shared.has(id) && Boolean(shared.set(id, true)),
      release: async (id) => void shared.delete(id),
    };
    const dedupe = new WebhookDeduper({ store });
    const handled: string[] = [];
    const failing = { notifyId: 'n1' };
    await expect(dedupe.handle(failing, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(shared.has('n1')).toBe(false);
    expect(await dedupe.handle(failing, (e) => handled.push(e.notifyId))).toBe(true);
    expect(await dedupe.handle(failing, (e) => handled.push(e.notifyId))).toBe(false);
    expect(handled).toEqual(['n1']);
  });
});

describe('deliveries of a running esimkit', () => {
  let server: TestServer;
  let hook: Hook;
  let client: EsimAccessClient;
  let secret: string;
  const dedupe = new WebhookDeduper();
  const handled: WebhookEvent[] = [];
  const duplicates: string[] = [];
  const verdicts: boolean[] = [];

  beforeAll(async () => {
    server = await startServer();
    hook = await startHook(async (body, headers) => {
      const event = parseWebhookEvent(body);
      // CHECK_HEALTH came when the URL was saved, before signing was turned on.
      if (event.notifyType !== 'CHECK_HEALTH') verdicts.push(verifyWebhook(secret, headers, body));
      if (!(await dedupe.handle(event, (e) => handled.push(e)))) duplicates.push(event.notifyId);
    });
    client = clientFor(server, await server.merchant({ balance: 1_000_000 }));
    await client.webhookSave(hook.url);
    secret = (await client.rotateWebhookSecret()).secret;
  });
  afterAll(async () => {
    await server?.close();
    await hook?.close();
  });

  it('signed events verify, parse, and a redelivery is recognised as a duplicate', async () => {
    expect(secret).toMatch(/^whsec_/);
    const { orderNo } = await client.orderAndWait({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, { pollIntervalMs: 20 });
    const orderStatus = await until(() => handled.find((e) => e.notifyType === 'ORDER_STATUS'));
    expect(orderStatus.content).toMatchObject({ orderNo, orderStatus: 'GOT_RESOURCE' });
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every(Boolean)).toBe(true);

    // The receiver has the event before the server has recorded the 2xx: wait for the log.
    const logged = await until(async () => {
      const { eventList } = await client.webhookLog({ notifyType: 'ORDER_STATUS' });
      return eventList[0]?.status === 'delivered' ? eventList[0] : undefined;
    });
    expect(logged).toMatchObject({ notifyId: orderStatus.notifyId, status: 'delivered' });
    expect(await client.webhookRedeliver({ notifyId: orderStatus.notifyId })).toEqual({ redelivered: 1 });
    await until(() => duplicates.includes(orderStatus.notifyId));
    expect(handled.filter((e) => e.notifyId === orderStatus.notifyId)).toHaveLength(1);

    await client.disableWebhookSigning();
    const received = hook.received.length;
    await client.order({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    await until(() => hook.received.length > received);
    expect(hook.received.at(-1)!.headers['webhook-signature']).toBeUndefined();
  });
});
