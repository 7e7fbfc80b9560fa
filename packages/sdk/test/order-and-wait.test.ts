import { EventEmitter, on } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderWaitTimeoutError, parseWebhookEvent, type EsimAccessClient, type PackageItem } from '../src/index.js';
import { clientFor, recordingFetch, setMerchantFlags, startHook, startServer, type Hook, type Merchant, type TestServer } from './support.js';

// orderAndWait: polls esim/query by orderNo while 200010, or ends the wait as soon as an
// ORDER_STATUS event for the order is handed to it.
let server: TestServer;
let jp: PackageItem;

beforeAll(async () => {
  server = await startServer();
  jp = (await clientFor(server, await server.merchant()).packageList({ slug: 'JP_1_7' })).packageList[0]!;
});
afterAll(() => server?.close());

const order = (count = 1) => ({ packageInfoList: [{ packageCode: jp.packageCode, count }] });
const queries = (recorder: ReturnType<typeof recordingFetch>) => recorder.attempts.filter((a) => a.path.endsWith('/esim/query'));

async function slowMerchant(delayMs: number): Promise<Merchant> {
  const merchant = await server.merchant({ balance: 10_000_000 });
  await setMerchantFlags(server, merchant, { allocation_delay_ms: delayMs });
  return merchant;
}

describe('orderAndWait', () => {
  it('polls while the order is allocating and returns its profiles', async () => {
    const merchant = await slowMerchant(600);
    const recorder = recordingFetch();
    const client = clientFor(server, merchant, { fetch: recorder.fetch });
    const result = await client.orderAndWait(order(3), { pollIntervalMs: 100, timeoutMs: 10_000 });
    expect(result.esims).toHaveLength(3);
    expect(result.esims.every((e) => e.orderNo === result.orderNo && e.esimStatus === 'GOT_RESOURCE' && e.ac.startsWith('LPA:1$'))).toBe(true);
    const polls = queries(recorder);
    expect(polls.length).toBeGreaterThan(1);
    expect(polls.slice(0, -1).every((a) => a.errorCode === '200010')).toBe(true);
    expect(polls.at(-1)!.errorCode).toBe('0');
  });

  describe('with webhooks', () => {
    let merchant: Merchant;
    let client: EsimAccessClient;
    let hook: Hook;
    const emitter = new EventEmitter();

    beforeAll(async () => {
      merchant = await slowMerchant(1000);
      hook = await startHook((body) => emitter.emit('event', parseWebhookEvent(body)));
      client = clientFor(server, merchant);
      await client.webhookSave(hook.url);
    });
    afterAll(() => hook?.close());

    it('ends the wait early on an ORDER_STATUS handed to client.notify', async () => {
      const recorder = recordingFetch();
      const watched = clientFor(server, merchant, { fetch: recorder.fetch });
      const forward = (event: unknown) => watched.notify(event);
      emitter.on('event', forward);
      try {
        const started = performance.now();
        const result = await watched.orderAndWait(order(), { pollIntervalMs: 30_000, timeoutMs: 20_000 });
        expect(performance.now() - started).toBeLessThan(10_000);
        expect(result.esims).toHaveLength(1);
        expect(queries(recorder).map((a) => a.errorCode)).toEqual(['200010', '0']);
      } finally {
        emitter.off('event', forward);
      }
    });

    it('ends the wait early on an ORDER_STATUS from an async iterable of events', async () => {
      const recorder = recordingFetch();
      const watched = clientFor(server, merchant, { fetch: recorder.fetch });
      const controller = new AbortController();
      const events = on(emitter, 'event', { signal: controller.signal }) as AsyncIterable<unknown[]>;
      const flattened = (async function* () {
        for await (const [event] of events) yield event;
      })();
      try {
        const result = await watched.orderAndWait(order(), { pollIntervalMs: 30_000, timeoutMs: 20_000, webhookEvents: flattened });
        expect(result.esims).toHaveLength(1);
        expect(queries(recorder).map((a) => a.errorCode)).toEqual(['200010', '0']);
      } finally {
        controller.abort();
      }
    });
  });

  it('an event that came before the wait began still counts', async () => {
    const merchant = await slowMerchant(0);
    const recorder = recordingFetch(async (attempt, _i, send) => {
      const response = await send();
      // Tell the client about the allocation while the order's answer is on its way.
      if (attempt.path.endsWith('/esim/order')) {
        const { obj } = await response.clone().json();
        client.notify({ notifyType: 'ORDER_STATUS', content: { orderNo: obj.orderNo, orderStatus: 'GOT_RESOURCE' } });
      }
      return response;
    });
    const client = clientFor(server, merchant, { fetch: recorder.fetch });
    const result = await client.orderAndWait(order(), { pollIntervalMs: 30_000 });
    expect(result.esims).toHaveLength(1);
  });

  it('gives up after timeoutMs with the orderNo; the order stands', async () => {
    const merchant = await slowMerchant(60_000);
    const client = clientFor(server, merchant);
    const error = await client.orderAndWait(order(), { timeoutMs: 300, pollIntervalMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderWaitTimeoutError);
    expect(error).toMatchObject({ code: '200010', retryable: true, orderNo: expect.stringMatching(/^B\d+$/) });
    await expect(client.query({ orderNo: (error as OrderWaitTimeoutError).orderNo })).rejects.toMatchObject({ code: '200010' });
  });

  it('stops when aborted', async () => {
    const merchant = await slowMerchant(60_000);
    const controller = new AbortController();
    const pending = clientFor(server, merchant).orderAndWait(order(), { signal: controller.signal, pollIntervalMs: 50 });
    setTimeout(() => controller.abort(new Error('stop waiting')), 200);
    await expect(pending).rejects.toThrow('stop waiting');
  });

  it('an allocation that fails is 200009 (the order was refunded)', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    await setMerchantFlags(server, merchant, { fail_allocations: 1 });
    const client = clientFor(server, merchant);
    await expect(client.orderAndWait(order(), { pollIntervalMs: 20 })).rejects.toMatchObject({ code: '200009', retryable: false });
    expect((await client.balance()).balance).toBe(1_000_000);
  });
});
