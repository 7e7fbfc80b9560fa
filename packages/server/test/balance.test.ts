import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, depositFunds, ledgerSum, type CreatedMerchant, type Db, type ServiceContext } from '../src/index.js';
import { BalanceReads } from '../src/domain/balance/query.js';
import { countedDb } from './support/counted-db.js';
import { call, paths, startTestServer, type TestServer } from './support/harness.js';

// balance/query (field-notes §5: obj {balance, lastUpdateTime}): the balance is the ledger's,
// read fresh on every call, and one merchant never sees another's.

const WIRE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

let server: TestServer;
let ctx: ServiceContext;

beforeAll(async () => {
  server = await startTestServer();
  ctx = server.runtime.ctx;
});
afterAll(() => server?.close());

async function balanceOf(merchant: CreatedMerchant, body: unknown = ''): Promise<{ balance: number; lastUpdateTime: string }> {
  const result = await call(server, paths.balance, body, { accessCode: merchant.accessCode });
  expect(result.status).toBe(200);
  expect(result.json, result.text).toMatchObject({ success: true, errorCode: '0', errorMsg: null, errorMessage: null });
  return result.json.obj;
}

function deposit(merchant: CreatedMerchant, amount: number, at?: Date) {
  const context = at ? { ...ctx, clock: { now: () => at } } : ctx;
  return depositFunds({ ctx: context, input: { accessCode: merchant.accessCode, amount } });
}

/** `2031-05-06T07:08:09.999Z` -> `2031-05-06T07:08:09+0000` */
const wire = (date: Date) => `${date.toISOString().slice(0, 19)}+0000`;

describe('balance/query', () => {
  it('answers the opening balance with exactly balance and lastUpdateTime', async () => {
    const before = Date.now();
    const merchant = await server.merchant({ balance: 1_234_567 });
    const after = Date.now();
    const obj = await balanceOf(merchant);
    expect(Object.keys(obj).sort()).toEqual(['balance', 'lastUpdateTime']);
    expect(obj.balance).toBe(1_234_567);
    expect(obj.lastUpdateTime).toMatch(WIRE_TIME);
    // The time of the opening deposit, to the second.
    expect(Date.parse(obj.lastUpdateTime.replace('+0000', 'Z'))).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(obj.lastUpdateTime.replace('+0000', 'Z'))).toBeLessThanOrEqual(after);
  });

  it('answers 0 for a merchant opened without funds', async () => {
    const merchant = await server.merchant();
    expect((await balanceOf(merchant)).balance).toBe(0);
    expect(await ledgerSum(ctx.db.kysely, merchant.id)).toBe(0);
  });

  it('ignores whatever the body says (no parameters)', async () => {
    const merchant = await server.merchant({ balance: 42_000 });
    expect((await balanceOf(merchant, {})).balance).toBe(42_000);
    expect((await balanceOf(merchant, { balance: 999_999_999, merchantId: 1 })).balance).toBe(42_000);
  });

  it('reflects each deposit at once, although the merchant record is cached', async () => {
    const merchant = await server.merchant({ balance: 100_000 });
    expect((await balanceOf(merchant)).balance).toBe(100_000); // authentication has now cached the merchant
    expect(await deposit(merchant, 25_000)).toEqual({ balance: 125_000 });
    expect((await balanceOf(merchant)).balance).toBe(125_000);
    expect(await deposit(merchant, 5)).toEqual({ balance: 125_005 });
    expect((await balanceOf(merchant)).balance).toBe(125_005);
  });

  it('moves lastUpdateTime to the time of the latest ledger entry', async () => {
    const merchant = await server.merchant({ balance: 10_000 });
    const first = new Date('2031-05-06T07:08:09.999Z');
    await deposit(merchant, 1, first);
    expect(await balanceOf(merchant)).toEqual({ balance: 10_001, lastUpdateTime: '2031-05-06T07:08:09+0000' });
    const second = new Date('2031-05-07T00:00:00.000Z');
    await deposit(merchant, 2, second);
    expect(await balanceOf(merchant)).toEqual({ balance: 10_003, lastUpdateTime: wire(second) });
  });

  it('moves lastUpdateTime on a real-clock deposit too', async () => {
    const merchant = await server.merchant({ balance: 10_000 });
    const opened = (await balanceOf(merchant)).lastUpdateTime;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the wire format has whole seconds
    const before = Date.now();
    await deposit(merchant, 500);
    const now = (await balanceOf(merchant)).lastUpdateTime;
    expect(now).toMatch(WIRE_TIME);
    expect(now > opened).toBe(true);
    expect(now >= wire(new Date(before))).toBe(true);
  });

  it('refuses a deposit that is not a positive whole number of units, changing nothing', async () => {
    const merchant = await server.merchant({ balance: 7_000 });
    for (const amount of [0, -5_000, 1.5, Number.NaN]) {
      const error = await deposit(merchant, amount).catch((e: unknown) => e);
      expect(error, String(amount)).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('000107');
    }
    const unknown = await depositFunds({ ctx, input: { accessCode: 'no-such-merchant', amount: 1 } }).catch((e: unknown) => e);
    expect((unknown as ApiError).code).toBe('000101');
    expect((await balanceOf(merchant)).balance).toBe(7_000);
    expect(await ledgerSum(ctx.db.kysely, merchant.id)).toBe(7_000);
  });
});

