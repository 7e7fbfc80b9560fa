import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setProfileSource } from '../src/domain/catalog/profile-sources.js';
import { releaseEs2Profiles } from '../src/domain/orders/es2-allocation.js';
import { cancelEs2Profile } from '../src/domain/orders/es2-cancellation.js';
import { Es2PlusClient } from '../src/es2plus/client.js';
import { RetryLater } from '../src/jobs/retry-later.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { failed, iccids, startTestSmdp, type TestSmdp } from './support/es2-smdp.js';
import { as, esimPaths, expectSuccess, newTransactionId, waitForOrder, type Merchant } from './support/orders.js';

// Production allocation through a real SM-DP+ over ES2+, end to end: esimkit in production
// mode, partners ordering over HTTP, and an SM-DP+ the test controls answering ES2+.

const TYPE = 'plan-family-a';
const env = (smdp: TestSmdp, extra: Record<string, string> = {}) => ({
  ESIMKIT_MODE: 'production',
  ES2_SMDP_URL: smdp.url,
  ES2_REQUESTER_ID: 'esimkit-test',
  ES2_TIMEOUT_MS: '1000',
  ALLOCATION_DELAY_MS: '0',
  ...extra,
});

async function firstPackage(server: TestServer): Promise<{ code: string; price: number }> {
  const row = await server.runtime.ctx.db.kysely
    .selectFrom('packages')
    .select(['code', 'price'])
    .where('type', '=', 'BASE')
    .where('data_type', '=', 1)
    .orderBy('code')
    .executeTakeFirstOrThrow();
  return { code: row.code, price: Number(row.price) };
}

async function balanceOf(server: TestServer, merchant: Merchant): Promise<number> {
  return expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance;
}

async function order(server: TestServer, merchant: Merchant, packageCode: string, count: number): Promise<string> {
  return expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId('es2'), packageInfoList: [{ packageCode, count }] }, as(merchant)), null).orderNo;
}

function rowsOf(server: TestServer, orderNo: string) {
  return server.runtime.ctx.db.kysely
    .selectFrom('es2_profiles')
    .innerJoin('orders', 'orders.id', 'es2_profiles.order_id')
    .selectAll('es2_profiles')
    .where('orders.order_no', '=', orderNo)
    .orderBy('slot')
    .execute();
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('allocation from an SM-DP+ that answers', () => {
  let smdp: TestSmdp;
  let server: TestServer;
  let pkg: { code: string; price: number };
  beforeAll(async () => {
    smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8988000000000', 3) } });
    server = await startTestServer({ env: env(smdp) });
    pkg = await firstPackage(server);
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
  });
  afterAll(async () => {
    await server?.close();
    await smdp?.close();
  });
  afterEach(() => {
    for (const fn of Object.keys(smdp.override)) delete smdp.override[fn];
  });

  it('downloadOrder then confirmOrder per eSIM: the ICCIDs and activation codes of the SM-DP+, the steps persisted', async () => {
    const merchant = await server.merchant({ balance: pkg.price * 10 });
    const orderNo = await order(server, merchant, pkg.code, 2);
    const esims = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as any[];
    expect(esims).toHaveLength(2);

    const downloads = smdp.calls.filter((c) => c.fn === 'downloadOrder');
    const confirms = smdp.calls.filter((c) => c.fn === 'confirmOrder');
    expect(downloads).toHaveLength(2);
    expect(downloads.map((c) => c.body.profileType)).toEqual([TYPE, TYPE]);
    expect(downloads.every((c) => c.body.header.functionRequesterIdentifier === 'esimkit-test')).toBe(true);
    const rows = await rowsOf(server, orderNo);
    expect(rows.map((r) => r.state)).toEqual(['released', 'released']);
    // downloadOrder carries the persisted call id; confirmOrder the derived one.
    expect(downloads.map((c) => c.body.header.functionCallIdentifier)).toEqual(rows.map((r) => r.call_id));
    expect(confirms.map((c) => c.body.header.functionCallIdentifier)).toEqual(rows.map((r) => `${r.call_id}-confirm`));
    expect(confirms.every((c) => c.body.releaseFlag === true)).toBe(true);

    for (const [i, esim] of esims.entries()) {
      const row = rows[i]!;
      expect(esim.iccid).toBe(row.iccid);
      expect(esim.ac).toBe(`LPA:1$rsp.smdp.test$${row.matching_id}`);
      expect(esim.ac).not.toContain('esimkit.dev');
      expect(esim.imsi).toBe('');
      expect(esim.esimStatus).toBe('GOT_RESOURCE');
      expect(esim.smdpStatus).toBe('RELEASED');
    }
    const linked = await server.runtime.ctx.db.kysely.selectFrom('esims').select(['id', 'iccid']).where('iccid', 'in', rows.map((r) => r.iccid!)).execute();
    expect(new Set(rows.map((r) => r.esim_id))).toEqual(new Set(linked.map((e) => e.id)));
    expect(await balanceOf(server, merchant)).toBe(pkg.price * 8);
  });

  it('cancelling an eSIM gives its profile back to the SM-DP+ (cancelOrder Available), retried while it is down', async () => {
    const merchant = await server.merchant({ balance: pkg.price * 10 });
    const orderNo = await order(server, merchant, pkg.code, 1);
    const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as any[];
    const before = smdp.calls.length;

    let down = true;
    smdp.override.cancelOrder = () => (down ? { kind: 'answer', status: 502, body: 'bad gateway' } : { kind: 'default' });
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant)));
    expect(await balanceOf(server, merchant)).toBe(pkg.price * 10);
    await until('a first cancelOrder', async () => smdp.calls.slice(before).some((c) => c.fn === 'cancelOrder'));
    expect((await rowsOf(server, orderNo))[0]!.state).toBe('cancelling');
    down = false;
    const [row] = await until('the row cancelled', async () => {
      const rows = await rowsOf(server, orderNo);
      return rows[0]!.state === 'cancelled' && rows;
    });
    const cancels = smdp.calls.slice(before).filter((c) => c.fn === 'cancelOrder');
    expect(cancels.length).toBeGreaterThanOrEqual(2);
    for (const c of cancels) {
      expect(c.body).toMatchObject({ iccid: esim.iccid, finalProfileStatusIndicator: 'Available', header: { functionCallIdentifier: `${row!.call_id}-cancel` } });
    }
    expect(smdp.taken()).not.toContain(esim.iccid);
  });
});

