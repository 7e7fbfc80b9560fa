import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MAX_ROWS_PER_INSERT } from '../src/db/insert-rows.js';
import { startTestServer, type TestServer } from './support/harness.js';

// Many-row inserts built once per table, columns and row count (db/insert-rows.ts): the
// allocation's eSIMs, timelines, webhook events and jobs go through it. Each row must arrive
// whole and in order, what it returns must line up with the rows given, on both databases.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const job = (n: number, payload = `{"n":${n}}`) => ({ kind: 'insert-rows-probe', payload, run_at: 4_000_000_000_000 + n, created_at: n, merchant_id: null, dedupe_key: null });

describe('insertRows', () => {
  it('writes 250 rows in statements of at most 100, and returns each row\'s columns in the order given', async () => {
    const db = server.runtime.ctx.db.kysely;
    const rows = Array.from({ length: 250 }, (_, n) => job(n));
    const back = await insertRows(db, 'jobs', rows, ['id', 'payload', 'created_at']);
    expect(MAX_ROWS_PER_INSERT).toBe(100);
    expect(back.map((r) => [r.payload, Number(r.created_at)])).toEqual(rows.map((r) => [r.payload, r.created_at]));
    const ids = back.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const stored = await db.selectFrom('jobs').select(['id', 'payload', 'run_at', 'merchant_id', 'dedupe_key']).where('kind', '=', 'insert-rows-probe').orderBy('id').execute();
    expect(stored.map((r) => [Number(r.id), r.payload, Number(r.run_at), r.merchant_id, r.dedupe_key])).toEqual(rows.map((r, i) => [ids[i], r.payload, r.run_at, null, null]));
  });

  it('runs the same built statement with new values: a second call of the same size writes its own rows', async () => {
    const db = server.runtime.ctx.db.kysely;
    const first = await insertRows(db, 'jobs', [job(1, 'first-a'), job(2, 'first-b')], ['payload']);
    const second = await insertRows(db, 'jobs', [job(3, 'second-a'), job(4, 'second-b')], ['payload']);
    expect([...first, ...second].map((r) => r.payload)).toEqual(['first-a', 'first-b', 'second-a', 'second-b']);
  });

  it('writes inside the caller\'s transaction: rolled back with it', async () => {
    const db = server.runtime.ctx.db.kysely;
    await expect(
      db.transaction().execute(async (tx) => {
        await insertRows(tx, 'jobs', [job(1, 'rolled-back')]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.selectFrom('jobs').select('id').where('payload', '=', 'rolled-back').execute()).toEqual([]);
  });

  it('refuses a row with other columns than the first, and a column left undefined, writing nothing', async () => {
    const db = server.runtime.ctx.db.kysely;
    const { dedupe_key: _, ...fewer } = job(2, 'odd-fewer');
    await expect(insertRows(db, 'jobs', [job(1, 'odd-first'), fewer as ReturnType<typeof job>])).rejects.toThrow(/other columns/);
    await expect(insertRows(db, 'jobs', [job(1, 'odd-first'), { ...job(2, 'odd-undefined'), dedupe_key: undefined as unknown as null }])).rejects.toThrow(/no value/);
    expect(await db.selectFrom('jobs').select('id').where('payload', 'like', 'odd-%').execute()).toEqual([]);
  });
});
