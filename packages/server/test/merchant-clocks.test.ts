import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProfile } from '../src/index.js';
import { call, type TestServer } from './support/harness.js';
import { as, DAY_MS, esimIdOf, esimPaths, expectSuccess, orderOne, parseWire, placeOrder, queryEsim, setMerchantFlags, startEsimServer, type Merchant } from './support/orders.js';

// A sandbox clock per merchant, like per-object test clocks: each starts at real time, only
// its merchant moves it, moving it runs only that merchant's due work, and a reset brings
// it back to real time.
const sandbox = (path: string) => `/sandbox/v1/${path}`;
let server: TestServer;

beforeAll(async () => {
  server = await startEsimServer();
});
afterAll(() => server?.close());

async function clockOf(merchant: Merchant): Promise<{ now: string; offsetSeconds: number }> {
  return expectSuccess(await call(server, sandbox('clock/get'), {}, as(merchant)));
}

async function advance(merchant: Merchant, seconds: number) {
  return expectSuccess(await call(server, sandbox('clock/advance'), { seconds }, as(merchant)));
}

describe('each merchant has its own clock', () => {
  it('starts at real time', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    const clock = await clockOf(merchant);
    expect(clock.offsetSeconds).toBe(0);
    expect(Math.abs(parseWire(clock.now) - Date.now())).toBeLessThan(5_000);
  });

  it("one merchant's advance of 181 days expires its own new eSIM and nobody else's", async () => {
    const mover = await server.merchant({ balance: 1_000_000 });
    const bystander = await server.merchant({ balance: 1_000_000 });
    const moved = await orderOne(server, mover, 'JP_1_7');
    const untouched = await orderOne(server, bystander, 'JP_1_7');
    const result = await advance(mover, 181 * 86_400);
    expect(result.expired).toBe(1);
    expect((await queryEsim(server, mover, moved.esimTranNo)).esimStatus).toBe('UNUSED_EXPIRED');
    expect((await queryEsim(server, bystander, untouched.esimTranNo)).esimStatus).toBe('GOT_RESOURCE');
    expect((await clockOf(bystander)).offsetSeconds).toBe(0);
    // (the offset is a little under the days moved: real time flowed during the advance)
    expect((await clockOf(mover)).offsetSeconds).toBeGreaterThan(181 * 86_400 - 10);
    // The mover's verbs run on its time: a new order's eSIM is made at the mover's now.
    const later = await orderOne(server, mover, 'JP_1_7');
    expect(parseWire(later.packageList[0].createTime) - Date.now()).toBeGreaterThan(180 * DAY_MS);
  });

  it("an advance runs only its merchant's due jobs: another merchant's allocation waits for real time", async () => {
    const mover = await server.merchant({ balance: 1_000_000 });
    const waiting = await server.merchant({ balance: 1_000_000 });
    for (const merchant of [mover, waiting]) await setMerchantFlags(server, merchant, { allocation_delay_ms: 3_600_000 });
    const moverOrder = await placeOrder(server, mover, { packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    const waitingOrder = await placeOrder(server, waiting, { packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    const result = await advance(mover, 2 * 3600);
    expect(result.jobs).toBeGreaterThanOrEqual(1);
    expect(expectSuccess(await call(server, esimPaths.query, { orderNo: moverOrder }, as(mover))).esimList).toHaveLength(1);
    expect((await call(server, esimPaths.query, { orderNo: waitingOrder }, as(waiting))).json.errorCode).toBe('200010');
  });

  it('sandbox reset brings the clock back to real time', async () => {
    const merchant = await server.merchant({ balance: 1_000_000 });
    await advance(merchant, 30 * 86_400);
    expect((await clockOf(merchant)).offsetSeconds).toBeGreaterThan(30 * 86_400 - 10);
    expectSuccess(await call(server, sandbox('reset'), { balance: 500_000 }, as(merchant)));
    const clock = await clockOf(merchant);
    expect(clock.offsetSeconds).toBe(0);
    expect(Math.abs(parseWire(clock.now) - Date.now())).toBeLessThan(5_000);
    // Back on real time, a new eSIM is made now, not 30 days ahead.
    const esim = await orderOne(server, merchant, 'JP_1_7');
    expect(Math.abs(parseWire(esim.packageList[0].createTime) - Date.now())).toBeLessThan(60_000);
  });

  it('20 merchants advancing at once each see only their own changes', async () => {
    // Each merchant installs a 7-day plan that activates on installation, then moves its
    // clock i days (i = 1..20): the plan has expired for i >= 7 only, its one-day warning
    // was due for i >= 6 only, and every timestamp is on the merchant's own clock.
    const merchants = await Promise.all(Array.from({ length: 20 }, () => server.merchant({ balance: 1_000_000 })));
    const esims = [];
    for (const merchant of merchants) {
      const esim = await orderOne(server, merchant, 'JP_0.1_7');
      await installProfile(server.runtime.ctx, await esimIdOf(server, esim.esimTranNo));
      esims.push(esim);
    }
    const results = await Promise.all(merchants.map((merchant, i) => advance(merchant, (i + 1) * 86_400)));
    const db = server.runtime.ctx.db.kysely;
    for (const [i, merchant] of merchants.entries()) {
      const days = i + 1;
      const label = `merchant advanced ${days} days`;
      const esim = await queryEsim(server, merchant, esims[i].esimTranNo);
      expect(esim.esimStatus, label).toBe(days >= 7 ? 'USED_EXPIRED' : 'IN_USE');
      expect(results[i].expired, label).toBe(days >= 7 ? 1 : 0);
      expect(results[i].warned, label).toBe(days >= 6 ? 1 : 0);
      expect((await clockOf(merchant)).offsetSeconds, label).toBeGreaterThan(days * 86_400 - 10);
      // Nothing of this merchant's was changed on anyone else's clock: its expiry is stamped
      // at its own expiredTime, and its events name only its own eSIM.
      const events = await db.selectFrom('esim_events').select(['esim_id', 'to_value', 'at']).where('merchant_id', '=', merchant.id).execute();
      const ownIds = new Set(events.map((e) => e.esim_id));
      expect(ownIds.size, label).toBe(1);
      const expiry = events.find((e) => e.to_value === 'USED_EXPIRED');
      // (within the seconds real time flows during the advance; days apart from any other clock)
      if (days >= 7) expect(Math.abs(Number(expiry!.at) - parseWire(esim.expiredTime)), label).toBeLessThan(5_000);
      else expect(expiry, label).toBeUndefined();
      const webhooks = await db.selectFrom('webhook_events').select(['notify_type', 'body']).where('merchant_id', '=', merchant.id).execute();
      const warnings = webhooks.filter((w) => w.notify_type === 'VALIDITY_USAGE');
      expect(warnings.length, label).toBe(days >= 6 ? 1 : 0);
      for (const w of webhooks) expect(JSON.parse(w.body).content.esimTranNo ?? esims[i].esimTranNo, label).toBe(esims[i].esimTranNo);
    }
  }, 120_000);
});
