import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalog, parseCatalogText } from '../src/domain/catalog/import.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { opCall, ok, operatorToken, refusal } from './support/operator.js';
import { orderAndWait, placeOrder, queryEsim, type Merchant } from './support/orders.js';

// The operator API's read-only views across merchants (orders, eSIMs, webhook health) and
// usage records from the network, over real HTTP, with two merchants' orders placed through
// the partner API.

let server: TestServer;
let token: string;
let alpha: Merchant;
let beta: Merchant;
let alphaOrder: { orderNo: string; esims: any[] };
let betaOrder: { orderNo: string; esims: any[] };
const post = (path: string, body: unknown) => opCall(server, path, body, token);

beforeAll(async () => {
  server = await startTestServer({ env: { SEED_CATALOG: 'none', ALLOCATION_DELAY_MS: '0' } });
  const catalog = readFileSync(new URL('../../../examples/catalog.csv', import.meta.url), 'utf8');
  await importCatalog({ ctx: server.runtime.ctx, input: parseCatalogText(catalog) });
  token = await operatorToken(server, ['orders:read', 'usage:write', 'webhooks:read']);
  alpha = await server.merchant({ name: 'Alpha Travel', balance: 10_000_000 });
  beta = await server.merchant({ name: 'Beta Roam', balance: 10_000_000 });
  alphaOrder = await orderAndWait(server, alpha, { transactionId: 'alpha-txn-1', packageInfoList: [{ packageCode: 'EX-JP-1-7', count: 2 }] });
  betaOrder = await orderAndWait(server, beta, { transactionId: 'beta-txn-1', packageInfoList: [{ packageCode: 'EX-JP-5-30', count: 1 }] });
});
afterAll(() => server?.close());

const merchantIdOf = async (m: Merchant) => Number((await server.runtime.ctx.db.kysely.selectFrom('merchants').select('id').where('name', '=', m.name).executeTakeFirstOrThrow()).id);

describe('order/list and order/get', () => {
  it('lists every merchant’s orders newest first, filtered and paged', async () => {
    const all = ok(await post('order/list', {}));
    expect(all).toMatchObject({ total: 2, pageNum: 1, pageSize: 50 });
    expect(all.orderList.map((o: any) => o.orderNo)).toEqual([betaOrder.orderNo, alphaOrder.orderNo]);
    expect(all.orderList[1]).toMatchObject({
      transactionId: 'alpha-txn-1',
      merchantName: 'Alpha Travel',
      status: 'GOT_RESOURCE',
      esimCount: 2,
      items: [expect.objectContaining({ packageCode: 'EX-JP-1-7', count: 2 })],
      failureReason: null,
    });
    expect(new Date(all.orderList[1].createdAt).toISOString()).toBe(all.orderList[1].createdAt);

    const alphaId = await merchantIdOf(alpha);
    expect(ok(await post('order/list', { merchantId: alphaId })).orderList.map((o: any) => o.orderNo)).toEqual([alphaOrder.orderNo]);
    expect(ok(await post('order/list', { search: 'BETA-TXN' })).orderList.map((o: any) => o.orderNo)).toEqual([betaOrder.orderNo]);
    expect(ok(await post('order/list', { status: 'FAILED' }))).toMatchObject({ total: 0, orderList: [] });
    const page2 = ok(await post('order/list', { pageNum: 2, pageSize: 1 }));
    expect(page2).toMatchObject({ total: 2, pageNum: 2, pageSize: 1 });
    expect(page2.orderList.map((o: any) => o.orderNo)).toEqual([alphaOrder.orderNo]);

    expect(refusal(await post('order/list', { status: 'DONE' }))).toBe('000104');
    expect(refusal(await post('order/list', { merchantId: -1 }))).toBe('000104');
    expect(refusal(await post('order/list', { search: 'x'.repeat(101) }))).toBe('000107');
  });

  it('reads one order with its eSIMs; an unknown one is 800202', async () => {
    const order = ok(await post('order/get', { orderNo: alphaOrder.orderNo }));
    expect(order).toMatchObject({ orderNo: alphaOrder.orderNo, merchantName: 'Alpha Travel', esimCount: 2 });
    expect(order.esimList.map((e: any) => e.esimTranNo).sort()).toEqual(alphaOrder.esims.map((e) => e.esimTranNo).sort());
    expect(order.esimList[0]).toMatchObject({ packageCode: 'EX-JP-1-7', esimStatus: 'GOT_RESOURCE', smdpStatus: 'RELEASED' });
    expect(refusal(await post('order/get', { orderNo: 'B00000000000000' }))).toBe('800202');
    expect(refusal(await post('order/get', {}))).toBe('000105');
  });
});

