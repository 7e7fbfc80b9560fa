import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, paths, type TestServer } from './support/harness.js';
import { as, balanceOf, esimPaths, newTransactionId, packageBySlug, startEsimServer, type Merchant } from './support/orders.js';

// Refusals keep their codes and say enough to act on without reading the docs.
let server: TestServer;
let merchant: Merchant;
let jp: any;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 10_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
});
afterAll(() => server?.close());

describe('refusals say more, codes unchanged', () => {
  it('900001 names the rate limit and when to retry, as Retry-After does', async () => {
    const limited = await server.merchant({ rateLimit: 1, rateBurst: 2 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await call(server, paths.balance, '{}', as(limited)));
    const refused = results.find((r) => r.json.errorCode === '900001');
    expect(refused, 'the third request in a row exceeds a bucket of 2').toBeDefined();
    expect(expectFailure(refused!)).toBe('900001');
    const retryAfter = refused!.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(refused!.json.errorMsg).toBe(
      `The system is busy, please try again later: this account may send 1 requests a second (bursts of 2); retry after ${retryAfter} s.`,
    );
  });

  it('200007 says what the order costs and what the balance is', async () => {
    const result = await call(server, esimPaths.order, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] }, as(merchant));
    expect(expectFailure(result)).toBe('200007');
    const cost = jp.price * 2;
    expect(result.json.errorMsg).toBe(
      `Insufficient account balance: the order costs ${cost} ($${(cost / 10_000).toFixed(2)}), the balance is 10000 ($1.00).`,
    );
    expect(await balanceOf(server, merchant)).toBe(10_000);
  });

  it('a missing signature under required names the missing header plainly', async () => {
    const strict = await server.merchant({ signaturePolicy: 'required' });
    const result = await call(server, paths.balance, '{}', as(strict));
    expect(expectFailure(result)).toBe('000101');
    expect(result.json.errorMsg).toMatch(/^Req Header:\[RT-Signature\] is missing: this account requires signed requests/);
  });

  it('000105 and 000106 name the field by its path', async () => {
    const missing = await call(server, esimPaths.usage, {}, as(merchant));
    expect(expectFailure(missing)).toBe('000105');
    expect(missing.json.errorMsg).toBe('Request parameters (mandatory) are not contained: esimTranNoList');
    const nullItem = await call(server, esimPaths.usage, { esimTranNoList: ['26112912000001', null] }, as(merchant));
    expect(expectFailure(nullItem)).toBe('000106');
    expect(nullItem.json.errorMsg).toBe('Request parameter (mandatory) is null: esimTranNoList[1]');
  });

  it('000104 for a NUL character in any text field, named by its path, on both databases (PostgreSQL text cannot hold one)', async () => {
    const balance = await balanceOf(server, merchant);
    const order = { transactionId: newTransactionId('nul'), packageInfoList: [{ packageCode: 'JP_1_7\u0000', count: 1 }] };
    const refused = await call(server, esimPaths.order, order, as(merchant));
    expect(expectFailure(refused)).toBe('000104');
    expect(refused.json.errorMsg).toBe('Request in invalid JSON format: packageInfoList[0].packageCode contains a NUL character (\\u0000), which no field may hold.');
    const query = await call(server, esimPaths.query, { iccid: '89\u000001', pager: { pageNum: 1, pageSize: 5 } }, as(merchant));
    expect(expectFailure(query)).toBe('000104');
    expect(await balanceOf(server, merchant)).toBe(balance);
  });
});
