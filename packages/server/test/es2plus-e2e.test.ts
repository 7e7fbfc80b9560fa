import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setProfileSource } from '../src/domain/catalog/profile-sources.js';
import { startSmdpServer, type RunningSmdp } from '../src/sim/es2plus-server/server.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { control } from './support/es2-client.js';
import { as, esimPaths, expectSuccess, newTransactionId, waitForOrder, type Merchant } from './support/orders.js';
import { startReceiver, type Receiver } from './support/receiver.js';

// Issue 13 end to end: a production-mode esimkit allocating from the simulated SM-DP+ over
// ES2+ (`esimkit smdp serve`'s server), the simulated device installing the profile, its
// handleDownloadProgressInfo notifications coming back, and the partner's webhooks; then the
// failure paths: the SM-DP+ down, a Failed answer, and a stop between the two ES2+ calls.

const TOKEN = 'e2e-notify-token-0123456789abcdef';
const TYPE = 'e2e-profile-type';
const EID = '89049032007108882600137544319616';

function env(smdp: RunningSmdp, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ESIMKIT_MODE: 'production',
    ES2_SMDP_URL: smdp.url,
    ES2_REQUESTER_ID: 'esimkit-e2e',
    ES2_NOTIFY_TOKEN: TOKEN,
    ES2_TIMEOUT_MS: '1000',
    ALLOCATION_DELAY_MS: '0',
    // The partner's webhook receiver listens on loopback.
    WEBHOOK_ALLOW_PRIVATE: 'on',
    ...extra,
  };
}

async function es2Package(server: TestServer): Promise<{ code: string; price: number }> {
  const row = await server.runtime.ctx.db.kysely.selectFrom('packages').select(['code', 'price']).where('type', '=', 'BASE').where('data_type', '=', 1).orderBy('code').executeTakeFirstOrThrow();
  await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: row.code, source: 'es2plus', profileType: TYPE } });
  return { code: row.code, price: Number(row.price) };
}

async function placeOrder(server: TestServer, merchant: Merchant, packageCode: string): Promise<string> {
  return expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId('e2e'), packageInfoList: [{ packageCode, count: 1 }] }, as(merchant)), null).orderNo;
}

