import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, importInventory, ledgerSum, type CreatedMerchant, type Db, type ServiceContext } from '../src/index.js';
import { OrderWrites, type AllocationJobTimes, type NewOrderValues } from '../src/domain/orders/order-writes.js';
import { countedDb } from './support/counted-db.js';
import { call, paths, startTestServer, TEST_DATABASE, type TestServer } from './support/harness.js';

// esim/order's writes (domain/orders/order-writes.ts). On PostgreSQL an order whose profiles
// all come from the simulator is one statement; any other order, and every order on SQLite,
// is a transaction. Both must leave the same rows: the order, its allocation job, the debit.

const ORDER = '/api/v1/open/esim/order';
const SIMULATED = 'JP_1_7';
const STOCKED = 'JP_3_30';

let server: TestServer;
let ctx: ServiceContext;
const prices = new Map<string, number>();

beforeAll(async () => {
  // An hour's delay: the allocation job is still there to be looked at.
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '3600000' } });
  ctx = server.runtime.ctx;
  const probe = await server.merchant();
  for (const slug of [SIMULATED, STOCKED]) {
    const list = await call(server, paths.packageList, { slug }, { accessCode: probe.accessCode });
    prices.set(slug, list.json.obj.packageList[0].price);
  }
  const stocked = await ctx.db.kysely.selectFrom('packages').select('code').where('slug', '=', STOCKED).executeTakeFirstOrThrow();
  await importInventory({ ctx, input: [{ packageCode: stocked.code, iccid: '89000000000000000018', imsi: '999990000000001', ac: 'LPA:1$smdp.test.invalid$STOCKED1' }] });
});
afterAll(() => server?.close());

/** What one order left in the database: its row, its jobs, its ledger entries, the balance. */
async function writtenFor(merchant: CreatedMerchant, orderNo: string) {
  const db = ctx.db.kysely;
  const order = await db.selectFrom('orders').selectAll().where('order_no', '=', orderNo).executeTakeFirstOrThrow();
  const jobs = await db.selectFrom('jobs').select(['kind', 'payload', 'run_at', 'created_at', 'merchant_id', 'dedupe_key', 'attempts']).where('merchant_id', '=', merchant.id).execute();
  const entries = await db.selectFrom('ledger_entries').select(['amount', 'kind', 'reference', 'note', 'created_at']).where('reference', '=', orderNo).execute();
  const { balance } = await db.selectFrom('merchants').select('balance').where('id', '=', merchant.id).executeTakeFirstOrThrow();
  return { order, jobs, entries, balance: Number(balance), ledger: await ledgerSum(db, merchant.id) };
}

describe('an order\'s writes, whichever way it is placed', () => {
  for (const slug of [SIMULATED, STOCKED]) {
    it(`${slug === SIMULATED ? 'simulator' : 'inventory'} order: the order, one allocation job due after the delay, one debit`, async () => {
      const price = prices.get(slug)!;
      const merchant = await server.merchant({ balance: price * 3 });
      // Which way the server placed it (both spies call through): one statement only for a
      // simulator order on PostgreSQL.
      const oneStatement = vi.spyOn(ctx.services.orderWrites, 'placeInOneStatement');
      const inTransaction = vi.spyOn(ctx.services.orderWrites.insert, 'run');
      const before = Date.now();
      const placed = await call(server, ORDER, { transactionId: randomUUID(), amount: price, packageInfoList: [{ packageCode: slug, count: 1 }] }, { accessCode: merchant.accessCode });
      const after = Date.now();
      const ways = [oneStatement.mock.calls.length, inTransaction.mock.calls.length];
      oneStatement.mockRestore();
      inTransaction.mockRestore();
      expect(placed.json, placed.text).toMatchObject({ success: true });
      const inOne = slug === SIMULATED && TEST_DATABASE === 'postgres';
      expect(ways).toEqual(inOne ? [1, 0] : [0, 1]);
      const { order, jobs, entries, balance, ledger } = await writtenFor(merchant, placed.json.obj.orderNo);
      expect(order).toMatchObject({ merchant_id: merchant.id, status: 'ALLOCATING', amount: price, esim_count: 1, failure_reason: null, completed_at: null });
      expect(jobs).toHaveLength(1);
      const [job] = jobs;
      expect(job).toMatchObject({ kind: 'allocate-order', merchant_id: merchant.id, dedupe_key: null, attempts: 0 });
      // Exactly the payload enqueueJob writes, so the job runner reads either alike.
      expect(job!.payload).toBe(JSON.stringify({ orderId: Number(order.id) }));
      expect(Number(job!.created_at)).toBeGreaterThanOrEqual(before);
      expect(Number(job!.created_at)).toBeLessThanOrEqual(after);
      expect(Number(job!.run_at) - Number(job!.created_at)).toBe(3_600_000);
      expect(entries).toEqual([{ amount: -price, kind: 'order', reference: order.order_no, note: null, created_at: order.created_at }]);
      expect(balance).toBe(price * 2);
      expect(ledger).toBe(balance);
    });
  }
});

