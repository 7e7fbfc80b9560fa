import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeData, depositFunds, installProfile } from '../src/index.js';
import { call, expectFailure, type TestServer } from './support/harness.js';
import {
  as,
  DAY_MS,
  esimIdOf,
  esimPaths,
  expectLedgerConsistent,
  expectSuccess,
  ledgerEntries,
  merchantRow,
  newTransactionId,
  orderOne,
  packageBySlug,
  parseWire,
  queryEsim,
  startEsimServer,
  WIRE_TIME,
  type Merchant,
} from './support/orders.js';

// esim/topup (field-notes §5, §6, §8) and the TOPUP list of package/list for one eSIM.
let server: TestServer;
let merchant: Merchant;
let other: Merchant;
let jp: any; // JP_1_7, reloadable, activates on first network use
let topup: any; // TOPUP_<JP_1_7's code>
let frTopup: any;
let daily: any; // JP_1_Daily, not reloadable

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  other = await server.merchant({ balance: 10_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  topup = await packageBySlug(server, merchant, 'JP_1_7', 'TOPUP');
  frTopup = await packageBySlug(server, merchant, 'FR_1_7', 'TOPUP');
  daily = await packageBySlug(server, merchant, 'JP_1_Daily');
});
afterAll(() => server?.close());

const ctx = () => server.runtime.ctx;
const doTopup = (body: Record<string, unknown>, who: Merchant = merchant) =>
  call(server, esimPaths.topup, { packageCode: topup.packageCode, transactionId: newTransactionId('topup'), ...body }, as(who));
const balance = async (who: Merchant = merchant) => (await merchantRow(server, who)).balance;
const RESULT_FIELDS = ['expiredTime', 'iccid', 'orderUsage', 'topUpEsimTranNo', 'totalDuration', 'totalVolume', 'transactionId'];

/** Asserts a refused top-up changed nothing: balance, totals, package list. */
async function expectRefused(body: Record<string, unknown>, code: string, esim?: any, who: Merchant = merchant) {
  const before = { balance: await balance(who), esim: esim ? await queryEsim(server, who, esim.esimTranNo) : undefined };
  const result = await doTopup(body, who);
  expect(expectFailure(result), result.text).toBe(code);
  expect(await balance(who)).toBe(before.balance);
  if (esim) expect(await queryEsim(server, who, esim.esimTranNo)).toEqual(before.esim);
  return result;
}

describe('the top-ups of an eSIM (package/list type TOPUP)', () => {
  it('lists the top-ups of the eSIM\'s location family, by esimTranNo or iccid', async () => {
    expect(topup).toMatchObject({ packageCode: `TOPUP_${jp.packageCode}`, slug: 'JP_1_7', price: jp.price, volume: jp.volume, duration: jp.duration });
    const esim = await orderOne(server, merchant, jp.packageCode);
    const byTranNo = expectSuccess(await call(server, esimPaths.packageList, { type: 'TOPUP', esimTranNo: esim.esimTranNo }, as(merchant)), null).packageList;
    expect(byTranNo.length).toBeGreaterThan(1);
    expect(byTranNo.every((p: any) => p.packageCode.startsWith('TOPUP_') && p.locationCode === 'JP')).toBe(true);
    expect(byTranNo.map((p: any) => p.packageCode)).toContain(topup.packageCode);
    expect(byTranNo.map((p: any) => p.packageCode)).not.toContain(frTopup.packageCode);
    const byIccid = expectSuccess(await call(server, esimPaths.packageList, { type: 'TOPUP', iccid: esim.iccid }, as(merchant)), null).packageList;
    expect(byIccid).toEqual(byTranNo);
    const byPlan = expectSuccess(await call(server, esimPaths.packageList, { type: 'TOPUP', packageCode: jp.packageCode }, as(merchant)), null).packageList;
    expect(byPlan.map((p: any) => p.packageCode)).toEqual(byTranNo.map((p: any) => p.packageCode));
  });

  it('lists nothing for a plan that does not reload', async () => {
    expect(daily.supportTopUpType).toBe(1);
    const esim = await orderOne(server, merchant, daily.packageCode);
    const list = expectSuccess(await call(server, esimPaths.packageList, { type: 'TOPUP', esimTranNo: esim.esimTranNo }, as(merchant)), null).packageList;
    expect(list).toEqual([]);
  });

  it("refuses another merchant's eSIM with 310403", async () => {
    const theirs = await orderOne(server, other, jp.packageCode);
    expect(expectFailure(await call(server, esimPaths.packageList, { type: 'TOPUP', esimTranNo: theirs.esimTranNo }, as(merchant)))).toBe('310403');
    expect(expectFailure(await call(server, esimPaths.packageList, { type: 'TOPUP', iccid: theirs.iccid }, as(merchant)))).toBe('310403');
  });
});

