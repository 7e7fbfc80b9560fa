import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeData, installProfile } from '../src/index.js';
import { call, expectFailure, type TestServer } from './support/harness.js';
import {
  as,
  esimIdOf,
  esimPaths,
  expectSuccess,
  newTransactionId,
  orderAndWait,
  orderOne,
  packageBySlug,
  parseWire,
  startEsimServer,
  WIRE_TIME,
  type Merchant,
} from './support/orders.js';

// esim/usage/query, esim/sendSms and esimkit's /esim/sms/list and /esim/events.
let server: TestServer;
let merchant: Merchant;
let other: Merchant;
let jp: any; // JP_1_7: smsStatus 2 (API SMS)
let noSms: any; // JP_1_7_IIJ: smsStatus 0

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  other = await server.merchant({ balance: 10_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  noSms = await packageBySlug(server, merchant, 'JP_1_7_IIJ');
});
afterAll(() => server?.close());

const ctx = () => server.runtime.ctx;
const usage = (body: unknown, who: Merchant = merchant) => call(server, esimPaths.usage, body, as(who));
const sms = (body: unknown, who: Merchant = merchant) => call(server, esimPaths.sendSms, body, as(who));
const smsList = (body: unknown, who: Merchant = merchant) => call(server, esimPaths.smsList, body, as(who));
const events = (body: unknown, who: Merchant = merchant) => call(server, esimPaths.events, body, as(who));

async function installed(pkg = jp, who: Merchant = merchant) {
  const esim = await orderOne(server, who, pkg.packageCode);
  await installProfile(ctx(), await esimIdOf(server, esim.esimTranNo));
  return esim;
}

describe('usage/query', () => {
  it('answers usage, total and time for each eSIM, in the order asked', async () => {
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 3 }] });
    const list = [esims[2].esimTranNo, esims[0].esimTranNo, esims[1].esimTranNo];
    const obj = expectSuccess(await usage({ esimTranNoList: list }), '0');
    expect(Object.keys(obj)).toEqual(['esimUsageList']);
    expect(obj.esimUsageList.map((u: any) => u.esimTranNo)).toEqual(list);
    for (const item of obj.esimUsageList) {
      expect(Object.keys(item).sort()).toEqual(['dataUsage', 'esimTranNo', 'lastUpdateTime', 'totalData']);
      expect(item).toMatchObject({ dataUsage: 0, totalData: jp.volume });
      expect(item.lastUpdateTime).toMatch(WIRE_TIME);
    }
  });

  it('follows data use and top-ups', async () => {
    const esim = await installed();
    const id = await esimIdOf(server, esim.esimTranNo);
    await consumeData(ctx(), id, 123_456_789);
    const used = expectSuccess(await usage({ esimTranNoList: [esim.esimTranNo] })).esimUsageList[0];
    expect(used).toMatchObject({ esimTranNo: esim.esimTranNo, dataUsage: 123_456_789, totalData: jp.volume });
    expect(Math.abs(parseWire(used.lastUpdateTime) - Date.now())).toBeLessThan(60_000);
    await consumeData(ctx(), id, 1);
    expect(expectSuccess(await usage({ esimTranNoList: [esim.esimTranNo] })).esimUsageList[0].dataUsage).toBe(123_456_790);

    const topup = await packageBySlug(server, merchant, 'JP_1_7', 'TOPUP');
    expectSuccess(await call(server, esimPaths.topup, { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('u') }, as(merchant)), null);
    expect(expectSuccess(await usage({ esimTranNoList: [esim.esimTranNo] })).esimUsageList[0]).toMatchObject({ dataUsage: 123_456_790, totalData: 2 * jp.volume });
  });

  it('takes 1 to 10 eSIMs: 11 or none is 000107, no list 000105', async () => {
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 11 }] });
    const tranNos = esims.map((e: any) => e.esimTranNo);
    expect(expectSuccess(await usage({ esimTranNoList: tranNos.slice(0, 10) })).esimUsageList).toHaveLength(10);
    expect(expectFailure(await usage({ esimTranNoList: tranNos }))).toBe('000107');
    expect(expectFailure(await usage({ esimTranNoList: [] }))).toBe('000107');
    expect(expectFailure(await usage({}))).toBe('000105');
    expect(expectFailure(await usage({ esimTranNoList: tranNos[0] }))).toBe('000104');
    expect(expectFailure(await usage({ esimTranNoList: ['not-digits'] }))).toBe('000104');
  });

  it("refuses the whole call when one eSIM is unknown or another merchant's (310403)", async () => {
    const mine = await orderOne(server, merchant, jp.packageCode);
    const theirs = await orderOne(server, other, jp.packageCode);
    const foreign = await usage({ esimTranNoList: [mine.esimTranNo, theirs.esimTranNo] });
    expect(expectFailure(foreign)).toBe('310403');
    expect(foreign.text).not.toContain(String(theirs.totalVolume));
    expect(expectFailure(await usage({ esimTranNoList: [theirs.esimTranNo] }))).toBe('310403');
    expect(expectFailure(await usage({ esimTranNoList: ['99999999999999'] }))).toBe('310403');
    // The owner sees it.
    expect(expectSuccess(await usage({ esimTranNoList: [theirs.esimTranNo] }, other)).esimUsageList).toHaveLength(1);
  });
});

