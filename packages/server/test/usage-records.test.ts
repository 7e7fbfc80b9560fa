import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUsageRecords, installProfile, type UsageRecordInput } from '../src/index.js';
import { call, type TestServer } from './support/harness.js';
import { as, DAY_MS, esimIdOf, esimPaths, expectSuccess, orderOne, parseWire, startEsimServer, type Merchant } from './support/orders.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { client, sb } from './support/sandbox.js';

// Usage records from the network (issue 13): idempotent by record id, applied and reported
// exactly as the sandbox's network use is (orderUsage, DATA_USAGE thresholds, USED_UP).
let server: TestServer;
let receiver: Receiver;
let merchant: Merchant;

beforeAll(async () => {
  server = await startEsimServer();
  receiver = await startReceiver();
  merchant = await server.merchant({ balance: 100_000_000 });
  expectSuccess(await call(server, '/api/v1/open/webhook/save', { webhook: receiver.url }, as(merchant)));
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

const ctx = () => server.runtime.ctx;
const db = () => server.runtime.ctx.db.kysely;
const HOUR_MS = 3600_000;

/** A record of `bytes` for the eSIM, its period the last minute unless given. */
function record(esim: { iccid: string }, bytes: number, period: { start?: number; end?: number } = {}): UsageRecordInput {
  const end = period.end ?? Date.now();
  return { recordId: `rec-${randomUUID()}`, iccid: esim.iccid, bytes, periodStart: period.start ?? end - 60_000, periodEnd: end };
}

async function installed(slug: string, who: Merchant = merchant, extra: { periodNum?: number } = {}): Promise<any> {
  const esim = await orderOne(server, who, slug, extra);
  await installProfile(ctx(), await esimIdOf(server, esim.esimTranNo));
  return esim;
}

/** As if allocated `ms` ago: a record's period may then start before today. */
async function allocatedAgo(esim: { esimTranNo: string }, ms: number): Promise<void> {
  await db().updateTable('esims').set({ created_at: Date.now() - ms }).where('esim_tran_no', '=', esim.esimTranNo).execute();
}

async function row(esimTranNo: string) {
  return db().selectFrom('esims').selectAll().where('esim_tran_no', '=', esimTranNo).executeTakeFirstOrThrow();
}

async function queried(esimTranNo: string) {
  return expectSuccess(await call(server, esimPaths.query, { esimTranNo }, as(merchant))).esimList[0];
}

const dataUsage = (esimTranNo: string) => receiver.events('DATA_USAGE').filter((e) => e.content.esimTranNo === esimTranNo);
const statusEvents = (esimTranNo: string) => receiver.events('ESIM_STATUS').filter((e) => e.content.esimTranNo === esimTranNo);

describe('the same bytes through sandbox consumption and through usage records', () => {
  it('give the same orderUsage, DATA_USAGE webhooks and USED_UP', async () => {
    const c = client(server, merchant.accessCode);
    const consumed = await installed('JP_1_7');
    const reported = await installed('JP_1_7');
    const volume = consumed.totalVolume as number;
    // Through 50 %, 25 % and 10 % left, past the volume, then more once used up.
    const sequence = [0.3, 0.25, 0.2, 0.2, 0.1, 0.05].map((share) => Math.floor(volume * share));

    for (const bytes of sequence) await c.ok(sb('esim/consume'), { esimTranNo: consumed.esimTranNo, bytes });
    const result = await importUsageRecords(
      ctx(),
      sequence.map((bytes) => record(reported, bytes)),
    );
    expect(result).toEqual({ accepted: sequence.length, duplicates: 0, rejected: [] });

    const usedUp = (tranNo: string) => statusEvents(tranNo).some((e) => e.content.esimStatus === 'USED_UP');
    await receiver.waitFor(() => usedUp(consumed.esimTranNo) && usedUp(reported.esimTranNo) && dataUsage(consumed.esimTranNo).length === 3 && dataUsage(reported.esimTranNo).length === 3);

    // What the partner sees: esim/query and usage/query.
    const [a, b] = [await queried(consumed.esimTranNo), await queried(reported.esimTranNo)];
    expect(a).toMatchObject({ esimStatus: 'USED_UP', orderUsage: volume });
    expect(b).toMatchObject({ esimStatus: a.esimStatus, smdpStatus: a.smdpStatus, orderUsage: a.orderUsage, totalVolume: a.totalVolume });
    const usage = expectSuccess(await call(server, esimPaths.usage, { esimTranNoList: [consumed.esimTranNo, reported.esimTranNo] }, as(merchant))).esimUsageList;
    expect(usage[1].dataUsage).toBe(usage[0].dataUsage);

    // The webhooks, less what names the eSIM and the time.
    const thresholds = (tranNo: string) =>
      dataUsage(tranNo).map(({ content: { remainThreshold, orderUsage, remain, totalVolume } }) => ({ remainThreshold, orderUsage, remain, totalVolume }));
    expect(thresholds(consumed.esimTranNo).map((t) => t.remainThreshold)).toEqual([0.5, 0.25, 0.1]);
    expect(thresholds(reported.esimTranNo)).toEqual(thresholds(consumed.esimTranNo));
    const statuses = (tranNo: string) => statusEvents(tranNo).map((e) => [e.content.esimStatus, e.content.smdpStatus]);
    expect(statuses(reported.esimTranNo)).toEqual(statuses(consumed.esimTranNo));

    // The timeline: the system used it up, from IN_USE, in both.
    const timeline = async (esimTranNo: string) =>
      expectSuccess(await call(server, esimPaths.events, { esimTranNo }, as(merchant)))
        .eventList.filter((e: any) => e.to === 'USED_UP')
        .map((e: any) => [e.from, e.to, e.actor]);
    expect(await timeline(reported.esimTranNo)).toEqual(await timeline(consumed.esimTranNo));

    // The network's own count: the simulated network stopped at the volume, the real one
    // reports what it carried.
    expect((await row(consumed.esimTranNo)).network_usage).toBe(volume);
    expect((await row(reported.esimTranNo)).network_usage).toBe(sequence.reduce((s, n) => s + n, 0));
  });

  it('many small records in one call report as one call per record and as sandbox consumption do', async () => {
    const c = client(server, merchant.accessCode);
    const [consumed, oneByOne, inOneCall] = [await installed('JP_1_7'), await installed('JP_1_7'), await installed('JP_1_7')];
    const volume = consumed.totalVolume as number;
    // 45 uses of 2.3 % each: thresholds at the 22nd, 33rd and 40th, the volume at the 44th.
    const sequence = Array.from({ length: 45 }, () => Math.floor(volume * 0.023));
    for (const bytes of sequence) await c.ok(sb('esim/consume'), { esimTranNo: consumed.esimTranNo, bytes });
    for (const bytes of sequence) await importUsageRecords(ctx(), [record(oneByOne, bytes)]);
    // Interleaved with another eSIM's records, as a network's file would be.
    const other = await installed('JP_3_15');
    const mixed = sequence.flatMap((bytes) => [record(inOneCall, bytes), record(other, 1000)]);
    expect(await importUsageRecords(ctx(), mixed)).toEqual({ accepted: 90, duplicates: 0, rejected: [] });

    const tranNos = [consumed.esimTranNo, oneByOne.esimTranNo, inOneCall.esimTranNo];
    const usedUp = (tranNo: string) => statusEvents(tranNo).some((e) => e.content.esimStatus === 'USED_UP');
    await receiver.waitFor(() => tranNos.every((t) => usedUp(t) && dataUsage(t).length === 3));
    const reports = (tranNo: string) => dataUsage(tranNo).map(({ content: { remainThreshold, orderUsage, remain } }) => ({ remainThreshold, orderUsage, remain }));
    const expected = [0.5, 0.25, 0.1].map((remainThreshold, i) => {
      const orderUsage = sequence[0]! * [22, 33, 40][i]!;
      return { remainThreshold, orderUsage, remain: volume - orderUsage };
    });
    for (const tranNo of tranNos) expect(reports(tranNo)).toEqual(expected);
    for (const tranNo of tranNos) expect(await queried(tranNo)).toMatchObject({ esimStatus: 'USED_UP', orderUsage: volume });
    expect((await queried(other.esimTranNo)).orderUsage).toBe(45_000);
  });

  it('a first use activates the plan, from the period it started', async () => {
    const esim = await installed('JP_1_7');
    await allocatedAgo(esim, DAY_MS);
    expect(esim.activeType).toBe(2);
    expect((await queried(esim.esimTranNo)).activateTime).toBeNull();
    const start = Date.now() - 2 * HOUR_MS;
    await importUsageRecords(ctx(), [record(esim, 1000, { start, end: start + HOUR_MS })]);
    const after = await queried(esim.esimTranNo);
    expect(parseWire(after.activateTime)).toBe(Math.floor(start / 1000) * 1000);
    expect(parseWire(after.expiredTime) - parseWire(after.activateTime)).toBe(esim.totalDuration * DAY_MS);
    expect(after).toMatchObject({ esimStatus: 'IN_USE', orderUsage: 1000 });

    // A later record does not move it.
    await importUsageRecords(ctx(), [record(esim, 2000)]);
    const later = await queried(esim.esimTranNo);
    expect(later.activateTime).toBe(after.activateTime);
    expect(later.orderUsage).toBe(3000);
  });

  it('an empty record (0 bytes) is kept but uses and activates nothing', async () => {
    const esim = await installed('JP_1_7');
    const zero = record(esim, 0);
    expect(await importUsageRecords(ctx(), [zero])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await importUsageRecords(ctx(), [zero])).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const after = await queried(esim.esimTranNo);
    expect(after).toMatchObject({ activateTime: null, orderUsage: 0 });
  });
});

describe('idempotency', () => {
  it('a record id seen before is a duplicate and changes nothing, in a later call or the same one', async () => {
    const esim = await installed('JP_3_15');
    const first = record(esim, 5_000_000);
    expect(await importUsageRecords(ctx(), [first, { ...first }])).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    // The same id again, even with other bytes: the network resending, not new usage.
    expect(await importUsageRecords(ctx(), [first, { ...first, bytes: 9 }])).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect((await queried(esim.esimTranNo)).orderUsage).toBe(5_000_000);
    const stored = await db().selectFrom('usage_records').selectAll().where('record_id', '=', first.recordId).execute();
    expect(stored).toEqual([
      {
        record_id: first.recordId,
        iccid: esim.iccid,
        esim_id: await esimIdOf(server, esim.esimTranNo),
        bytes: 5_000_000,
        period_start: first.periodStart,
        period_end: first.periodEnd,
        received_at: expect.any(Number),
      },
    ]);
  });

  it('the same records sent by ten callers at once count once', async () => {
    const esims = [await installed('JP_3_15'), await installed('JP_3_15')];
    const records = Array.from({ length: 40 }, (_, i) => record(esims[i % 2]!, 1000 + i));
    // Each caller sends them in its own order.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, k) => importUsageRecords(ctx(), k % 2 ? [...records].reverse() : records.slice(k).concat(records.slice(0, k)))),
    );
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(40);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(360);
    expect(results.flatMap((r) => r.rejected)).toEqual([]);
    for (const [i, esim] of esims.entries()) {
      const expected = records.filter((_, j) => j % 2 === i).reduce((s, r) => s + r.bytes, 0);
      expect((await row(esim.esimTranNo)).network_usage).toBe(expected);
      expect((await queried(esim.esimTranNo)).orderUsage).toBe(expected);
    }
  });
});

describe('concurrency', () => {
  it('many records for one eSIM, from many callers and beside sandbox consumption, add up exactly', async () => {
    const c = client(server, merchant.accessCode);
    const esim = await installed('JP_50_180');
    const records = Array.from({ length: 300 }, (_, i) => record(esim, 10_000 + i));
    const calls = Array.from({ length: 15 }, (_, k) => importUsageRecords(ctx(), records.slice(k * 20, k * 20 + 20)));
    const consumes = Array.from({ length: 10 }, () => c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 7 }));
    const results = await Promise.all(calls);
    await Promise.all(consumes);
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(300);
    const expected = records.reduce((s, r) => s + r.bytes, 0) + 10 * 7;
    expect((await row(esim.esimTranNo)).network_usage).toBe(expected);
    expect((await queried(esim.esimTranNo)).orderUsage).toBe(expected);
    const stored = await db().selectFrom('usage_records').select((eb) => eb.fn.countAll<number>().as('n')).where('iccid', '=', esim.iccid).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(300);
  });
});

