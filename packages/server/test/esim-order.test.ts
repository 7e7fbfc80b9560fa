import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depositFunds, importInventory } from '../src/index.js';
import { call, expectFailure, type TestServer } from './support/harness.js';
import {
  as,
  DAY_MS,
  esimPaths,
  expectLedgerConsistent,
  expectSuccess,
  isLuhnValid,
  ledgerEntries,
  merchantRow,
  minuteStampOf,
  newTransactionId,
  orderAndWait,
  packageBySlug,
  parseWire,
  placeOrder,
  setMerchantFlags,
  startEsimServer,
  waitForOrder,
  withLuhn,
  type Merchant,
} from './support/orders.js';

// esim/order (field-notes §5, §8): pricing and its checks, idempotent transactionIds,
// asynchronous allocation, inventory, refusals that change nothing.
let server: TestServer;
let probe: Merchant;
let jp: any; // JP_1_7: 1 GB, 7 days, total-data plan
let fr: any; // FR_1_7
let daily: any; // JP_1_Daily: a day pass, priced per day

beforeAll(async () => {
  server = await startEsimServer();
  probe = await server.merchant({ balance: 0 });
  jp = await packageBySlug(server, probe, 'JP_1_7');
  fr = await packageBySlug(server, probe, 'FR_1_7');
  daily = await packageBySlug(server, probe, 'JP_1_Daily');
});
afterAll(() => server?.close());

const db = () => server.runtime.ctx.db.kysely;

async function orderCount(merchant: Merchant): Promise<number> {
  const rows = await db().selectFrom('orders').select('id').where('merchant_id', '=', merchant.id).execute();
  return rows.length;
}

/** Asserts a refused order left no trace: same balance, no order, no new ledger entry. */
async function expectRefusedWithoutTrace(merchant: Merchant, body: unknown, code: string) {
  const before = { balance: (await merchantRow(server, merchant)).balance, orders: await orderCount(merchant), ledger: (await ledgerEntries(server, merchant)).length };
  const result = await call(server, esimPaths.order, body, as(merchant));
  expect(expectFailure(result), result.text).toBe(code);
  expect((await merchantRow(server, merchant)).balance).toBe(before.balance);
  expect(await orderCount(merchant)).toBe(before.orders);
  expect((await ledgerEntries(server, merchant)).length).toBe(before.ledger);
  return result;
}

describe('catalogue facts the tests rely on', () => {
  it('prices JP_1_7 at $0.70 for 1 GB / 7 days and JP_1_Daily per day', () => {
    expect(jp).toMatchObject({ price: 7000, volume: 1024 ** 3, duration: 7, dataType: 1, unusedValidTime: 180 });
    expect(daily).toMatchObject({ price: 10_000, dataType: 2, duration: 1 });
  });
});

