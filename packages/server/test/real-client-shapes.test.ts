import { randomUUID } from 'node:crypto';
import { computeSignature } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, type TestServer } from './support/harness.js';
import {
  as,
  balanceOf,
  esimPaths,
  expectLedgerConsistent,
  expectSuccess,
  newTransactionId,
  orderAndWait,
  orderOne,
  packageBySlug,
  queryEsim,
  startEsimServer,
  waitForOrder,
  type Merchant,
} from './support/orders.js';

// Request shapes that partner clients written against the live service send, one test per
// shape, named for it. Each must be served exactly as its plain equivalent: these clients
// change only their base URL to use esimkit.
let server: TestServer;
let merchant: Merchant;
let jp: any; // JP_1_7, a plan sold by the trip
let daily: any; // EU-42_1_Daily, a day pass
let topup: any; // a top-up of JP_1_7

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 50_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  daily = await packageBySlug(server, merchant, 'EU-42_1_Daily');
  topup = (await call(server, esimPaths.packageList, { type: 'TOPUP', slug: 'JP_1_7' }, as(merchant))).json.obj.packageList[0];
});
afterAll(() => server?.close());

const post = (path: string, body: unknown, who: Merchant = merchant) => call(server, path, body, as(who));

/** Orders, waits for allocation, and returns what the merchant was charged. */
async function chargedFor(body: Record<string, unknown>): Promise<{ charged: number; orderNo: string }> {
  const before = await balanceOf(server, merchant);
  const result = await post(esimPaths.order, { transactionId: newTransactionId('shape'), ...body });
  const { orderNo } = expectSuccess(result, null);
  expectSuccess(await waitForOrder(server, merchant, orderNo));
  return { charged: before - (await balanceOf(server, merchant)), orderNo };
}

describe('null means "not given"', () => {
  it('package/list with every filter null answers as {}', async () => {
    const plain = expectSuccess(await post(esimPaths.packageList, {}), null);
    const nulls = expectSuccess(
      await post(esimPaths.packageList, { locationCode: null, type: null, packageCode: null, slug: null, iccid: null, esimTranNo: null }),
      null,
    );
    expect(nulls.packageList.length).toBeGreaterThan(1000);
    expect(nulls).toEqual(plain);
  });

  it('esim/query by orderNo with iccid, startTime and pager.total null', async () => {
    const { orderNo, esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] });
    const obj = expectSuccess(
      await post(esimPaths.query, { orderNo, iccid: null, esimTranNo: null, startTime: null, endTime: null, pager: { pageNum: 1, pageSize: 20, total: null } }),
    );
    expect(obj.esimList.map((e: any) => e.esimTranNo).sort()).toEqual(esims.map((e) => e.esimTranNo).sort());
    expect(obj.pager).toEqual({ pageNum: 1, pageSize: 20, total: 2 });
  });

  it('esim/query with pager null answers as without a pager', async () => {
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const plain = expectSuccess(await post(esimPaths.query, { esimTranNo: esims[0].esimTranNo }));
    expect(expectSuccess(await post(esimPaths.query, { esimTranNo: esims[0].esimTranNo, pager: null }))).toEqual(plain);
    expect(plain.pager).toEqual({ pageNum: 1, pageSize: 20, total: 1 });
  });

  it('esim/order with amount null and line price, periodNum and slug null', async () => {
    const { charged } = await chargedFor({ amount: null, packageInfoList: [{ packageCode: jp.packageCode, slug: null, count: 1, price: null, periodNum: null }] });
    expect(charged).toBe(jp.price);
  });

  it('esim/topup with iccid null beside an esimTranNo', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const obj = expectSuccess(
      await post(esimPaths.topup, { esimTranNo: esim.esimTranNo, iccid: null, packageCode: topup.packageCode, transactionId: newTransactionId('topup'), amount: null, periodNum: null }),
      null,
    );
    expect(obj.totalVolume).toBe(esim.totalVolume + topup.volume);
  });

  it('esim/cancel with iccid null beside an esimTranNo', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    expectSuccess(await post(esimPaths.cancel, { esimTranNo: esim.esimTranNo, iccid: null }));
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('CANCEL');
  });

  it('a mandatory field sent as null is 000106 naming its path; nothing is charged', async () => {
    const before = await balanceOf(server, merchant);
    const result = await post(esimPaths.order, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode, count: null }] });
    expect(expectFailure(result)).toBe('000106');
    expect(result.json.errorMsg).toBe('Request parameter (mandatory) is null: packageInfoList[0].count');
    expect(expectFailure(await post(esimPaths.order, { transactionId: null, packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }))).toBe('000106');
    expect(await balanceOf(server, merchant)).toBe(before);
  });

  it('a mandatory field left out is 000105 naming its path', async () => {
    const result = await post(esimPaths.order, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode }] });
    expect(expectFailure(result)).toBe('000105');
    expect(result.json.errorMsg).toBe('Request parameters (mandatory) are not contained: packageInfoList[0].count');
  });

  it('an optional field with a wrong value is never called mandatory', async () => {
    const result = await post(esimPaths.query, { orderNo: 'B1', iccid: 12345 });
    expect(expectFailure(result)).toBe('000104');
    expect(result.json.errorMsg).not.toMatch(/mandatory/);
    expect(result.json.errorMsg).toContain('iccid');
  });
});

