import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { pruneEs2Notifications } from '../src/domain/sweeps/prune-requests.js';
import { startReceiver, type Receiver } from './support/receiver.js';

// The operator's handleDownloadProgressInfo (issue 13): every answer path, and the eSIM moving
// (or not) exactly as the sandbox's device actions move it, webhooks included.

const PATH = '/gsma/rsp2/es2plus/handleDownloadProgressInfo';
const TOKEN = 'notify-token-for-tests-0123456789';
const EID = '89049032007108882600137544319616';
const open = (p: string) => `/api/v1/open/${p}`;

let server: TestServer;
let receiver: Receiver;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;

interface Es2Call {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

async function notify(body: unknown, headers: Record<string, string> = {}, target: { baseUrl: string } = server): Promise<Es2Call> {
  const response = await fetch(`${target.baseUrl}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.2.0', authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

function progress(iccid: string, point: number, extra: Record<string, unknown> = {}) {
  return {
    header: { functionRequesterIdentifier: 'smdp.test', functionCallIdentifier: randomUUID() },
    iccid,
    profileType: 'JP_1_7',
    timestamp: '2026-12-03T10:00:00Z',
    notificationPointId: point,
    notificationPointStatus: { status: 'Executed-Success' },
    ...extra,
  };
}

function expectFailed(answer: Es2Call, subjectCode: string, reasonCode: string): void {
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers.get('x-admin-protocol')).toMatch(/^gsma\/rsp\/v2\./);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.json.header.functionExecutionStatus).toMatchObject({ status: 'Failed', statusCodeData: { subjectCode, reasonCode, message: expect.any(String) } });
}

/** SGP.22's 204, with the two ES2+ headers every answer carries (pySim reads Content-Type on it). */
function expectTaken(answer: Es2Call): void {
  expect(answer.status, answer.text).toBe(204);
  expect(answer.text).toBe('');
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(answer.headers.get('x-admin-protocol')).toMatch(/^gsma\/rsp\/v2\./);
}

async function order(count = 1): Promise<{ orderNo: string; esims: any[] }> {
  const placed = await call(server, open('esim/order'), { transactionId: `t-${randomUUID()}`, packageInfoList: [{ packageCode: 'JP_1_7', count }] }, { accessCode: merchant.accessCode });
  expect(placed.json.success, placed.text).toBe(true);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const q = await call(server, open('esim/query'), { orderNo: placed.json.obj.orderNo }, { accessCode: merchant.accessCode });
    if (q.json.success) return { orderNo: placed.json.obj.orderNo, esims: q.json.obj.esimList };
    if (Date.now() > deadline) throw new Error(q.text);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function esimNow(esimTranNo: string) {
  const q = await call(server, open('esim/query'), { esimTranNo }, { accessCode: merchant.accessCode });
  return q.json.obj.esimList[0];
}

async function storedNotifications(iccid: string) {
  return server.runtime.ctx.db.kysely.selectFrom('es2_notifications').selectAll().where('iccid', '=', iccid).orderBy('received_at').execute();
}

/** Webhook events about one eSIM, without the parts that differ between two eSIMs. */
function eventsOf(esimTranNo: string) {
  return receiver
    .events()
    .filter((e) => e.content?.esimTranNo === esimTranNo && (e.notifyType === 'SMDP_EVENT' || e.notifyType === 'ESIM_STATUS'))
    .map((e) => ({ notifyType: e.notifyType, keys: Object.keys(e.content), esimStatus: e.content.esimStatus, smdpStatus: e.content.smdpStatus, eid: e.content.eid }));
}

async function settle(esimTranNo: string, count: number) {
  await receiver.waitFor(() => eventsOf(esimTranNo).length >= count);
  await new Promise((r) => setTimeout(r, 150));
  return eventsOf(esimTranNo);
}

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0', ES2_NOTIFY_TOKEN: TOKEN } });
  receiver = await startReceiver();
  merchant = await server.merchant({ balance: 100_000_000 });
  expect((await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode })).json.success).toBe(true);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('access', () => {
  it('is closed (403, Failed) while ES2_NOTIFY_TOKEN is not set, and changes nothing', async () => {
    const closed = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
    try {
      const answer = await notify(progress('8985242000000000017', 3), {}, closed);
      expect(answer.status).toBe(403);
      expect(answer.json.header.functionExecutionStatus).toMatchObject({ status: 'Failed', statusCodeData: { reasonCode: '3.8', message: expect.stringContaining('ES2_NOTIFY_TOKEN') } });
      expect(await closed.runtime.ctx.db.kysely.selectFrom('es2_notifications').selectAll().execute()).toEqual([]);
    } finally {
      await closed.close();
    }
  });

  it('answers 401 without the bearer token or with a wrong one, before reading the body', async () => {
    const { esims } = await order();
    for (const authorization of ['', 'Bearer wrong-token-wrong-token-00', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const answer = await notify(progress(esims[0].iccid, 3), { authorization });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="es2plus"');
      expect(answer.json.header.functionExecutionStatus.status).toBe('Failed');
    }
    expect((await esimNow(esims[0].esimTranNo)).smdpStatus).toBe('RELEASED');
    expect(await storedNotifications(esims[0].iccid)).toEqual([]);
  });
});

describe('refusals change nothing', () => {
  let esim: any;
  beforeAll(async () => {
    esim = (await order()).esims[0];
  });

  it('checks Content-Type and X-Admin-Protocol', async () => {
    expectFailed(await notify(progress(esim.iccid, 3), { 'content-type': 'text/plain' }), '1.2.1', '2.1');
    // Content-Types fastify cannot even parse are invalid ones, not missing ones.
    for (const type of [';', 'application/json/x', 'json']) expectFailed(await notify(progress(esim.iccid, 3), { 'content-type': type }), '1.2.1', '2.1');
    expectFailed(await notify(progress(esim.iccid, 3), { 'x-admin-protocol': 'gsma/rsp/v3.0.0' }), '1.2.2', '2.1');
    const withoutProtocol = await fetch(`${server.baseUrl}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(progress(esim.iccid, 3)),
    });
    expectFailed({ status: withoutProtocol.status, headers: withoutProtocol.headers, text: '', json: await withoutProtocol.json() }, '1.2.2', '2.2');
  });

  const base = () => progress(esim.iccid, 3);
  const cases: [string, () => unknown, string, string][] = [
    ['a body that is no JSON', () => '{"header":', '1.2', '2.1'],
    ['a JSON array', () => '[]', '1.2', '2.1'],
    ['no header', () => ({ ...base(), header: undefined }), '1.2', '2.2'],
    ['no functionRequesterIdentifier', () => ({ ...base(), header: { functionCallIdentifier: randomUUID() } }), '1.1.1', '2.2'],
    ['no functionCallIdentifier', () => ({ ...base(), header: { functionRequesterIdentifier: 'x' } }), '1.6', '2.2'],
    ['an empty functionCallIdentifier', () => ({ ...base(), header: { functionRequesterIdentifier: 'x', functionCallIdentifier: '' } }), '1.6', '2.1'],
    ['no iccid', () => ({ ...base(), iccid: undefined }), '8.2.1', '2.2'],
    ['an iccid with letters', () => ({ ...base(), iccid: '89852420000000000AB' }), '8.2.1', '2.1'],
    ['a number for iccid', () => ({ ...base(), iccid: 8985242000000000017 }), '8.2.1', '2.1'],
    ['no profileType', () => ({ ...base(), profileType: undefined }), '8.2.5', '2.2'],
    ['no timestamp', () => ({ ...base(), timestamp: undefined }), '1.2', '2.2'],
    ['a timestamp without zone', () => ({ ...base(), timestamp: '2026-12-03T10:00:00' }), '1.2', '2.1'],
    ['no notificationPointId', () => ({ ...base(), notificationPointId: undefined }), '1.2', '2.2'],
    ['a text notificationPointId', () => ({ ...base(), notificationPointId: '3' }), '1.2', '2.1'],
    ['no notificationPointStatus', () => ({ ...base(), notificationPointStatus: undefined }), '1.2', '2.2'],
    ['an unknown status', () => ({ ...base(), notificationPointStatus: { status: 'Done' } }), '1.2', '2.1'],
    ['an EID failing mod-97', () => ({ ...base(), eid: '89049032007108882600137544319617' }), '8.1.1', '2.1'],
  ];
  for (const [name, body, subject, reason] of cases) {
    it(`refuses ${name} with ${subject} / ${reason}`, async () => {
      expectFailed(await notify(body()), subject, reason);
    });
  }

  it('refuses an unknown ICCID with 8.2.1 / 3.9 and stores nothing', async () => {
    const answer = await notify(progress('8985242999999999990', 3));
    expectFailed(answer, '8.2.1', '3.9');
    expect(answer.json.header.functionExecutionStatus.statusCodeData.message).toContain('8985242999999999990');
    expect(await storedNotifications('8985242999999999990')).toEqual([]);
  });

  it('left the eSIM as it was after all of them', async () => {
    const now = await esimNow(esim.esimTranNo);
    expect([now.esimStatus, now.smdpStatus]).toEqual(['GOT_RESOURCE', 'RELEASED']);
    expect(await storedNotifications(esim.iccid)).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(eventsOf(esim.esimTranNo)).toEqual([]);
  });
});

