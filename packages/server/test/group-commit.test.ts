import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Db } from '../src/db/connect.js';
import { GroupCommit } from '../src/db/group-commit.js';

// SQLite orders that arrive in one event-loop turn share one commit (db/group-commit.ts).
// Each must still be all or nothing on its own, and its caller must hear only its own outcome.
const dir = mkdtempSync(join(tmpdir(), 'esimkit-group-'));
const file = join(dir, 'group.db');
let db: Db;
/** Another connection to the file: it sees only what `db` committed. */
let observer: BetterSqlite3.Database;
let groups: GroupCommit;

beforeAll(async () => {
  db = connect(file);
  await sql`CREATE TABLE t (n INTEGER UNIQUE, note TEXT)`.execute(db.kysely);
  observer = new BetterSqlite3(file);
});
afterAll(async () => {
  observer?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await sql`DELETE FROM t`.execute(db.kysely);
  groups = new GroupCommit(db.kysely);
  seen.clear();
});

const committedRows = () => (observer.prepare('SELECT count(*) AS c FROM t').get() as { c: number }).c;
const rows = async () => (await sql<{ n: number; note: string }>`SELECT n, note FROM t ORDER BY n`.execute(db.kysely)).rows;
/** What each piece saw committed when it ran, by n. */
const seen = new Map<number, number>();
/** A piece of work writing two rows, n and n + 100: half done when it fails between them. */
const writeTwo = (n: number, failAfterFirst = false) =>
  groups.run(async (tx) => {
    seen.set(n, committedRows());
    await sql`INSERT INTO t (n, note) VALUES (${n}, 'first')`.execute(tx);
    if (failAfterFirst) throw new Error(`refused ${n}`);
    await sql`INSERT INTO t (n, note) VALUES (${n + 100}, 'second')`.execute(tx);
    return n;
  });

describe('GroupCommit (SQLite)', () => {
  it('commits the work of one turn once, and answers each caller with its own result', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => writeTwo(n)));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    // One transaction: the last piece ran before the first was committed.
    expect([...seen.values()]).toEqual([0, 0, 0, 0, 0]);
    expect(committedRows()).toBe(10);
    expect((await rows()).map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 101, 102, 103, 104, 105]);
  });

  it('undoes only the piece that failed, half written as it was, and gives its error to its caller alone', async () => {
    const outcomes = await Promise.allSettled([writeTwo(1), writeTwo(2, true), writeTwo(3)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('refused 2');
    expect((await rows()).map((r) => r.n)).toEqual([1, 3, 101, 103]);
  });

  it('undoes a piece refused by the database (a unique value already written by an earlier piece of the group)', async () => {
    const outcomes = await Promise.allSettled([writeTwo(1), writeTwo(101), writeTwo(7)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(await rows()).toEqual([
      { n: 1, note: 'first' },
      { n: 7, note: 'first' },
      { n: 101, note: 'second' },
      { n: 107, note: 'second' },
    ]);
  });

  it('gives work of separate turns separate commits, and runs work alone as a transaction of its own', async () => {
    await writeTwo(1);
    await writeTwo(2);
    expect(seen.get(2)).toBe(2);
    await expect(writeTwo(3, true)).rejects.toThrow('refused 3');
    expect((await rows()).map((r) => r.n)).toEqual([1, 2, 101, 102]);
  });

  it('answers each caller only once its work is committed', async () => {
    const committedWhenAnswered = await Promise.all([1, 2, 3].map((n) => writeTwo(n).then(() => committedRows())));
    expect(committedWhenAnswered).toEqual([6, 6, 6]);
    expect(committedRows()).toBe(6);
  });
});
