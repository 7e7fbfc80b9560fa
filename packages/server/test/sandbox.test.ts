import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalog } from '../src/index.js';
import { isValidEid } from '../src/lib/identifiers.js';
import { call, expectFailure, startTestServer, type TestServer } from './support/harness.js';
import { api, client, DAY, sb } from './support/sandbox.js';

// The sandbox API (issue 5): devices, network, time and faults, for the merchant's own eSIMs.
let server: TestServer;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;
let c: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  merchant = await server.merchant({ balance: 100_000_000 });
  c = client(server, merchant.accessCode);
});
afterAll(() => server?.close());

describe('the clock', () => {
  it('reads, advances by seconds and to a time, and never goes backward', async () => {
    const before = await c.ok(sb('clock/get'));
    expect(before.now).toMatch(/\+0000$/);
    const moved = await c.advance(3600);
    expect(moved.offsetSeconds - before.offsetSeconds).toBeGreaterThanOrEqual(3599);
    const target = new Date(Date.parse(moved.now.replace('+0000', 'Z')) + 2 * DAY * 1000).toISOString();
    const to = await c.ok(sb('clock/advance'), { to: target });
    expect(to.now).toBe(target.slice(0, 19) + '+0000');
    const back = await c.raw(sb('clock/advance'), { to: '2020-01-01T00:00:00Z' });
    expect(expectFailure(back)).toBe('000104');
    expect(back.json.errorMsg).toMatch(/never goes backward/);
    expect(expectFailure(await c.raw(sb('clock/advance'), {}))).toBe('000105');
    expect(expectFailure(await c.raw(sb('clock/advance'), { seconds: 0 }))).toBe('000104');
    const balance = await c.ok(api('balance/query'));
    expect(balance.lastUpdateTime).toMatch(/\+0000$/);
  });
});

describe('devices', () => {
  it('installs with a valid generated EID, step by step, and records the timeline', async () => {
    const esim = await c.order('JP_1_7');
    const installed = await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    expect(isValidEid(installed.eid)).toBe(true);
    expect(installed).toMatchObject({ smdpStatus: 'ENABLED', esimStatus: 'IN_USE' });
    const after = await c.esim(esim.esimTranNo);
    expect(after.eid).toBe(installed.eid);
    const timeline = await c.ok('/api/v1/esimkit/esim/events', { esimTranNo: esim.esimTranNo });
    expect(timeline.eventList.filter((e: any) => e.actor === 'device').map((e: any) => e.to)).toEqual(['DOWNLOAD', 'INSTALLATION', 'ENABLED', 'IN_USE']);
  });

  it('refuses an EID that fails the mod-97 check and a second install', async () => {
    const esim = await c.order('JP_1_7');
    expect(expectFailure(await c.raw(sb('esim/install'), { esimTranNo: esim.esimTranNo, eid: '89049032007108882600137544319617' }))).toBe('000104');
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo, eid: '89049032007108882600137544319616' });
    expect(expectFailure(await c.raw(sb('esim/install'), { esimTranNo: esim.esimTranNo }))).toBe('200002');
  });

  it('can fail a download, leaving the profile RELEASED and cancellable', async () => {
    const esim = await c.order('JP_1_7');
    const failed = await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo, fail: true });
    expect(failed).toMatchObject({ smdpStatus: 'RELEASED', esimStatus: 'GOT_RESOURCE' });
    await c.ok(api('esim/cancel'), { esimTranNo: esim.esimTranNo });
  });

  it('disables, enables and deletes the profile, refusing moves that make no sense', async () => {
    const esim = await c.order('JP_1_7');
    expect(expectFailure(await c.raw(sb('esim/disable'), { esimTranNo: esim.esimTranNo }))).toBe('200002');
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    expect((await c.ok(sb('esim/disable'), { esimTranNo: esim.esimTranNo })).smdpStatus).toBe('DISABLED');
    expect(expectFailure(await c.raw(sb('esim/disable'), { esimTranNo: esim.esimTranNo }))).toBe('200002');
    expect((await c.ok(sb('esim/enable'), { esimTranNo: esim.esimTranNo })).smdpStatus).toBe('ENABLED');
    expect((await c.ok(sb('esim/delete'), { esimTranNo: esim.esimTranNo })).smdpStatus).toBe('DELETED');
    expect(expectFailure(await c.raw(sb('esim/enable'), { esimTranNo: esim.esimTranNo }))).toBe('200002');
    expect(expectFailure(await c.raw(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 10 }))).toBe('200002');
  });

  it('never reaches another merchant’s eSIM', async () => {
    const esim = await c.order('JP_1_7');
    const other = client(server, (await server.merchant()).accessCode);
    for (const path of ['esim/install', 'esim/attach', 'esim/disable']) {
      expect(expectFailure(await other.raw(sb(path), { esimTranNo: esim.esimTranNo }))).toBe('310403');
    }
    expect(expectFailure(await other.raw(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 1 }))).toBe('310403');
    expect((await c.esim(esim.esimTranNo)).smdpStatus).toBe('RELEASED');
  });
});