describe('day passes: a line price per day or for the whole period', () => {
  it('price per day with periodNum', async () => {
    const { charged } = await chargedFor({ packageInfoList: [{ packageCode: daily.packageCode, count: 1, price: daily.price, periodNum: 3 }] });
    expect(charged).toBe(daily.price * 3);
  });

  it('price per day x periodNum with periodNum', async () => {
    const { charged } = await chargedFor({ packageInfoList: [{ packageCode: daily.packageCode, count: 2, price: daily.price * 3, periodNum: 3 }] });
    expect(charged).toBe(daily.price * 3 * 2);
  });

  it('amount equal to the order total with either price reading', async () => {
    const total = daily.price * 5 * 2 + jp.price;
    const { charged } = await chargedFor({
      amount: total,
      packageInfoList: [
        { packageCode: daily.packageCode, count: 1, price: daily.price, periodNum: 5 },
        { packageCode: daily.packageCode, count: 1, price: daily.price * 5, periodNum: 5 },
        { packageCode: jp.packageCode, count: 1, price: jp.price },
      ],
    });
    expect(charged).toBe(total);
  });

  it('any other price is 200005 naming both readings; an amount other than the total is 200006', async () => {
    const before = await balanceOf(server, merchant);
    const wrongPrice = await post(esimPaths.order, {
      transactionId: newTransactionId(),
      packageInfoList: [{ packageCode: daily.packageCode, count: 1, price: daily.price * 2, periodNum: 3 }],
    });
    expect(expectFailure(wrongPrice)).toBe('200005');
    expect(wrongPrice.json.errorMsg).toContain(`${daily.price} a day (${daily.price * 3} for 3 days)`);
    const perDayAmount = await post(esimPaths.order, {
      transactionId: newTransactionId(),
      amount: daily.price,
      packageInfoList: [{ packageCode: daily.packageCode, count: 1, price: daily.price, periodNum: 3 }],
    });
    expect(expectFailure(perDayAmount)).toBe('200006');
    expect(await balanceOf(server, merchant)).toBe(before);
  });
});

describe('0 means "no price check"', () => {
  it('price 0 and amount 0 on an order', async () => {
    const { charged } = await chargedFor({ amount: 0, packageInfoList: [{ packageCode: jp.packageCode, count: 2, price: 0 }] });
    expect(charged).toBe(jp.price * 2);
  });

  it('price 0 and amount 0 on a day pass', async () => {
    const { charged } = await chargedFor({ amount: 0, packageInfoList: [{ packageCode: daily.packageCode, count: 1, price: 0, periodNum: 2 }] });
    expect(charged).toBe(daily.price * 2);
  });

  it('amount 0 on a top-up', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balanceOf(server, merchant);
    expectSuccess(await post(esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('topup'), amount: 0 }), null);
    expect(before - (await balanceOf(server, merchant))).toBe(topup.price);
  });

  it('a retry with amount 0 where the first said nothing is the same order', async () => {
    const transactionId = newTransactionId('retry');
    const line = { packageCode: jp.packageCode, count: 1 };
    const first = expectSuccess(await post(esimPaths.order, { transactionId, packageInfoList: [line] }), null);
    const before = await balanceOf(server, merchant);
    const again = expectSuccess(await post(esimPaths.order, { transactionId, amount: 0, packageInfoList: [{ ...line, price: 0 }] }), null);
    expect(again.orderNo).toBe(first.orderNo);
    expect(await balanceOf(server, merchant)).toBe(before);
  });
});

