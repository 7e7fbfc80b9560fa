import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeData, installProfile } from '../src/index.js';
import { call, expectFailure, type TestServer } from './support/harness.js';
import {
  as,
  esimIdOf,
  esimPaths,
  expectLedgerConsistent,
  expectSuccess,
  ledgerEntries,
  merchantRow,
  newTransactionId,
  orderAndWait,
  orderOne,
  packageBySlug,
  queryEsim,
  startEsimServer,
  waitForOrder,
  type Merchant,
} from './support/orders.js';

// cancel / suspend / unsuspend / revoke (vendor state table, field-notes §5-§6): which
// states allow what, refunds, and that another merchant's eSIM is out of reach.
let server: TestServer;
let merchant: Merchant;
let other: Merchant;
let jp: any;
let daily: any;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  other = await server.merchant({ balance: 10_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  daily = await packageBySlug(server, merchant, 'JP_1_Daily');
});
afterAll(() => server?.close());

const op = (path: string, body: unknown, who: Merchant = merchant) => call(server, path, body, as(who));
const ctx = () => server.runtime.ctx;

async function install(esim: any) {
  await installProfile(ctx(), await esimIdOf(server, esim.esimTranNo));
}
async function useAll(esim: any) {
  await consumeData(ctx(), await esimIdOf(server, esim.esimTranNo), esim.totalVolume);
}
async function balance(who: Merchant = merchant) {
  return (await merchantRow(server, who)).balance;
}

/** An eSIM of `merchant` brought into `state`. */
async function esimIn(state: 'GOT_RESOURCE' | 'IN_USE' | 'USED_UP' | 'SUSPENDED' | 'CANCEL' | 'REVOKE', who: Merchant = merchant) {
  const esim = await orderOne(server, who, jp.packageCode);
  if (state === 'CANCEL') expectSuccess(await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo }, who));
  if (state === 'REVOKE') expectSuccess(await op(esimPaths.revoke, { esimTranNo: esim.esimTranNo }, who));
  if (state === 'IN_USE' || state === 'USED_UP' || state === 'SUSPENDED') await install(esim);
  if (state === 'USED_UP') await useAll(esim);
  if (state === 'SUSPENDED') expectSuccess(await op(esimPaths.suspend, { esimTranNo: esim.esimTranNo }, who));
  expect((await queryEsim(server, who, esim.esimTranNo)).esimStatus).toBe(state);
  return esim;
}

