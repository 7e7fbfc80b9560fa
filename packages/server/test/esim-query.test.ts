import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProfile } from '../src/index.js';
import { call, expectFailure, type TestServer } from './support/harness.js';
import { as, esimIdOf, esimPaths, expectSuccess, orderAndWait, packageBySlug, parseWire, startEsimServer, WIRE_TIME, type Merchant } from './support/orders.js';

// esim/query (field-notes §5): by orderNo, esimTranNo, iccid or a time range; the pager;
// every documented field with its JSON type; another merchant's eSIMs never show.
let server: TestServer;
let merchant: Merchant;
let other: Merchant;
let jp: any;
let fr: any;
let big: { orderNo: string; esims: any[] }; // 12 eSIMs
let small: { orderNo: string; esims: any[] }; // 1 eSIM
let otherOrder: { orderNo: string; esims: any[] };
let startedAt: number;

const ITEM_FIELDS = [
  'ac',
  'activateTime',
  'activeType',
  'apn',
  'dataType',
  'durationUnit',
  'eid',
  'esimStatus',
  'esimTranNo',
  'expiredTime',
  'iccid',
  'imsi',
  'installationTime',
  'msisdn',
  'orderNo',
  'orderUsage',
  'packageList',
  'pin',
  'puk',
  'qrCodeUrl',
  'shortUrl',
  'smdpStatus',
  'smsStatus',
  'totalDuration',
  'totalVolume',
  'transactionId',
].sort();
const PACKAGE_FIELDS = ['createTime', 'duration', 'locationCode', 'packageCode', 'packageName', 'slug', 'volume'].sort();

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  other = await server.merchant({ balance: 10_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  fr = await packageBySlug(server, merchant, 'FR_1_7');
  startedAt = Date.now();
  big = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 12 }] });
  small = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: fr.packageCode, count: 1 }] });
  otherOrder = await orderAndWait(server, other, { packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] });
});
afterAll(() => server?.close());

const query = (body: unknown, who: Merchant = merchant) => call(server, esimPaths.query, body, as(who));

describe('the item', () => {
  it('carries every documented field with its JSON type', async () => {
    const obj = expectSuccess(await query({ esimTranNo: small.esims[0].esimTranNo }));
    expect(Object.keys(obj).sort()).toEqual(['esimList', 'pager']);
    const esim = obj.esimList[0];
    expect(Object.keys(esim).sort()).toEqual(ITEM_FIELDS);
    for (const field of ['esimTranNo', 'orderNo', 'transactionId', 'imsi', 'iccid', 'msisdn', 'ac', 'qrCodeUrl', 'shortUrl', 'smdpStatus', 'eid', 'expiredTime', 'durationUnit', 'esimStatus', 'pin', 'puk', 'apn']) {
      expect(typeof esim[field], field).toBe('string');
    }
    for (const field of ['smsStatus', 'dataType', 'activeType', 'totalVolume', 'totalDuration', 'orderUsage']) {
      expect(Number.isInteger(esim[field]), field).toBe(true);
    }
    expect(esim.expiredTime).toMatch(WIRE_TIME);
    expect(esim.durationUnit).toBe('DAY');
    expect(esim.activateTime).toBeNull();
    expect(esim.installationTime).toBeNull();
    expect(esim.orderNo).toBe(small.orderNo);
    expect(esim.pin).toMatch(/^\d{4}$/);
    expect(esim.puk).toMatch(/^\d{8}$/);
    expect(esim.apn).not.toBe('');
    expect(new URL(esim.qrCodeUrl).origin).toBe(server.baseUrl);
    expect(new URL(esim.shortUrl).origin).toBe(server.baseUrl);

    expect(Array.isArray(esim.packageList)).toBe(true);
    expect(esim.packageList).toHaveLength(1);
    const pkg = esim.packageList[0];
    expect(Object.keys(pkg).sort()).toEqual(PACKAGE_FIELDS);
    expect(pkg).toMatchObject({ packageName: fr.name, packageCode: fr.packageCode, slug: 'FR_1_7', duration: fr.duration, volume: fr.volume, locationCode: 'FR' });
    expect(pkg.createTime).toMatch(WIRE_TIME);
    expect(Math.abs(parseWire(pkg.createTime) - Date.now())).toBeLessThan(60_000);
  });

  it('shows activateTime as a time once the plan is activated on installation', async () => {
    // JP_0.1_7 activates on installation (activeType 1).
    const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: 'JP_0.1_7', count: 1 }] });
    expect(esims[0].activeType).toBe(1);
    await installProfile(server.runtime.ctx, await esimIdOf(server, esims[0].esimTranNo));
    const esim = expectSuccess(await query({ esimTranNo: esims[0].esimTranNo })).esimList[0];
    expect(esim.activateTime).toMatch(WIRE_TIME);
    expect(esim.installationTime).toBe(esim.activateTime);
    expect(esim.eid).toMatch(/^\d{32}$/);
    expect(esim).toMatchObject({ esimStatus: 'IN_USE', smdpStatus: 'ENABLED' });
    // Validity now runs from activation: duration days.
    expect(parseWire(esim.expiredTime) - parseWire(esim.activateTime)).toBe(esim.totalDuration * 24 * 3600_000);
  });

  it('errorCode is "0" on success', async () => {
    expect(expectSuccess(await query({ orderNo: small.orderNo }), '0').esimList).toHaveLength(1);
  });
});

