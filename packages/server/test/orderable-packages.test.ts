import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { ok, opCall, operatorToken } from './support/operator.js';
import { as, balanceOf, esimPaths, newTransactionId, orderAndWait, type Merchant } from './support/orders.js';

// esim/order finds its plans in a per-instance cache (orders/orderable-packages.ts), read
// afresh whenever the catalogue version changed. Two instances on one database: each change an
// operator makes on one (a price, a profile source, imported inventory) is what the very next
// order on the other one meets, with no second's delay as package/list has.

const example = (name: string) => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');

let orders: TestServer;
let operator: TestServer;
let token: string;
let merchant: Merchant;
const post = (path: string, body: unknown) => opCall(operator, path, body, token);
const order = (packageCode: string, price?: number) =>
  call(orders, esimPaths.order, { transactionId: newTransactionId('cache'), packageInfoList: [{ packageCode, count: 1, ...(price === undefined ? {} : { price }) }] }, as(merchant));

beforeAll(async () => {
  const env = { SEED_CATALOG: 'none', ALLOCATION_DELAY_MS: '0' };
  orders = await startTestServer({ env });
  operator = await startTestServer({ env, databaseUrl: orders.databaseUrl });
  token = await operatorToken(operator, ['catalog:write', 'inventory:write']);
  ok(await post('catalog/import', { content: example('catalog.csv') }));
  merchant = await orders.merchant({ balance: 10_000_000 });
});
afterAll(async () => {
  await operator?.close();
  await orders?.close();
});

describe('plans an order reads, cached per instance', () => {
  it('a price changed on another instance is the price of the next order', async () => {
    ok(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 47_000 }));
    expect((await order('EX-JP-1-7', 47_000)).json.success).toBe(true);

    ok(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 51_000 }));
    // At once, not after the second package/list may take: the old price is refused...
    expect((await order('EX-JP-1-7', 47_000)).json.errorCode).toBe('200005');
    // ...and an order that quotes none pays the new one.
    const before = await balanceOf(orders, merchant);
    expect((await order('EX_JP_1_7')).json.success).toBe(true);
    expect(before - (await balanceOf(orders, merchant))).toBe(51_000);
  });

  it('the new price quoted in the first order after a change on another instance is accepted', async () => {
    // The order reads the catalogue version before it prices, never the plan as it was cached
    // before the change (orders/orderable-packages.ts).
    ok(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 53_000 }));
    const before = await balanceOf(orders, merchant);
    const quoted = await order('EX-JP-1-7', 53_000);
    expect(quoted.json, quoted.text).toMatchObject({ success: true });
    expect(before - (await balanceOf(orders, merchant))).toBe(53_000);
  });

  it('a profile source and imported inventory set on another instance decide the next order', async () => {
    // The simulator serves the plan while it has no source and no inventory.
    const simulated = await orderAndWait(orders, merchant, { packageInfoList: [{ packageCode: 'EX-JP-1-7', count: 1 }] });
    expect(simulated.esims[0].iccid).not.toMatch(/^898100000000001/);

    ok(await post('catalog/source', { packageCode: 'EX-JP-1-7', source: 'inventory' }));
    expect((await order('EX-JP-1-7')).json.errorCode).toBe('200011');

    expect(ok(await post('inventory/import', { content: example('inventory.csv'), packageCode: 'EX-JP-1-7' })).imported).toBe(3);
    const fromStock = await orderAndWait(orders, merchant, { packageInfoList: [{ packageCode: 'EX-JP-1-7', count: 1 }] });
    expect(fromStock.esims[0].iccid).toMatch(/^898100000000001/);
  });

  it('a plan unknown until an import on another instance can be ordered at once', async () => {
    expect((await order('EX-NEW-1-7')).json.errorCode).toBe('310241');
    const csv = example('catalog.csv').split('\n');
    const japan = csv.find((line) => line.includes('EX-JP-1-7'));
    expect(japan).toBeDefined();
    ok(await post('catalog/import', { content: [csv[0], japan!.replaceAll('EX-JP-1-7', 'EX-NEW-1-7').replaceAll('EX_JP_1_7', 'EX_NEW_1_7')].join('\n') }));
    expect((await order('EX-NEW-1-7')).json.success).toBe(true);
  });
});