describe('cancel', () => {
  it('cancels a new eSIM (GOT_RESOURCE, RELEASED) and refunds its price', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const result = await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo });
    expect(expectSuccess(result, '0')).toEqual({});
    expect(await balance()).toBe(before + jp.price);
    expect((await ledgerEntries(server, merchant)).at(-1)).toMatchObject({ amount: jp.price, kind: 'refund', reference: esim.esimTranNo });
    const after = await queryEsim(server, merchant, esim.esimTranNo);
    expect(after).toMatchObject({ esimStatus: 'CANCEL', smdpStatus: 'RELEASED' });
    await expectLedgerConsistent(server, merchant);
  });

  it('cancels by iccid too', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    expectSuccess(await op(esimPaths.cancel, { iccid: esim.iccid }));
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('CANCEL');
    expect(await balance()).toBe(before + jp.price);
  });

  it('refuses a second cancel with 200002 and refunds only once', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    expectSuccess(await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo }));
    const before = await balance();
    const again = await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo });
    expect(expectFailure(again)).toBe('200002');
    expect(await balance()).toBe(before);
  });

  it('refuses once the profile is installed (200002), without a refund', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    await install(esim);
    const before = await balance();
    expect(expectFailure(await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo }))).toBe('200002');
    expect(await balance()).toBe(before);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('IN_USE');
  });

  it('refuses in every other state', async () => {
    for (const state of ['USED_UP', 'SUSPENDED', 'REVOKE'] as const) {
      const esim = await esimIn(state);
      const before = await balance();
      expect(expectFailure(await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo })), state).toBe('200002');
      expect(await balance()).toBe(before);
      expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe(state);
    }
  });

  it('refuses an eSIM whose installation window has passed', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    await ctx().db.kysely.updateTable('esims').set({ expired_time: Date.now() - 1000 }).where('esim_tran_no', '=', esim.esimTranNo).execute();
    const before = await balance();
    expect(expectFailure(await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo }))).toBe('200002');
    expect(await balance()).toBe(before);
  });

  it('refunds only the cancelled eSIM of a batch; its siblings stay new', async () => {
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 3 }] });
    const before = await balance();
    expectSuccess(await op(esimPaths.cancel, { esimTranNo: esims[1].esimTranNo }));
    expect(await balance()).toBe(before + jp.price);
    expect((await queryEsim(server, merchant, esims[0].esimTranNo)).esimStatus).toBe('GOT_RESOURCE');
    expect((await queryEsim(server, merchant, esims[2].esimTranNo)).esimStatus).toBe('GOT_RESOURCE');
  });

  it('refunds what a day pass cost: the daily price x periodNum', async () => {
    const esim = await orderOne(server, merchant, daily.packageCode, { periodNum: 4 });
    const before = await balance();
    expectSuccess(await op(esimPaths.cancel, { esimTranNo: esim.esimTranNo }));
    expect(await balance()).toBe(before + 4 * daily.price);
  });

  it('lets exactly one of concurrent cancels through, refunding once', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const results = await Promise.all(Array.from({ length: 8 }, () => op(esimPaths.cancel, { esimTranNo: esim.esimTranNo })));
    const ok = results.filter((r) => r.json.success);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => !r.json.success).map(expectFailure)).toEqual(Array(7).fill('200002'));
    expect(await balance()).toBe(before + jp.price);
    await expectLedgerConsistent(server, merchant);
  });
});

describe('suspend and unsuspend', () => {
  it('suspends an eSIM in use, stops its data, and resumes it', async () => {
    const esim = await esimIn('IN_USE');
    const id = await esimIdOf(server, esim.esimTranNo);
    expect(expectSuccess(await op(esimPaths.suspend, { esimTranNo: esim.esimTranNo }), '0')).toEqual({});
    expect(await queryEsim(server, merchant, esim.esimTranNo)).toMatchObject({ esimStatus: 'SUSPENDED', smdpStatus: 'ENABLED' });
    // No data flows while suspended (the simulator refuses or carries nothing).
    await consumeData(ctx(), id, 1000).catch(() => undefined);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).orderUsage).toBe(0);
    expect(expectFailure(await op(esimPaths.suspend, { esimTranNo: esim.esimTranNo }))).toBe('200002');

    expect(expectSuccess(await op(esimPaths.unsuspend, { iccid: esim.iccid }), '0')).toEqual({});
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('IN_USE');
    expect(expectFailure(await op(esimPaths.unsuspend, { esimTranNo: esim.esimTranNo }))).toBe('200002');
    await consumeData(ctx(), id, 1000);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).orderUsage).toBe(1000);
  });

  it('suspend works only while IN_USE', async () => {
    for (const state of ['GOT_RESOURCE', 'USED_UP', 'CANCEL', 'REVOKE'] as const) {
      const esim = await esimIn(state);
      expect(expectFailure(await op(esimPaths.suspend, { esimTranNo: esim.esimTranNo })), state).toBe('200002');
      expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe(state);
    }
  });

  it('unsuspend works only while SUSPENDED', async () => {
    for (const state of ['GOT_RESOURCE', 'IN_USE', 'USED_UP', 'CANCEL', 'REVOKE'] as const) {
      const esim = await esimIn(state);
      expect(expectFailure(await op(esimPaths.unsuspend, { esimTranNo: esim.esimTranNo })), state).toBe('200002');
      expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe(state);
    }
  });

  it('does not charge or refund anything', async () => {
    const esim = await esimIn('IN_USE');
    const before = await balance();
    const entries = (await ledgerEntries(server, merchant)).length;
    expectSuccess(await op(esimPaths.suspend, { esimTranNo: esim.esimTranNo }));
    expectSuccess(await op(esimPaths.unsuspend, { esimTranNo: esim.esimTranNo }));
    expect(await balance()).toBe(before);
    expect((await ledgerEntries(server, merchant)).length).toBe(entries);
  });
});