describe('validation', () => {
  it('rejects each bad record with its reason, keeps none of them, and applies the rest', async () => {
    const esim = await installed('JP_3_15');
    const good = record(esim, 100);
    const withF = { ...record(esim, 200), iccid: `${esim.iccid}F` };
    const now = Date.now();
    const bad: [UsageRecordInput, string][] = [
      [{ ...record(esim, 1), recordId: '' }, 'recordId must be 1 to 128 visible ASCII characters (no spaces)'],
      [{ ...record(esim, 1), recordId: 'x'.repeat(129) }, 'recordId must be 1 to 128 visible ASCII characters (no spaces)'],
      [{ ...record(esim, 1), recordId: 'has space' }, 'recordId must be 1 to 128 visible ASCII characters (no spaces)'],
      [{ ...record(esim, 1), recordId: 'naïve' }, 'recordId must be 1 to 128 visible ASCII characters (no spaces)'],
      [{ ...record(esim, 1), iccid: '12345678901234567' }, 'iccid must be 18 to 20 digits (a 19-digit one may end in F)'],
      [{ ...record(esim, 1), iccid: `${esim.iccid}X` }, 'iccid must be 18 to 20 digits (a 19-digit one may end in F)'],
      // Only a 19-digit ICCID may carry the padding F: 21 characters, or 18 digits + F, are no ICCID.
      [{ ...record(esim, 1), iccid: `${esim.iccid}0F` }, 'iccid must be 18 to 20 digits (a 19-digit one may end in F)'],
      [{ ...record(esim, 1), iccid: `${esim.iccid.slice(0, 18)}F` }, 'iccid must be 18 to 20 digits (a 19-digit one may end in F)'],
      [record(esim, -1), 'bytes must be a whole number of bytes, 0 or more'],
      [record(esim, 1.5), 'bytes must be a whole number of bytes, 0 or more'],
      [record(esim, Number.NaN), 'bytes must be a whole number of bytes, 0 or more'],
      [record(esim, 2 ** 53), 'bytes must be a whole number of bytes, 0 or more'],
      [{ ...record(esim, 1), periodStart: -5 }, 'periodStart must be a time in epoch milliseconds'],
      [{ ...record(esim, 1), periodEnd: 1.5 }, 'periodEnd must be a time in epoch milliseconds'],
      [record(esim, 1, { start: now, end: now - 1 }), 'periodEnd is before periodStart'],
      [record(esim, 1, { end: now + HOUR_MS }), 'periodEnd is in the future'],
      [{ ...record(esim, 1), iccid: '8999999999999999999' }, 'unknown ICCID'],
      // Epoch seconds where milliseconds belong: a period in January 1970, before any eSIM.
      [record(esim, 1, { start: Math.floor(now / 1000) - 60, end: Math.floor(now / 1000) }), 'no eSIM had this ICCID when the period ended'],
    ];
    const result = await importUsageRecords(ctx(), [bad[0]![0], good, ...bad.slice(1).map(([r]) => r), withF]);
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(0);
    expect(result.rejected).toEqual(bad.map(([r, reason]) => ({ recordId: r.recordId, reason })));
    expect((await queried(esim.esimTranNo)).orderUsage).toBe(300);
    const stored = await db().selectFrom('usage_records').select(['record_id', 'iccid']).where('esim_id', '=', await esimIdOf(server, esim.esimTranNo)).orderBy('bytes').execute();
    expect(stored).toEqual([
      { record_id: good.recordId, iccid: esim.iccid },
      { record_id: withF.recordId, iccid: esim.iccid },
    ]);
  });

  it('a record rejected for an unknown ICCID is not kept: sent again once the eSIM exists, it applies', async () => {
    const esim = await installed('JP_3_15');
    const early = { ...record(esim, 4321), iccid: '8988000000000000019' };
    expect((await importUsageRecords(ctx(), [early])).rejected).toEqual([{ recordId: early.recordId, reason: 'unknown ICCID' }]);
    // The profile shows up later under that ICCID (an imported inventory profile, say).
    await db().updateTable('esims').set({ iccid: early.iccid, created_at: early.periodStart - 1000 }).where('esim_tran_no', '=', esim.esimTranNo).execute();
    expect(await importUsageRecords(ctx(), [early])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await queried(esim.esimTranNo)).orderUsage).toBe(4321);
  });
});

