import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import pg from 'pg';
import { dialectOf, type Dialect } from './dialect.js';
import { clientNamingStatements, StatementNames } from './postgres-named-statements.js';
import { OwnSchemaPostgresDialect } from './schema-introspector.js';
import { ImmediateTransactionsDialect } from './sqlite-dialect.js';
import { asDatabaseError, isPostgresUrl, noDatabaseError, sqlitePath } from './errors.js';
import type { Database } from './schema.js';
import { startSqliteCheckpointer, WAL_BACKSTOP_PAGES } from './sqlite-checkpointer.js';

// PostgreSQL returns BIGINT and NUMERIC as strings to protect precision. Our bigints are
// money, bytes and epoch milliseconds, all far below 2^53, so numbers are safe and keep one
// row type for both dialects.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL schema in use (from `?schema=` in the URL), if not the default. */
  schema: string | undefined;
  close(): Promise<void>;
}

export { isPostgresUrl };

/**
 * Opens the database named by DATABASE_URL: `postgres://...` (an optional `?schema=NAME`
 * selects a schema, created by the migrations if missing) or a SQLite file path
 * (`sqlite:` prefix optional; `:memory:` for a throwaway database).
 *
 * `create: false` (operator commands) refuses to make a SQLite file that is not there yet,
 * so a command run in the wrong folder does not start a new database. Failures to open are
 * thrown as DatabaseError (db/errors.ts).
 */
/**
 * `durable`: SQLite syncs every commit to disk (synchronous=FULL), so a commit survives a
 * power loss, not only a crash of the process; production sets it (its cost is in
 * docs/benchmarks.md). PostgreSQL commits are durable as the server is configured.
 */
export interface ConnectOptions {
  poolSize?: number;
  create?: boolean;
  durable?: boolean;
  /** SQLite: checkpoint the write-ahead log from a worker thread, not in commits (a server; see sqlite-checkpointer.ts). */
  backgroundCheckpoints?: boolean;
  onBackgroundError?: (message: string) => void;
}

export function connect(url: string, options: ConnectOptions = {}): Db {
  if (isPostgresUrl(url)) return connectPostgres(url, options.poolSize ?? 10);
  try {
    return connectSqlite(url, sqlitePath(url), options);
  } catch (error) {
    throw asDatabaseError(error, url);
  }
}

function connectPostgres(url: string, poolSize: number): Db {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  // `?prepare=false` for a pooler that cannot keep a session's prepared statements
  // (PgBouncer in transaction mode before 1.21): every statement then runs unnamed.
  const prepare = parsed.searchParams.get('prepare') ?? 'true';
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('prepare');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  if (prepare !== 'true' && prepare !== 'false') throw new Error(`invalid prepare setting (true or false): ${prepare}`);
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    ...(prepare === 'true' ? { Client: clientNamingStatements(new StatementNames()) } : {}),
  });
  const kysely = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }, schema ?? 'public') });
  return { kysely, dialect: dialectOf('postgres'), schema, close: () => kysely.destroy() };
}

function connectSqlite(url: string, path: string, options: ConnectOptions): Db {
  const create = options.create ?? true;
  const durable = options.durable ?? false;
  const memory = path === ':memory:';
  if (!memory && !create && !existsSync(path)) throw noDatabaseError(url);
  if (!memory && create) mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path, { fileMustExist: !memory && !create });
  // First: the pragmas below may need a lock a running server holds (an operator command
  // beside `serve` got "database is locked" when it came after them).
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  // In WAL mode NORMAL loses no commit when the process dies, only when the machine does.
  database.pragma(durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  const checkpointer = options.backgroundCheckpoints && !memory ? startSqliteCheckpointer(path, { durable, onError: options.onBackgroundError }) : undefined;
  if (checkpointer) database.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
  const kysely = new Kysely<Database>({ dialect: new ImmediateTransactionsDialect({ database: withStatementCache(database) }) });
  const close = async () => {
    // The thread first: the last connection to close then checkpoints what is left itself.
    await checkpointer?.stop();
    await kysely.destroy();
  };
  return { kysely, dialect: dialectOf('sqlite'), schema: undefined, close };
}

/**
 * Kysely prepares every query anew; with better-sqlite3 preparing costs more than running
 * most of ours. Statements are kept per SQL text (bounded), which is safe because
 * better-sqlite3 runs each one to completion synchronously.
 */
function withStatementCache(database: BetterSqlite3.Database, capacity = 1000): BetterSqlite3.Database {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = database.prepare.bind(database);
  const cachedPrepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  };
  return new Proxy(database, {
    get: (target, property, receiver) => (property === 'prepare' ? cachedPrepare : Reflect.get(target, property, receiver)),
  });
}