describe('revoke', () => {
  it('revokes from GOT_RESOURCE, IN_USE, USED_UP and SUSPENDED, never refunding', async () => {
    for (const state of ['GOT_RESOURCE', 'IN_USE', 'USED_UP', 'SUSPENDED'] as const) {
      const esim = await esimIn(state);
      const before = await balance();
      const entries = (await ledgerEntries(server, merchant)).length;
      expect(expectSuccess(await op(esimPaths.revoke, { esimTranNo: esim.esimTranNo }), '0'), state).toEqual({});
      expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('REVOKE');
      expect(await balance()).toBe(before);
      expect((await ledgerEntries(server, merchant)).length).toBe(entries);
    }
  });

  it('revokes by iccid', async () => {
    const esim = await esimIn('IN_USE');
    expectSuccess(await op(esimPaths.revoke, { iccid: esim.iccid }));
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('REVOKE');
  });

  it('refuses a revoked or cancelled eSIM (200002)', async () => {
    for (const state of ['REVOKE', 'CANCEL'] as const) {
      const esim = await esimIn(state);
      expect(expectFailure(await op(esimPaths.revoke, { esimTranNo: esim.esimTranNo })), state).toBe('200002');
      expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe(state);
    }
  });

  it('is final: nothing else is allowed afterwards', async () => {
    const esim = await esimIn('REVOKE');
    for (const path of [esimPaths.cancel, esimPaths.suspend, esimPaths.unsuspend]) {
      expect(expectFailure(await op(path, { esimTranNo: esim.esimTranNo })), path).toBe('200002');
    }
    const topup = await op(esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: `TOPUP_${jp.packageCode}`, transactionId: newTransactionId('rv') });
    expect(expectFailure(topup)).toBe('200002');
    await expect(installProfile(ctx(), await esimIdOf(server, esim.esimTranNo))).rejects.toThrow();
  });
});