describe('tenant isolation', () => {
  it('keeps two merchants balances independent', async () => {
    const a = await server.merchant({ balance: 111_111 });
    const b = await server.merchant({ balance: 222_222 });
    await deposit(b, 300_000);
    expect((await balanceOf(a)).balance).toBe(111_111);
    expect((await balanceOf(b)).balance).toBe(522_222);
    await deposit(a, 1);
    expect((await balanceOf(a)).balance).toBe(111_112);
    expect((await balanceOf(b)).balance).toBe(522_222);
  });

  it("never reveals B's balance to A's access code, whatever A sends", async () => {
    const a = await server.merchant({ balance: 10_000 });
    const b = await server.merchant({ balance: 987_654_321 });
    for (const body of ['', {}, { accessCode: b.accessCode }, { merchantId: b.id, id: b.id }, { 'RT-AccessCode': b.accessCode }]) {
      const result = await call(server, paths.balance, body, { accessCode: a.accessCode, headers: { 'x-merchant-id': String(b.id) } });
      expect(result.json.obj.balance, JSON.stringify(body)).toBe(10_000);
      expect(result.text).not.toContain('987654321');
    }
  });
});

describe('ledger', () => {
  it('keeps the cached balance equal to the sum of the ledger', async () => {
    const merchant = await server.merchant({ balance: 50_000 });
    for (const amount of [1, 20, 300, 4_000, 50_000]) await deposit(merchant, amount);
    const { balance } = await balanceOf(merchant);
    expect(balance).toBe(50_000 + 1 + 20 + 300 + 4_000 + 50_000);
    expect(await ledgerSum(ctx.db.kysely, merchant.id)).toBe(balance);
  });

  it('lands 50 concurrent deposits exactly, each on its own running total', async () => {
    const merchant = await server.merchant({ balance: 1_000 });
    const amounts = Array.from({ length: 50 }, (_, i) => (i + 1) * 1_000 + i);
    const results = await Promise.all(amounts.map((amount) => deposit(merchant, amount)));
    const expected = 1_000 + amounts.reduce((sum, amount) => sum + amount, 0);
    expect((await balanceOf(merchant)).balance).toBe(expected);
    expect(await ledgerSum(ctx.db.kysely, merchant.id)).toBe(expected);
    // No two deposits read the same balance: each answer is a distinct running total.
    const totals = results.map((r) => r.balance);
    expect(new Set(totals).size).toBe(50);
    expect(Math.max(...totals)).toBe(expected);
    const entries = await ctx.db.kysely.selectFrom('ledger_entries').select('amount').where('merchant_id', '=', merchant.id).execute();
    expect(entries.map((e) => Number(e.amount)).sort((x, y) => x - y)).toEqual([1_000, ...amounts].sort((x, y) => x - y));
  });

  it('answers queries made during concurrent deposits with balances that really existed', async () => {
    const merchant = await server.merchant({ balance: 0 });
    const deposits = Array.from({ length: 20 }, () => deposit(merchant, 10_000));
    const queries = Array.from({ length: 20 }, () => balanceOf(merchant));
    const [, seen] = await Promise.all([Promise.all(deposits), Promise.all(queries)]);
    for (const { balance } of seen) {
      expect(balance % 10_000).toBe(0);
      expect(balance).toBeGreaterThanOrEqual(0);
      expect(balance).toBeLessThanOrEqual(200_000);
    }
    expect((await balanceOf(merchant)).balance).toBe(200_000);
  });
});

describe('reads shared by a merchant\'s concurrent queries (BalanceReads)', () => {
  /** A BalanceReads on the server's database that counts the statements it runs. */
  function countedReads(): { reads: BalanceReads; statements: () => number } {
    const { db, statements } = countedDb(ctx.db);
    return { reads: new BalanceReads(db), statements };
  }
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('answers the queries of one turn with one statement per merchant, each its own balance', async () => {
    const a = await server.merchant({ balance: 111 });
    const b = await server.merchant({ balance: 222 });
    const { reads, statements } = countedReads();
    const answers = await Promise.all([...Array.from({ length: 10 }, () => reads.read(a.id)), ...Array.from({ length: 10 }, () => reads.read(b.id))]);
    expect(answers.map((row) => Number(row.balance))).toEqual([...Array(10).fill(111), ...Array(10).fill(222)]);
    expect(statements()).toBe(2);
  });

  it('never answers a query with a read that began before it: a deposit committed before the query is seen', async () => {
    const merchant = await server.merchant({ balance: 1_000 });
    const { reads, statements } = countedReads();
    const before = reads.read(merchant.id);
    await nextTurn(); // the first read has started
    await deposit(merchant, 500);
    const after = reads.read(merchant.id);
    expect(Number((await after).balance)).toBe(1_500);
    expect([1_000, 1_500]).toContain(Number((await before).balance));
    expect(statements()).toBe(2);
    // A deposit committed before the read was asked for, with no read running, is seen too.
    await deposit(merchant, 1);
    expect(Number((await reads.read(merchant.id)).balance)).toBe(1_501);
  });

  it('refuses the waiters of a merchant that does not exist, and reads the next query afresh', async () => {
    const { reads } = countedReads();
    const missing = await Promise.allSettled([reads.read(987_654_321), reads.read(987_654_321)]);
    expect(missing.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((missing[0] as PromiseRejectedResult).reason)).toContain('merchant 987654321 disappeared');
    const merchant = await server.merchant({ balance: 42 });
    expect(Number((await reads.read(merchant.id)).balance)).toBe(42);
  });

  it('serves 40 concurrent signed queries, each with the balance committed before it was sent', async () => {
    const merchant = await server.merchant({ balance: 0 });
    for (const total of [7_000, 14_000]) {
      await deposit(merchant, 7_000);
      const seen = await Promise.all(Array.from({ length: 40 }, () => balanceOf(merchant)));
      expect(seen.map((obj) => obj.balance)).toEqual(Array(40).fill(total));
    }
  });
});