describe('a top-up', () => {
  it('of a new eSIM adds volume and days, debits the balance and shows in esim/query', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const transactionId = newTransactionId('new');
    const result = await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId }, as(merchant));
    const obj = expectSuccess(result, null);
    expect(Object.keys(obj).sort()).toEqual(RESULT_FIELDS);
    expect(obj).toMatchObject({ transactionId, iccid: esim.iccid, totalVolume: 2 * jp.volume, totalDuration: 2 * jp.duration, orderUsage: 0 });
    expect(obj.topUpEsimTranNo).toMatch(/^\d{14}$/);
    expect(obj.topUpEsimTranNo).not.toBe(esim.esimTranNo);
    expect(obj.expiredTime).toMatch(WIRE_TIME);
    // Not activated yet: the installation deadline does not move, the days wait in totalDuration.
    expect(obj.expiredTime).toBe(esim.expiredTime);

    expect(await balance()).toBe(before - topup.price);
    expect((await ledgerEntries(server, merchant)).at(-1)).toMatchObject({ amount: -topup.price, kind: 'topup', reference: obj.topUpEsimTranNo });
    await expectLedgerConsistent(server, merchant);

    const after = await queryEsim(server, merchant, esim.esimTranNo);
    expect(after).toMatchObject({ esimStatus: 'GOT_RESOURCE', totalVolume: 2 * jp.volume, totalDuration: 2 * jp.duration, expiredTime: obj.expiredTime });
    expect(after.packageList).toHaveLength(2);
    expect(after.packageList[0]).toMatchObject({ packageCode: jp.packageCode, volume: jp.volume, duration: jp.duration });
    expect(after.packageList[1]).toMatchObject({ packageCode: topup.packageCode, slug: 'JP_1_7', volume: topup.volume, duration: topup.duration, locationCode: 'JP', packageName: topup.name });
    expect(after.packageList[1].createTime).toMatch(WIRE_TIME);

    // On activation the plan runs for all its days, the top-up's included.
    const id = await esimIdOf(server, esim.esimTranNo);
    await installProfile(ctx(), id);
    await consumeData(ctx(), id, 1);
    const active = await queryEsim(server, merchant, esim.esimTranNo);
    expect(parseWire(active.expiredTime) - parseWire(active.activateTime)).toBe(2 * jp.duration * DAY_MS);
  });

  it('of an activated eSIM extends its expiry by the top-up\'s days', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const id = await esimIdOf(server, esim.esimTranNo);
    await installProfile(ctx(), id);
    await consumeData(ctx(), id, 5000);
    const active = await queryEsim(server, merchant, esim.esimTranNo);
    expect(active.esimStatus).toBe('IN_USE');
    const obj = expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo }), null);
    expect(parseWire(obj.expiredTime) - parseWire(active.expiredTime)).toBe(topup.duration * DAY_MS);
    expect(obj).toMatchObject({ totalVolume: 2 * jp.volume, totalDuration: 2 * jp.duration, orderUsage: 5000 });
    expect(await queryEsim(server, merchant, esim.esimTranNo)).toMatchObject({ esimStatus: 'IN_USE', expiredTime: obj.expiredTime, totalVolume: obj.totalVolume });
  });

  it('brings a depleted eSIM (USED_UP) back to IN_USE with data to use', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const id = await esimIdOf(server, esim.esimTranNo);
    await installProfile(ctx(), id);
    await consumeData(ctx(), id, jp.volume);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('USED_UP');
    // No more data flows until the top-up (the simulator refuses or carries nothing).
    await consumeData(ctx(), id, 1).catch(() => undefined);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).orderUsage).toBe(jp.volume);

    const obj = expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo }), null);
    expect(obj).toMatchObject({ totalVolume: 2 * jp.volume, orderUsage: jp.volume });
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('IN_USE');
    await consumeData(ctx(), id, 1000);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).orderUsage).toBe(jp.volume + 1000);
    const events = expectSuccess(await call(server, esimPaths.events, { esimTranNo: esim.esimTranNo }, as(merchant))).eventList;
    expect(events.at(-1)).toMatchObject({ field: 'esimStatus', from: 'USED_UP', to: 'IN_USE', actor: 'merchant' });
  });

  it('accepts the top-up by its slug and the eSIM by iccid', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const obj = expectSuccess(await call(server, esimPaths.topup, { iccid: esim.iccid, packageCode: 'JP_1_7', transactionId: newTransactionId('slug') }, as(merchant)), null);
    expect(obj.iccid).toBe(esim.iccid);
    const after = await queryEsim(server, merchant, esim.esimTranNo);
    expect(after.packageList.map((p: any) => p.packageCode)).toEqual([jp.packageCode, topup.packageCode]);
  });

  it('adds up several top-ups, each with its own topUpEsimTranNo', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const first = expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo }), null);
    const second = expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo }), null);
    expect(second.topUpEsimTranNo).not.toBe(first.topUpEsimTranNo);
    expect(second).toMatchObject({ totalVolume: 3 * jp.volume, totalDuration: 3 * jp.duration });
    expect(await balance()).toBe(before - 2 * topup.price);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).packageList).toHaveLength(3);
  });

  it('checks amount when given (number or string): 200006 when wrong', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    await expectRefused({ esimTranNo: esim.esimTranNo, amount: topup.price + 1 }, '200006', esim);
    await expectRefused({ esimTranNo: esim.esimTranNo, amount: String(topup.price - 1) }, '200006', esim);
    expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo, amount: topup.price }), null);
    expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo, amount: String(topup.price) }), null);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).totalVolume).toBe(3 * jp.volume);
  });
});