async function balanceOf(server: TestServer, merchant: Merchant): Promise<number> {
  return expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function callsOf(smdp: RunningSmdp, fn: string) {
  return smdp.state.calls.filter((c) => c.function === fn);
}

describe('order, allocation over ES2+, installation, notifications, webhooks', () => {
  let smdp: RunningSmdp;
  let server: TestServer;
  let receiver: Receiver;
  let pkg: { code: string; price: number };
  beforeAll(async () => {
    smdp = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'rsp.e2e.test' });
    server = await startTestServer({ env: env(smdp) });
    // esimkit's URL is known once it listens: the simulator is told through its control API.
    expect((await control(smdp.url, 'operator', { url: server.baseUrl, token: TOKEN })).status).toBe(200);
    receiver = await startReceiver();
    pkg = await es2Package(server);
  });
  afterAll(async () => {
    await server?.close();
    await smdp?.close();
    await receiver?.close();
  });

  it('delivers SMDP_EVENT and ESIM_STATUS to the partner as the device installs, enables and disables the profile', async () => {
    const merchant = await server.merchant({ balance: pkg.price * 2 });
    expectSuccess(await call(server, '/api/v1/open/webhook/save', { webhook: receiver.url }, as(merchant)));
    const orderNo = await placeOrder(server, merchant, pkg.code);
    const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as any[];

    // The SM-DP+ saw one downloadOrder of the package's profileType, then one confirmOrder.
    expect(callsOf(smdp, 'downloadOrder').map((c) => [c.functionRequesterIdentifier, c.status])).toEqual([['esimkit-e2e', 'Executed-Success']]);
    expect(callsOf(smdp, 'confirmOrder').map((c) => [c.iccid, c.status])).toEqual([[esim.iccid, 'Executed-Success']]);
    const profile = smdp.state.store.get(esim.iccid)!;
    expect(profile).toMatchObject({ profileType: TYPE, state: 'Released' });
    expect(esim.ac).toBe(`LPA:1$rsp.e2e.test$${profile.matchingId}`);
    expect([esim.esimStatus, esim.smdpStatus]).toEqual(['GOT_RESOURCE', 'RELEASED']);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo));

    // The handset scans the activation code: the simulator installs by its matching id.
    const installed = await control(smdp.url, 'device/install', { matchingId: profile.matchingId, eid: EID });
    expect(installed.status, installed.text).toBe(200);
    expect(installed.json.notifications.map((n: any) => [n.notificationPointId, n.operatorStatus])).toEqual([
      [3, 204],
      [4, 204],
      [5, 204],
    ]);
    const mine = () => receiver.events().filter((e) => e.content?.esimTranNo === esim.esimTranNo);
    await receiver.waitFor(() => mine().length === 4);
    // Each notification is its own change with its own delivery job, and deliveries of separate
    // changes may overtake each other (docs/decisions.md, Webhooks): one event of each, in any order.
    const smdpEvents = mine().filter((e) => e.notifyType === 'SMDP_EVENT');
    expect(smdpEvents.map((e) => e.content.smdpStatus).sort()).toEqual(['DOWNLOAD', 'ENABLED', 'INSTALLATION']);
    expect(smdpEvents.find((e) => e.content.smdpStatus === 'DOWNLOAD').content).toEqual({
      eid: EID,
      iccid: esim.iccid,
      esimStatus: 'GOT_RESOURCE',
      smdpStatus: 'DOWNLOAD',
      orderNo,
      esimTranNo: esim.esimTranNo,
      transactionId: esim.transactionId,
    });
    const statusEvents = mine().filter((e) => e.notifyType === 'ESIM_STATUS');
    expect(statusEvents.map((e) => [e.content.esimStatus, e.content.smdpStatus])).toEqual([['IN_USE', 'ENABLED']]);
    const now = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(merchant))).esimList[0];
    expect([now.esimStatus, now.smdpStatus, now.eid]).toEqual(['IN_USE', 'ENABLED', EID]);

    // Later, the eUICC's own notifications through the SM-DP+.
    expect((await control(smdp.url, 'device/disable', { iccid: esim.iccid })).json.notifications[0]).toMatchObject({ notificationPointId: 6, operatorStatus: 204 });
    await receiver.waitFor(() => mine().length === 5);
    expect(mine().at(-1)).toMatchObject({ notifyType: 'SMDP_EVENT', content: { smdpStatus: 'DISABLED', esimStatus: 'IN_USE' } });
    const stored = await server.runtime.ctx.db.kysely.selectFrom('es2_notifications').select(['notification_point', 'outcome']).where('iccid', '=', esim.iccid).orderBy('received_at').execute();
    expect(stored.map((n) => [n.notification_point, n.outcome])).toEqual([
      [3, 'applied'],
      [4, 'applied'],
      [5, 'applied'],
      [6, 'applied'],
    ]);
  });

  it('a failed download comes back as the profile RELEASED again, and a later install still works', async () => {
    const merchant = await server.merchant({ balance: pkg.price });
    const orderNo = await placeOrder(server, merchant, pkg.code);
    const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as any[];
    const failed = await control(smdp.url, 'device/fail', { iccid: esim.iccid, stage: 'installation', eid: EID });
    expect(failed.json.notifications.map((n: any) => [n.notificationPointId, n.status, n.operatorStatus])).toEqual([
      [3, 'Executed-Success', 204],
      [4, 'Failed', 204],
    ]);
    const after = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(merchant))).esimList[0];
    expect([after.smdpStatus, after.esimStatus]).toEqual(['RELEASED', 'GOT_RESOURCE']);
    await control(smdp.url, 'device/install', { iccid: esim.iccid, eid: EID });
    const done = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(merchant))).esimList[0];
    expect([done.smdpStatus, done.esimStatus]).toEqual(['ENABLED', 'IN_USE']);
  });
});

