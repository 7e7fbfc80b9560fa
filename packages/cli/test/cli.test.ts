import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUnits } from '@esimkit/contract';
import { connect, parsePriceList, type Db } from '@esimkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, freshDatabaseUrl, paths, startTestServer, type TestServer } from '../../server/test/support/harness.js';

// The CLI as an operator runs it: `node packages/cli/bin/esimkit.js ...` in a child process,
// on a fresh database (SQLite file, or a PostgreSQL schema with TEST_DATABASE=postgres).
// Each run costs about a second of tsx start-up, so independent runs go in parallel.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/bin/esimkit.js');
const PRICE_LIST = join(ROOT, 'packages/server/seed/esimaccess-pricelist.csv');

const CONFIG_VARS = ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'ESIMKIT_MODE', 'LOG_LEVEL', 'BODY_LIMIT', 'SIGNATURE_WINDOW_SECONDS', 'SEED_CATALOG'];
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CONFIG_VARS.includes(key)));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function esimkit(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...baseEnv, LOG_LEVEL: 'silent', SEED_CATALOG: 'none', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function json(run: Run): any {
  expect(run.stderr, 'stderr').toBe('');
  expect(run.code, `exit code (stderr: ${run.stderr})`).toBe(0);
  return JSON.parse(run.stdout);
}

/** Columns of a table printed without --json: header, dashes, rows. */
function table(stdout: string): Record<string, string>[] {
  const [header, dashes, ...rows] = stdout.trimEnd().split('\n');
  expect(dashes).toMatch(/^[- ]+$/);
  const columns = header!.split(/\s{2,}/);
  return rows.map((row) => Object.fromEntries(row.split(/\s{2,}/).map((cell, i) => [columns[i], cell])));
}

async function count(db: Db, table: 'packages' | 'locations' | 'merchants'): Promise<number> {
  const row = await db.kysely.selectFrom(table).select(db.kysely.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const HEX32 = /^[0-9a-f]{32}$/;
// Child processes start slowly on a busy machine; give every test room.
const SLOW = 120_000;

describe('merchant commands', () => {
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let env: Record<string, string>;
  let signed: { accessCode: string; secretKey: string };
  let plain: { accessCode: string; secretKey: string };

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    env = { DATABASE_URL: database.url };
    // Operator commands work on an existing database only (they never create one).
    json(await esimkit(['migrate', '--json'], env));
  }, SLOW);
  afterAll(() => database?.drop());

  it('merchant create --json prints the new credentials and settings', async () => {
    const created = json(
      await esimkit(['merchant', 'create', '--name', 'Signed Shop', '--balance', '50000', '--rate-limit', '0', '--signature', 'required', '--json'], env),
    );
    expect(created).toMatchObject({ name: 'Signed Shop', signaturePolicy: 'required', rateLimit: 0, balance: 50_000 });
    expect(created.accessCode).toMatch(HEX32);
    expect(created.secretKey).toMatch(HEX32);
    expect(created.secretKey).not.toBe(created.accessCode);
    signed = created;
  }, SLOW);

  // Without --signature a merchant made in sandbox mode (the default) gets `warn`.
  it('merchant create without --json prints a table for people', async () => {
    const run = await esimkit(['merchant', 'create', '--name', 'Plain Shop', '--balance', '12345', '--block-ip', '203.0.113.0/24, 2001:db8::1'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(() => JSON.parse(run.stdout)).toThrow();
    const rows = table(run.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Plain Shop', signaturePolicy: 'warn', rateLimit: '8', balance: formatUnits(12_345) });
    expect(rows[0]!.accessCode).toMatch(HEX32);
    expect(rows[0]!.secretKey).toMatch(HEX32);
    plain = { accessCode: rows[0]!.accessCode!, secretKey: rows[0]!.secretKey! };
  }, SLOW);

  it('merchant create refuses bad input with a message on stderr and creates nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--name', 'X', '--signature', 'bogus'], /--signature.*'bogus' is invalid.*off, warn, optional, required/],
      [['--name', 'X', '--balance', '-5'], /--balance.*'-5' is invalid.*whole number/],
      [['--name', 'X', '--balance', 'abc'], /--balance.*'abc' is invalid.*whole number/],
      [['--name', 'X', '--block-ip', '10.0.0.1,not-an-ip'], /not an IP or CIDR block: not-an-ip/],
      [['--balance', '100'], /required option '--name <name>' not specified/],
      [['--name', '   '], /name must not be empty/],
      [['--name', 'X', '--burst', '0'], /--burst.*'0' is invalid/],
    ];
    const runs = await Promise.all(cases.map(([args]) => esimkit(['merchant', 'create', ...args, '--json'], env)));
    runs.forEach((run, i) => {
      const [args, message] = cases[i]!;
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.code, args.join(' ')).not.toBeNull();
      expect(run.stdout, args.join(' ')).toBe('');
      expect(run.stderr, args.join(' ')).toMatch(/^error: /);
      expect(run.stderr, args.join(' ')).toMatch(message);
    });
  }, SLOW);

  it('merchant deposit credits the balance; unknown codes and zero amounts are refused', async () => {
    const [deposit, unknown, zero, badConfig] = await Promise.all([
      esimkit(['merchant', 'deposit', '--access-code', signed.accessCode, '--amount', '25000', '--note', 'top up', '--json'], env),
      esimkit(['merchant', 'deposit', '--access-code', 'nope', '--amount', '25000', '--json'], env),
      esimkit(['merchant', 'deposit', '--access-code', plain.accessCode, '--amount', '0', '--json'], env),
      esimkit(['merchant', 'deposit', '--access-code', plain.accessCode, '--amount', '100', '--json'], { ...env, ESIMKIT_MODE: 'staging' }),
    ]);
    expect(json(deposit)).toEqual({ accessCode: signed.accessCode, balance: 75_000 });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^error: no merchant with access code nope/);
    expect(zero.code).toBe(1);
    expect(zero.stdout).toBe('');
    expect(zero.stderr).toMatch(/^error: --amount must be more than 0/);
    // A configuration error exits 2, as for every command, and credits nothing.
    expect(badConfig.code).toBe(2);
    expect(badConfig.stdout).toBe('');
    expect(badConfig.stderr).toMatch(/^invalid configuration:\n {2}- ESIMKIT_MODE: /);
  }, SLOW);

  it('merchant list --json lists exactly the merchants made, with their balances', async () => {
    const merchants = json(await esimkit(['merchant', 'list', '--json'], env));
    expect(merchants).toEqual([
      expect.objectContaining({ name: 'Signed Shop', accessCode: signed.accessCode, signaturePolicy: 'required', rateLimit: 0, balance: 75_000 }),
      expect.objectContaining({ name: 'Plain Shop', accessCode: plain.accessCode, signaturePolicy: 'warn', rateLimit: 8, balance: 12_345 }),
    ]);
    for (const m of merchants) {
      expect(m).not.toHaveProperty('secretKey');
      expect(new Date(m.createdAt).toISOString()).toBe(m.createdAt);
    }
  }, SLOW);

  it('merchant verify-ledger proves each balance against its ledger, and exits 1 on a mismatch', async () => {
    const checks = json(await esimkit(['merchant', 'verify-ledger', '--json'], env));
    expect(checks.map((c: any) => [c.accessCode, c.ok, c.balance === c.ledgerSum])).toEqual([
      [signed.accessCode, true, true],
      [plain.accessCode, true, true],
    ]);
    const db: Db = connect(database.url);
    try {
      await db.kysely.updateTable('merchants').set({ balance: 1 }).where('name', '=', 'Plain Shop').execute();
      const broken = await esimkit(['merchant', 'verify-ledger', '--json'], env);
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.stdout).find((c: any) => c.accessCode === plain.accessCode)).toMatchObject({ ok: false, balance: 1, ledgerSum: 12_345 });
    } finally {
      await db.kysely.updateTable('merchants').set({ balance: 12_345 }).where('name', '=', 'Plain Shop').execute();
      await db.close();
    }
  }, SLOW);

  describe('merchants made by the CLI call the API', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ databaseUrl: database.url, env: { SEED_CATALOG: 'none' } });
    });
    afterAll(() => server?.close());

    it('answers balance/query with the balance set through the CLI, honouring the signature policy', async () => {
      const unsigned = await call(server, paths.balance, '', { accessCode: signed.accessCode });
      expect(expectFailure(unsigned)).toBe('000101');
      const ok = await call(server, paths.balance, '', { accessCode: signed.accessCode, secretKey: signed.secretKey });
      expect(ok.json).toMatchObject({ success: true, obj: { balance: 75_000 } });
      const wrongKey = await call(server, paths.balance, '', { accessCode: signed.accessCode, secretKey: plain.secretKey });
      expect(expectFailure(wrongKey)).toBe('101003');

      const other = await call(server, paths.balance, '', { accessCode: plain.accessCode });
      expect(other.json).toMatchObject({ success: true, obj: { balance: 12_345 } });
    }, SLOW);

    it('sees a deposit made through the CLI while the server runs', async () => {
      json(await esimkit(['merchant', 'deposit', '--access-code', plain.accessCode, '--amount', '10000', '--json'], env));
      const after = await call(server, paths.balance, '', { accessCode: plain.accessCode });
      expect(after.json.obj.balance).toBe(22_345);
    }, SLOW);
  });
});