describe('which eSIM a record belongs to', () => {
  it('a reused ICCID: the newest eSIM that existed when the period ended', async () => {
    const older = await installed('JP_3_15');
    const newer = await installed('JP_3_15');
    const reusedAt = Date.now() - HOUR_MS;
    await db().updateTable('esims').set({ created_at: reusedAt - DAY_MS }).where('esim_tran_no', '=', older.esimTranNo).execute();
    await db().updateTable('esims').set({ iccid: older.iccid, created_at: reusedAt }).where('esim_tran_no', '=', newer.esimTranNo).execute();
    const before = record(older, 111, { end: reusedAt - 60_000 });
    const after = record(older, 222, { end: reusedAt + 60_000 });
    expect(await importUsageRecords(ctx(), [before, after])).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect((await queried(older.esimTranNo)).orderUsage).toBe(111);
    expect((await queried(newer.esimTranNo)).orderUsage).toBe(222);
  });

  it("on a merchant whose sandbox clock runs ahead, the record's real time is read on that clock", async () => {
    const ahead = await server.merchant({ balance: 10_000_000 });
    await client(server, ahead.accessCode).advance(3 * 86_400);
    const esim = await installed('JP_1_7', ahead);
    // Read on real time, the period would end days before the eSIM was made, and be rejected.
    const start = Date.now() - 1000;
    expect(await importUsageRecords(ctx(), [record(esim, 5000, { start, end: Date.now() })])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const after = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(ahead))).esimList[0];
    expect(after.orderUsage).toBe(5000);
    // Activated on the merchant's clock: three days ahead of real time.
    expect(parseWire(after.activateTime)).toBeGreaterThanOrEqual(Math.floor(start / 1000) * 1000 + 3 * DAY_MS);
    expect(parseWire(after.activateTime)).toBeLessThanOrEqual(Date.now() + 3 * DAY_MS + 60_000);
  });

  it('a cancelled eSIM takes no usage', async () => {
    const esim = await orderOne(server, merchant, 'JP_3_15');
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant)));
    const rec = record(esim, 10);
    expect((await importUsageRecords(ctx(), [rec])).rejected).toEqual([{ recordId: rec.recordId, reason: 'the eSIM was cancelled before it was installed' }]);
  });
});