describe('requests every operation shares', () => {
  const operations = [esimPaths.cancel, esimPaths.suspend, esimPaths.unsuspend, esimPaths.revoke];

  it('neither esimTranNo nor iccid: 000105', async () => {
    for (const path of operations) {
      expect(expectFailure(await op(path, {})), path).toBe('000105');
      expect(expectFailure(await op(path, { esimTranNo: '', iccid: '' })), path).toBe('000105');
    }
  });

  it('malformed identifiers: 000104 (non-digits), 000107 (an ICCID too short)', async () => {
    for (const path of operations) {
      expect(expectFailure(await op(path, { esimTranNo: 'ABC' })), path).toBe('000104');
      expect(expectFailure(await op(path, { iccid: '12345' })), path).toBe('000107');
    }
  });

  it('unknown eSIM: 310403', async () => {
    for (const path of operations) {
      expect(expectFailure(await op(path, { esimTranNo: '99999999999999' })), path).toBe('310403');
      expect(expectFailure(await op(path, { iccid: '8999999999999999999' })), path).toBe('310403');
    }
  });

  it("another merchant's eSIM: 310403 like an unknown one, and it is left untouched", async () => {
    const theirs = await esimIn('GOT_RESOURCE', other);
    const theirsInUse = await esimIn('IN_USE', other);
    const otherBalance = await balance(other);
    const myBalance = await balance(merchant);
    for (const path of operations) {
      for (const target of [theirs, theirsInUse]) {
        const byTranNo = await op(path, { esimTranNo: target.esimTranNo });
        expect(expectFailure(byTranNo), path).toBe('310403');
        expect(byTranNo.text).not.toContain(target.iccid);
        expect(expectFailure(await op(path, { iccid: target.iccid })), path).toBe('310403');
      }
    }
    expect((await queryEsim(server, other, theirs.esimTranNo)).esimStatus).toBe('GOT_RESOURCE');
    expect((await queryEsim(server, other, theirsInUse.esimTranNo)).esimStatus).toBe('IN_USE');
    expect(await balance(other)).toBe(otherBalance);
    expect(await balance(merchant)).toBe(myBalance);
  });

  it('a wrong signature: 101003 and nothing happens', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const before = await balance();
    const result = await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant, { secretKey: 'wrong-secret' }));
    expect(expectFailure(result)).toBe('101003');
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('GOT_RESOURCE');
    expect(await balance()).toBe(before);
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant, { secretKey: merchant.secretKey })));
    expect(await balance()).toBe(before + jp.price);
  });

  it('records each change in the eSIM timeline with the merchant as actor', async () => {
    const esim = await esimIn('IN_USE');
    expectSuccess(await op(esimPaths.suspend, { esimTranNo: esim.esimTranNo }));
    expectSuccess(await op(esimPaths.unsuspend, { esimTranNo: esim.esimTranNo }));
    expectSuccess(await op(esimPaths.revoke, { esimTranNo: esim.esimTranNo }));
    const events = expectSuccess(await op(esimPaths.events, { esimTranNo: esim.esimTranNo })).eventList;
    const byMerchant = events.filter((e: any) => e.actor === 'merchant').map((e: any) => [e.field, e.from, e.to]);
    expect(byMerchant).toEqual([
      ['esimStatus', 'IN_USE', 'SUSPENDED'],
      ['esimStatus', 'SUSPENDED', 'IN_USE'],
      ['esimStatus', 'IN_USE', 'REVOKE'],
    ]);
  });
});

describe('money across the lifecycle', () => {
  it('keeps the balance equal to the ledger and to the arithmetic after orders, cancels, top-ups and a failed allocation', async () => {
    const m = await server.merchant({ balance: 1_000_000 });
    const topup = await packageBySlug(server, m, 'JP_1_7', 'TOPUP');
    const { esims } = await orderAndWait(server, m, { packageInfoList: [{ packageCode: jp.packageCode, count: 4 }, { packageCode: daily.packageCode, count: 1, periodNum: 3 }] });
    let expected = 1_000_000 - 4 * jp.price - 3 * daily.price;
    expect(await balance(m)).toBe(expected);

    expectSuccess(await op(esimPaths.cancel, { esimTranNo: esims[0].esimTranNo }, m));
    expected += jp.price;
    const dayPass = esims.find((e: any) => e.dataType !== 1);
    expectSuccess(await op(esimPaths.cancel, { esimTranNo: dayPass.esimTranNo }, m));
    expected += 3 * daily.price;
    expectSuccess(await op(esimPaths.revoke, { esimTranNo: esims[1].esimTranNo }, m));
    for (const target of [esims[2], esims[3]]) {
      expectSuccess(await op(esimPaths.topup, { esimTranNo: target.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('money') }, m), null);
      expected -= topup.price;
    }
    await installProfile(ctx(), await esimIdOf(server, esims[2].esimTranNo));
    expect(expectFailure(await op(esimPaths.cancel, { esimTranNo: esims[2].esimTranNo }, m))).toBe('200002');

    await ctx().db.kysely.updateTable('merchants').set({ fail_allocations: 1 }).where('id', '=', m.id).execute();
    const failed = await call(server, esimPaths.order, { transactionId: newTransactionId('fail'), packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] }, as(m));
    const orderNo = expectSuccess(failed, null).orderNo;
    expect(expectFailure(await waitForOrder(server, m, orderNo))).toBe('200009');

    expect(await balance(m)).toBe(expected);
    expect(await expectLedgerConsistent(server, m)).toBe(expected);
    const answered = expectSuccess(await call(server, esimPaths.balance, {}, as(m))).balance;
    expect(answered).toBe(expected);
  });
});