describe('sendSms', () => {
  it('delivers to an installed eSIM; the message shows in sms/list as MT', async () => {
    const esim = await installed();
    expect(expectSuccess(await sms({ esimTranNo: esim.esimTranNo, message: 'Welcome to Japan!' }), '0')).toEqual({});
    expect(expectSuccess(await sms({ iccid: esim.iccid, message: 'Second: ünïcödé ✓ 日本' }))).toEqual({});
    const list = expectSuccess(await smsList({ esimTranNo: esim.esimTranNo }), '0').smsList;
    expect(list.map((m: any) => [m.direction, m.message])).toEqual([
      ['MT', 'Welcome to Japan!'],
      ['MT', 'Second: ünïcödé ✓ 日本'],
    ]);
    for (const message of list) {
      expect(Object.keys(message).sort()).toEqual(['createTime', 'direction', 'message']);
      expect(message.createTime).toMatch(WIRE_TIME);
    }
    // By iccid the same list.
    expect(expectSuccess(await smsList({ iccid: esim.iccid })).smsList).toEqual(list);
  });

  it('refuses an eSIM not yet installed (200002) and keeps nothing', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    expect(expectFailure(await sms({ esimTranNo: esim.esimTranNo, message: 'too early' }))).toBe('200002');
    expect(expectSuccess(await smsList({ esimTranNo: esim.esimTranNo })).smsList).toEqual([]);
  });

  it('refuses a package without SMS (smsStatus 0) with 200002', async () => {
    expect(noSms.smsStatus).toBe(0);
    const esim = await installed(noSms);
    expect(esim.smsStatus).toBe(0);
    expect(expectFailure(await sms({ esimTranNo: esim.esimTranNo, message: 'hello' }))).toBe('200002');
    expect(expectSuccess(await smsList({ esimTranNo: esim.esimTranNo })).smsList).toEqual([]);
  });

  it('refuses a revoked or suspended eSIM with 200002', async () => {
    const revoked = await installed();
    expectSuccess(await call(server, esimPaths.revoke, { esimTranNo: revoked.esimTranNo }, as(merchant)));
    expect(expectFailure(await sms({ esimTranNo: revoked.esimTranNo, message: 'gone' }))).toBe('200002');
    const suspended = await installed();
    expectSuccess(await call(server, esimPaths.suspend, { esimTranNo: suspended.esimTranNo }, as(merchant)));
    expect(expectFailure(await sms({ esimTranNo: suspended.esimTranNo, message: 'paused' }))).toBe('200002');
  });

  it('takes 1 to 500 characters: 501 is 000107, none 000105', async () => {
    const esim = await installed();
    expectSuccess(await sms({ esimTranNo: esim.esimTranNo, message: 'x'.repeat(500) }));
    expectSuccess(await sms({ esimTranNo: esim.esimTranNo, message: 'y' }));
    expect(expectFailure(await sms({ esimTranNo: esim.esimTranNo, message: 'z'.repeat(501) }))).toBe('000107');
    expect(expectFailure(await sms({ esimTranNo: esim.esimTranNo }))).toBe('000105');
    expect(expectFailure(await sms({ esimTranNo: esim.esimTranNo, message: null }))).toBe('000106');
    expect(expectFailure(await sms({ esimTranNo: esim.esimTranNo, message: 42 }))).toBe('000104');
    const list = expectSuccess(await smsList({ esimTranNo: esim.esimTranNo })).smsList;
    expect(list.map((m: any) => m.message)).toEqual(['x'.repeat(500), 'y']);
  });

  it('neither esimTranNo nor iccid: 000105', async () => {
    expect(expectFailure(await sms({ message: 'to nobody' }))).toBe('000105');
    expect(expectFailure(await smsList({}))).toBe('000105');
  });

  it("another merchant's eSIM: 310403 for sending and for reading, and nothing is delivered", async () => {
    const theirs = await installed(jp, other);
    expectSuccess(await sms({ esimTranNo: theirs.esimTranNo, message: 'private' }, other));
    const send = await sms({ esimTranNo: theirs.esimTranNo, message: 'intrusion' });
    expect(expectFailure(send)).toBe('310403');
    expect(expectFailure(await sms({ iccid: theirs.iccid, message: 'intrusion' }))).toBe('310403');
    const read = await smsList({ esimTranNo: theirs.esimTranNo });
    expect(expectFailure(read)).toBe('310403');
    expect(read.text).not.toContain('private');
    expect(expectFailure(await smsList({ iccid: theirs.iccid }))).toBe('310403');
    const theirList = expectSuccess(await smsList({ esimTranNo: theirs.esimTranNo }, other)).smsList;
    expect(theirList.map((m: any) => m.message)).toEqual(['private']);
  });

  it('unknown eSIM: 310403', async () => {
    expect(expectFailure(await sms({ esimTranNo: '99999999999999', message: 'hi' }))).toBe('310403');
    expect(expectFailure(await smsList({ esimTranNo: '99999999999999' }))).toBe('310403');
  });
});