describe('notification points through the lifecycle', () => {
  it('3, 4 and 5 move an eSIM exactly as the sandbox install does, webhooks included', async () => {
    const { esims } = await order(2);
    const [viaEs2, viaSandbox] = esims;
    // The F-padded form of a 19-digit ICCID names the same eSIM.
    expectTaken(await notify(progress(`${viaEs2.iccid}F`, 3, { eid: EID })));
    expect((await esimNow(viaEs2.esimTranNo)).smdpStatus).toBe('DOWNLOAD');
    expectTaken(await notify(progress(viaEs2.iccid, 4, { eid: EID })));
    const installed = await esimNow(viaEs2.esimTranNo);
    expect([installed.esimStatus, installed.smdpStatus, installed.eid]).toEqual(['GOT_RESOURCE', 'INSTALLATION', EID]);
    expectTaken(await notify(progress(viaEs2.iccid, 5, { eid: EID })));
    const enabled = await esimNow(viaEs2.esimTranNo);
    expect([enabled.esimStatus, enabled.smdpStatus]).toEqual(['IN_USE', 'ENABLED']);

    const sandboxed = await call(server, '/sandbox/v1/esim/install', { esimTranNo: viaSandbox.esimTranNo, eid: EID }, { accessCode: merchant.accessCode });
    expect(sandboxed.json.success, sandboxed.text).toBe(true);

    const es2Events = await settle(viaEs2.esimTranNo, 4);
    const sandboxEvents = await settle(viaSandbox.esimTranNo, 4);
    const order_ = (events: ReturnType<typeof eventsOf>) => [...events].sort((a, b) => `${a.notifyType}${a.smdpStatus}`.localeCompare(`${b.notifyType}${b.smdpStatus}`));
    expect(order_(es2Events)).toEqual(order_(sandboxEvents));
    // One delivery job per notification: they may overtake each other (docs/decisions.md,
    // Webhooks); the eSIM's timeline below gives their order.
    expect(es2Events.filter((e) => e.notifyType === 'SMDP_EVENT').map((e) => e.smdpStatus).sort()).toEqual(['DOWNLOAD', 'ENABLED', 'INSTALLATION']);
    expect(es2Events.filter((e) => e.notifyType === 'ESIM_STATUS').map((e) => e.esimStatus)).toEqual(['IN_USE']);

    const stored = await storedNotifications(viaEs2.iccid);
    expect(stored.map((n) => [n.notification_point, n.outcome])).toEqual([
      [3, 'applied'],
      [4, 'applied'],
      [5, 'applied'],
    ]);
    const timeline = await server.runtime.ctx.db.kysely.selectFrom('esim_events').select(['to_value', 'actor']).where('esim_id', '=', stored[0]!.esim_id!).where('field', '=', 'smdpStatus').orderBy('id').execute();
    expect(timeline.slice(1).map((t) => [t.to_value, t.actor])).toEqual([
      ['DOWNLOAD', 'device'],
      ['INSTALLATION', 'device'],
      ['ENABLED', 'device'],
    ]);
  });

  it('6, 5 and 7 disable, enable and delete the profile', async () => {
    const { esims } = await order();
    const esim = esims[0];
    for (const point of [3, 4, 5]) expectTaken(await notify(progress(esim.iccid, point, { eid: EID })));
    const seen: string[] = [];
    for (const [point, expected] of [
      [6, 'DISABLED'],
      [5, 'ENABLED'],
      [7, 'DELETED'],
    ] as const) {
      expectTaken(await notify(progress(esim.iccid, point, { eid: EID })));
      seen.push((await esimNow(esim.esimTranNo)).smdpStatus);
      expect(seen.at(-1)).toBe(expected);
    }
    const events = await settle(esim.esimTranNo, 7);
    // In any order (one delivery job per notification); `seen` above is the order they took.
    expect(events.filter((e) => e.notifyType === 'SMDP_EVENT').map((e) => e.smdpStatus).sort()).toEqual(['DELETED', 'DISABLED', 'DOWNLOAD', 'ENABLED', 'ENABLED', 'INSTALLATION']);
  });

  it('a replayed call id is answered 204 again and changes nothing', async () => {
    const { esims } = await order();
    const esim = esims[0];
    const first = progress(esim.iccid, 3);
    expectTaken(await notify(first));
    await settle(esim.esimTranNo, 1);
    // The same call id twice more, the second time concurrently with itself.
    expectTaken(await notify(first));
    const [a, b] = await Promise.all([notify(first), notify(first)]);
    expectTaken(a);
    expectTaken(b);
    expect((await storedNotifications(esim.iccid)).map((n) => n.call_id)).toEqual([first.header.functionCallIdentifier]);
    expect((await esimNow(esim.esimTranNo)).smdpStatus).toBe('DOWNLOAD');
    expect(await settle(esim.esimTranNo, 1)).toHaveLength(1);
  });

  it('a failed installation returns the profile to RELEASED as the sandbox failed install does', async () => {
    const { esims } = await order(2);
    const [viaEs2, viaSandbox] = esims;
    expectTaken(await notify(progress(viaEs2.iccid, 3, { eid: EID })));
    expect((await esimNow(viaEs2.esimTranNo)).eid).toBe(EID);
    expectTaken(await notify(progress(viaEs2.iccid, 4, { eid: EID, notificationPointStatus: { status: 'Failed', statusCodeData: { subjectCode: '8.1', reasonCode: '4.2', message: 'install failed' } } })));
    const failed = await esimNow(viaEs2.esimTranNo);
    expect([failed.smdpStatus, failed.eid]).toEqual(['RELEASED', '']);
    expect((await call(server, '/sandbox/v1/esim/install', { esimTranNo: viaSandbox.esimTranNo, fail: true }, { accessCode: merchant.accessCode })).json.success).toBe(true);
    const es2Events = await settle(viaEs2.esimTranNo, 2);
    const sandboxEvents = await settle(viaSandbox.esimTranNo, 2);
    expect(es2Events.map((e) => [e.notifyType, e.smdpStatus, e.esimStatus])).toEqual(sandboxEvents.map((e) => [e.notifyType, e.smdpStatus, e.esimStatus]));
    expect((await storedNotifications(viaEs2.iccid)).map((n) => [n.notification_point, n.status, n.outcome])).toEqual([
      [3, 'Executed-Success', 'applied'],
      [4, 'Failed', 'applied'],
    ]);
  });

  it('points 1 and 2, a failure before any download, and an unmapped point are recorded and move nothing', async () => {
    const { esims } = await order();
    const esim = esims[0];
    const failed = { notificationPointStatus: { status: 'Failed', statusCodeData: { subjectCode: '8.1', reasonCode: '6.4' } } };
    expectTaken(await notify(progress(esim.iccid, 1, failed)));
    expectTaken(await notify(progress(esim.iccid, 2, failed)));
    expectTaken(await notify(progress(esim.iccid, 3, failed)));
    expectTaken(await notify(progress(esim.iccid, 9)));
    expect((await esimNow(esim.esimTranNo)).smdpStatus).toBe('RELEASED');
    expect((await storedNotifications(esim.iccid)).map((n) => [n.notification_point, n.outcome])).toEqual([
      [1, 'recorded'],
      [2, 'recorded'],
      [3, 'recorded'],
      [9, 'recorded'],
    ]);
    await new Promise((r) => setTimeout(r, 150));
    expect(eventsOf(esim.esimTranNo)).toEqual([]);
  });

  it('a point the lifecycle does not allow now is kept as ignored, answered 204, and writes nothing', async () => {
    const { esims } = await order();
    const esim = esims[0];
    // Installed before downloaded: INSTALL is not allowed from RELEASED.
    expectTaken(await notify(progress(esim.iccid, 4, { eid: EID })));
    const now = await esimNow(esim.esimTranNo);
    expect([now.smdpStatus, now.eid]).toEqual(['RELEASED', '']);
    expect((await storedNotifications(esim.iccid)).map((n) => [n.notification_point, n.outcome])).toEqual([[4, 'ignored']]);
    await new Promise((r) => setTimeout(r, 150));
    expect(eventsOf(esim.esimTranNo)).toEqual([]);
  });
});

describe('housekeeping', () => {
  it('the sweep forgets notifications older than the webhook log keeps, and only those', async () => {
    const db = server.runtime.ctx.db.kysely;
    const retention = server.runtime.ctx.config.webhookRetentionMs;
    const row = (callId: string, receivedAt: number) => ({ call_id: callId, iccid: '8985242000000000001', notification_point: 3, status: 'Executed-Success', esim_id: null, outcome: 'applied', received_at: receivedAt });
    const old = `old-${randomUUID()}`;
    const recent = `recent-${randomUUID()}`;
    await db.insertInto('es2_notifications').values([row(old, Date.now() - retention - 60_000), row(recent, Date.now() - retention + 60_000)]).execute();
    expect(await pruneEs2Notifications(server.runtime.ctx)).toBeGreaterThanOrEqual(1);
    const kept = (await db.selectFrom('es2_notifications').select('call_id').where('call_id', 'in', [old, recent]).execute()).map((r) => r.call_id);
    expect(kept).toEqual([recent]);
  });
});