describe('the network', () => {
  it('activates an activeType 2 plan at the first attach', async () => {
    const esim = await c.order('JP_1_7');
    expect(esim.activeType).toBe(2);
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    expect((await c.esim(esim.esimTranNo)).activateTime).toBeNull();
    const attached = await c.ok(sb('esim/attach'), { esimTranNo: esim.esimTranNo });
    const activated = Date.parse(attached.activateTime.replace('+0000', 'Z'));
    expect(Date.parse(attached.expiredTime.replace('+0000', 'Z')) - activated).toBe(esim.totalDuration * DAY * 1000);
  });

  it('stops a total-data plan at its volume and marks it USED_UP', async () => {
    const esim = await c.order('JP_1_7');
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    const used = await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: esim.totalVolume + 5000 });
    expect(used).toMatchObject({ consumed: esim.totalVolume, cutOff: true, throttled: false });
    const after = await c.esim(esim.esimTranNo);
    expect(after).toMatchObject({ esimStatus: 'USED_UP', orderUsage: esim.totalVolume });
    expect((await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 10 })).consumed).toBe(0);
    expect(expectFailure(await c.raw(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: -1 }))).toBe('000104');
  });

  it('throttles a day pass past its allowance and resets the allowance each day', async () => {
    const esim = await c.order('JP_1_Daily', { periodNum: 3 });
    const plan = (await c.ok(api('package/list'), { slug: 'JP_1_Daily' })).packageList[0];
    expect(esim.dataType).toBe(2);
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    const first = await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: plan.volume - 100 });
    expect(first.throttled).toBe(false);
    const over = await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 1000 });
    expect(over).toMatchObject({ throttled: true, cutOff: false, consumed: 1000 });
    const advanced = await c.advance(DAY + 60);
    expect(advanced.reset).toBeGreaterThanOrEqual(1);
    const fresh = await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 500 });
    expect(fresh).toMatchObject({ dailyUsage: 500, throttled: false });
  });

  it('cuts a dataType 3 day pass off at its allowance until the next day', async () => {
    const ctx = server.runtime.ctx;
    const base = (await c.ok(api('package/list'), { slug: 'JP_1_Daily' })).packageList[0];
    await importCatalog({
      ctx,
      input: {
        packages: [{ ...toRow(base), code: 'SBX_CUTOFF', slug: 'SBX_CUT_1_Daily', data_type: 3, name: 'Cut-off day pass' }],
        locations: [],
        partial: true,
      } as any,
    });
    const esim = await c.order('SBX_CUTOFF', { periodNum: 2 });
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    const used = await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: base.volume + 10 });
    expect(used).toMatchObject({ consumed: base.volume, cutOff: true });
    expect((await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 10 })).consumed).toBe(0);
    await c.advance(DAY + 1);
    expect((await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 10 })).consumed).toBe(10);
  });

  it('keeps SMS both ways with the eSIM', async () => {
    const esim = await c.order('JP_1_7');
    expect(expectFailure(await c.raw(sb('esim/sms/receive'), { esimTranNo: esim.esimTranNo, message: 'hi' }))).toBe('200002');
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    await c.ok(sb('esim/sms/receive'), { esimTranNo: esim.esimTranNo, message: 'Welcome to Japan' });
    await c.ok(sb('esim/sms/send'), { esimTranNo: esim.esimTranNo, message: 'Arrived!', to: '+447700900123' });
    expect(expectFailure(await c.raw(sb('esim/sms/send'), { esimTranNo: esim.esimTranNo, message: 'x', to: 'nobody' }))).toBe('000104');
    expect(expectFailure(await c.raw(sb('esim/sms/send'), { esimTranNo: esim.esimTranNo, message: 'x'.repeat(501), to: '+4477' }))).toBe('000107');
    const list = await c.ok('/api/v1/esimkit/esim/sms/list', { esimTranNo: esim.esimTranNo });
    expect(list.smsList.map((m: any) => [m.direction, m.message])).toEqual([
      ['MT', 'Welcome to Japan'],
      ['MO', 'Arrived!'],
    ]);
  });
});

