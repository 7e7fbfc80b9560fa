import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setProfileSource } from '../src/domain/catalog/profile-sources.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { iccids, startTestSmdp, type TestSmdp } from './support/es2-smdp.js';
import { as, esimPaths, expectSuccess, newTransactionId, waitForOrder } from './support/orders.js';
import { sb } from './support/sandbox.js';

// A sandbox reset deletes the merchant's es2_profiles rows; the profiles those rows held at
// the SM-DP+ must still go back (cancelOrder Available), by jobs that need no row.

const TYPE = 'plan-family-r';

describe('sandbox reset with profiles from an SM-DP+', () => {
  let smdp: TestSmdp;
  let server: TestServer;
  beforeAll(async () => {
    smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8985000000000', 4) } });
    server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0', ES2_SMDP_URL: smdp.url, ES2_REQUESTER_ID: 'esimkit-test', ES2_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await server?.close();
    await smdp?.close();
  });

  it('gives back every profile the reset sandbox held: allocated, and cancelling', async () => {
    const db = server.runtime.ctx.db.kysely;
    const pkg = await db.selectFrom('packages').select(['code', 'price']).where('type', '=', 'BASE').orderBy('code').executeTakeFirstOrThrow();
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
    const merchant = await server.merchant({ balance: Number(pkg.price) * 3 });
    const orderNo = expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId('reset'), packageInfoList: [{ packageCode: pkg.code, count: 3 }] }, as(merchant)), null).orderNo;
    const esims = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList as { iccid: string; esimTranNo: string }[];
    expect(esims).toHaveLength(3);
    expect(smdp.taken().sort()).toEqual(esims.map((e) => e.iccid).sort());

    // One eSIM is being cancelled while the SM-DP+ is down: its row is 'cancelling' at the reset.
    smdp.override.cancelOrder = () => ({ kind: 'answer', status: 502, body: 'bad gateway' });
    expectSuccess(await call(server, esimPaths.cancel, { esimTranNo: esims[0]!.esimTranNo }, as(merchant)));
    const states = await db.selectFrom('es2_profiles').select('state').orderBy('slot').execute();
    expect(states.map((r) => r.state)).toEqual(['cancelling', 'released', 'released']);

    expectSuccess(await call(server, sb('reset'), { balance: 0 }, as(merchant)));
    expect(await db.selectFrom('es2_profiles').selectAll().execute()).toEqual([]);
    delete smdp.override.cancelOrder;

    const deadline = Date.now() + 10_000;
    while (smdp.taken().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(smdp.taken()).toEqual([]);
    const cancelled = smdp.calls.filter((c) => c.fn === 'cancelOrder' && c.body.finalProfileStatusIndicator === 'Available').map((c) => c.body.iccid as string);
    for (const esim of esims) expect(cancelled).toContain(esim.iccid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.selectFrom('jobs').select(['kind', 'failed_at']).where('kind', '=', 'cancel-es2-profile').execute()).toEqual([]);
  });
});