describe('by identifier', () => {
  it('by orderNo: the order\'s eSIMs in creation order', async () => {
    const obj = expectSuccess(await query({ orderNo: big.orderNo, pager: { pageNum: 1, pageSize: 50 } }));
    expect(obj.esimList.map((e: any) => e.esimTranNo)).toEqual(big.esims.map((e) => e.esimTranNo));
    expect(obj.pager).toEqual({ pageSize: 50, pageNum: 1, total: 12 });
    expect(obj.esimList.every((e: any) => e.orderNo === big.orderNo)).toBe(true);
  });

  it('by esimTranNo and by iccid: that one eSIM', async () => {
    const target = big.esims[7];
    const byTranNo = expectSuccess(await query({ esimTranNo: target.esimTranNo }));
    expect(byTranNo.esimList).toEqual([target]);
    expect(byTranNo.pager.total).toBe(1);
    const byIccid = expectSuccess(await query({ iccid: target.iccid }));
    expect(byIccid.esimList).toEqual([target]);
    // ICCIDs are accepted with a trailing F.
    expect(expectSuccess(await query({ iccid: `${target.iccid}F` })).esimList).toEqual([target]);
  });

  it('esimTranNo with its orderNo narrows to the one eSIM; empty strings are ignored', async () => {
    const target = small.esims[0];
    const narrowed = expectSuccess(await query({ orderNo: big.orderNo, esimTranNo: big.esims[3].esimTranNo }));
    expect(narrowed.esimList.map((e: any) => e.esimTranNo)).toEqual([big.esims[3].esimTranNo]);
    const blanks = expectSuccess(await query({ orderNo: small.orderNo, esimTranNo: '', iccid: '', startTime: '', endTime: '' }));
    expect(blanks.esimList.map((e: any) => e.esimTranNo)).toEqual([target.esimTranNo]);
  });

  it('nothing to search by: 000105', async () => {
    expect(expectFailure(await query({}))).toBe('000105');
    expect(expectFailure(await query({ pager: { pageNum: 1, pageSize: 10 } }))).toBe('000105');
    expect(expectFailure(await query({ orderNo: '', esimTranNo: '', iccid: '' }))).toBe('000105');
    expect(expectFailure(await call(server, esimPaths.query, '', as(merchant)))).toBe('000105');
  });

  it('malformed identifiers: 000104', async () => {
    expect(expectFailure(await query({ esimTranNo: 'abc' }))).toBe('000104');
    expect(expectFailure(await query({ iccid: '89-not-an-iccid-0000' }))).toBe('000104');
    expect(expectFailure(await query({ orderNo: 12345 }))).toBe('000104');
  });

  it('unknown identifiers: 310272 for orderNo, 310403 for esimTranNo and iccid', async () => {
    expect(expectFailure(await query({ orderNo: 'B00000000000000' }))).toBe('310272');
    expect(expectFailure(await query({ esimTranNo: '99999999999999' }))).toBe('310403');
    expect(expectFailure(await query({ iccid: '8900000000000000000' }))).toBe('310403');
  });
});

describe('another merchant', () => {
  it('cannot see an eSIM by esimTranNo or iccid (310403, as if unknown)', async () => {
    const foreign = otherOrder.esims[0];
    const byTranNo = await query({ esimTranNo: foreign.esimTranNo });
    expect(expectFailure(byTranNo)).toBe('310403');
    expect(byTranNo.text).not.toContain(foreign.iccid);
    const byIccid = await query({ iccid: foreign.iccid });
    expect(expectFailure(byIccid)).toBe('310403');
    const unknown = await query({ esimTranNo: '99999999999999' });
    expect(byTranNo.json.errorMsg).toBe(unknown.json.errorMsg);
  });

  it('cannot see an order (310272)', async () => {
    expect(expectFailure(await query({ orderNo: otherOrder.orderNo }))).toBe('310272');
    // ...and the owner still can.
    expect(expectSuccess(await query({ orderNo: otherOrder.orderNo }, other)).esimList).toHaveLength(2);
  });

  it('never appears in a time range', async () => {
    const obj = expectSuccess(await query({ startTime: '2000-01-01T00:00+00:00', pager: { pageSize: 500 } }, other));
    expect(obj.pager.total).toBe(2);
    expect(obj.esimList.map((e: any) => e.esimTranNo).sort()).toEqual(otherOrder.esims.map((e) => e.esimTranNo).sort());
  });
});