describe('esim/list and esim/get', () => {
  it('lists every merchant’s eSIMs, filtered and paged, and reads one with its timeline', async () => {
    const all = ok(await post('esim/list', {}));
    expect(all.total).toBe(3);
    expect(all.esimList.map((e: any) => e.merchantName).sort()).toEqual(['Alpha Travel', 'Alpha Travel', 'Beta Roam']);
    const betaEsim = betaOrder.esims[0];
    expect(ok(await post('esim/list', { search: betaEsim.iccid.slice(-8) })).esimList.map((e: any) => e.esimTranNo)).toEqual([betaEsim.esimTranNo]);
    expect(ok(await post('esim/list', { merchantId: await merchantIdOf(alpha), status: 'GOT_RESOURCE' })).total).toBe(2);
    expect(ok(await post('esim/list', { status: 'IN_USE' })).total).toBe(0);

    const one = ok(await post('esim/get', { esimTranNo: betaEsim.esimTranNo }));
    expect(one).toMatchObject({ esimTranNo: betaEsim.esimTranNo, iccid: betaEsim.iccid, orderNo: betaOrder.orderNo, merchantName: 'Beta Roam', packageCode: 'EX-JP-5-30' });
    expect(one.eventList.length).toBeGreaterThan(0);
    expect(one.eventList[0]).toMatchObject({ field: expect.any(String), to: expect.any(String), actor: expect.any(String), time: expect.any(String) });

    expect(refusal(await post('esim/get', { esimTranNo: '99999999' }))).toBe('800203');
    expect(refusal(await post('esim/list', { status: 'BROKEN' }))).toBe('000104');
  });
});

describe('usage/records', () => {
  it('applies each record once, rejects bad ones on their own, and the partner sees the usage', async () => {
    const esim = alphaOrder.esims[0];
    const now = Date.now();
    const record = { recordId: `net-${now}-1`, iccid: `${esim.iccid}F`, bytes: 1_048_576, periodStart: now - 60_000, periodEnd: now };
    const first = ok(await post('usage/records', { records: [record, { ...record, recordId: `net-${now}-2`, iccid: '12345' }] }));
    expect(first.accepted).toBe(1);
    expect(first.duplicates).toBe(0);
    expect(first.rejected).toEqual([{ recordId: `net-${now}-2`, reason: expect.stringContaining('iccid') }]);
    expect(ok(await post('usage/records', { records: [record] }))).toEqual({ accepted: 0, duplicates: 1, rejected: [] });

    expect((await queryEsim(server, alpha, esim.esimTranNo)).orderUsage).toBe(1_048_576);
    expect(ok(await post('esim/get', { esimTranNo: esim.esimTranNo })).orderUsage).toBe(1_048_576);

    expect(refusal(await post('usage/records', { records: [] }))).toBe('000107');
    expect(refusal(await post('usage/records', { records: [{ ...record, bytes: 'many' }] }))).toBe('000104');
    expect(refusal(await post('usage/records', { records: [{ recordId: 'x', iccid: esim.iccid, bytes: 1, periodStart: now }] }))).toBe('000105');
    expect(refusal(await post('usage/records', {}))).toBe('000105');
  });
});

describe('webhook/health', () => {
  it('counts each merchant’s webhook events by state', async () => {
    const health = ok(await post('webhook/health', {}));
    const names = health.merchantList.map((m: any) => m.merchantName);
    expect(names).toEqual(expect.arrayContaining(['Alpha Travel', 'Beta Roam']));
    const alphaLine = health.merchantList.find((m: any) => m.merchantName === 'Alpha Travel');
    // Without a webhook URL, the order's events are recorded as never sent.
    expect(alphaLine).toMatchObject({ webhookUrl: null, pending: 0, delivered: 0, failed: 0, oldestPendingAt: null });
    expect(alphaLine.noEndpoint).toBeGreaterThan(0);
    expect(health.failedList).toEqual([]);

    const alphaId = await merchantIdOf(alpha);
    const one = ok(await post('webhook/health', { merchantId: alphaId, failedLimit: 0 }));
    expect(one.merchantList.map((m: any) => m.merchantId)).toEqual([alphaId]);
    expect(refusal(await post('webhook/health', { failedLimit: 1000 }))).toBe('000104');
  });
});

describe('scopes of the read-only views', () => {
  it('orders:read alone reads orders and eSIMs, not webhook health nor usage', async () => {
    const reader = await operatorToken(server, ['orders:read']);
    expect(ok(await opCall(server, 'order/list', {}, reader)).total).toBe(2);
    expect(refusal(await opCall(server, 'webhook/health', {}, reader))).toBe('800103');
    expect(refusal(await opCall(server, 'usage/records', { records: [] }, reader))).toBe('800103');
  });
});

it('places orders through the partner API only (the operator API cannot)', async () => {
  // A guard for this file's assumptions: the merchants' orders above are theirs.
  const orderNo = await placeOrder(server, beta, { transactionId: 'beta-txn-2', packageInfoList: [{ packageCode: 'EX-JP-1-7', count: 1 }] });
  expect(refusal(await opCall(server, 'order/place', { packageCode: 'EX-JP-1-7' }, token))).toBe('000103');
  expect(ok(await post('order/get', { orderNo })).merchantName).toBe('Beta Roam');
});