describe('revoking', () => {
  let smdp: TestSmdp;
  let server: TestServer;
  let pkg: { code: string; price: number };
  beforeAll(async () => {
    smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8980000000000', 2) } });
    server = await startTestServer({ env: env(smdp) });
    pkg = await firstPackage(server);
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
  });
  afterAll(async () => {
    await server?.close();
    await smdp?.close();
  });

  it('an eSIM revoked before its profile was downloaded: the profile is cancelled at the SM-DP+, no refund', async () => {
    const merchant = await server.merchant({ balance: pkg.price });
    const orderNo = await order(server, merchant, pkg.code, 1);
    const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as any[];
    expectSuccess(await call(server, esimPaths.revoke, { esimTranNo: esim.esimTranNo }, as(merchant)));
    await until('the row cancelled', async () => (await rowsOf(server, orderNo))[0]!.state === 'cancelled');
    expect(smdp.calls.filter((c) => c.fn === 'cancelOrder').map((c) => c.body)).toMatchObject([{ iccid: esim.iccid, finalProfileStatusIndicator: 'Available' }]);
    expect(await balanceOf(server, merchant)).toBe(0);
  });
});

describe('an SM-DP+ that refuses', () => {
  let smdp: TestSmdp;
  let server: TestServer;
  let pkg: { code: string; price: number };
  beforeAll(async () => {
    smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8987000000000', 2) } });
    server = await startTestServer({ env: env(smdp) });
    pkg = await firstPackage(server);
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
  });
  afterAll(async () => {
    await server?.close();
    await smdp?.close();
  });
  afterEach(() => {
    for (const fn of Object.keys(smdp.override)) delete smdp.override[fn];
  });

  it('downloadOrder Failed (out of stock): the order fails with the codes, is refunded, and the profiles already reserved go back', async () => {
    const merchant = await server.merchant({ balance: pkg.price * 5 });
    const orderNo = await order(server, merchant, pkg.code, 3);
    const answer = await waitForOrder(server, merchant, orderNo);
    expect(answer.json.errorCode).toBe('200009');
    expect(answer.json.errorMsg).toMatch(/downloadOrder/);

    const stored = await server.runtime.ctx.db.kysely.selectFrom('orders').select(['status', 'failure_reason']).where('order_no', '=', orderNo).executeTakeFirstOrThrow();
    expect(stored.status).toBe('FAILED');
    expect(stored.failure_reason).toBe(`SM-DP+ refused downloadOrder (Failed, subjectCode 8.2.5, reasonCode 3.7): no profile of type ${TYPE} available`);
    expect(await balanceOf(server, merchant)).toBe(pkg.price * 5);
    const refund = await server.runtime.ctx.db.kysely.selectFrom('ledger_entries').select(['amount', 'kind']).where('reference', '=', orderNo).where('kind', '=', 'refund').executeTakeFirstOrThrow();
    expect(Number(refund.amount)).toBe(pkg.price * 3);

    // The two profiles reserved for slots 0 and 1 are cancelled at the SM-DP+, as jobs.
    const rows = await until('both reserved profiles cancelled', async () => {
      const rows = await rowsOf(server, orderNo);
      return rows.filter((r) => r.state === 'cancelled').length === 2 && rows;
    });
    expect(rows.map((r) => r.state)).toEqual(['cancelled', 'cancelled', 'failed']);
    expect(rows[2]!.failure).toBe(stored.failure_reason);
    expect(smdp.calls.filter((c) => c.fn === 'cancelOrder').map((c) => c.body.iccid).sort()).toEqual(rows.slice(0, 2).map((r) => r.iccid).sort());
    expect(smdp.taken()).toEqual([]);
  });

  it('confirmOrder Failed: the order fails with its codes and the reserved profile is cancelled', async () => {
    smdp.override.confirmOrder = () => failed('8.2.1', '3.8', 'profile locked');
    const merchant = await server.merchant({ balance: pkg.price });
    const orderNo = await order(server, merchant, pkg.code, 1);
    expect((await waitForOrder(server, merchant, orderNo)).json.errorCode).toBe('200009');
    const stored = await server.runtime.ctx.db.kysely.selectFrom('orders').select('failure_reason').where('order_no', '=', orderNo).executeTakeFirstOrThrow();
    expect(stored.failure_reason).toBe('SM-DP+ refused confirmOrder (Failed, subjectCode 8.2.1, reasonCode 3.8): profile locked');
    expect(await balanceOf(server, merchant)).toBe(pkg.price);
    // The refused row held a reserved profile: it is cancelled at the SM-DP+, the refusal kept.
    const [row] = await until('the refused profile cancelled', async () => {
      const rows = await rowsOf(server, orderNo);
      return rows[0]!.state === 'cancelled' && rows;
    });
    expect(row).toMatchObject({ state: 'cancelled', failure: stored.failure_reason });
    expect(row!.iccid).not.toBeNull();
    const cancels = smdp.calls.filter((c) => c.fn === 'cancelOrder' && c.body.header?.functionCallIdentifier === `${row!.call_id}-cancel`);
    expect(cancels.map((c) => c.body)).toMatchObject([{ iccid: row!.iccid, finalProfileStatusIndicator: 'Available' }]);
    expect(smdp.taken()).not.toContain(row!.iccid);
  });

  it('an Expired answer fails the order the same way', async () => {
    smdp.override.downloadOrder = () => ({ kind: 'answer', body: JSON.stringify({ header: { functionExecutionStatus: { status: 'Expired' } } }) });
    const merchant = await server.merchant({ balance: pkg.price });
    const orderNo = await order(server, merchant, pkg.code, 1);
    expect((await waitForOrder(server, merchant, orderNo)).json.errorCode).toBe('200009');
    const stored = await server.runtime.ctx.db.kysely.selectFrom('orders').select('failure_reason').where('order_no', '=', orderNo).executeTakeFirstOrThrow();
    expect(stored.failure_reason).toBe('SM-DP+ refused downloadOrder (Expired)');
    expect(await balanceOf(server, merchant)).toBe(pkg.price);
  });
});