describe('eSIMs not in use', () => {
  it('GOT_RESOURCE (its install notification lost): usage counts and activates, but only IN_USE becomes USED_UP', async () => {
    const esim = await orderOne(server, merchant, 'JP_1_7');
    const volume = esim.totalVolume as number;
    const result = await importUsageRecords(ctx(), [record(esim, Math.floor(volume * 0.6)), record(esim, volume)]);
    expect(result.accepted).toBe(2);
    const after = await queried(esim.esimTranNo);
    expect(after).toMatchObject({ esimStatus: 'GOT_RESOURCE', orderUsage: volume });
    expect(after.activateTime).not.toBeNull();
    await receiver.waitFor(() => dataUsage(esim.esimTranNo).length === 3);
    expect(dataUsage(esim.esimTranNo).map((e) => e.content.remainThreshold)).toEqual([0.5, 0.25, 0.1]);
    expect(statusEvents(esim.esimTranNo).filter((e) => e.content.esimStatus === 'USED_UP')).toEqual([]);
  });

  it('SUSPENDED and REVOKE: usage counts in orderUsage, the status stays', async () => {
    const suspended = await installed('JP_3_15');
    const revoked = await installed('JP_3_15');
    await importUsageRecords(ctx(), [record(suspended, 10), record(revoked, 10)]);
    expectSuccess(await call(server, esimPaths.suspend, { esimTranNo: suspended.esimTranNo }, as(merchant)));
    expectSuccess(await call(server, esimPaths.revoke, { esimTranNo: revoked.esimTranNo }, as(merchant)));
    const late = [record(suspended, 5000), record(revoked, 7000)];
    expect((await importUsageRecords(ctx(), late)).accepted).toBe(2);
    expect(await queried(suspended.esimTranNo)).toMatchObject({ esimStatus: 'SUSPENDED', orderUsage: 5010 });
    expect(await queried(revoked.esimTranNo)).toMatchObject({ esimStatus: 'REVOKE', orderUsage: 7010 });
  });
});