describe('refused top-ups change nothing', () => {
  let esim: any;
  beforeAll(async () => {
    esim = await orderOne(server, merchant, jp.packageCode);
  });

  it('neither esimTranNo nor iccid: 200042', async () => {
    await expectRefused({}, '200042', esim);
    await expectRefused({ esimTranNo: '', iccid: '' }, '200042', esim);
  });

  it('missing packageCode or transactionId: 000105; over-long transactionId: 000107', async () => {
    const noPackage = await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, transactionId: newTransactionId() }, as(merchant));
    expect(expectFailure(noPackage)).toBe('000105');
    const noTransaction = await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode }, as(merchant));
    expect(expectFailure(noTransaction)).toBe('000105');
    await expectRefused({ esimTranNo: esim.esimTranNo, transactionId: 'z'.repeat(51) }, '000107', esim);
  });

  it('unknown top-up, or a base plan code: 310241', async () => {
    await expectRefused({ esimTranNo: esim.esimTranNo, packageCode: 'TOPUP_NOPE' }, '310241', esim);
    await expectRefused({ esimTranNo: esim.esimTranNo, packageCode: jp.packageCode }, '310241', esim);
  });

  it("a top-up of another location: 200008", async () => {
    await expectRefused({ esimTranNo: esim.esimTranNo, packageCode: frTopup.packageCode }, '200008', esim);
    await expectRefused({ esimTranNo: esim.esimTranNo, packageCode: 'FR_1_7' }, '200008', esim);
  });

  it('a plan that does not reload: 200008', async () => {
    const dayPass = await orderOne(server, merchant, daily.packageCode);
    await expectRefused({ esimTranNo: dayPass.esimTranNo }, '200008', dayPass);
  });

  it('periodNum on a top-up sold by the trip: 200008', async () => {
    await expectRefused({ esimTranNo: esim.esimTranNo, periodNum: 2 }, '200008', esim);
  });

  it('unknown eSIM: 310403', async () => {
    await expectRefused({ esimTranNo: '99999999999999' }, '310403');
    await expectRefused({ iccid: '8999999999999999999' }, '310403');
  });

  it("another merchant's eSIM: 310403; neither merchant is charged and the eSIM is unchanged", async () => {
    const theirs = await orderOne(server, other, jp.packageCode);
    const theirBalance = await balance(other);
    const theirView = await queryEsim(server, other, theirs.esimTranNo);
    await expectRefused({ esimTranNo: theirs.esimTranNo }, '310403');
    await expectRefused({ iccid: theirs.iccid }, '310403');
    expect(await balance(other)).toBe(theirBalance);
    expect(await queryEsim(server, other, theirs.esimTranNo)).toEqual(theirView);
  });

  it('a cancelled, revoked, suspended or expired eSIM: 200002', async () => {
    const cancelled = await orderOne(server, merchant, jp.packageCode);
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: cancelled.esimTranNo }, as(merchant)));
    await expectRefused({ esimTranNo: cancelled.esimTranNo }, '200002', cancelled);

    const revoked = await orderOne(server, merchant, jp.packageCode);
    expectSuccess(await call(server, esimPaths.revoke, { esimTranNo: revoked.esimTranNo }, as(merchant)));
    await expectRefused({ esimTranNo: revoked.esimTranNo }, '200002', revoked);

    const suspended = await orderOne(server, merchant, jp.packageCode);
    await installProfile(ctx(), await esimIdOf(server, suspended.esimTranNo));
    expectSuccess(await call(server, esimPaths.suspend, { esimTranNo: suspended.esimTranNo }, as(merchant)));
    await expectRefused({ esimTranNo: suspended.esimTranNo }, '200002', suspended);

    const expired = await orderOne(server, merchant, jp.packageCode);
    await ctx().db.kysely.updateTable('esims').set({ expired_time: Date.now() - 1000 }).where('esim_tran_no', '=', expired.esimTranNo).execute();
    await expectRefused({ esimTranNo: expired.esimTranNo }, '200002', expired);
  });

  it('balance short: 200007; the same transactionId goes through once funded', async () => {
    const poor = await server.merchant({ balance: jp.price });
    const target = await orderOne(server, poor, jp.packageCode);
    expect(await balance(poor)).toBe(0);
    const transactionId = newTransactionId('poor');
    await expectRefused({ esimTranNo: target.esimTranNo, transactionId }, '200007', target, poor);
    await depositFunds({ ctx: ctx(), input: { accessCode: poor.accessCode, amount: topup.price } });
    expectSuccess(await doTopup({ esimTranNo: target.esimTranNo, transactionId }, poor), null);
    expect(await balance(poor)).toBe(0);
    await expectLedgerConsistent(server, poor);
  });

  it('a wrong signature: 101003 and no charge', async () => {
    const before = { balance: await balance(), esim: await queryEsim(server, merchant, esim.esimTranNo) };
    const body = { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('sig') };
    expect(expectFailure(await call(server, esimPaths.topup, body, as(merchant, { secretKey: 'bad-secret' })))).toBe('101003');
    expect(await balance()).toBe(before.balance);
    expect(await queryEsim(server, merchant, esim.esimTranNo)).toEqual(before.esim);
    expectSuccess(await call(server, esimPaths.topup, body, as(merchant, { secretKey: merchant.secretKey })), null);
    expect(await balance()).toBe(before.balance - topup.price);
  });
});