describe('esim/events (status timeline)', () => {
  it('starts with the allocation by the system', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const list = expectSuccess(await events({ esimTranNo: esim.esimTranNo }), '0').eventList;
    expect(list.map((e: any) => [e.field, e.from, e.to, e.actor])).toEqual([
      ['esimStatus', null, 'GOT_RESOURCE', 'system'],
      ['smdpStatus', null, 'RELEASED', 'system'],
    ]);
    for (const event of list) {
      expect(Object.keys(event).sort()).toEqual(['actor', 'field', 'from', 'time', 'to']);
      expect(event.time).toMatch(WIRE_TIME);
    }
  });

  it('records the installation by the device: RELEASED -> DOWNLOAD -> INSTALLATION -> ENABLED, then IN_USE', async () => {
    const esim = await installed();
    const list = expectSuccess(await events({ esimTranNo: esim.esimTranNo })).eventList;
    const byDevice = list.filter((e: any) => e.actor === 'device').map((e: any) => [e.field, e.from, e.to]);
    expect(byDevice).toEqual([
      ['smdpStatus', 'RELEASED', 'DOWNLOAD'],
      ['smdpStatus', 'DOWNLOAD', 'INSTALLATION'],
      ['smdpStatus', 'INSTALLATION', 'ENABLED'],
      ['esimStatus', 'GOT_RESOURCE', 'IN_USE'],
    ]);
    // Oldest first: allocation comes before installation, and times never go back.
    expect(list.slice(0, 2).every((e: any) => e.actor === 'system')).toBe(true);
    const times = list.map((e: any) => parseWire(e.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('records using up the data and the merchant\'s own changes', async () => {
    const esim = await installed();
    await consumeData(ctx(), await esimIdOf(server, esim.esimTranNo), jp.volume);
    expectSuccess(await call(server, esimPaths.revoke, { iccid: esim.iccid }, as(merchant)));
    const list = expectSuccess(await events({ iccid: esim.iccid })).eventList;
    expect(list.slice(-2).map((e: any) => [e.field, e.from, e.to])).toEqual([
      ['esimStatus', 'IN_USE', 'USED_UP'],
      ['esimStatus', 'USED_UP', 'REVOKE'],
    ]);
    // Using up the data is the device's or the network's doing, the revoke the merchant's.
    expect(['device', 'system']).toContain(list.at(-2).actor);
    expect(list.at(-1).actor).toBe('merchant');
    // The last esimStatus event agrees with esim/query.
    const now = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(merchant))).esimList[0];
    expect(list.filter((e: any) => e.field === 'esimStatus').at(-1).to).toBe(now.esimStatus);
    expect(list.filter((e: any) => e.field === 'smdpStatus').at(-1).to).toBe(now.smdpStatus);
  });

  it("another merchant's eSIM: 310403; neither id: 000105", async () => {
    const theirs = await orderOne(server, other, jp.packageCode);
    const foreign = await events({ esimTranNo: theirs.esimTranNo });
    expect(expectFailure(foreign)).toBe('310403');
    expect(expectFailure(await events({ iccid: theirs.iccid }))).toBe('310403');
    expect(expectFailure(await events({}))).toBe('000105');
    expect(expectSuccess(await events({ esimTranNo: theirs.esimTranNo }, other)).eventList.length).toBeGreaterThan(0);
  });
});
