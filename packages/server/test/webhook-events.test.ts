import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEvent } from '@esimkit/contract';
import { consumeData, installProfile } from '../src/index.js';
import { call, expectFailure, startTestServer, type TestServer } from './support/harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';

// Every event type's exact shape, each written with the change that causes it (issue 4).
const open = (p: string) => `/api/v1/open/${p}`;
let server: TestServer;
let receiver: Receiver;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;

async function order(slug: string, count = 1, extra: Record<string, unknown> = {}) {
  const placed = await call(server, open('esim/order'), { transactionId: `t-${Math.random()}`, packageInfoList: [{ packageCode: slug, count, ...extra }] }, { accessCode: merchant.accessCode });
  expect(placed.json.success).toBe(true);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const q = await call(server, open('esim/query'), { orderNo: placed.json.obj.orderNo }, { accessCode: merchant.accessCode });
    if (q.json.success) return { orderNo: placed.json.obj.orderNo as string, transactionId: q.json.obj.esimList[0].transactionId as string, esims: q.json.obj.esimList as any[] };
    if (Date.now() > deadline) throw new Error(q.text);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function esimId(esimTranNo: string): Promise<number> {
  const row = await server.runtime.ctx.db.kysely.selectFrom('esims').select('id').where('esim_tran_no', '=', esimTranNo).executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  receiver = await startReceiver();
  merchant = await server.merchant({ balance: 100_000_000 });
  const saved = await call(server, open('webhook/save'), { webhook: receiver.url }, { accessCode: merchant.accessCode });
  expect(saved.json.success).toBe(true);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('event envelope', () => {
  it('sends CHECK_HEALTH on save with the vendor content, and every body parses as a known event', async () => {
    const health = receiver.events('CHECK_HEALTH')[0];
    expect(health).toEqual({
      notifyType: 'CHECK_HEALTH',
      eventGenerateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      notifyId: expect.stringMatching(/^[0-9a-f]{32}$/),
      content: { orderNo: '1234567890', orderStatus: 'Test' },
    });
    expect(receiver.received[0]!.body.startsWith('{"notifyType":"CHECK_HEALTH","eventGenerateTime":')).toBe(true);
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
  });
});

describe('ORDER_STATUS', () => {
  it('is sent once allocation is done, without an ICCID', async () => {
    const placed = await order('JP_1_7', 2);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === placed.orderNo));
    const event = receiver.events('ORDER_STATUS').find((e) => e.content.orderNo === placed.orderNo);
    expect(event.content).toEqual({ orderNo: placed.orderNo, orderStatus: 'GOT_RESOURCE', transactionId: placed.transactionId });
    expect(WebhookEvent.parse(event).notifyType).toBe('ORDER_STATUS');
    expect(receiver.events('ORDER_STATUS').filter((e) => e.content.orderNo === placed.orderNo)).toHaveLength(1);
  });
});

describe('ESIM_STATUS and SMDP_EVENT', () => {
  it('reports a cancel as CANCEL / RELEASED', async () => {
    const placed = await order('JP_1_7');
    const esim = placed.esims[0];
    expect((await call(server, open('esim/cancel'), { esimTranNo: esim.esimTranNo }, { accessCode: merchant.accessCode })).json.success).toBe(true);
    await receiver.waitFor(() => receiver.events('ESIM_STATUS').some((e) => e.content.esimTranNo === esim.esimTranNo));
    const event = receiver.events('ESIM_STATUS').find((e) => e.content.esimTranNo === esim.esimTranNo);
    expect(event.content).toEqual({
      orderNo: placed.orderNo,
      esimTranNo: esim.esimTranNo,
      transactionId: placed.transactionId,
      iccid: esim.iccid,
      esimStatus: 'CANCEL',
      smdpStatus: 'RELEASED',
    });
    expect(Object.keys(event.content)).toEqual(['orderNo', 'esimTranNo', 'transactionId', 'iccid', 'esimStatus', 'smdpStatus']);
  });

  it('reports installation step by step, then suspend and a revoke as REVOKED', async () => {
    const placed = await order('JP_1_7');
    const esim = placed.esims[0];
    const eid = '89049032007108882600137544319616';
    await installProfile(server.runtime.ctx, await esimId(esim.esimTranNo), eid);
    await receiver.waitFor(() => receiver.events('SMDP_EVENT').filter((e) => e.content.esimTranNo === esim.esimTranNo).length === 3);
    const smdp = receiver.events('SMDP_EVENT').filter((e) => e.content.esimTranNo === esim.esimTranNo);
    expect(smdp.map((e) => [e.content.smdpStatus, e.content.esimStatus])).toEqual([
      ['DOWNLOAD', 'GOT_RESOURCE'],
      ['INSTALLATION', 'GOT_RESOURCE'],
      ['ENABLED', 'GOT_RESOURCE'],
    ]);
    expect(smdp[0].content).toEqual({
      eid,
      iccid: esim.iccid,
      esimStatus: 'GOT_RESOURCE',
      smdpStatus: 'DOWNLOAD',
      orderNo: placed.orderNo,
      esimTranNo: esim.esimTranNo,
      transactionId: placed.transactionId,
    });
    // Events of separate changes may overtake each other: wait for each before the next.
    await receiver.waitFor(() => receiver.events('ESIM_STATUS').filter((e) => e.content.esimTranNo === esim.esimTranNo).length === 1);
    await call(server, open('esim/suspend'), { esimTranNo: esim.esimTranNo }, { accessCode: merchant.accessCode });
    await receiver.waitFor(() => receiver.events('ESIM_STATUS').filter((e) => e.content.esimTranNo === esim.esimTranNo).length === 2);
    await call(server, open('esim/revoke'), { esimTranNo: esim.esimTranNo }, { accessCode: merchant.accessCode });
    await receiver.waitFor(() => receiver.events('ESIM_STATUS').filter((e) => e.content.esimTranNo === esim.esimTranNo).length === 3);
    const statuses = receiver.events('ESIM_STATUS').filter((e) => e.content.esimTranNo === esim.esimTranNo);
    expect(statuses.map((e) => [e.content.esimStatus, e.content.smdpStatus])).toEqual([
      ['IN_USE', 'ENABLED'],
      ['SUSPENDED', 'ENABLED'],
      ['REVOKED', 'ENABLED'],
    ]);
    const query = await call(server, open('esim/query'), { esimTranNo: esim.esimTranNo }, { accessCode: merchant.accessCode });
    expect(query.json.obj.esimList[0].esimStatus).toBe('REVOKE');
  });

  it('writes nothing for a refused change', async () => {
    const placed = await order('JP_1_7');
    const esim = placed.esims[0];
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === placed.orderNo));
    const before = receiver.received.length;
    expect(expectFailure(await call(server, open('esim/suspend'), { esimTranNo: esim.esimTranNo }, { accessCode: merchant.accessCode }))).toBe('200002');
    const rows = await server.runtime.ctx.db.kysely.selectFrom('webhook_events').select('body').execute();
    // By the field: the eSIM's number is also the tail of its order's number whenever the two
    // sequences agree (B + the same minute + the same count), and ORDER_STATUS carries that.
    expect(rows.filter((r) => JSON.parse(r.body).content?.esimTranNo === esim.esimTranNo)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received.length).toBe(before);
  });
});

