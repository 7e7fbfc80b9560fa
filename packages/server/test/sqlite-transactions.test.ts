import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/connect.js';

// A SQLite transaction takes the write lock when it begins (connect.ts): one that read first
// and wrote later failed at once (SQLITE_BUSY, no waiting) when another process had written
// in between, as a CLI command on the server's file can (seen as 000001 on an adjustment).
const dir = mkdtempSync(join(tmpdir(), 'esimkit-tx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite transactions', () => {
  it('hold the write lock from their first statement, a read: another connection cannot begin writing meanwhile', async () => {
    const file = join(dir, 'lock.db');
    const db = connect(file);
    const other = new BetterSqlite3(file);
    other.pragma('busy_timeout = 0');
    try {
      await sql`CREATE TABLE t (n INTEGER)`.execute(db.kysely);
      const tryToWrite = () => {
        try {
          other.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (2); COMMIT');
          return 'wrote';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      };
      await db.kysely.transaction().execute(async (tx) => {
        await sql`SELECT count(*) FROM t`.execute(tx);
        // Inside a transaction that has only read: the write lock is already this one's.
        expect(tryToWrite()).toBe('SQLITE_BUSY');
        // And it can write, whatever the other connection tried.
        await sql`INSERT INTO t VALUES (1)`.execute(tx);
      });
      // Once it committed, the other connection writes.
      expect(tryToWrite()).toBe('wrote');
      const { rows } = await sql<{ n: number }>`SELECT n FROM t ORDER BY n`.execute(db.kysely);
      expect(rows.map((r) => r.n)).toEqual([1, 2]);
    } finally {
      other.close();
      await db.close();
    }
  });
});
