import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUnits } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, DEMO_BALANCE, loadConfig, migrate, startServer, type Db } from '../src/index.js';
import { call, freshDatabaseUrl, paths, productionSecretKey, startTestServer, TEST_DATABASE } from './support/harness.js';

// `esimkit serve` as an operator starts it (a child process, configured by the environment)
// and startServer in-process for what a child process cannot show.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/bin/esimkit.js');
const CONFIG_VARS = ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'ESIMKIT_MODE', 'LOG_LEVEL', 'BODY_LIMIT', 'SIGNATURE_WINDOW_SECONDS', 'SEED_CATALOG', 'ESIMKIT_SECRET_KEY', 'ESIMKIT_SECRET_KEY_FILE'];
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CONFIG_VARS.includes(key)));
const SLOW = 120_000;
const HEX32 = /^[0-9a-f]{32}$/;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Serving {
  url: string;
  stdout(): string;
  stop(): Promise<Exit>;
}

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(env: Record<string, string>): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: { ...baseEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, out, exited };
}

/** Starts `esimkit serve` and resolves once it prints its "listening on" line. */
async function serve(env: Record<string, string>): Promise<Serving> {
  const { child, out, exited } = launch(env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`esimkit serve did not start in time:\n${out.stdout}\n${out.stderr}`));
    }, 90_000);
    const check = () => {
      const match = / listening on (http:\/\/\S+) /.exec(out.stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`esimkit serve exited (${exit.code ?? exit.signal}) before listening:\n${out.stdout}\n${out.stderr}`));
    });
  });
  return {
    url,
    stdout: () => out.stdout,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs `esimkit serve` expecting it to exit by itself. */
async function serveUntilExit(env: Record<string, string>): Promise<Exit & { stdout: string; stderr: string }> {
  const { child, out, exited } = launch(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = await exited;
  clearTimeout(timer);
  return { ...exit, ...out };
}

function credentials(stdout: string): { accessCode: string; secretKey: string } {
  const accessCode = /^ {2}RT-AccessCode: (\S+)$/m.exec(stdout)?.[1];
  const secretKey = /^ {2}SecretKey: +(\S+)$/m.exec(stdout)?.[1];
  expect(accessCode, stdout).toMatch(HEX32);
  expect(secretKey, stdout).toMatch(HEX32);
  return { accessCode: accessCode!, secretKey: secretKey! };
}

async function count(db: Db, table: 'packages' | 'merchants'): Promise<number> {
  const row = await db.kysely.selectFrom(table).select(db.kysely.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('esimkit serve (child process)', () => {
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let first: { accessCode: string; secretKey: string; seeded: number };

  beforeAll(async () => {
    database = await freshDatabaseUrl();
  });
  afterAll(() => database?.drop());

  it('first start seeds the catalogue, makes the demo merchant and prints its credentials', async () => {
    const server = await serve({ DATABASE_URL: database.url });
    try {
      const out = server.stdout();
      const seeded = /^Catalogue seeded with (\d+) packages\.$/m.exec(out);
      expect(seeded, out).not.toBeNull();
      expect(out).toMatch(/^Demo merchant created \(sandbox mode\):$/m);
      expect(out).toContain(`  Balance:       ${formatUnits(DEMO_BALANCE)} of test funds\n`);
      expect(out).toMatch(new RegExp(`^esimkit \\S+ listening on http://127\\.0\\.0\\.1:\\d+ \\(sandbox mode, ${TEST_DATABASE}\\)$`, 'm'));
      expect(out.indexOf('Demo merchant created')).toBeLessThan(out.indexOf('listening on'));
      expect(new URL(server.url).port).not.toBe('0');
      const demo = credentials(out);
      first = { ...demo, seeded: Number(seeded![1]) };

      // The printed credentials work: $1,000 of test funds, with or without a signature.
      expect(DEMO_BALANCE).toBe(10_000_000);
      const balance = await call({ baseUrl: server.url }, paths.balance, '', { accessCode: demo.accessCode });
      expect(balance.json).toMatchObject({ success: true, obj: { balance: 10_000_000 } });
      const signed = await call({ baseUrl: server.url }, paths.balance, '', demo);
      expect(signed.json).toMatchObject({ success: true, obj: { balance: 10_000_000 } });

      // PORT=0: the flag URLs in package lists name the port really bound, not :0.
      const packages = await call({ baseUrl: server.url }, paths.packageList, { locationCode: 'JP' }, { accessCode: demo.accessCode });
      const logo: string = packages.json.obj.packageList[0].locationNetworkList[0].locationLogo;
      expect(logo.startsWith(`${server.url}/img/flags/`)).toBe(true);
      const flag = await fetch(logo);
      expect(flag.status).toBe(200);
      expect(flag.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    } finally {
      // SIGTERM closes the server and the database and exits 0.
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  }, SLOW);

  it('a second start on the same database prints the same demo credentials and does not reseed', async () => {
    expect(first, 'the first start ran').toBeDefined();
    const server = await serve({ DATABASE_URL: database.url });
    try {
      const out = server.stdout();
      expect(out).toMatch(/^Demo merchant ready \(sandbox mode\):$/m);
      expect(out).not.toContain('Demo merchant created');
      expect(out).not.toContain('Catalogue seeded');
      expect(out).not.toContain('Balance:');
      expect(credentials(out)).toEqual({ accessCode: first.accessCode, secretKey: first.secretKey });
      const balance = await call({ baseUrl: server.url }, paths.balance, '', { accessCode: first.accessCode });
      expect(balance.json.obj.balance).toBe(10_000_000);
    } finally {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
    const db = connect(database.url);
    try {
      expect(await count(db, 'merchants')).toBe(1);
      expect(await count(db, 'packages')).toBe(first.seeded);
    } finally {
      await db.close();
    }
  }, SLOW);

  it('in production mode makes no demo merchant', async () => {
    const production = await freshDatabaseUrl();
    try {
      const server = await serve({ DATABASE_URL: production.url, ESIMKIT_MODE: 'production', SEED_CATALOG: 'none', ...productionSecretKey(production.url, { ESIMKIT_MODE: 'production' }) });
      const out = server.stdout();
      expect(await server.stop()).toEqual({ code: 0, signal: null });
      expect(out).toMatch(/ listening on http:\/\/127\.0\.0\.1:\d+ \(production mode, /);
      expect(out).not.toMatch(/Demo merchant|RT-AccessCode|SecretKey|Catalogue seeded/);
      const db = connect(production.url);
      try {
        expect(await count(db, 'merchants')).toBe(0);
        expect(await count(db, 'packages')).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      await production.drop();
    }
  }, SLOW);

  it('a bad configuration exits with code 2, printing every problem and touching nothing', async () => {
    const untouched = await freshDatabaseUrl();
    try {
      const result = await serveUntilExit({
        DATABASE_URL: untouched.url,
        PORT: 'abc',
        ESIMKIT_MODE: 'staging',
        REDIS_URL: 'http://x',
        PUBLIC_URL: 'not-a-url',
      });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).not.toContain('listening');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe('invalid configuration:');
      const problems = lines.slice(1);
      expect(problems).toHaveLength(4);
      for (const name of ['PORT', 'ESIMKIT_MODE', 'REDIS_URL', 'PUBLIC_URL']) {
        expect(problems.filter((line) => line.startsWith(`  - ${name}: `)), name).toHaveLength(1);
      }
      if (TEST_DATABASE === 'sqlite') expect(existsSync(untouched.url)).toBe(false);
    } finally {
      await untouched.drop();
    }
  }, SLOW);
});

describe('startServer (in process)', () => {
  let dir: string;
  let seed: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'esimkit-startup-'));
    seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify([
        {
          packageCode: 'ESK-JP-1',
          slug: 'ESK_JP_1_7',
          name: 'Japan 1GB 7Days',
          description: 'Japan 1GB 7Days',
          price: 15_000,
          currencyCode: 'USD',
          volume: 1024 ** 3,
          smsStatus: 0,
          dataType: 1,
          unusedValidTime: 180,
          duration: 7,
          durationUnit: 'DAY',
          location: 'JP',
          activeType: 2,
          locationNetworkList: [
            { locationName: 'Japan', locationLogo: '', locationCode: 'JP', operatorList: [{ operatorName: 'KDDI', networkType: '5G' }] },
          ],
        },
      ]),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function logoOf(server: { baseUrl: string }, accessCode: string): Promise<string> {
    const packages = await call(server, paths.packageList, { locationCode: 'JP' }, { accessCode });
    expect(packages.json.obj.packageList.map((p: { packageCode: string }) => p.packageCode)).toEqual(['ESK-JP-1']);
    return packages.json.obj.packageList[0].locationNetworkList[0].locationLogo;
  }

  it('seeds from a SEED_CATALOG file; with PORT=0 the public URL follows the bound port, unless PUBLIC_URL is set', async () => {
    const local = await startTestServer({ env: { SEED_CATALOG: seed } });
    try {
      const merchant = await local.merchant();
      expect(local.runtime.ctx.publicUrl()).toBe(local.baseUrl);
      const logo = await logoOf(local, merchant.accessCode);
      expect(logo).toBe(`${local.baseUrl}/img/flags/jp.svg`);
      expect((await fetch(logo)).status).toBe(200);
    } finally {
      await local.close();
    }

    const proxied = await startTestServer({ env: { SEED_CATALOG: seed, PUBLIC_URL: 'https://esim.example.com/' } });
    try {
      const merchant = await proxied.merchant();
      expect(await logoOf(proxied, merchant.accessCode)).toBe('https://esim.example.com/img/flags/jp.svg');
    } finally {
      await proxied.close();
    }
  }, SLOW);

  it('two instances starting at once on a fresh database agree on one demo merchant', async () => {
    const database = await freshDatabaseUrl();
    const db = connect(database.url);
    const servers: Awaited<ReturnType<typeof startServer>>[] = [];
    try {
      // Migrated first: concurrent first migrations of one SQLite file are another matter.
      await migrate(db);
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, SEED_CATALOG: 'none', LOG_LEVEL: 'silent' });
      const printed: string[][] = [[], []];
      const started = await Promise.allSettled(
        printed.map((lines) => startServer({ config, logger: false, print: (line) => lines.push(line) })),
      );
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      expect(started.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);

      const [a, b] = printed.map((lines) => credentials(lines.join('\n')));
      expect(a).toEqual(b);
      const headlines = printed.map((lines) => lines.find((l) => l.startsWith('Demo merchant'))).sort();
      expect(headlines).toEqual(['Demo merchant created (sandbox mode):', 'Demo merchant ready (sandbox mode):']);
      expect(await count(db, 'merchants')).toBe(1);
      const balance = await call({ baseUrl: servers[1]!.url }, paths.balance, '', { accessCode: a!.accessCode });
      expect(balance.json.obj.balance).toBe(DEMO_BALANCE);
    } finally {
      for (const server of servers) await server.close();
      await db.close();
      await database.drop();
    }
  }, SLOW);

  it('a SEED_CATALOG that cannot be read stops the start with the reason', async () => {
    const database = await freshDatabaseUrl();
    try {
      const config = loadConfig({ PORT: '0', DATABASE_URL: database.url, SEED_CATALOG: join(dir, 'missing.csv'), LOG_LEVEL: 'silent' });
      const lines: string[] = [];
      await expect(startServer({ config, logger: false, print: (line) => lines.push(line) })).rejects.toThrow(/missing\.csv/);
      expect(lines.join('\n')).not.toContain('listening');
    } finally {
      await database.drop();
    }
  }, SLOW);
});