describe('transactionId reuse', () => {
  it('same body: the first result again, charged once', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const body = { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('again'), amount: topup.price };
    const first = expectSuccess(await call(server, esimPaths.topup, body, as(merchant)), null);
    const again = expectSuccess(await call(server, esimPaths.topup, body, as(merchant)), null);
    expect(again).toEqual(first);
    expect(await balance()).toBe(before - topup.price);
    const after = await queryEsim(server, merchant, esim.esimTranNo);
    expect(after.totalVolume).toBe(2 * jp.volume);
    expect(after.packageList).toHaveLength(2);
  });

  it('another body: 200008, no charge', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const sibling = await orderOne(server, merchant, jp.packageCode);
    const transactionId = newTransactionId('other-body');
    expectSuccess(await doTopup({ esimTranNo: esim.esimTranNo, transactionId }), null);
    const refused = await expectRefused({ esimTranNo: sibling.esimTranNo, transactionId }, '200008', sibling);
    expect(refused.json.errorMsg).toMatch(/transactionId/);
    await expectRefused({ esimTranNo: esim.esimTranNo, transactionId, amount: topup.price }, '200008', esim);
  });

  it('concurrent retries of one transactionId: one top-up, one charge', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const body = { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('race') };
    const results = await Promise.all(Array.from({ length: 8 }, () => call(server, esimPaths.topup, body, as(merchant))));
    const objs = results.map((r) => expectSuccess(r, null));
    expect(new Set(objs.map((o) => o.topUpEsimTranNo)).size).toBe(1);
    expect(await balance()).toBe(before - topup.price);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).totalVolume).toBe(2 * jp.volume);
  });

  it('copies of one transactionId racing a cancel all answer the same outcome', async () => {
    for (let round = 0; round < 4; round++) {
      const esim = await orderOne(server, merchant, jp.packageCode);
      const body = { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('race-cancel') };
      const copies = Array.from({ length: 20 }, () => call(server, esimPaths.topup, body, as(merchant)));
      const cancel = call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant));
      const answers = await Promise.all([...copies.slice(0, 10), cancel, ...copies.slice(10)]);
      const topups = answers.filter((_, i) => i !== 10).map((r) => (r.json.success ? JSON.stringify(r.json.obj) : r.json.errorCode));
      expect(new Set(topups).size, topups.join(' | ')).toBe(1);
      await expectLedgerConsistent(server, merchant);
    }
  });

  it('concurrent top-ups with distinct transactionIds all count', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const results = await Promise.all(Array.from({ length: 6 }, () => doTopup({ esimTranNo: esim.esimTranNo })));
    results.forEach((r) => expectSuccess(r, null));
    expect(await balance()).toBe(before - 6 * topup.price);
    const after = await queryEsim(server, merchant, esim.esimTranNo);
    expect(after.packageList).toHaveLength(7);
    expect(after.totalVolume).toBe(7 * jp.volume);
    expect(after.totalDuration).toBe(7 * jp.duration);
    await expectLedgerConsistent(server, merchant);
  });

  it('a top-up racing a cancel never resurrects the cancelled eSIM', async () => {
    for (let round = 0; round < 4; round++) {
      const esim = await orderOne(server, merchant, jp.packageCode);
      const before = await balance();
      const [cancelled, toppedUp] = await Promise.all([
        call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant)),
        doTopup({ esimTranNo: esim.esimTranNo }),
      ]);
      // A top-up leaves a new eSIM cancellable, so the cancel always succeeds.
      expectSuccess(cancelled);
      const after = await queryEsim(server, merchant, esim.esimTranNo);
      expect(after.esimStatus).toBe('CANCEL');
      if (toppedUp.json.success) {
        // The top-up came first; the cancel refunded the plan and the top-up.
        expect(after.totalVolume).toBe(2 * jp.volume);
        expect(await balance()).toBe(before + jp.price);
      } else {
        expect(expectFailure(toppedUp)).toBe('200002');
        expect(after.totalVolume).toBe(jp.volume);
        expect(await balance()).toBe(before + jp.price);
      }
    }
    await expectLedgerConsistent(server, merchant);
  });

  it('transactionIds are per merchant', async () => {
    const mine = await orderOne(server, merchant, jp.packageCode);
    const theirs = await orderOne(server, other, jp.packageCode);
    const transactionId = newTransactionId('shared');
    const a = expectSuccess(await doTopup({ esimTranNo: mine.esimTranNo, transactionId }), null);
    const b = expectSuccess(await doTopup({ esimTranNo: theirs.esimTranNo, transactionId }, other), null);
    expect(b.iccid).toBe(theirs.iccid);
    expect(b.topUpEsimTranNo).not.toBe(a.topUpEsimTranNo);
  });
});