describe('migrate and catalog import', () => {
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let env: Record<string, string>;
  let db: Db;
  let dir: string;

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    env = { DATABASE_URL: database.url };
    db = connect(database.url);
    dir = mkdtempSync(join(tmpdir(), 'esimkit-cli-'));
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrate --json lists the migrations applied, then none', async () => {
    const first = json(await esimkit(['migrate', '--json'], env));
    expect(first.applied).toContain('0001_initial');
    expect(json(await esimkit(['migrate', '--json'], env))).toEqual({ applied: [] });
  }, SLOW);

  it('refuses a broken file with a clear error and imports nothing', async () => {
    const csv = readFileSync(PRICE_LIST, 'utf8').split('\n');
    const badRow = csv[3]!.replace(/,(\d+),(\d+),180,/, ',$1,soon,180,');
    expect(badRow).not.toBe(csv[3]);
    const brokenCsv = join(dir, 'broken.csv');
    writeFileSync(brokenCsv, [...csv.slice(0, 3), badRow, ...csv.slice(4, 10)].join('\n'));
    const brokenJson = join(dir, 'broken.json');
    writeFileSync(brokenJson, '{"packageList": [{"packageCode": "X",');
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '[]');

    const cases: [string, RegExp][] = [
      [brokenCsv, /row 4\b.*Days/],
      [brokenJson, /JSON/i],
      [empty, /no packages/],
    ];
    const runs = await Promise.all(cases.map(([file]) => esimkit(['catalog', 'import', file, '--json'], env)));
    runs.forEach((run, i) => {
      const [file, message] = cases[i]!;
      expect(run.code, file).toBe(1);
      expect(run.stdout, file).toBe('');
      expect(run.stderr, file).toContain(`error: cannot import ${file}: `);
      expect(run.stderr, file).toMatch(message);
    });
    expect(await count(db, 'packages')).toBe(0);
    expect(await count(db, 'locations')).toBe(0);
  }, SLOW);

  it('imports a small JSON package list; one the database refuses imports nothing', async () => {
    const item = {
      currencyCode: 'USD',
      smsStatus: 0,
      dataType: 1,
      unusedValidTime: 180,
      durationUnit: 'DAY',
      activeType: 2,
    };
    const file = join(dir, 'packages.json');
    writeFileSync(
      file,
      JSON.stringify({
        packageList: [
          { ...item, packageCode: 'ESK-JP-1', slug: 'ESK_JP_1_7', name: 'Japan 1GB 7Days', description: 'Japan 1GB 7Days', price: 15_000, volume: 1024 ** 3, duration: 7, location: 'JP' },
          { ...item, packageCode: 'ESK-EU-3', slug: 'ESK_EU-2_3_30', name: 'France & Germany 3GB 30Days', description: 'France & Germany', price: 42_000, volume: 3 * 1024 ** 3, duration: 30, location: 'FR,DE', locationCode: 'EU-2' },
        ],
      }),
    );
    expect(json(await esimkit(['catalog', 'import', file, '--json'], env))).toEqual({ packages: 2, locations: 2 });
    const rows = await db.kysely.selectFrom('packages').select(['code', 'price', 'location_code', 'scope']).orderBy('code').execute();
    expect(rows).toEqual([
      { code: 'ESK-EU-3', price: 42_000, location_code: 'EU-2', scope: 'regional' },
      { code: 'ESK-JP-1', price: 15_000, location_code: 'JP', scope: 'country' },
    ]);

    // A file that parses but that the database refuses (a slug already taken) changes nothing.
    const clash = join(dir, 'clash.json');
    writeFileSync(
      clash,
      JSON.stringify([
        { ...item, packageCode: 'ESK-JP-2', slug: 'ESK_JP_2_7', name: 'Japan 2GB', description: 'Japan 2GB', price: 25_000, volume: 2 * 1024 ** 3, duration: 7, location: 'JP' },
        { ...item, packageCode: 'ESK-KR-1', slug: 'ESK_JP_1_7', name: 'Korea 1GB', description: 'Korea 1GB', price: 15_000, volume: 1024 ** 3, duration: 7, location: 'KR' },
      ]),
    );
    const refused = await esimkit(['catalog', 'import', clash, '--json'], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`error: cannot import ${clash}: `);
    expect(refused.stderr).toMatch(/ESK_JP_1_7|slug|unique/i);
    expect(await db.kysely.selectFrom('packages').select('code').orderBy('code').execute()).toEqual([{ code: 'ESK-EU-3' }, { code: 'ESK-JP-1' }]);
    expect(await count(db, 'locations')).toBe(2);
  }, SLOW);

  it('imports the shared CSV price list and prints the counts; a second import updates in place', async () => {
    const expected = parsePriceList(readFileSync(PRICE_LIST, 'utf8'));
    expect(expected.packages.length).toBeGreaterThan(2000);
    const text = await esimkit(['catalog', 'import', PRICE_LIST], env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Imported ${expected.packages.length} packages and ${expected.locations.length} locations.\n`);
    expect(json(await esimkit(['catalog', 'import', PRICE_LIST, '--json'], env))).toEqual({
      packages: expected.packages.length,
      locations: expected.locations.length,
    });
    // Upserted by code: nothing doubled, and the JSON import's packages are still there.
    expect(await count(db, 'packages')).toBe(new Set([...expected.packages.map((p) => p.code), 'ESK-JP-1', 'ESK-EU-3']).size);
    expect(await count(db, 'locations')).toBe(new Set([...expected.locations.map((l) => l.code), 'JP', 'EU-2']).size);
  }, SLOW);
});
