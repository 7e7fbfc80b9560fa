import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, POSTGRES_URL, productionSecretKey, TEST_DATABASE } from '../../server/test/support/harness.js';
import { BIN, baseEnv, ROOT, runCli, type Run } from './support.js';

// Operator commands run where there is no database fail and create nothing; database
// failures, at start or in a command, are one line naming the database and the cause.
const SLOW = 120_000;
const QUIET = { LOG_LEVEL: 'silent', SEED_CATALOG: 'none' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'esimkit-safety-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A failure reported in one line on stderr, no stack trace, nothing on stdout. */
function expectOneLineFailure(run: Run, message: string | RegExp): void {
  expect(run.code, run.stderr).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  if (typeof message === 'string') expect(run.stderr).toBe(`error: ${message}\n`);
  else expect(run.stderr).toMatch(message);
}

describe('operator commands on a missing SQLite file', () => {
  it('fail with "no database at PATH", exit 1 and create nothing', { timeout: SLOW }, async () => {
    const folder = join(dir, 'empty-folder');
    mkdirSync(folder);
    const commands = [
      ['merchant', 'list'],
      ['merchant', 'create', '--name', 'Travel App'],
      ['merchant', 'deposit', '--access-code', 'x', '--amount', '100'],
      ['merchant', 'verify-ledger'],
      ['catalog', 'import', join(ROOT, 'examples/catalog.csv')],
      ['inventory', 'import', join(ROOT, 'examples/inventory.csv'), '--package', 'EX-JP-1-7'],
      ['inventory', 'list'],
      ['webhook', 'secret', 'show', '--access-code', 'x'],
    ];
    // The default DATABASE_URL (./data/esimkit.db) in a folder without one, and a configured path.
    const runs = await Promise.all(
      commands.flatMap((args) => [
        runCli(args, { ...QUIET, DATABASE_URL: '' }, { cwd: folder }),
        runCli(args, { ...QUIET, DATABASE_URL: join(dir, 'nowhere', 'esimkit.db') }),
      ]),
    );
    runs.forEach((run, i) => {
      const path = i % 2 === 0 ? join(folder, 'data/esimkit.db') : join(dir, 'nowhere', 'esimkit.db');
      expect(run.code, commands[i >> 1]!.join(' ')).toBe(1);
      expectOneLineFailure(run, `no database at ${path}: run \`esimkit migrate\` (or \`esimkit serve\`) first`);
    });
    expect(readdirSync(folder)).toEqual([]);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('migrate creates it (folder included), after which they work', { timeout: SLOW }, async () => {
    const path = join(dir, 'made', 'by', 'migrate.db');
    const env = { ...QUIET, DATABASE_URL: path };
    const migrated = await runCli(['migrate'], env);
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/^Applied: 0001_initial/);
    expect(existsSync(path)).toBe(true);
    const listed = await runCli(['merchant', 'list', '--json'], env);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});

describe('SQLite failures name the file and the cause', () => {
  it('a file where a folder should be: serve and migrate cannot create it, commands find none', { timeout: SLOW }, async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const env = { ...QUIET, DATABASE_URL: join(file, 'sub', 'esimkit.db'), PORT: '0' };
    const [serve, migrate, list] = await Promise.all([runCli(['serve'], env), runCli(['migrate'], env), runCli(['merchant', 'list'], env)]);
    const cannot = `database ${join(file, 'sub', 'esimkit.db')} cannot be created: ${file} is a file, not a folder (ENOTDIR)`;
    expectOneLineFailure(serve, cannot);
    expectOneLineFailure(migrate, cannot);
    expectOneLineFailure(list, `no database at ${join(file, 'sub', 'esimkit.db')}: run \`esimkit migrate\` (or \`esimkit serve\`) first`);
  });

  it('a file that is not a database', { timeout: SLOW }, async () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'shopping list: '.repeat(100));
    expectOneLineFailure(await runCli(['merchant', 'list'], { ...QUIET, DATABASE_URL: path }), `database ${path} is not a SQLite database (SQLITE_NOTADB)`);
  });

  // Tests run as root, for whom file modes stop no write; the immutable attribute does, where
  // the file system supports it (the message mapping itself is tested with a database opened
  // read-only in packages/server/test/database-errors.test.ts).
  const immutable = (() => {
    const probe = join(tmpdir(), `esimkit-chattr-${process.pid}`);
    try {
      writeFileSync(probe, '');
      execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
      execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    } finally {
      rmSync(probe, { force: true });
    }
  })();

  it.skipIf(!immutable)('a read-only database file: reads work, a write says read-only (chattr +i)', { timeout: SLOW }, async () => {
    const folder = join(dir, 'read-only');
    const path = join(folder, 'esimkit.db');
    const env = { ...QUIET, DATABASE_URL: path };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    for (const side of readdirSync(folder).filter((f) => f !== 'esimkit.db')) rmSync(join(folder, side));
    execFileSync('chattr', ['+i', path]);
    try {
      const [list, create] = await Promise.all([runCli(['merchant', 'list', '--json'], env), runCli(['merchant', 'create', '--name', 'Travel App'], env)]);
      expect(list.stderr).toBe('');
      expect(JSON.parse(list.stdout)).toEqual([]);
      expectOneLineFailure(create, `database ${path} is read-only: the file cannot be written (SQLITE_READONLY)`);
    } finally {
      execFileSync('chattr', ['-i', path]);
    }
  });

  it.skipIf(!immutable)('a read-only folder: serve cannot create the database in it', { timeout: SLOW }, async () => {
    const folder = join(dir, 'read-only-folder');
    mkdirSync(folder);
    execFileSync('chattr', ['+i', folder]);
    try {
      const run = await runCli(['serve'], { ...QUIET, DATABASE_URL: join(folder, 'esimkit.db'), PORT: '0' });
      expectOneLineFailure(run, `database ${join(folder, 'esimkit.db')} cannot be opened: the folder ${folder} is read-only (SQLITE_CANTOPEN)`);
    } finally {
      execFileSync('chattr', ['-i', folder]);
    }
  });
});

describe('PostgreSQL failures name the URL (without its password) and the cause', () => {
  it('a port nothing listens on: unreachable, at start and in a command', { timeout: SLOW }, async () => {
    const env = { ...QUIET, DATABASE_URL: 'postgres://esimkit:s3cret@127.0.0.1:1/esimkit', PORT: '0' };
    const [serve, list] = await Promise.all([runCli(['serve'], env), runCli(['merchant', 'list'], env)]);
    for (const run of [serve, list]) {
      expectOneLineFailure(run, /^error: database postgres:\/\/esimkit@127\.0\.0\.1:1\/esimkit is unreachable: connection refused \(.*ECONNREFUSED.*\)\n$/);
      expect(run.stderr).not.toContain('s3cret');
    }
  });

  describe.runIf(TEST_DATABASE === 'postgres')('with a PostgreSQL server', () => {
    it('a database that does not exist, and a role that does not exist', { timeout: SLOW }, async () => {
      const missing = new URL(POSTGRES_URL);
      missing.pathname = '/esimkit_no_such_database';
      const stranger = new URL(POSTGRES_URL);
      stranger.username = 'esimkit_no_such_role';
      stranger.password = 'guess';
      const [serveMissing, listMissing, serveStranger, listStranger] = await Promise.all([
        runCli(['serve'], { ...QUIET, PORT: '0', DATABASE_URL: missing.toString() }),
        runCli(['merchant', 'list'], { ...QUIET, DATABASE_URL: missing.toString() }),
        runCli(['serve'], { ...QUIET, PORT: '0', DATABASE_URL: stranger.toString() }),
        runCli(['merchant', 'list'], { ...QUIET, DATABASE_URL: stranger.toString() }),
      ]);
      for (const run of [serveMissing, listMissing]) {
        expectOneLineFailure(run, /^error: database postgres:\/\/\S+\/esimkit_no_such_database does not exist \(3D000: /);
      }
      for (const run of [serveStranger, listStranger]) {
        expectOneLineFailure(run, /^error: database postgres:\/\/esimkit_no_such_role@\S+ refused the credentials \(28(000|P01): /);
        expect(run.stderr).not.toContain('guess');
      }
    });
  });
});

describe('ESIMKIT_MODE=production', () => {
  it('serve warns once about each sandbox setting on stderr, then serves', { timeout: SLOW }, async () => {
    const database = await freshDatabaseUrl();
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: { ...baseEnv, ...QUIET, ESIMKIT_MODE: 'production', DATABASE_URL: database.url, PORT: '0', ...productionSecretKey(database.url, { ESIMKIT_MODE: 'production' }) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!/listening on/.test(stdout) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stdout, stderr).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(production mode/);
      const warnings = stderr.trimEnd().split('\n');
      expect(warnings.every((line) => line.startsWith('warning: '))).toBe(true);
      const about = warnings.map((line) => /^warning: ([A-Z_]+)/.exec(line)?.[1]);
      expect(new Set(about).size).toBe(about.length);
      expect(about).toEqual(expect.arrayContaining(['PUBLIC_URL', 'SMDP_ADDRESS', 'ALLOCATION_DELAY_MS', 'USAGE_LAG_SECONDS']));
      expect(about.includes('DATABASE_URL')).toBe(TEST_DATABASE === 'sqlite');
      expect(about).not.toContain('SEED_CATALOG'); // set to none here
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await database.drop();
    }
  });
});
