import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../server/test/support/harness.js';
import type { PackageItem } from '../src/index.js';
import { clientFor, recordingFetch, startServer, type Merchant, type TestServer } from './support.js';

// A retried order or top-up carries the same transactionId, so it never charges twice.
let server: TestServer;
let jp: PackageItem;
let topupCode: string;

beforeAll(async () => {
  server = await startServer();
  const probe = clientFor(server, await server.merchant());
  jp = (await probe.packageList({ slug: 'JP_1_7' })).packageList[0]!;
  topupCode = `TOPUP_${jp.packageCode}`;
});
afterAll(() => server?.close());

async function orderRows(merchant: Merchant) {
  return server.runtime.ctx.db.kysely.selectFrom('orders').select(['order_no', 'transaction_id']).where('merchant_id', '=', merchant.id).execute();
}

/** A fetch whose first answer to `path` is lost after the server acted on it. */
function losingFirstAnswer(path: string) {
  let lost = false;
  return recordingFetch(async (attempt, _index, send) => {
    const response = await send();
    if (!lost && attempt.path === path) {
      lost = true;
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    }
    return response;
  });
}

describe('retries of orders and top-ups', () => {
  it('a 900001 is retried with the same transactionId and charges once', async () => {
    const merchant = await server.merchant({ balance: 1_000_000, rateLimit: 1, rateBurst: 1 });
    // Take the only token, so the order's first attempt is refused.
    await call(server, '/api/v1/open/balance/query', {}, { accessCode: merchant.accessCode });
    const recorder = recordingFetch();
    const client = clientFor(server, merchant, { fetch: recorder.fetch });
    const placed = await client.order({ packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const orders = recorder.attempts.filter((a) => a.path.endsWith('/esim/order'));
    expect(orders.map((a) => a.errorCode)).toEqual(['900001', null]);
    expect(new Set(orders.map((a) => a.body.transactionId))).toEqual(new Set([placed.transactionId]));
    expect(await orderRows(merchant)).toEqual([{ order_no: placed.orderNo, transaction_id: placed.transactionId }]);
    expect((await client.balance()).balance).toBe(1_000_000 - jp.price);
  });

  it('an order whose answer was lost is retried with the same transactionId: same orderNo, one charge', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const recorder = losingFirstAnswer('/api/v1/open/esim/order');
    const client = clientFor(server, merchant, { fetch: recorder.fetch });
    const placed = await client.order({ transactionId: 'my-order-1', packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] });
    expect(placed.transactionId).toBe('my-order-1');
    const orders = recorder.attempts.filter((a) => a.path.endsWith('/esim/order'));
    expect(orders).toHaveLength(2);
    expect(orders.map((a) => a.body.transactionId)).toEqual(['my-order-1', 'my-order-1']);
    expect(await orderRows(merchant)).toHaveLength(1);
    expect((await client.balance()).balance).toBe(1_000_000 - 2 * jp.price);
  });

  it('a top-up whose answer was lost is retried with the same transactionId and charges once', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const plain = clientFor(server, merchant);
    const { esims } = await plain.orderAndWait({ packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, { pollIntervalMs: 20 });
    const before = (await plain.balance()).balance;
    const recorder = losingFirstAnswer('/api/v1/open/esim/topup');
    const result = await clientFor(server, merchant, { fetch: recorder.fetch }).topup({ esimTranNo: esims[0]!.esimTranNo, packageCode: topupCode });
    const topups = recorder.attempts.filter((a) => a.path.endsWith('/esim/topup'));
    expect(topups).toHaveLength(2);
    expect(topups[0]!.body.transactionId).toBe(result.transactionId);
    expect(topups[1]!.body.transactionId).toBe(result.transactionId);
    expect(result.totalVolume).toBe(2 * jp.volume);
    expect((await plain.balance()).balance).toBe(before - jp.price);
  });

  it('two orders without a transactionId get different ones', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const client = clientFor(server, merchant);
    const order = { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] };
    const [a, b] = await Promise.all([client.order(order), client.order(order)]);
    expect(a.transactionId).not.toBe(b.transactionId);
    expect(a.orderNo).not.toBe(b.orderNo);
  });
});