describe('a successful order', () => {
  it('answers only {orderNo, transactionId} with errorCode null and debits the balance', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    const transactionId = newTransactionId('ok');
    const before = Date.now();
    const result = await call(server, esimPaths.order, { transactionId, packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] }, as(merchant));
    const after = Date.now();
    const obj = expectSuccess(result, null);
    expect(Object.keys(obj).sort()).toEqual(['orderNo', 'transactionId']);
    expect(obj.transactionId).toBe(transactionId);
    expect(obj.orderNo).toMatch(/^B\d{14}$/);
    // B + yyMMddHHmm (UTC) of the order time + a 4-digit sequence.
    expect([minuteStampOf(before), minuteStampOf(after)]).toContain(obj.orderNo.slice(1, 11));
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - 2 * jp.price);
    const entries = await ledgerEntries(server, merchant);
    expect(entries.at(-1)).toMatchObject({ amount: -2 * jp.price, kind: 'order', reference: obj.orderNo });
    await expectLedgerConsistent(server, merchant);
  });

  it('allocates the eSIMs asynchronously with standards-correct identifiers', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const orderedAt = Date.now();
    const transactionId = newTransactionId('alloc');
    const { orderNo, esims } = await orderAndWait(server, merchant, { transactionId, packageInfoList: [{ packageCode: jp.packageCode, count: 5 }] });
    expect(esims).toHaveLength(5);
    for (const esim of esims) {
      expect(esim.orderNo).toBe(orderNo);
      expect(esim.transactionId).toBe(transactionId);
      expect(esim.esimTranNo).toMatch(/^\d{14}$/);
      expect(esim.iccid).toMatch(/^\d{19,20}$/);
      expect(isLuhnValid(esim.iccid), esim.iccid).toBe(true);
      expect(esim.iccid.startsWith('89')).toBe(true);
      expect(esim.imsi).toMatch(/^\d{6,15}$/);
      expect(esim.ac).toMatch(/^LPA:1\$[a-z0-9.-]+\$[0-9A-F]{32}$/);
      expect(esim.ac.split('$')[1]).toBe('smdp.esimkit.dev');
      expect(esim.msisdn).toBe('');
      expect(esim.eid).toBe('');
      expect(esim).toMatchObject({ esimStatus: 'GOT_RESOURCE', smdpStatus: 'RELEASED', orderUsage: 0, totalVolume: jp.volume, totalDuration: jp.duration });
      expect(esim.smsStatus).toBe(jp.smsStatus);
      expect(esim.activeType).toBe(jp.activeType);
      expect(esim.dataType).toBe(1);
      expect(esim.activateTime).toBeNull();
      // Before activation the eSIM stays installable for unusedValidTime days.
      const expires = parseWire(esim.expiredTime);
      expect(expires).toBeGreaterThanOrEqual(orderedAt - 1000 + jp.unusedValidTime * DAY_MS);
      expect(expires).toBeLessThanOrEqual(Date.now() + 1000 + jp.unusedValidTime * DAY_MS);
    }
    for (const field of ['esimTranNo', 'iccid', 'ac', 'imsi', 'qrCodeUrl', 'shortUrl']) {
      expect(new Set(esims.map((e: any) => e[field])).size, field).toBe(5);
    }
  });

  it('answers 200010 while allocating, then the eSIMs', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    await setMerchantFlags(server, merchant, { allocation_delay_ms: 1500 });
    const orderNo = await placeOrder(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const early = await call(server, esimPaths.query, { orderNo }, as(merchant));
    expect(expectFailure(early)).toBe('200010');
    // The money is taken when the order is accepted, not when it is allocated.
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - jp.price);
    const done = await waitForOrder(server, merchant, orderNo);
    expect(expectSuccess(done).esimList).toHaveLength(1);
  });

  it('accepts a slug in packageCode, and a slug field', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    const bySlug = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    expect(bySlug.esims[0].packageList[0]).toMatchObject({ packageCode: jp.packageCode, slug: 'JP_1_7' });
    const slugField = await orderAndWait(server, merchant, { packageInfoList: [{ slug: 'FR_1_7', count: 1 } as any] });
    expect(slugField.esims[0].packageList[0]).toMatchObject({ packageCode: fr.packageCode, slug: 'FR_1_7', locationCode: 'FR' });
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - jp.price - fr.price);
  });

  it('orders several packages in one order and charges their sum', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    const amount = 2 * jp.price + 3 * fr.price;
    const { esims } = await orderAndWait(server, merchant, {
      amount,
      packageInfoList: [
        { packageCode: jp.packageCode, count: 2, price: jp.price },
        { packageCode: fr.packageCode, count: 3, price: fr.price },
      ],
    });
    expect(esims.map((e: any) => e.packageList[0].packageCode).sort()).toEqual([fr.packageCode, fr.packageCode, fr.packageCode, jp.packageCode, jp.packageCode].sort());
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - amount);
    await expectLedgerConsistent(server, merchant);
  });

  it('accepts amount as a string of digits (clients send it typed String)', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    const result = await call(server, esimPaths.order, { transactionId: newTransactionId(), amount: String(jp.price), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, as(merchant));
    expectSuccess(result, null);
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - jp.price);
  });

  it('takes up to 30 eSIMs in one order, each distinct', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 20 }, { packageCode: fr.packageCode, count: 10 }] });
    expect(esims).toHaveLength(30);
    expect(new Set(esims.map((e: any) => e.esimTranNo)).size).toBe(30);
    expect(new Set(esims.map((e: any) => e.iccid)).size).toBe(30);
    expect((await merchantRow(server, merchant)).balance).toBe(10_000_000 - 20 * jp.price - 10 * fr.price);
  });
});