describe('shapes already accepted', () => {
  it('a JSON body sent as application/x-www-form-urlencoded', async () => {
    const result = await call(server, esimPaths.packageList, JSON.stringify({ slug: 'JP_1_7' }), {
      ...as(merchant),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(expectSuccess(result, null).packageList.map((p: any) => p.slug)).toEqual(['JP_1_7']);
  });

  it('a body with no content type at all', async () => {
    const response = await fetch(`${server.baseUrl}${esimPaths.balance}`, { method: 'POST', headers: { 'RT-AccessCode': merchant.accessCode } });
    expect((await response.json()).success).toBe(true);
  });

  describe('signed requests', () => {
    let strict: Merchant;
    beforeAll(async () => {
      strict = await server.merchant({ balance: 10_000_000, signaturePolicy: 'required' });
    });
    const signedBalance = (options: { timestamp?: string; requestId?: string; upper?: boolean }) => {
      const timestamp = options.timestamp ?? String(Date.now());
      const requestId = options.requestId ?? randomUUID();
      const signature = computeSignature(strict.secretKey, { timestamp, requestId, accessCode: strict.accessCode, body: '{}' });
      return call(server, esimPaths.balance, '{}', {
        headers: {
          'RT-AccessCode': strict.accessCode,
          'RT-Timestamp': timestamp,
          'RT-RequestID': requestId,
          'RT-Signature': options.upper ? signature.toUpperCase() : signature,
        },
      });
    };

    it('an upper-case hex signature', async () => {
      expect(expectSuccess(await signedBalance({ upper: true })).balance).toBe(10_000_000);
    });

    it('a timestamp in seconds', async () => {
      expect(expectSuccess(await signedBalance({ timestamp: String(Math.floor(Date.now() / 1000)) })).balance).toBe(10_000_000);
    });

    it('a RequestID without dashes', async () => {
      expect(expectSuccess(await signedBalance({ requestId: randomUUID().replaceAll('-', '') })).balance).toBe(10_000_000);
    });
  });

  it('numbers sent as strings: count, periodNum, price, amount and the pager', async () => {
    const { charged, orderNo } = await chargedFor({
      amount: String(daily.price * 2 + jp.price),
      packageInfoList: [
        { packageCode: daily.packageCode, count: '1', periodNum: '2', price: String(daily.price) },
        { packageCode: jp.packageCode, count: '1', price: String(jp.price) },
      ],
    });
    expect(charged).toBe(daily.price * 2 + jp.price);
    expect(expectSuccess(await post(esimPaths.query, { orderNo, pager: { pageNum: '1', pageSize: '5' } })).pager).toEqual({ pageNum: 1, pageSize: 5, total: 2 });
  });

  it('a number sent as a string outside its bounds is refused like the number', async () => {
    const result = await post(esimPaths.order, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode, count: '31' }] });
    expect(expectFailure(result)).toBe('200008');
    expect(result.json.errorMsg).toContain('packageInfoList[0].count');
    expect(expectFailure(await post(esimPaths.order, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode, count: 'one' }] }))).toBe('200008');
  });

  it('unknown fields, at the top level and in lines', async () => {
    const { charged } = await chargedFor({ channel: 'app', extra: { a: [1, null] }, packageInfoList: [{ packageCode: jp.packageCode, count: 1, currency: 'USD' }] });
    expect(charged).toBe(jp.price);
  });

  it('empty strings for every optional field', async () => {
    const plain = expectSuccess(await post(esimPaths.packageList, {}), null);
    expect(expectSuccess(await post(esimPaths.packageList, { locationCode: '', type: '', slug: '', packageCode: '', iccid: '' }), null)).toEqual(plain);
  });
});

describe('bodies no client should send still get the documented code', () => {
  it('JSON nested thousands of levels deep is 000104, not a server error', async () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(expectFailure(await call(server, esimPaths.packageList, deep, as(merchant)))).toBe('000104');
  });

  it('the ledger still balances after every shape above', async () => {
    await expectLedgerConsistent(server, merchant);
  });
});