describe('an SM-DP+ that is down', () => {
  it('the order stays ALLOCATING (200010) while it is down, and completes once it is up again', async () => {
    let smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8986000000000', 2) } });
    const port = smdp.port;
    await smdp.close();
    const server = await startTestServer({ env: env(smdp) });
    try {
      const pkg = await firstPackage(server);
      await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
      const merchant = await server.merchant({ balance: pkg.price });
      const orderNo = await order(server, merchant, pkg.code, 1);
      // Long enough for several waits (200, 400, 800 ms apart): the order still waits.
      await new Promise((resolve) => setTimeout(resolve, 1600));
      const waiting = await call(server, esimPaths.query, { orderNo, pager: { pageNum: 1, pageSize: 10 } }, as(merchant));
      expect(waiting.json.errorCode).toBe('200010');
      const job = await server.runtime.ctx.db.kysely.selectFrom('jobs').select(['attempts', 'failed_at', 'last_error']).where('kind', '=', 'allocate-order').executeTakeFirstOrThrow();
      expect(job.failed_at).toBeNull();
      // Waits give their attempt back: at most the one claim in flight counts.
      expect(job.attempts).toBeLessThanOrEqual(1);
      expect(job.last_error).toMatch(/SM-DP\+ unreachable/);
      expect((await rowsOf(server, orderNo))[0]!.state).toBe('reserving');

      smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8986000000000', 2) }, port });
      const done = expectSuccess(await waitForOrder(server, merchant, orderNo, 15_000));
      expect(done.esimList).toHaveLength(1);
      expect(done.esimList[0].iccid).toBe('8986000000000000000');
    } finally {
      await server.close();
      await smdp.close();
    }
  });

  it('after ES2_RETRY_FOR_SECONDS the order fails, is refunded, and says the SM-DP+ was unreachable', async () => {
    const smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8985000000000', 2) } });
    smdp.override.downloadOrder = () => ({ kind: 'answer', status: 503, body: '' });
    const server = await startTestServer({ env: env(smdp, { ES2_RETRY_FOR_SECONDS: '1' }) });
    try {
      const pkg = await firstPackage(server);
      await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
      const merchant = await server.merchant({ balance: pkg.price });
      const orderNo = await order(server, merchant, pkg.code, 1);
      const answer = await waitForOrder(server, merchant, orderNo, 15_000);
      expect(answer.json.errorCode).toBe('200009');
      expect(answer.json.errorMsg).toMatch(/SM-DP\+ unreachable for \d+ s: downloadOrder: HTTP 503/);
      expect(await balanceOf(server, merchant)).toBe(pkg.price);
      expect((await rowsOf(server, orderNo))[0]!.state).toBe('failed');
    } finally {
      await server.close();
      await smdp.close();
    }
  });
});

