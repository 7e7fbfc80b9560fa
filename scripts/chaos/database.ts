import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import type { ChaosOptions } from './options.js';

// The run's own database, fresh and thrown away after (unless --keep): a SQLite file in a
// temporary folder, or a PostgreSQL database of its own. The checks read it with plain SQL
// through the drivers, not through esimkit's code, so a bug in esimkit cannot hide itself.

export interface ChaosDatabase {
  /** DATABASE_URL for the servers and the esimkit command. */
  url: string;
  /** What to print: the file or the schema. */
  label: string;
  /** Rows of a read-only query; `?` placeholders on both databases. */
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
  drop(): Promise<void>;
}

export async function freshDatabase(options: ChaosOptions): Promise<ChaosDatabase> {
  return options.database === 'postgres' ? freshPostgres(options.postgresUrl) : freshSqlite();
}

function freshSqlite(): ChaosDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'esimkit-chaos-'));
  const file = join(dir, 'esimkit.db');
  let connection: Sqlite.Database | undefined;
  return {
    url: file,
    label: file,
    async rows<T>(sql: string, params: unknown[] = []) {
      // Opened on first use: the servers (esimkit migrate) create the file.
      connection ??= new Sqlite(file, { readonly: true, fileMustExist: true });
      return connection.prepare(sql).all(...params) as T[];
    },
    async close() {
      connection?.close();
      connection = undefined;
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(baseUrl: string): Promise<ChaosDatabase> {
  // A database of its own, not a schema in a shared one: esimkit's migrator looks through
  // every schema of its database at start, and fails if another one (a test run's) is
  // dropped at that moment.
  const name = `esimkit_chaos_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    url: url.toString(),
    label: `${url.host}/${name}`,
    async rows<T>(sql: string, params: unknown[] = []) {
      let n = 0;
      const result = await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
      return result.rows as T[];
    },
    async close() {
      await client.end().catch(() => {});
    },
    async drop() {
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
