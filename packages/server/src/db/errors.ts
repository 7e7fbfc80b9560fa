import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

// A database that cannot be used is reported in one line that names it and says why:
// unreachable, read-only, missing or wrong credentials. Operators read these at start or
// from a command, so they carry no stack trace; errors not recognised here pass unchanged.

export type DatabaseProblem = 'missing' | 'unreachable' | 'read-only' | 'credentials' | 'unusable';

export class DatabaseError extends Error {
  override name = 'DatabaseError';
  constructor(
    message: string,
    readonly problem: DatabaseProblem,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite file a DATABASE_URL names (`sqlite:` prefix optional). */
export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '');
}

/** How a database is named in messages: a SQLite file's absolute path, a PostgreSQL URL without its password. */
export function databaseName(url: string): string {
  if (!isPostgresUrl(url)) {
    const path = sqlitePath(url);
    return path === ':memory:' ? path : resolve(path);
  }
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    // An unparsable URL may still hold a password: keep only what precedes the credentials.
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** The message for an operator command run where no SQLite database exists yet. */
export function noDatabaseError(url: string): DatabaseError {
  return new DatabaseError(`no database at ${databaseName(url)}: run \`esimkit migrate\` (or \`esimkit serve\`) first`, 'missing');
}

/**
 * The error as a DatabaseError when it is a known database failure (looking through
 * `cause`), else the error itself.
 */
export function asDatabaseError(error: unknown, url: string): unknown {
  if (error instanceof DatabaseError) return error;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const known = isPostgresUrl(url) ? postgresFailure(e, url) : sqliteFailure(e, url);
    if (known) return known;
  }
  return error;
}

function codeOf(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // Node reports a refused connection to every address of a name as an AggregateError.
  const first = (error as { errors?: unknown[] }).errors?.[0] as { code?: unknown } | undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

function postgresFailure(error: Error, url: string): DatabaseError | undefined {
  const name = databaseName(url);
  const code = codeOf(error);
  const detail = (code && !error.message.includes(code) ? `${code}: ` : '') + error.message.split('\n')[0];
  if (code && NETWORK[code]) {
    return new DatabaseError(`database ${name} is unreachable: ${NETWORK[code]} (${detail || code})`, 'unreachable', { cause: error });
  }
  if (/timeout|connection terminated/i.test(error.message) && !(error instanceof pg.DatabaseError)) {
    return new DatabaseError(`database ${name} is unreachable: ${error.message}`, 'unreachable', { cause: error });
  }
  if (!(error instanceof pg.DatabaseError)) return undefined;
  switch (code) {
    case '3D000':
      return new DatabaseError(`database ${name} does not exist (${detail}): create it, or fix DATABASE_URL`, 'missing', { cause: error });
    case '28P01':
    case '28000':
      return new DatabaseError(`database ${name} refused the credentials (${detail})`, 'credentials', { cause: error });
    case '25006':
      return new DatabaseError(`database ${name} is read-only (${detail})`, 'read-only', { cause: error });
    case '57P03':
      return new DatabaseError(`database ${name} is unreachable: the server is not accepting connections (${detail})`, 'unreachable', { cause: error });
    default:
      return undefined;
  }
}

function sqliteFailure(error: Error, url: string): DatabaseError | undefined {
  const path = sqlitePath(url);
  const name = databaseName(url);
  const code = codeOf(error);
  if (error instanceof BetterSqlite3.SqliteError) {
    if (code?.startsWith('SQLITE_READONLY')) {
      return new DatabaseError(`database ${name} is read-only: ${whyReadOnly(path)} (${code})`, 'read-only', { cause: error });
    }
    if (code === 'SQLITE_CANTOPEN') {
      const [problem, why] = whyCannotOpen(path);
      return new DatabaseError(`database ${name} cannot be opened: ${why} (${code})`, problem, { cause: error });
    }
    if (code === 'SQLITE_NOTADB') return new DatabaseError(`database ${name} is not a SQLite database (${code})`, 'unusable', { cause: error });
    if (code === 'SQLITE_CORRUPT') return new DatabaseError(`database ${name} is corrupt (${code}: ${error.message})`, 'unusable', { cause: error });
    if (code === 'SQLITE_FULL') return new DatabaseError(`database ${name} cannot grow: the disk is full (${code})`, 'unusable', { cause: error });
    return undefined;
  }
  // Errors of the folder made for a new database file (connect's mkdir).
  const syscallPath = (error as { path?: unknown }).path;
  if (typeof syscallPath !== 'string' || !resolve(path).startsWith(resolve(syscallPath))) return undefined;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new DatabaseError(`database ${name} cannot be created: ${nonFolderOnPath(path) ?? syscallPath} is a file, not a folder (${code})`, 'missing', { cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DatabaseError(`database ${name} cannot be created: the folder ${syscallPath} is read-only (${code})`, 'read-only', { cause: error });
  }
  return undefined;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function whyReadOnly(path: string): string {
  if (!writable(path)) return 'the file cannot be written';
  if (!writable(dirname(resolve(path)))) return `its folder ${dirname(resolve(path))} cannot be written (SQLite writes its -wal and -shm files there)`;
  return 'SQLite opened it read-only';
}

function whyCannotOpen(path: string): [DatabaseProblem, string] {
  const full = resolve(path);
  const folder = dirname(full);
  const stat = statOf(full);
  if (stat?.isDirectory()) return ['unusable', 'it is a folder'];
  if (stat) return ['unusable', 'the file cannot be read'];
  const blocker = nonFolderOnPath(full);
  if (blocker) return ['missing', `${blocker} is a file, not a folder`];
  if (!statOf(folder)) return ['missing', `the folder ${folder} does not exist`];
  if (!writable(folder)) return ['read-only', `the folder ${folder} is read-only`];
  return ['unusable', 'SQLite could not create it'];
}

/** The first component of the path's folders that exists and is not a folder. */
function nonFolderOnPath(path: string): string | undefined {
  let folder = dirname(resolve(path));
  const chain: string[] = [];
  while (dirname(folder) !== folder) {
    chain.unshift(folder);
    folder = dirname(folder);
  }
  for (const candidate of chain) {
    const stat = statOf(candidate);
    if (!stat) return undefined;
    if (!stat.isDirectory()) return candidate;
  }
  return undefined;
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A write that referred to a row another transaction has just deleted. Nothing in esimkit
 * deletes a referenced row but a sandbox reset, so a partner call that loses a race with one
 * answers as for a missing eSIM (partner-api.ts).
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