describe.runIf(TEST_DATABASE === 'postgres')('PostgreSQL: a simulator order in one statement', () => {
  /** OrderWrites on the server's database, counting the statements it runs. */
  function countedWrites(): { writes: OrderWrites; db: Db; statements: () => number } {
    const { db, statements } = countedDb(ctx.db);
    return { writes: new OrderWrites(db), db, statements };
  }
  let sequence = 0;
  function orderOf(merchant: CreatedMerchant, amount: number, transactionId: string = randomUUID()): NewOrderValues & AllocationJobTimes {
    const now = Date.now();
    return {
      orderNo: `BTEST${now}${String(++sequence).padStart(4, '0')}`,
      merchantId: merchant.id,
      transactionId,
      requestHash: 'test',
      items: '[]',
      amount,
      esimCount: 1,
      createdAt: now,
      jobRunAt: now + 1_000,
      jobCreatedAt: now,
    };
  }

  it('writes the order, its job and its debit with one statement', async () => {
    const merchant = await server.merchant({ balance: 10_000 });
    const { writes, db, statements } = countedWrites();
    expect(writes.placesInOneStatement).toBe(true);
    const values = orderOf(merchant, 2_500);
    await writes.placeInOneStatement(db, values);
    expect(statements()).toBe(1);
    const { order, jobs, entries, balance, ledger } = await writtenFor(merchant, values.orderNo);
    expect(order.transaction_id).toBe(values.transactionId);
    expect(jobs.map((job) => [job.payload, Number(job.run_at)])).toEqual([[JSON.stringify({ orderId: Number(order.id) }), values.jobRunAt]]);
    expect(entries.map((entry) => entry.amount)).toEqual([-2_500]);
    expect([balance, ledger]).toEqual([7_500, 7_500]);
  });

  it('writes nothing when the balance is too low, and says what the order costs and what there is (200007)', async () => {
    const merchant = await server.merchant({ balance: 999 });
    const { writes, db } = countedWrites();
    const values = orderOf(merchant, 1_000);
    const refusal = await writes.placeInOneStatement(db, values).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: '200007' });
    expect(String((refusal as ApiError).message)).toContain('costs 1000');
    expect(String((refusal as ApiError).message)).toContain('the balance is 999');
    expect(await ctx.db.kysely.selectFrom('orders').select('id').where('order_no', '=', values.orderNo).execute()).toEqual([]);
    expect(await ctx.db.kysely.selectFrom('jobs').select('id').where('merchant_id', '=', merchant.id).execute()).toEqual([]);
    expect(await ledgerSum(ctx.db.kysely, merchant.id)).toBe(999);
  });

  it('writes nothing for a transactionId already used: the balance stays, no second job or entry', async () => {
    const merchant = await server.merchant({ balance: 10_000 });
    const { writes, db } = countedWrites();
    const first = orderOf(merchant, 1_000);
    await writes.placeInOneStatement(db, first);
    const second = orderOf(merchant, 1_000, first.transactionId);
    const refusal = await writes.placeInOneStatement(db, second).catch((error: unknown) => error);
    expect(ctx.db.dialect.isUniqueViolation(refusal)).toBe(true);
    expect(await ctx.db.kysely.selectFrom('jobs').select('id').where('merchant_id', '=', merchant.id).execute()).toHaveLength(1);
    expect(await ctx.db.kysely.selectFrom('ledger_entries').select('id').where('reference', '=', second.orderNo).execute()).toEqual([]);
    const { balance } = await ctx.db.kysely.selectFrom('merchants').select('balance').where('id', '=', merchant.id).executeTakeFirstOrThrow();
    expect(Number(balance)).toBe(9_000);
    expect(await ledgerSum(ctx.db.kysely, merchant.id)).toBe(9_000);
  });
});

describe.runIf(TEST_DATABASE === 'sqlite')('SQLite: every order in a transaction', () => {
  it('has no one-statement placement (SQLite cannot write inside WITH), and says so if asked', async () => {
    const writes = new OrderWrites(ctx.db);
    expect(writes.placesInOneStatement).toBe(false);
    await expect(writes.placeInOneStatement(ctx.db, {} as NewOrderValues & AllocationJobTimes)).rejects.toThrow('places orders in a transaction');
  });
});