/** Stops a server as a process stop would, leaving its database for the next one. */
async function stopKeepingDatabase(server: TestServer): Promise<void> {
  await server.app.close();
  await server.runtime.close();
}

describe('a stop in the middle of an allocation', () => {
  it('between downloadOrder and confirmOrder: the next instance confirms, and never sends a second downloadOrder', async () => {
    const smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8984000000000', 3) } });
    smdp.override.confirmOrder = () => ({ kind: 'hang' });
    const first = await startTestServer({ env: env(smdp, { ES2_TIMEOUT_MS: '400' }) });
    let second: TestServer | undefined;
    try {
      const pkg = await firstPackage(first);
      await setProfileSource({ ctx: first.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
      const merchant = await first.merchant({ balance: pkg.price });
      const orderNo = await order(first, merchant, pkg.code, 1);
      await until('confirmOrder sent', async () => smdp.calls.some((c) => c.fn === 'confirmOrder'));
      expect((await rowsOf(first, orderNo))[0]!.state).toBe('reserved');
      await stopKeepingDatabase(first);

      delete smdp.override.confirmOrder;
      second = await startTestServer({ databaseUrl: first.databaseUrl, env: env(smdp) });
      const done = expectSuccess(await waitForOrder(second, merchant, orderNo, 15_000));
      const [row] = await rowsOf(second, orderNo);
      expect(done.esimList[0].iccid).toBe(row!.iccid);
      expect(smdp.calls.filter((c) => c.fn === 'downloadOrder')).toHaveLength(1);
      expect(smdp.reservations).toEqual([row!.iccid]);
      const confirmIds = new Set(smdp.calls.filter((c) => c.fn === 'confirmOrder').map((c) => c.body.header.functionCallIdentifier));
      expect(confirmIds).toEqual(new Set([`${row!.call_id}-confirm`]));
    } finally {
      if (second) await second.close();
      else await first.close().catch(() => {});
      await smdp.close();
    }
  });

  it('with downloadOrder unanswered: it is sent again with the same functionCallIdentifier, and one profile is reserved', async () => {
    const smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8983000000000', 3) } });
    // The SM-DP+ reserves the profile but the answer never arrives (a connection cut).
    let cut = true;
    smdp.override.downloadOrder = () => (cut ? { kind: 'lose-answer' } : { kind: 'default' });
    const first = await startTestServer({ env: env(smdp) });
    let second: TestServer | undefined;
    try {
      const pkg = await firstPackage(first);
      await setProfileSource({ ctx: first.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
      const merchant = await first.merchant({ balance: pkg.price });
      const orderNo = await order(first, merchant, pkg.code, 1);
      await until('downloadOrder sent', async () => smdp.calls.some((c) => c.fn === 'downloadOrder'));
      expect(smdp.reservations).toHaveLength(1);
      await stopKeepingDatabase(first);
      cut = false;
      second = await startTestServer({ databaseUrl: first.databaseUrl, env: env(smdp) });
      const done = expectSuccess(await waitForOrder(second, merchant, orderNo, 15_000));
      const [row] = await rowsOf(second, orderNo);
      const callIds = new Set(smdp.calls.filter((c) => c.fn === 'downloadOrder').map((c) => c.body.header.functionCallIdentifier));
      expect(callIds).toEqual(new Set([row!.call_id]));
      expect(done.esimList[0].iccid).toBe(row!.iccid);
      expect(smdp.reservations).toEqual([row!.iccid]);
    } finally {
      if (second) await second.close();
      else await first.close().catch(() => {});
      await smdp.close();
    }
  });
});

describe('the job lease', () => {
  it('no second ES2+ call starts unless it can end before the lease does: the job asks to go on at once instead', async () => {
    const smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8981000000000', 2) } });
    // No runner: the test runs the allocation steps itself.
    const server = await startTestServer({ env: env(smdp, { JOB_RUNNER: 'off', ES2_TIMEOUT_MS: '1000' }) });
    const client = new Es2PlusClient({ smdpUrl: smdp.url, requesterId: 'esimkit-test', timeoutMs: 1000, defaultSmdpAddress: 'x' });
    try {
      const pkg = await firstPackage(server);
      await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
      const merchant = await server.merchant({ balance: pkg.price });
      const orderNo = await order(server, merchant, pkg.code, 1);
      const stored = await server.runtime.ctx.db.kysely.selectFrom('orders').selectAll().where('order_no', '=', orderNo).executeTakeFirstOrThrow();

      const ending = releaseEs2Profiles(server.runtime.ctx, client, stored, Date.now() + 500);
      await expect(ending).rejects.toBeInstanceOf(RetryLater);
      await expect(ending).rejects.toMatchObject({ delayMs: 0 });
      // One call per run always goes (progress even with a timeout longer than the lease).
      expect(smdp.calls.map((c) => c.fn)).toEqual(['downloadOrder']);
      expect((await rowsOf(server, orderNo))[0]!.state).toBe('reserved');

      const done = await releaseEs2Profiles(server.runtime.ctx, client, stored, Date.now() + 30_000);
      expect(done).toMatchObject({ done: true, profiles: [{ state: 'released', iccid: '8981000000000000000' }] });
    } finally {
      client.close();
      await server.close();
      await smdp.close();
    }
  });
});

describe('an eSIM cancel the SM-DP+ then refuses', () => {
  it('the cancel and its refund stand; the refusal is kept on the row and logged at warn with the order and eSIM', async () => {
    const smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8984000000000', 1) } });
    // No runner: the test runs the jobs, and the cancellation with a log it reads.
    const server = await startTestServer({ env: env(smdp, { JOB_RUNNER: 'off' }) });
    const client = new Es2PlusClient({ smdpUrl: smdp.url, requesterId: 'esimkit-test', timeoutMs: 1000, defaultSmdpAddress: 'x' });
    try {
      const pkg = await firstPackage(server);
      await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
      const merchant = await server.merchant({ balance: pkg.price });
      const orderNo = await order(server, merchant, pkg.code, 1);
      await server.runtime.jobs.drain();
      const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as any[];
      expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant)));
      expect(await balanceOf(server, merchant)).toBe(pkg.price);

      // The profile was downloaded before the notification arrived: the SM-DP+ refuses.
      smdp.override.cancelOrder = () => failed('8.2.1', '3.3', 'profile already downloaded');
      const [row] = await rowsOf(server, orderNo);
      expect(row!.state).toBe('cancelling');
      const warnings: { obj: any; msg: string }[] = [];
      const log = { error: () => {}, warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
      await cancelEs2Profile({ ...server.runtime.ctx, log }, client, { profileId: Number(row!.id) });

      const failure = 'SM-DP+ refused cancelOrder (Failed, subjectCode 8.2.1, reasonCode 3.3): profile already downloaded';
      expect((await rowsOf(server, orderNo))[0]).toMatchObject({ state: 'failed', failure });
      expect(warnings).toEqual([{ obj: { iccid: esim.iccid, orderNo, merchantId: merchant.id, esimTranNo: esim.esimTranNo, failure }, msg: expect.stringMatching(/cancel and its refund stand/) }]);
      // The partner's cancel stands: the eSIM stays CANCEL, the refund is kept.
      const after = expectSuccess(await call(server, esimPaths.query, { orderNo, pager: { pageNum: 1, pageSize: 10 } }, as(merchant))).esimList[0];
      expect(after.esimStatus).toBe('CANCEL');
      expect(await balanceOf(server, merchant)).toBe(pkg.price);
    } finally {
      client.close();
      await server.close();
      await smdp.close();
    }
  });
});
