import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importInventory, ledgerSum } from '../src/index.js';
import { call, expectFailure, paths, startTestServer, type TestServer } from './support/harness.js';

// Money under concurrency (issue 3): the conditional ledger debit is the lock. These run on
// SQLite and PostgreSQL alike.
const ORDER = '/api/v1/open/esim/order';
const QUERY = '/api/v1/open/esim/query';

let server: TestServer;
let unitPrice: number;
const SLUG = 'JP_1_7';

async function merchantRow(accessCode: string) {
  return server.runtime.ctx.db.kysely.selectFrom('merchants').selectAll().where('access_code_hash', '=', server.runtime.ctx.secrets.hashAccessCode(accessCode)).executeTakeFirstOrThrow();
}

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  const probe = await server.merchant();
  const list = await call(server, paths.packageList, { slug: SLUG }, { accessCode: probe.accessCode });
  unitPrice = list.json.obj.packageList[0].price;
});
afterAll(() => server?.close());

describe('concurrent orders against one balance', () => {
  it('lets exactly the affordable orders through and never overdraws', async () => {
    const merchant = await server.merchant({ balance: unitPrice * 10 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(server, ORDER, { transactionId: `c-${i}`, packageInfoList: [{ packageCode: SLUG, count: 1 }] }, { accessCode: merchant.accessCode }),
      ),
    );
    const accepted = results.filter((r) => r.json.success);
    const refused = results.filter((r) => !r.json.success);
    expect(accepted.length).toBe(10);
    expect(refused.map(expectFailure)).toEqual(Array(40).fill('200007'));
    const row = await merchantRow(merchant.accessCode);
    expect(row.balance).toBe(0);
    expect(await ledgerSum(server.runtime.ctx.db.kysely, row.id)).toBe(row.balance);
    const orders = await server.runtime.ctx.db.kysely.selectFrom('orders').select('order_no').where('merchant_id', '=', row.id).execute();
    expect(new Set(orders.map((o) => o.order_no)).size).toBe(10);
  });

  it('turns 20 concurrent retries of one transactionId into one order and one charge', async () => {
    const merchant = await server.merchant({ balance: unitPrice * 100 });
    const body = { transactionId: `retry-${randomUUID()}`, packageInfoList: [{ packageCode: SLUG, count: 2 }] };
    const results = await Promise.all(Array.from({ length: 20 }, () => call(server, ORDER, body, { accessCode: merchant.accessCode })));
    expect(results.every((r) => r.json.success)).toBe(true);
    const orderNos = new Set(results.map((r) => r.json.obj.orderNo));
    expect(orderNos.size).toBe(1);
    const row = await merchantRow(merchant.accessCode);
    expect(row.balance).toBe(unitPrice * 98);
    expect(await ledgerSum(server.runtime.ctx.db.kysely, row.id)).toBe(row.balance);
  });

  it('refuses a concurrent reuse of the transactionId with another body, charging only the winner', async () => {
    const merchant = await server.merchant({ balance: unitPrice * 100 });
    const transactionId = `mixed-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(server, ORDER, { transactionId, packageInfoList: [{ packageCode: SLUG, count: (i % 2) + 1 }] }, { accessCode: merchant.accessCode }),
      ),
    );
    const accepted = results.filter((r) => r.json.success);
    const winningCount = accepted.length === 5 ? 'one body' : 'unexpected';
    expect(winningCount).toBe('one body');
    for (const r of results.filter((r) => !r.json.success)) expect(expectFailure(r)).toBe('200008');
    const row = await merchantRow(merchant.accessCode);
    expect([unitPrice * 99, unitPrice * 98]).toContain(row.balance);
    expect(await ledgerSum(server.runtime.ctx.db.kysely, row.id)).toBe(row.balance);
  });
});

describe('inventory under concurrency', () => {
  it('never gives one profile to two eSIMs and refuses with 200011 when the stock runs out', async () => {
    const ctx = server.runtime.ctx;
    const pkg = await ctx.db.kysely.selectFrom('packages').select('code').where('slug', '=', 'FR_1_7').where('type', '=', 'BASE').executeTakeFirstOrThrow();
    const profiles = Array.from({ length: 12 }, (_, i) => ({
      packageCode: pkg.code,
      iccid: `89330${String(i).padStart(14, '0')}`,
      imsi: `20801${String(i).padStart(10, '0')}`,
      ac: `LPA:1$smdp.operator.test$${randomUUID().replaceAll('-', '').toUpperCase()}`,
    }));
    await importInventory({ ctx, input: profiles });
    const merchant = await server.merchant({ balance: 100_000_000 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(server, ORDER, { transactionId: `inv-${i}`, packageInfoList: [{ packageCode: pkg.code, count: 2 }] }, { accessCode: merchant.accessCode }),
      ),
    );
    const accepted = results.filter((r) => r.json.success);
    expect(accepted.length).toBe(6);
    for (const r of results.filter((r) => !r.json.success)) expect(expectFailure(r)).toBe('200011');

    const deadline = Date.now() + 10_000;
    const iccids: string[] = [];
    for (const r of accepted) {
      for (;;) {
        const q = await call(server, QUERY, { orderNo: r.json.obj.orderNo }, { accessCode: merchant.accessCode });
        if (q.json.success) {
          iccids.push(...q.json.obj.esimList.map((e: { iccid: string }) => e.iccid));
          break;
        }
        expect(q.json.errorCode).toBe('200010');
        if (Date.now() > deadline) throw new Error('allocation did not finish');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(iccids.length).toBe(12);
    expect(new Set(iccids).size).toBe(12);
    expect(new Set(iccids)).toEqual(new Set(profiles.map((p) => p.iccid)));
    const row = await merchantRow(merchant.accessCode);
    expect(await ledgerSum(ctx.db.kysely, row.id)).toBe(row.balance);
  });
});
