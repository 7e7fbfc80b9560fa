import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatabaseError, connect, databaseName, DatabaseError, loadConfig, migrate, startServer } from '../src/index.js';
import { POSTGRES_URL, TEST_DATABASE } from './support/harness.js';

// Each failure is produced for real (a file where a folder should be, a database opened
// read-only, a port nothing listens on, a database or role that does not exist) and must
// come out as one line naming the database and the cause.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'esimkit-dberr-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error a promise or function fails with. */
async function failure(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function expectOneLine(error: unknown, problem: DatabaseError['problem'], pattern: RegExp): DatabaseError {
  expect(error).toBeInstanceOf(DatabaseError);
  const e = error as DatabaseError;
  expect(e.problem).toBe(problem);
  expect(e.message).not.toContain('\n');
  expect(e.message).toMatch(pattern);
  return e;
}

describe('SQLite', () => {
  it('an operator open (create: false) of a missing file fails with "no database at" and creates nothing', async () => {
    const path = join(dir, 'nothing-here', 'esimkit.db');
    const error = await failure(() => connect(path, { create: false }));
    expectOneLine(error, 'missing', /^no database at \S+nothing-here\/esimkit\.db: run `esimkit migrate` \(or `esimkit serve`\) first$/);
    expect(existsSync(join(dir, 'nothing-here'))).toBe(false);
  });

  it('a path under a regular file: the file in the way is named', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const error = await failure(() => connect(join(file, 'esimkit.db')));
    expectOneLine(error, 'missing', new RegExp(`^database ${file}/esimkit\\.db cannot be created: ${file} is a file, not a folder \\((ENOTDIR|EEXIST)\\)$`));
  });

  it('a write to a database SQLite opened read-only says read-only (SQLITE_READONLY)', async () => {
    const path = join(dir, 'ro.db');
    const db = connect(path);
    await migrate(db);
    await db.close();
    const readOnly = new BetterSqlite3(path, { readonly: true });
    const raw = await failure(() => readOnly.exec("INSERT INTO meta (key, value) VALUES ('x', 'y')"));
    readOnly.close();
    expect(raw).toBeInstanceOf(BetterSqlite3.SqliteError);
    expectOneLine(asDatabaseError(raw, path), 'read-only', new RegExp(`^database ${path} is read-only: .+ \\(SQLITE_READONLY\\)$`));
  });

  it('a file that is not a database', async () => {
    const path = join(dir, 'text.db');
    writeFileSync(path, 'hello '.repeat(200));
    const error = await failure(async () => {
      const db = connect(path);
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
    });
    expectOneLine(asDatabaseError(error, path), 'unusable', /is not a SQLite database \(SQLITE_NOTADB\)$/);
  });

  it('errors of other kinds pass unchanged', () => {
    const other = new Error('something else');
    expect(asDatabaseError(other, join(dir, 'x.db'))).toBe(other);
    const pgLike = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(asDatabaseError(pgLike, join(dir, 'x.db'))).toBe(pgLike);
  });

  it('serve fails at start with the one line, and no stack of its own', async () => {
    const file = join(dir, 'another-file');
    writeFileSync(file, '');
    const config = loadConfig({ DATABASE_URL: join(file, 'db', 'esimkit.db'), PORT: '0', LOG_LEVEL: 'silent' });
    const error = await failure(() => startServer({ config, logger: false, print: () => {} }));
    expectOneLine(error, 'missing', /cannot be created: .*another-file is a file, not a folder/);
  });
});

describe('the name of a database in messages', () => {
  it('is a SQLite file\'s absolute path, a PostgreSQL URL without its password', () => {
    expect(databaseName('data/esimkit.db')).toBe(join(process.cwd(), 'data/esimkit.db'));
    expect(databaseName('sqlite:/var/lib/esimkit.db')).toBe('/var/lib/esimkit.db');
    expect(databaseName('postgres://esimkit:s3cret@db.internal:5432/esimkit?schema=live')).toBe('postgres://esimkit@db.internal:5432/esimkit?schema=live');
    expect(databaseName('postgres://esimkit@db/esimkit?password=s3cret&sslmode=require')).toBe('postgres://esimkit@db/esimkit?sslmode=require');
  });
});

describe('PostgreSQL', () => {
  /** What opening and migrating a database at this URL fails with. */
  const openFailure = (url: string) =>
    failure(async () => {
      const db = connect(url);
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
    }).then((error) => asDatabaseError(error, url));

  it('a port nothing listens on: unreachable, password left out', async () => {
    const url = 'postgres://postgres:s3cret@127.0.0.1:1/test';
    const error = expectOneLine(await openFailure(url), 'unreachable', /^database postgres:\/\/postgres@127\.0\.0\.1:1\/test is unreachable: connection refused/);
    expect(error.message).not.toContain('s3cret');
  });

  it('a host that does not resolve: unreachable', async () => {
    expectOneLine(await openFailure('postgres://postgres@no-such-host.invalid:5432/test'), 'unreachable', /is unreachable: host not found/);
  });

  describe.runIf(TEST_DATABASE === 'postgres')('with a PostgreSQL server', () => {
    const base = new URL(POSTGRES_URL);

    it('a database that does not exist: missing (3D000)', async () => {
      const url = new URL(base);
      url.pathname = '/esimkit_no_such_database';
      expectOneLine(await openFailure(url.toString()), 'missing', /esimkit_no_such_database does not exist \(3D000: database "esimkit_no_such_database" does not exist\)/);
    });

    it('a role that does not exist: wrong credentials (28000 here, 28P01 with passwords)', async () => {
      const url = new URL(base);
      url.username = 'esimkit_no_such_role';
      url.password = 'wrong';
      const error = expectOneLine(await openFailure(url.toString()), 'credentials', /^database postgres:\/\/esimkit_no_such_role@\S+ refused the credentials \(28(000|P01): /);
      expect(error.message).not.toContain('wrong');
    });

    it('a read-only transaction: read-only (25006)', async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      const raw = await failure(async () => {
        await client.query('BEGIN READ ONLY');
        await client.query('CREATE TABLE esimkit_read_only_probe (x int)').catch(async (error) => {
          await client.query('ROLLBACK');
          throw error;
        });
      });
      await client.end();
      expectOneLine(asDatabaseError(raw, POSTGRES_URL), 'read-only', /is read-only \(25006: /);
    });
  });
});