describe('daily plans', () => {
  it("counts a record in today's usage only when its period ends in the eSIM's current day", async () => {
    const esim = await installed('JP_1_Daily', merchant, { periodNum: 3 });
    expect(esim.dataType).toBe(2);
    await allocatedAgo(esim, DAY_MS);
    const start = Date.now() - 3 * HOUR_MS;
    // The first use activates the plan at `start`: the current day runs from then for 24 h.
    await importUsageRecords(ctx(), [record(esim, 1000, { start, end: start + HOUR_MS })]);
    let now = await row(esim.esimTranNo);
    expect(now.activated_at).toBe(start);
    expect(now.daily_reset_at).toBe(start + DAY_MS);
    expect(now.daily_usage).toBe(1000);
    // A late record of a period that ended before this day began: network usage, not today's.
    await importUsageRecords(ctx(), [record(esim, 300, { start: start - 2 * HOUR_MS, end: start - HOUR_MS }), record(esim, 20)]);
    now = await row(esim.esimTranNo);
    expect(now).toMatchObject({ network_usage: 1320, daily_usage: 1020, order_usage: 1320 });
  });
});

describe('sandbox reset', () => {
  it('forgets the records of the eSIMs it removes: sent again after it, a record counts anew', async () => {
    const other = await server.merchant({ balance: 10_000_000 });
    const esim = await installed('JP_1_7', other);
    const sent = record(esim, 1000);
    expect(await importUsageRecords(ctx(), [sent])).toMatchObject({ accepted: 1 });
    await client(server, other.accessCode).ok(sb('reset'), { balance: 10_000_000 });
    expect(await db().selectFrom('usage_records').select('record_id').where('record_id', '=', sent.recordId).execute()).toEqual([]);
    const again = await installed('JP_1_7', other);
    // The same record id, for the new eSIM (a record's period must end after its eSIM was made).
    expect(await importUsageRecords(ctx(), [{ ...record(again, 1000), recordId: sent.recordId }])).toMatchObject({ accepted: 1, duplicates: 0 });
  });
});