describe('day passes (periodNum)', () => {
  it('charges the daily price x periodNum and grants periodNum days', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const { esims } = await orderAndWait(server, merchant, {
      amount: daily.price * 5 * 2,
      packageInfoList: [{ packageCode: daily.packageCode, count: 2, price: daily.price, periodNum: 5 }],
    });
    expect(esims).toHaveLength(2);
    for (const esim of esims) {
      expect(esim.totalDuration).toBe(5);
      expect(esim.dataType).toBe(2);
      expect(esim.packageList[0]).toMatchObject({ packageCode: daily.packageCode, duration: 5 });
    }
    expect((await merchantRow(server, merchant)).balance).toBe(1_000_000 - daily.price * 10);
  });

  it('sells a day pass without periodNum for one day', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: daily.packageCode, count: 1 }] });
    expect(esims[0].totalDuration).toBe(1);
    expect((await merchantRow(server, merchant)).balance).toBe(1_000_000 - daily.price);
  });

  it('accepts periodNum 1 and 365, refuses 0 and 366 with 200008', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    for (const periodNum of [1, 365]) {
      expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: daily.packageCode, count: 1, periodNum }] }, as(merchant)), null);
    }
    expect((await merchantRow(server, merchant)).balance).toBe(10_000_000 - 366 * daily.price);
    for (const periodNum of [0, 366, -1]) {
      await expectRefusedWithoutTrace(merchant, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: daily.packageCode, count: 1, periodNum }] }, '200008');
    }
  });

  it('refuses periodNum on a plan sold by the trip with 200008', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    await expectRefusedWithoutTrace(merchant, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode, count: 1, periodNum: 3 }] }, '200008');
  });

  it('checks amount against daily price x periodNum x count', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    await expectRefusedWithoutTrace(
      merchant,
      { transactionId: newTransactionId(), amount: daily.price * 2, packageInfoList: [{ packageCode: daily.packageCode, count: 2, periodNum: 3 }] },
      '200006',
    );
  });
});

