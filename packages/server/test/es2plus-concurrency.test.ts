import { afterAll, beforeAll, expect, it } from 'vitest';
import { setProfileSource } from '../src/domain/catalog/profile-sources.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { iccids, startTestSmdp, type TestSmdp } from './support/es2-smdp.js';
import { as, esimPaths, expectSuccess, newTransactionId, waitForOrder } from './support/orders.js';

// Two esimkit instances (two job runners) on one database allocating from one SM-DP+: every
// order is allocated once, every eSIM slot asks the SM-DP+ once, no profile is reserved twice.
// Runs on both databases: two processes on one SQLite file work (one writer at a time), as
// jobs.test.ts shows; PostgreSQL is where instances really race (FOR UPDATE SKIP LOCKED).

const TYPE = 'shared-family';
const ORDERS = 16;
const PER_ORDER = 2;
let smdp: TestSmdp;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  smdp = await startTestSmdp({ stock: { [TYPE]: iccids('8982000000000', ORDERS * PER_ORDER + 4) } });
  const env = { ESIMKIT_MODE: 'production', ES2_SMDP_URL: smdp.url, ALLOCATION_DELAY_MS: '0' };
  first = await startTestServer({ env });
  second = await startTestServer({ databaseUrl: first.databaseUrl, env });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await smdp?.close();
});

it('two instances allocating many orders never reserve one profile twice, and allocate each order once', async () => {
  const pkg = await first.runtime.ctx.db.kysely.selectFrom('packages').select(['code', 'price']).where('type', '=', 'BASE').where('data_type', '=', 1).orderBy('code').executeTakeFirstOrThrow();
  await setProfileSource({ ctx: first.runtime.ctx, input: { packageCode: pkg.code, source: 'es2plus', profileType: TYPE } });
  const merchant = await first.merchant({ balance: Number(pkg.price) * ORDERS * PER_ORDER });

  // Orders go to both instances alternately, all at once.
  const orderNos = await Promise.all(
    Array.from({ length: ORDERS }, async (_, i) => {
      const server = i % 2 ? second : first;
      const answer = await call(server, esimPaths.order, { transactionId: newTransactionId('race'), packageInfoList: [{ packageCode: pkg.code, count: PER_ORDER }] }, as(merchant));
      return expectSuccess(answer, null).orderNo as string;
    }),
  );
  const esims = (await Promise.all(orderNos.map(async (orderNo) => expectSuccess(await waitForOrder(first, merchant, orderNo, 20_000)).esimList as any[]))).flat();

  expect(esims).toHaveLength(ORDERS * PER_ORDER);
  expect(new Set(esims.map((e) => e.iccid)).size).toBe(ORDERS * PER_ORDER);
  // The SM-DP+ reserved each profile once, and was asked once per slot.
  expect(new Set(smdp.reservations).size).toBe(smdp.reservations.length);
  expect(smdp.reservations).toHaveLength(ORDERS * PER_ORDER);
  // Raw counts, not sets: a downloadOrder resent (same call id, or a new one) shows here.
  const downloadCalls = smdp.calls.filter((c) => c.fn === 'downloadOrder');
  expect(downloadCalls).toHaveLength(ORDERS * PER_ORDER);
  const callIds = smdp.calls.map((c) => c.body.header.functionCallIdentifier as string);
  const repeated = callIds.filter((id, i) => callIds.indexOf(id) !== i);
  expect(repeated).toEqual([]);
  // Each order's eSIMs were written once (a second allocation would have added rows).
  const perOrder = await first.runtime.ctx.db.kysely
    .selectFrom('esims')
    .innerJoin('orders', 'orders.id', 'esims.order_id')
    .select((eb) => ['orders.order_no', eb.fn.countAll<number>().as('n')])
    .where('orders.order_no', 'in', orderNos)
    .groupBy('orders.order_no')
    .execute();
  expect(perOrder.map((r) => Number(r.n))).toEqual(Array(ORDERS).fill(PER_ORDER));
  const rows = await first.runtime.ctx.db.kysely.selectFrom('es2_profiles').select(['state', 'esim_id']).execute();
  expect(rows.every((r) => r.state === 'released' && r.esim_id !== null)).toBe(true);
  // No allocation job is left over, failed or pending.
  const left = await first.runtime.ctx.db.kysely.selectFrom('jobs').select('kind').where('kind', '=', 'allocate-order').execute();
  expect(left).toEqual([]);
});