describe('faults', () => {
  it('answers the next N calls of an endpoint with a chosen code, then behaves again', async () => {
    const m = client(server, (await server.merchant({ balance: 10_000_000 })).accessCode);
    const plan = await m.ok(sb('faults/set'), { rules: [{ endpoint: 'esim.order', errorCode: '200011', count: 2 }] });
    expect(plan.rules).toEqual([{ endpoint: 'esim.order', errorCode: '200011', remaining: 2 }]);
    const body = () => ({ transactionId: `f-${Math.random()}`, packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    expect(expectFailure(await m.raw(api('esim/order'), body()))).toBe('200011');
    expect(expectFailure(await m.raw(api('esim/order'), body()))).toBe('200011');
    expect((await m.raw(api('esim/order'), body())).json.success).toBe(true);
    expect((await m.raw(api('balance/query'))).json.success).toBe(true);
  });

  it('matches rules on a package, and answers a share of requests 900001', async () => {
    const m = client(server, (await server.merchant({ balance: 10_000_000 })).accessCode);
    await m.ok(sb('faults/set'), { rules: [{ packageCode: 'JP_1_7', errorCode: '200007', count: 1 }] });
    const other = await m.raw(api('esim/order'), { transactionId: 'p1', packageInfoList: [{ packageCode: 'FR_1_7', count: 1 }] });
    expect(other.json.success).toBe(true);
    expect(expectFailure(await m.raw(api('esim/order'), { transactionId: 'p2', packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }))).toBe('200007');
    await m.ok(sb('faults/set'), { busyShare: 1 });
    expect(expectFailure(await m.raw(api('balance/query')))).toBe('900001');
    expect((await m.ok(sb('faults/get'))).busyShare).toBe(1);
    const cleared = await m.ok(sb('faults/clear'));
    expect(cleared).toEqual({ rules: [], busyShare: 0, allocation: { delayMs: null, fail: false } });
    expect((await m.raw(api('balance/query'))).json.success).toBe(true);
    expect(expectFailure(await m.raw(sb('faults/set'), { rules: [{ errorCode: '123456', count: 1 }] }))).toBe('000104');
  });

  it('an empty plan ({}) changes nothing and answers the plan as it stands', async () => {
    const m = client(server, (await server.merchant({ balance: 10_000_000 })).accessCode);
    await m.ok(sb('faults/set'), { busyShare: 0.25 });
    expect(await m.ok(sb('faults/set'), {})).toEqual({ rules: [], busyShare: 0.25, allocation: { delayMs: null, fail: false } });
    expect(await m.ok(sb('faults/set'))).toEqual(await m.ok(sb('faults/get')));
  });

  it('delays allocation on the sandbox clock, or fails it with a refund', async () => {
    const m = client(server, (await server.merchant({ balance: 10_000_000 })).accessCode);
    await m.ok(sb('faults/set'), { allocation: { delayMs: 120_000 } });
    const placed = await m.ok(api('esim/order'), { transactionId: 'slow', packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    await new Promise((r) => setTimeout(r, 200));
    expect(expectFailure(await m.raw(api('esim/query'), { orderNo: placed.orderNo }))).toBe('200010');
    const advanced = await m.advance(121);
    expect(advanced.jobs).toBeGreaterThanOrEqual(1);
    expect((await m.raw(api('esim/query'), { orderNo: placed.orderNo })).json.success).toBe(true);

    await m.ok(sb('faults/set'), { allocation: { delayMs: 0, fail: true } });
    const before = (await m.ok(api('balance/query'))).balance;
    const doomed = await m.ok(api('esim/order'), { transactionId: 'doomed', packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    const deadline = Date.now() + 5000;
    let code = '200010';
    while (code === '200010' && Date.now() < deadline) {
      code = (await m.raw(api('esim/query'), { orderNo: doomed.orderNo })).json.errorCode;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(code).toBe('200009');
    expect((await m.ok(api('balance/query'))).balance).toBe(before);
  });
});

describe('funds and reset', () => {
  it('deposits test funds and empties the sandbox, keeping the ledger whole', async () => {
    const created = await server.merchant({ balance: 0 });
    const m = client(server, created.accessCode);
    expect((await m.ok(sb('funds/deposit'), { amount: 5_000_000 })).balance).toBe(5_000_000);
    expect(expectFailure(await m.raw(sb('funds/deposit'), { amount: 200_000_000 }))).toBe('000104');
    const esim = await m.order('JP_1_7');
    const reset = await m.ok(sb('reset'), { balance: 1_000_000 });
    expect(reset).toEqual({ balance: 1_000_000, removedEsims: 1 });
    expect(expectFailure(await m.raw(api('esim/query'), { esimTranNo: esim.esimTranNo }))).toBe('310403');
    expect(expectFailure(await m.raw(api('esim/query'), { orderNo: esim.orderNo }))).toBe('310272');
    const db = server.runtime.ctx.db.kysely;
    const row = await db.selectFrom('merchants').select(['id', 'balance']).where('id', '=', created.id).executeTakeFirstOrThrow();
    const { ledgerSum } = await import('../src/index.js');
    expect(await ledgerSum(db, row.id)).toBe(1_000_000);
    expect((await c.esim((await c.order('JP_1_7')).esimTranNo)).esimStatus).toBe('GOT_RESOURCE');
  });
});

describe('outside sandbox mode', () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ env: { ESIMKIT_MODE: 'production' } });
  });
  afterAll(() => production?.close());

  it('serves no sandbox API and documents none', async () => {
    const m = await production.merchant({ balance: 1000 });
    for (const path of ['clock/get', 'clock/advance', 'funds/deposit', 'reset', 'faults/set']) {
      expect(expectFailure(await call(production, sb(path), { seconds: 10, amount: 5 }, { accessCode: m.accessCode }))).toBe('000103');
    }
    const doc = await (await fetch(`${production.baseUrl}/openapi.json`)).json();
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/sandbox/'))).toBe(false);
    expect((await call(production, api('balance/query'), {}, { accessCode: m.accessCode })).json.obj.balance).toBe(1000);
  });
});

function toRow(item: any) {
  return {
    code: item.packageCode,
    slug: item.slug,
    type: 'BASE',
    base_code: null,
    name: item.name,
    description: item.description,
    price: item.price,
    retail_price: item.retailPrice,
    volume: item.volume,
    sms_status: item.smsStatus,
    data_type: item.dataType,
    unused_valid_time: item.unusedValidTime,
    duration: item.duration,
    duration_unit: 'DAY',
    location: item.location,
    location_code: item.locationCode,
    scope: 'country',
    active_type: item.activeType,
    favorite: 0,
    speed: item.speed,
    ip_export: item.ipExport,
    support_topup_type: 1,
    fup_policy: item.fupPolicy,
    networks: '[]',
    sort_order: 99999,
  };
}