describe('refused orders change nothing', () => {
  let merchant: Merchant;
  beforeAll(async () => {
    merchant = await server.merchant({ balance: 100_000 });
  });
  const order = (packageInfoList: unknown, extra: Record<string, unknown> = {}) => ({ transactionId: newTransactionId('refused'), packageInfoList, ...extra });

  it('unknown package: 310241 (and a top-up code is not a base plan)', async () => {
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: 'NO_SUCH_PLAN', count: 1 }]), '310241');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: `TOPUP_${jp.packageCode}`, count: 1 }]), '310241');
    // One bad line refuses the whole order.
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 1 }, { packageCode: 'NOPE', count: 1 }]), '310241');
  });

  it('wrong unit price: 200005', async () => {
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 1, price: jp.price - 1 }]), '200005');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 2, price: jp.price * 2 }]), '200005');
  });

  it('wrong total amount: 200006', async () => {
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 2 }], { amount: jp.price }), '200006');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 1 }], { amount: jp.price + 1 }), '200006');
  });

  it('more than 30 eSIMs, or a count out of range: 200008', async () => {
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 31 }]), '200008');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 20 }, { packageCode: fr.packageCode, count: 11 }]), '200008');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 0 }]), '200008');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode, count: 1.5 }]), '200008');
  });

  it('balance short: 200007, and the order goes through once funded', async () => {
    const poor = await server.merchant({ balance: jp.price * 2 - 1 });
    const body = order([{ packageCode: jp.packageCode, count: 2 }]);
    const refused = await expectRefusedWithoutTrace(poor, body, '200007');
    expect(refused.json.errorMsg).toBeTruthy();
    // The refused order did not consume its transactionId.
    await depositFunds({ ctx: server.runtime.ctx, input: { accessCode: poor.accessCode, amount: 1 } });
    expectSuccess(await call(server, esimPaths.order, body, as(poor)), null);
    expect((await merchantRow(server, poor)).balance).toBe(0);
    await expectLedgerConsistent(server, poor);
  });

  it('missing or malformed fields: 000105 / 000106 / 000107', async () => {
    await expectRefusedWithoutTrace(merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, '000105');
    // Present but empty or null: 000106 (decisions.md).
    await expectRefusedWithoutTrace(merchant, { transactionId: '', packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, '000106');
    await expectRefusedWithoutTrace(merchant, { transactionId: null, packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, '000106');
    await expectRefusedWithoutTrace(merchant, { transactionId: 'x'.repeat(51), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, '000107');
    await expectRefusedWithoutTrace(merchant, { transactionId: newTransactionId() }, '000105');
    await expectRefusedWithoutTrace(merchant, order([]), '000107');
    await expectRefusedWithoutTrace(merchant, order(Array.from({ length: 31 }, () => ({ packageCode: jp.packageCode, count: 1 }))), '000107');
    await expectRefusedWithoutTrace(merchant, order([{ packageCode: jp.packageCode }]), '000105');
    await expectRefusedWithoutTrace(merchant, order([{ count: 1 }]), '000105');
    await expectRefusedWithoutTrace(merchant, '{"transactionId":', '000104');
  });

  it('a 50-character transactionId is accepted', async () => {
    const rich = await server.merchant({ balance: 100_000 });
    expectSuccess(await call(server, esimPaths.order, { transactionId: 'y'.repeat(50), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, as(rich)), null);
  });

  it('a wrong signature: 101003, nothing charged', async () => {
    const before = (await merchantRow(server, merchant)).balance;
    const result = await call(server, esimPaths.order, order([{ packageCode: jp.packageCode, count: 1 }]), as(merchant, { secretKey: 'not-the-secret' }));
    expect(expectFailure(result)).toBe('101003');
    expect((await merchantRow(server, merchant)).balance).toBe(before);
    // The right signature goes through.
    expectSuccess(await call(server, esimPaths.order, order([{ packageCode: jp.packageCode, count: 1 }]), as(merchant, { secretKey: merchant.secretKey })), null);
    expect((await merchantRow(server, merchant)).balance).toBe(before - jp.price);
  });
});

describe('transactionId reuse (field-notes §8)', () => {
  it('same body: same orderNo, charged once, allocated once', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    const body = { transactionId: newTransactionId('same'), amount: 2 * jp.price, packageInfoList: [{ packageCode: jp.packageCode, count: 2, price: jp.price }] };
    const first = expectSuccess(await call(server, esimPaths.order, body, as(merchant)), null);
    const again = expectSuccess(await call(server, esimPaths.order, body, as(merchant)), null);
    expect(again).toEqual(first);
    // Field order in the JSON does not make it another request.
    const reordered = { packageInfoList: [{ price: jp.price, count: 2, packageCode: jp.packageCode }], amount: 2 * jp.price, transactionId: body.transactionId };
    expect(expectSuccess(await call(server, esimPaths.order, reordered, as(merchant)), null)).toEqual(first);
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - 2 * jp.price);
    expect(await orderCount(merchant)).toBe(1);
    const done = expectSuccess(await waitForOrder(server, merchant, first.orderNo));
    expect(done.esimList).toHaveLength(2);
    // A retry after allocation still answers the same order.
    expect(expectSuccess(await call(server, esimPaths.order, body, as(merchant)), null)).toEqual(first);
    expect((await merchantRow(server, merchant)).balance).toBe(100_000 - 2 * jp.price);
  });

  it('another body: 200008 naming the reuse, nothing charged', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    const transactionId = newTransactionId('reuse');
    expectSuccess(await call(server, esimPaths.order, { transactionId, packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, as(merchant)), null);
    for (const packageInfoList of [[{ packageCode: jp.packageCode, count: 2 }], [{ packageCode: fr.packageCode, count: 1 }]]) {
      const result = await expectRefusedWithoutTrace(merchant, { transactionId, packageInfoList }, '200008');
      expect(result.json.errorMsg).toMatch(/transactionId/);
    }
  });

  it('a retry the balance no longer covers answers the first order; another body is still 200008', async () => {
    // The first order spent the whole balance: the retry's own debit would be refused (200007),
    // yet a retry is answered with the first result, never charged again.
    const merchant = await server.merchant({ balance: jp.price });
    const body = { transactionId: newTransactionId('spent'), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] };
    const first = expectSuccess(await call(server, esimPaths.order, body, as(merchant)), null);
    expect(expectSuccess(await call(server, esimPaths.order, body, as(merchant)), null)).toEqual(first);
    await expectRefusedWithoutTrace(merchant, { ...body, packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] }, '200008');
    await expectRefusedWithoutTrace(merchant, { ...body, transactionId: newTransactionId('short') }, '200007');
    expect((await merchantRow(server, merchant)).balance).toBe(0);
    expect(await orderCount(merchant)).toBe(1);
  });

  it('transactionIds are per merchant', async () => {
    const a = await server.merchant({ balance: 100_000 });
    const b = await server.merchant({ balance: 100_000 });
    const body = { transactionId: newTransactionId('shared'), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] };
    const fromA = expectSuccess(await call(server, esimPaths.order, body, as(a)), null);
    const fromB = expectSuccess(await call(server, esimPaths.order, body, as(b)), null);
    expect(fromB.orderNo).not.toBe(fromA.orderNo);
    expect((await merchantRow(server, a)).balance).toBe(100_000 - jp.price);
    expect((await merchantRow(server, b)).balance).toBe(100_000 - jp.price);
  });
});