describe('DATA_USAGE', () => {
  it('fires once per threshold of remaining data, again after a top-up, then USED_UP', async () => {
    const placed = await order('JP_1_7');
    const esim = placed.esims[0];
    const id = await esimId(esim.esimTranNo);
    const total = esim.totalVolume as number;
    await installProfile(server.runtime.ctx, id);
    const usage = () => receiver.events('DATA_USAGE').filter((e) => e.content.esimTranNo === esim.esimTranNo);

    await consumeData(server.runtime.ctx, id, Math.ceil(total * 0.5));
    await receiver.waitFor(() => usage().length === 1);
    expect(usage()[0].content).toMatchObject({ remainThreshold: 0.5, totalVolume: total, orderUsage: Math.ceil(total * 0.5), remain: total - Math.ceil(total * 0.5) });
    expect(Object.keys(usage()[0].content)).toEqual(['orderNo', 'transactionId', 'esimTranNo', 'iccid', 'totalVolume', 'orderUsage', 'remain', 'lastUpdateTime', 'remainThreshold']);

    await consumeData(server.runtime.ctx, id, Math.ceil(total * 0.45));
    await receiver.waitFor(() => usage().length === 3);
    // Events of one change are delivered in order.
    expect(usage().map((e) => e.content.remainThreshold)).toEqual([0.5, 0.25, 0.1]);
    await consumeData(server.runtime.ctx, id, 1000);
    await new Promise((r) => setTimeout(r, 150));
    expect(usage()).toHaveLength(3);

    const topups = await call(server, open('package/list'), { type: 'TOPUP', esimTranNo: esim.esimTranNo }, { accessCode: merchant.accessCode });
    const topup = topups.json.obj.packageList[0];
    const done = await call(server, open('esim/topup'), { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: `tu-${Math.random()}` }, { accessCode: merchant.accessCode });
    expect(done.json.success).toBe(true);
    const newTotal = done.json.obj.totalVolume as number;
    const used = done.json.obj.orderUsage as number;
    await consumeData(server.runtime.ctx, id, newTotal - used);
    await receiver.waitFor(() => receiver.events('ESIM_STATUS').some((e) => e.content.esimTranNo === esim.esimTranNo && e.content.esimStatus === 'USED_UP'));
    await receiver.waitFor(() => usage().length === 6);
    expect(usage().slice(3).map((e) => e.content.remainThreshold)).toEqual([0.5, 0.25, 0.1]);
    expect(receiver.events('ORDER_STATUS').filter((e) => e.content.orderNo === placed.orderNo)).toHaveLength(1);
  });
});

describe('AsyncAPI', () => {
  it('describes every event type from the contract schemas', async () => {
    const response = await fetch(`${server.baseUrl}/asyncapi.json`);
    const doc = await response.json();
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.components.messages).sort()).toEqual(['CHECK_HEALTH', 'DATA_USAGE', 'ESIM_STATUS', 'ORDER_STATUS', 'SMDP_EVENT', 'VALIDITY_USAGE']);
    expect(doc.components.messages.DATA_USAGE.payload.properties.content.required).toContain('remainThreshold');
  });
});