describe('the pager', () => {
  it('defaults to pageNum 1, pageSize 20', async () => {
    const obj = expectSuccess(await query({ startTime: '2000-01-01T00:00+00:00' }));
    expect(obj.pager.pageNum).toBe(1);
    expect(obj.pager.pageSize).toBe(20);
    expect(obj.esimList.length).toBe(Math.min(20, obj.pager.total));
  });

  it('clamps pageSize to [5, 500] and pageNum to at least 1', async () => {
    const tiny = expectSuccess(await query({ orderNo: big.orderNo, pager: { pageNum: 1, pageSize: 1 } }));
    expect(tiny.pager).toEqual({ pageSize: 5, pageNum: 1, total: 12 });
    expect(tiny.esimList).toHaveLength(5);
    const huge = expectSuccess(await query({ orderNo: big.orderNo, pager: { pageNum: 1, pageSize: 100_000 } }));
    expect(huge.pager).toEqual({ pageSize: 500, pageNum: 1, total: 12 });
    expect(huge.esimList).toHaveLength(12);
    const zero = expectSuccess(await query({ orderNo: big.orderNo, pager: { pageNum: 0, pageSize: 5 } }));
    expect(zero.pager.pageNum).toBe(1);
    expect(zero.esimList.map((e: any) => e.esimTranNo)).toEqual(big.esims.slice(0, 5).map((e) => e.esimTranNo));
  });

  it('pages through an order without gaps or repeats, with the right total on every page', async () => {
    const pages = [];
    for (const pageNum of [1, 2, 3, 4]) {
      const obj = expectSuccess(await query({ orderNo: big.orderNo, pager: { pageNum, pageSize: 5 } }));
      expect(obj.pager).toEqual({ pageSize: 5, pageNum, total: 12 });
      pages.push(obj.esimList.map((e: any) => e.esimTranNo));
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2, 0]);
    expect(pages.flat()).toEqual(big.esims.map((e) => e.esimTranNo));
  });

  it('pages through a time range the same way', async () => {
    const all = [];
    let total = -1;
    for (let pageNum = 1; pageNum <= 10; pageNum++) {
      const obj = expectSuccess(await query({ startTime: '2000-01-01T00:00+00:00', pager: { pageNum, pageSize: 5 } }));
      if (total === -1) total = obj.pager.total;
      expect(obj.pager.total).toBe(total);
      if (obj.esimList.length === 0) break;
      all.push(...obj.esimList.map((e: any) => e.esimTranNo));
    }
    expect(all.length).toBe(total);
    expect(new Set(all).size).toBe(total);
    for (const esim of [...big.esims, ...small.esims]) expect(all).toContain(esim.esimTranNo);
  });

  it('ignores a pager that is not an object of numbers: 000104', async () => {
    expect(expectFailure(await query({ orderNo: big.orderNo, pager: { pageNum: 'one', pageSize: 5 } }))).toBe('000104');
  });
});

describe('by time range', () => {
  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16) + '+00:00';

  it('finds the eSIMs created in the range (documented format 2010-06-30T01:20+00:00)', async () => {
    const start = fmt(startedAt - 60_000);
    const end = fmt(Date.now() + 120_000);
    const obj = expectSuccess(await query({ startTime: start, endTime: end, pager: { pageSize: 500 } }));
    const found = obj.esimList.map((e: any) => e.esimTranNo);
    for (const esim of [...big.esims, ...small.esims]) expect(found).toContain(esim.esimTranNo);
    expect(obj.pager.total).toBe(found.length);
    expect(obj.esimList.every((e: any) => e.orderNo !== otherOrder.orderNo)).toBe(true);
  });

  it('finds nothing in a range before the orders or after them', async () => {
    const past = expectSuccess(await query({ startTime: '2010-06-30T01:20+00:00', endTime: '2010-06-30T02:20+00:00' }));
    expect(past).toEqual({ esimList: [], pager: { pageSize: 20, pageNum: 1, total: 0 } });
    const future = expectSuccess(await query({ startTime: fmt(Date.now() + 3600_000) }));
    expect(future.pager.total).toBe(0);
    const untilBefore = expectSuccess(await query({ endTime: fmt(startedAt - 120_000) }));
    expect(untilBefore.pager.total).toBe(0);
  });

  it('takes other time spellings: offsets, Z, seconds', async () => {
    // 2 hours ahead of UTC: the same instant as startedAt - 1 min in UTC.
    const start = new Date(startedAt - 60_000 + 2 * 3600_000).toISOString().slice(0, 16) + '+02:00';
    const withOffset = expectSuccess(await query({ startTime: start, pager: { pageSize: 500 } }));
    expect(withOffset.esimList.map((e: any) => e.esimTranNo)).toContain(big.esims[0].esimTranNo);
    for (const spelling of [new Date(startedAt - 60_000).toISOString(), new Date(startedAt - 60_000).toISOString().slice(0, 19) + '+0000']) {
      const obj = expectSuccess(await query({ startTime: spelling, pager: { pageSize: 500 } }));
      expect(obj.esimList.map((e: any) => e.esimTranNo), spelling).toContain(small.esims[0].esimTranNo);
    }
  });

  it('refuses a time that is not one: 000104', async () => {
    expect(expectFailure(await query({ startTime: 'yesterday' }))).toBe('000104');
    expect(expectFailure(await query({ endTime: '2010-13-45T99:99+00:00' }))).toBe('000104');
  });
});
