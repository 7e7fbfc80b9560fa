import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, type TestServer } from './support/harness.js';
import { as, balanceOf, esimPaths, expectLedgerConsistent, expectSuccess, newTransactionId, orderOne, packageBySlug, placeOrder, startEsimServer, waitForOrder, type Merchant } from './support/orders.js';

// Behaviours settled after review: what a careful partner would expect where the spec is silent.
let server: TestServer;
let merchant: Merchant;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 100_000_000 });
});
afterAll(() => server?.close());

describe('cancel after a top-up', () => {
  it('refunds the plan and the top-up', async () => {
    const esim = await orderOne(server, merchant, 'JP_1_7');
    const before = await balanceOf(server, merchant);
    const topup = (await call(server, esimPaths.packageList, { type: 'TOPUP', esimTranNo: esim.esimTranNo }, as(merchant))).json.obj.packageList[0];
    expectSuccess(await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId() }, as(merchant)), null);
    expect(await balanceOf(server, merchant)).toBe(before - topup.price);
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant)));
    const plan = await packageBySlug(server, merchant, 'JP_1_7');
    expect(await balanceOf(server, merchant)).toBe(before + plan.price);
    await expectLedgerConsistent(server, merchant);
  });
});

describe('esim/query by orderNo', () => {
  it('returns all 30 eSIMs of a full order when no pager is given', async () => {
    const orderNo = await placeOrder(server, merchant, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: 'JP_1_7', count: 30 }] });
    await waitForOrder(server, merchant, orderNo);
    const obj = expectSuccess(await call(server, esimPaths.query, { orderNo }, as(merchant)));
    expect(obj.esimList).toHaveLength(30);
    expect(obj.pager).toEqual({ pageNum: 1, pageSize: 30, total: 30 });
    const paged = expectSuccess(await call(server, esimPaths.query, { orderNo, pager: { pageNum: 2, pageSize: 20 } }, as(merchant)));
    expect(paged.esimList).toHaveLength(10);
  });
});

describe('install pages of a withdrawn eSIM', () => {
  it('answer 410 once the eSIM is cancelled', async () => {
    const esim = await orderOne(server, merchant, 'JP_1_7');
    expect((await fetch(esim.qrCodeUrl)).status).toBe(200);
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant)));
    expect((await fetch(esim.qrCodeUrl)).status).toBe(410);
    expect((await fetch(esim.shortUrl)).status).toBe(410);
  });
});

describe('retries that name the same thing another way', () => {
  it('replay a top-up named by iccid and slug instead of esimTranNo and code', async () => {
    const esim = await orderOne(server, merchant, 'JP_1_7');
    const topup = (await call(server, esimPaths.packageList, { type: 'TOPUP', esimTranNo: esim.esimTranNo }, as(merchant))).json.obj.packageList[0];
    const transactionId = newTransactionId('same-topup');
    const first = expectSuccess(await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId }, as(merchant)), null);
    const balance = await balanceOf(server, merchant);
    const again = expectSuccess(await call(server, esimPaths.topup, { iccid: esim.iccid, packageCode: topup.slug, transactionId }, as(merchant)), null);
    expect(again).toEqual(first);
    expect(await balanceOf(server, merchant)).toBe(balance);
    const other = await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId, amount: 1 }, as(merchant));
    expect(expectFailure(other)).toBe('200008');
  });

  it('replay an order naming its package by slug instead of code', async () => {
    const plan = await packageBySlug(server, merchant, 'JP_1_7');
    const transactionId = newTransactionId('same-order');
    const first = expectSuccess(await call(server, esimPaths.order, { transactionId, packageInfoList: [{ packageCode: plan.packageCode, count: 1 }] }, as(merchant)), null);
    const balance = await balanceOf(server, merchant);
    const again = expectSuccess(await call(server, esimPaths.order, { transactionId, packageInfoList: [{ slug: 'JP_1_7', count: 1 }] }, as(merchant)), null);
    expect(again.orderNo).toBe(first.orderNo);
    expect(await balanceOf(server, merchant)).toBe(balance);
  });
});