describe('failure paths', () => {
  let smdp: RunningSmdp;
  beforeAll(async () => {
    smdp = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'rsp.e2e.test' });
  });
  afterAll(async () => {
    await smdp?.close();
  });

  it('SM-DP+ down: the order stays ALLOCATING (200010), then completes once it answers again', async () => {
    const server = await startTestServer({ env: env(smdp) });
    try {
      const pkg = await es2Package(server);
      const merchant = await server.merchant({ balance: pkg.price });
      await control(smdp.url, 'faults', { mode: 'down' });
      const orderNo = await placeOrder(server, merchant, pkg.code);
      await until('two dropped calls', () => smdp.state.calls.filter((c) => c.status === 'dropped').length >= 2);
      const waiting = await call(server, esimPaths.query, { orderNo, pager: { pageNum: 1, pageSize: 10 } }, as(merchant));
      expect(waiting.json.errorCode).toBe('200010');
      await control(smdp.url, 'faults/clear', {});
      const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo, 15_000)).esimList as any[];
      expect(smdp.state.store.get(esim.iccid)?.state).toBe('Released');
      expect(await balanceOf(server, merchant)).toBe(0);
    } finally {
      await control(smdp.url, 'faults/clear', {});
      await server.close();
    }
  });

  it('Failed: the order fails with the SM-DP+\'s codes and is refunded', async () => {
    const server = await startTestServer({ env: env(smdp) });
    try {
      const pkg = await es2Package(server);
      const merchant = await server.merchant({ balance: pkg.price });
      await control(smdp.url, 'faults', { function: 'downloadOrder', mode: 'fail', subjectCode: '8.2.5', reasonCode: '3.7', message: 'no profile left', times: 1 });
      const orderNo = await placeOrder(server, merchant, pkg.code);
      const answer = await waitForOrder(server, merchant, orderNo);
      expect(answer.json.errorCode).toBe('200009');
      const stored = await server.runtime.ctx.db.kysely.selectFrom('orders').select(['status', 'failure_reason']).where('order_no', '=', orderNo).executeTakeFirstOrThrow();
      expect(stored.status).toBe('FAILED');
      expect(stored.failure_reason).toBe('SM-DP+ refused downloadOrder (Failed, subjectCode 8.2.5, reasonCode 3.7): no profile left');
      expect(await balanceOf(server, merchant)).toBe(pkg.price);
    } finally {
      await control(smdp.url, 'faults/clear', {});
      await server.close();
    }
  });

  it('a stop between downloadOrder and confirmOrder: the next start confirms, with one downloadOrder only', async () => {
    // confirmOrder is carried out but its answer held past esimkit's timeout, so the first
    // instance stops with the profile reserved and confirmOrder unanswered.
    await control(smdp.url, 'faults', { function: 'confirmOrder', mode: 'delay', delayMs: 3_000 });
    const first = await startTestServer({ env: env(smdp, { ES2_TIMEOUT_MS: '400' }) });
    let second: TestServer | undefined;
    try {
      const pkg = await es2Package(first);
      const merchant = await first.merchant({ balance: pkg.price });
      const downloadsBefore = callsOf(smdp, 'downloadOrder').length;
      const confirmsBefore = callsOf(smdp, 'confirmOrder').length;
      const orderNo = await placeOrder(first, merchant, pkg.code);
      await until('confirmOrder sent', () => callsOf(smdp, 'confirmOrder').length > confirmsBefore);
      const reserved = await first.runtime.ctx.db.kysely.selectFrom('es2_profiles').innerJoin('orders', 'orders.id', 'es2_profiles.order_id').select(['es2_profiles.state', 'es2_profiles.iccid']).where('orders.order_no', '=', orderNo).executeTakeFirstOrThrow();
      expect(reserved.state).toBe('reserved');
      await first.app.close();
      await first.runtime.close();

      await control(smdp.url, 'faults/clear', {});
      second = await startTestServer({ databaseUrl: first.databaseUrl, env: env(smdp) });
      const [esim] = expectSuccess(await waitForOrder(second, merchant, orderNo, 15_000)).esimList as any[];
      expect(esim.iccid).toBe(reserved.iccid);
      expect(callsOf(smdp, 'downloadOrder').length - downloadsBefore).toBe(1);
      const profile = smdp.state.store.get(esim.iccid)!;
      expect(esim.ac).toBe(`LPA:1$rsp.e2e.test$${profile.matchingId}`);
      // The retried confirmOrder carried the same call id and got the first answer again.
      const confirms = callsOf(smdp, 'confirmOrder').filter((c) => c.iccid === esim.iccid);
      expect(new Set(confirms.map((c) => c.functionCallIdentifier)).size).toBe(1);
      expect(confirms.some((c) => c.repeated)).toBe(true);
    } finally {
      await control(smdp.url, 'faults/clear', {});
      if (second) await second.close();
      else await first.close().catch(() => {});
    }
  });
});