describe('failed allocation (sandbox fault)', () => {
  it('answers 200009 and refunds the order through the ledger', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    await setMerchantFlags(server, merchant, { fail_allocations: 1 });
    const orderNo = await placeOrder(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 3 }] });
    const result = await waitForOrder(server, merchant, orderNo);
    expect(expectFailure(result)).toBe('200009');
    expect((await merchantRow(server, merchant)).balance).toBe(100_000);
    const entries = await ledgerEntries(server, merchant);
    expect(entries.slice(-2).map((e) => [e.kind, e.amount, e.reference])).toEqual([
      ['order', -3 * jp.price, orderNo],
      ['refund', 3 * jp.price, orderNo],
    ]);
    await expectLedgerConsistent(server, merchant);
    const esims = await db().selectFrom('esims').select('id').where('merchant_id', '=', merchant.id).execute();
    expect(esims).toHaveLength(0);
    // The answer stays 200009.
    expect(expectFailure(await call(server, esimPaths.query, { orderNo }, as(merchant)))).toBe('200009');
  });
});

describe('privacy of orders', () => {
  it('answers 310272 for another merchant\'s orderNo, exactly as for an unknown one', async () => {
    const owner = await server.merchant({ balance: 100_000 });
    const other = await server.merchant({ balance: 100_000 });
    const { orderNo } = await orderAndWait(server, owner, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const foreign = await call(server, esimPaths.query, { orderNo }, as(other));
    expect(expectFailure(foreign)).toBe('310272');
    const unknown = await call(server, esimPaths.query, { orderNo: 'B99010100000001' }, as(other));
    expect(expectFailure(unknown)).toBe('310272');
    expect(foreign.json.errorMsg.replace(orderNo, 'X')).toBe(unknown.json.errorMsg.replace('B99010100000001', 'X'));
  });
});

describe('imported inventory', () => {
  const pkgSlug = 'JP_3_15';
  const profiles = Array.from({ length: 6 }, (_, i) => ({
    iccid: withLuhn(`898100000000000${String(i).padStart(3, '0')}`),
    imsi: `44010${String(i).padStart(10, '0')}`,
    ac: `LPA:1$inventory.example.com$${String(i).padStart(32, 'A')}`,
  }));
  let pkg: any;
  beforeAll(async () => {
    pkg = await packageBySlug(server, probe, pkgSlug);
    const result = await importInventory({ ctx: server.runtime.ctx, input: profiles.map((p) => ({ packageCode: pkg.packageCode, ...p })) });
    expect(result.imported).toBe(6);
  });

  it('gives out only imported profiles, never one twice, and refuses with 200011 when short', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const first = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: pkg.packageCode, count: 2 }] });
    // Two lines of the same package in one order.
    const second = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: pkg.packageCode, count: 2 }, { packageCode: pkgSlug, count: 1 }] });
    const given = [...first.esims, ...second.esims];
    expect(given).toHaveLength(5);
    const byIccid = new Map(profiles.map((p) => [p.iccid, p]));
    for (const esim of given) {
      const profile = byIccid.get(esim.iccid);
      expect(profile, esim.iccid).toBeDefined();
      expect(esim.imsi).toBe(profile!.imsi);
      expect(esim.ac).toBe(profile!.ac);
    }
    expect(new Set(given.map((e) => e.iccid)).size).toBe(5);

    // One left: two is too many, and the refusal changes nothing.
    await expectRefusedWithoutTrace(merchant, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: pkg.packageCode, count: 2 }] }, '200011');
    // An order with other packages beside the short one is refused whole.
    await expectRefusedWithoutTrace(
      merchant,
      { transactionId: newTransactionId(), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }, { packageCode: pkg.packageCode, count: 2 }] },
      '200011',
    );
    const last = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: pkg.packageCode, count: 1 }] });
    expect(byIccid.has(last.esims[0].iccid)).toBe(true);
    expect(given.map((e) => e.iccid)).not.toContain(last.esims[0].iccid);
    await expectRefusedWithoutTrace(merchant, { transactionId: newTransactionId(), packageInfoList: [{ packageCode: pkg.packageCode, count: 1 }] }, '200011');

    // Every profile is tied to exactly one eSIM.
    const rows = await db().selectFrom('profiles').select(['iccid', 'esim_id']).where('package_code', '=', pkg.packageCode).execute();
    expect(rows.every((r) => r.esim_id !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.esim_id)).size).toBe(6);
    await expectLedgerConsistent(server, merchant);
  });

  it('a failed allocation gives its reserved profiles back', async () => {
    const extra = { iccid: withLuhn('898100000000000999'), imsi: '440109999999999', ac: 'LPA:1$inventory.example.com$FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' };
    await importInventory({ ctx: server.runtime.ctx, input: [{ packageCode: pkg.packageCode, ...extra }] });
    const failing = await server.merchant({ balance: 1_000_000 });
    await setMerchantFlags(server, failing, { fail_allocations: 1 });
    const orderNo = await placeOrder(server, failing, { packageInfoList: [{ packageCode: pkg.packageCode, count: 1 }] });
    expect(expectFailure(await waitForOrder(server, failing, orderNo))).toBe('200009');
    const healthy = await server.merchant({ balance: 1_000_000 });
    const { esims } = await orderAndWait(server, healthy, { packageInfoList: [{ packageCode: pkg.packageCode, count: 1 }] });
    expect(esims[0].iccid).toBe(extra.iccid);
  });
});
