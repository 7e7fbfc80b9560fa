import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProfile } from '@esimkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestServer } from '../../server/test/support/harness.js';
import { as, esimIdOf, esimPaths, expectSuccess, orderOne, startEsimServer, type Merchant } from '../../server/test/support/orders.js';
import { ROOT, runCli, type Run } from './support.js';

// The operator commands with --url, as an operator runs them against a remote esimkit: child
// processes calling a real server's operator API with tokens made by `esimkit operator token
// create`. Each is checked against
// the same command on the database directly (DATABASE_URL of that server): same output, same
// rows written. The remote runs get a DATABASE_URL that does not exist, so a remote command
// that opened the database would fail.
const SLOW = 180_000;
let server: TestServer;
let token: string;
let dir: string;
let direct: Record<string, string>;
let remote: Record<string, string>;

beforeAll(async () => {
  server = await startEsimServer();
  dir = mkdtempSync(join(tmpdir(), 'esimkit-remote-'));
  direct = { DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent', SEED_CATALOG: 'none' };
  token = (await newToken('cli-remote', '*')).token;
  remote = { DATABASE_URL: join(dir, 'no-such-folder', 'none.db'), LOG_LEVEL: 'silent', ESIMKIT_OPERATOR_URL: server.baseUrl, ESIMKIT_OPERATOR_TOKEN: token };
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const esimkit = (args: string[], env: Record<string, string>) => runCli(args, env);
const db = () => server.runtime.ctx.db.kysely;

/** A token made as an operator makes one: `esimkit operator token create` on the server's database. */
async function newToken(name: string, scopes: string): Promise<{ id: number; token: string }> {
  const run = await esimkit(['operator', 'token', 'create', '--name', name, '--scopes', scopes, '--json'], direct);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

function ok(run: Run): string {
  expect(run.stderr, 'stderr').toBe('');
  expect(run.code, 'exit code').toBe(0);
  return run.stdout;
}

/** A failure printed as one line on stderr, nothing on stdout. */
function oneLineError(run: Run, code: number): string {
  expect(run.stdout).toBe('');
  expect(run.code).toBe(code);
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
  return run.stderr;
}

async function merchantRowByName(name: string) {
  return db().selectFrom('merchants').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
}

async function ledgerOf(merchantId: number) {
  const rows = await db().selectFrom('ledger_entries').selectAll().where('merchant_id', '=', merchantId).orderBy('id').execute();
  return rows.map((r: any) => ({ kind: r.kind, amount: Number(r.amount), note: r.note }));
}

describe('merchant commands with --url', () => {
  it('create, deposit and list print what they print on the database, and write the same rows', { timeout: SLOW }, async () => {
    const flags = ['--balance', '12345', '--rate-limit', '3', '--burst', '5', '--signature', 'required', '--block-ip', '203.0.113.0/24, 198.51.100.7', '--json'];
    const [viaApi, viaDb] = await Promise.all([
      esimkit(['merchant', 'create', '--name', 'Remote Shop', ...flags], remote),
      esimkit(['merchant', 'create', '--name', 'Direct Shop', ...flags], direct),
    ]);
    const a = JSON.parse(ok(viaApi));
    const b = JSON.parse(ok(viaDb));
    // The same keys in the same order; only what is the merchant's own differs.
    expect(Object.keys(a)).toEqual(Object.keys(b));
    const own = ({ id: _i, name: _n, accessCode: _a, secretKey: _s, ...rest }: any) => rest;
    expect(own(a)).toEqual(own(b));
    expect(own(a)).toEqual({ signaturePolicy: 'required', rateLimit: 3, rateBurst: 5, balance: 12_345 });
    expect(a.accessCode).toMatch(/^[0-9a-f]{32}$/);

    // The partner API takes the remote merchant's credentials.
    const balance = await call(server, esimPaths.balance, {}, { accessCode: a.accessCode, secretKey: a.secretKey });
    expect(expectSuccess(balance).balance).toBe(12_345);

    const [deposited, depositedDirect] = await Promise.all([
      esimkit(['merchant', 'deposit', '--access-code', a.accessCode, '--amount', '500'], remote),
      esimkit(['merchant', 'deposit', '--access-code', b.accessCode, '--amount', '500'], direct),
    ]);
    // --url wins over ESIMKIT_OPERATOR_URL.
    const [noted, notedDirect] = await Promise.all([
      esimkit(['merchant', 'deposit', '--access-code', a.accessCode, '--amount', '7', '--note', 'wire 2026-12', '--json', '--url', server.baseUrl], {
        ...remote,
        ESIMKIT_OPERATOR_URL: 'http://127.0.0.1:1',
      }),
      esimkit(['merchant', 'deposit', '--access-code', b.accessCode, '--amount', '7', '--note', 'wire 2026-12', '--json'], direct),
    ]);
    expect(ok(deposited)).toBe(`Balance of ${a.accessCode}: $1.2845 (12845 units)\n`);
    expect(ok(depositedDirect)).toBe(`Balance of ${b.accessCode}: $1.2845 (12845 units)\n`);
    expect(JSON.parse(ok(noted))).toEqual({ accessCode: a.accessCode, balance: 12_852 });
    expect(JSON.parse(ok(notedDirect))).toEqual({ accessCode: b.accessCode, balance: 12_852 });

    const [rowA, rowB] = await Promise.all([merchantRowByName('Remote Shop'), merchantRowByName('Direct Shop')]);
    const settings = (r: any) => ({ policy: r.signature_policy, rate: r.rate_limit, burst: r.rate_burst, blocklist: r.ip_blocklist, balance: Number(r.balance), disabled: Number(r.disabled) });
    expect(settings(rowA)).toEqual(settings(rowB));
    expect(JSON.parse(rowA.ip_blocklist)).toEqual(['203.0.113.0/24', '198.51.100.7']);
    const ledgerA = await ledgerOf(Number(rowA.id));
    expect(ledgerA).toEqual(await ledgerOf(Number(rowB.id)));
    expect(ledgerA.map((e) => e.note).sort()).toEqual(['deposit', 'opening balance', 'wire 2026-12']);

    const [listText, listTextDirect, listJson, listJsonDirect] = await Promise.all([
      esimkit(['merchant', 'list'], remote),
      esimkit(['merchant', 'list'], direct),
      esimkit(['merchant', 'list', '--json'], remote),
      esimkit(['merchant', 'list', '--json'], direct),
    ]);
    expect(ok(listText)).toBe(ok(listTextDirect));
    expect(ok(listText)).toContain('Remote Shop');
    expect(ok(listJson)).toBe(ok(listJsonDirect));
  });

  it('an unknown access code and a refused merchant answer as on the database: one line, exit 1, nothing written', { timeout: SLOW }, async () => {
    const before = await db().selectFrom('merchants').select('id').execute();
    const [unknown, unknownDirect, blank, badIp] = await Promise.all([
      esimkit(['merchant', 'deposit', '--access-code', 'no-such-code', '--amount', '100'], remote),
      esimkit(['merchant', 'deposit', '--access-code', 'no-such-code', '--amount', '100'], direct),
      esimkit(['merchant', 'create', '--name', '   '], remote),
      esimkit(['merchant', 'create', '--name', 'Bad IP', '--block-ip', 'not-an-ip'], remote),
    ]);
    expect(oneLineError(unknown, 1)).toBe(oneLineError(unknownDirect, 1));
    expect(oneLineError(blank, 1)).toMatch(/^error: 00010[67] .*name/);
    expect(oneLineError(badIp, 1)).toMatch(/^error: 000107 .*not-an-ip/);
    expect(await db().selectFrom('merchants').select('id').execute()).toEqual(before);
  });

  it('adjust, disable, enable and statement: the same answers and entries both ways', { timeout: SLOW }, async () => {
    const [a, b] = await Promise.all([server.merchant({ balance: 100_000 }), server.merchant({ balance: 100_000 })]);
    const both = (args: (code: string) => string[]) => Promise.all([esimkit(args(a.accessCode), remote), esimkit(args(b.accessCode), direct)]);
    const same = ([viaApi, viaDb]: [Run, Run]) => {
      expect(ok(viaApi).replaceAll(a.accessCode, 'CODE')).toBe(ok(viaDb).replaceAll(b.accessCode, 'CODE'));
      return ok(viaApi);
    };

    expect(same(await both((c) => ['merchant', 'adjust', '--access-code', c, '--amount', '-2500', '--reason', 'charged twice']))).toBe(
      `Balance of ${a.accessCode}: $9.75 (97500 units)\n`,
    );
    expect(JSON.parse(same(await both((c) => ['merchant', 'adjust', '--access-code', c, '--amount=700', '--reason', ' goodwill ', '--json'])))).toEqual({
      accessCode: a.accessCode,
      balance: 98_200,
    });
    // Below zero: refused both ways (the API says its code), nothing written.
    const [tooMuch, tooMuchDirect] = await both((c) => ['merchant', 'adjust', '--access-code', c, '--amount', '-1000000', '--reason', 'no']);
    expect(oneLineError(tooMuch, 1)).toBe(oneLineError(tooMuchDirect, 1).replace('error: ', 'error: 200007 '));
    expect(await ledgerOf(a.id)).toEqual(await ledgerOf(b.id));
    expect((await ledgerOf(a.id)).map((e) => e.note)).toEqual(['opening balance', 'charged twice', 'goodwill']);

    const disabled = await both((c) => ['merchant', 'disable', '--access-code', c]);
    expect(same(disabled)).toMatch(/is disabled: the partner API refuses its access code \(000101\)\.\n$/);
    const refused = await call(server, esimPaths.balance, {}, as(a));
    expect(refused.json.errorCode).toBe('000101');
    expect((await merchantRowByName(a.name)).disabled).toEqual((await merchantRowByName(b.name)).disabled);
    expect(JSON.parse(same(await both((c) => ['merchant', 'enable', '--access-code', c, '--json'])))).toEqual({ accessCode: a.accessCode, disabled: false });
    expect(expectSuccess(await call(server, esimPaths.balance, {}, as(a))).balance).toBe(98_200);

    const statement = await both((c) => ['merchant', 'statement', '--access-code', c, '--page-size', '2']);
    expect(statement[0].stdout).toMatch(/^time +kind +amount +balance +reference +note\n[- ]+\n.+ adjustment +\$0\.07 +\$9\.82 +goodwill\n.+ adjustment +-\$0\.25 +\$9\.75 +charged twice\nPage 1 of 2 \(3 entries\)\.\n$/);
    const strip = (run: Run) => JSON.parse(ok(run)).entries.map(({ entryId: _e, time: _t, ...rest }: any) => rest);
    const [page2, page2Direct] = await both((c) => ['merchant', 'statement', '--access-code', c, '--page-size', '2', '--page', '2', '--json']);
    expect(strip(page2)).toEqual(strip(page2Direct));
    expect(JSON.parse(page2.stdout)).toMatchObject({ total: 3, page: 2, pageSize: 2, entries: [{ kind: 'deposit', amount: 100_000, balance: 100_000, note: 'opening balance' }] });
    const [future, futureDirect] = await both((c) => ['merchant', 'statement', '--access-code', c, '--from', '2099-01-01T00:00Z', '--json']);
    expect(JSON.parse(ok(future))).toEqual(JSON.parse(ok(futureDirect)));
    expect(JSON.parse(future.stdout)).toEqual({ entries: [], total: 0, page: 1, pageSize: 50 });

    const [unknown, unknownDirect] = await Promise.all([
      esimkit(['merchant', 'statement', '--access-code', 'nobody'], remote),
      esimkit(['merchant', 'statement', '--access-code', 'nobody'], direct),
    ]);
    expect(oneLineError(unknown, 1)).toBe(oneLineError(unknownDirect, 1));
  });

  it('settings: shown and changed alike both ways, and the partner API follows', { timeout: SLOW }, async () => {
    const [a, b] = await Promise.all([server.merchant({ rateLimit: 8, signaturePolicy: 'optional' }), server.merchant({ rateLimit: 8, signaturePolicy: 'optional' })]);
    const both = (args: string[]) => Promise.all([esimkit(['merchant', 'settings', '--access-code', a.accessCode, ...args], remote), esimkit(['merchant', 'settings', '--access-code', b.accessCode, ...args], direct)]);
    const same = ([viaApi, viaDb]: [Run, Run]) => {
      expect(ok(viaApi).replaceAll(a.accessCode, 'CODE')).toBe(ok(viaDb).replaceAll(b.accessCode, 'CODE'));
      return ok(viaApi);
    };
    expect(JSON.parse(same(await both(['--json'])))).toEqual({ accessCode: a.accessCode, signaturePolicy: 'optional', rateLimit: 8, rateBurst: 8, ipBlocklist: [], disabled: false });
    expect(JSON.parse(same(await both(['--signature', 'required', '--rate-limit', '2.5', '--burst', '4', '--block-ip', '127.0.0.0/8,10.0.0.1', '--json'])))).toEqual({
      accessCode: a.accessCode,
      signaturePolicy: 'required',
      rateLimit: 2.5,
      rateBurst: 4,
      ipBlocklist: ['127.0.0.0/8', '10.0.0.1'],
      disabled: false,
    });
    // The block list holds the test's own address: the partner API refuses it now.
    expect((await call(server, esimPaths.balance, {}, as(a))).json.errorCode).toBe('101002');
    expect(same(await both(['--block-ip', 'none']))).toMatch(/ \(none\) +false\n$/);
    expect(expectSuccess(await call(server, esimPaths.balance, {}, { accessCode: a.accessCode, secretKey: a.secretKey })).balance).toBe(0);
    const [rowA, rowB] = await Promise.all([merchantRowByName(a.name), merchantRowByName(b.name)]);
    const settings = (r: any) => [r.signature_policy, r.rate_limit, r.rate_burst, r.ip_blocklist];
    expect(settings(rowA)).toEqual(settings(rowB));

    const [bad, badDirect] = await both(['--block-ip', 'nowhere']);
    expect(oneLineError(bad, 1)).toBe(oneLineError(badDirect, 1).replace('error: ', 'error: 000107 '));
    const burstAlone = await esimkit(['merchant', 'settings', '--access-code', a.accessCode, '--burst', '3'], remote);
    expect(oneLineError(burstAlone, 1)).toBe('error: --burst goes with --rate-limit\n');
  });

  it('verify-ledger works on the database only: --url is refused, exit 2', { timeout: SLOW }, async () => {
    const refused = await esimkit(['merchant', 'verify-ledger', '--url', server.baseUrl], remote);
    expect(oneLineError(refused, 2)).toMatch(/verify-ledger cannot call a remote server .*DATABASE_URL/);
    // ESIMKIT_OPERATOR_URL alone does not send it anywhere: it checks the database.
    const checked = await esimkit(['merchant', 'verify-ledger', '--json'], { ...direct, ESIMKIT_OPERATOR_URL: server.baseUrl });
    expect(JSON.parse(ok(checked)).every((c: any) => c.ok)).toBe(true);
  });
});

describe('token problems', () => {
  it('no token, a wrong, a revoked or an unscoped token: one line each, nothing done', { timeout: SLOW }, async () => {
    const readOnly = (await newToken('read-only', 'merchants:read')).token;
    const { id, token: toRevoke } = await newToken('to-revoke', '*');
    ok(await esimkit(['operator', 'token', 'revoke', String(id)], direct));

    const create = ['merchant', 'create', '--name', 'Never Made'];
    const [missing, wrong, gone, unscoped, listed, noServer, badUrl] = await Promise.all([
      esimkit(create, { ...remote, ESIMKIT_OPERATOR_TOKEN: '' }),
      esimkit(create, { ...remote, ESIMKIT_OPERATOR_TOKEN: `esk_op_${'x'.repeat(43)}` }),
      esimkit(create, { ...remote, ESIMKIT_OPERATOR_TOKEN: toRevoke }),
      esimkit(create, { ...remote, ESIMKIT_OPERATOR_TOKEN: readOnly }),
      esimkit(['merchant', 'list', '--json'], { ...remote, ESIMKIT_OPERATOR_TOKEN: readOnly }),
      esimkit(['merchant', 'list'], { ...remote, ESIMKIT_OPERATOR_URL: 'http://127.0.0.1:1' }),
      esimkit(['inventory', 'list', '--url', 'ftp://example.com'], remote),
    ]);
    expect(oneLineError(missing, 2)).toMatch(/^error: --url http:\/\/127\.0\.0\.1:\d+ needs an operator token: set ESIMKIT_OPERATOR_TOKEN/);
    expect(oneLineError(wrong, 1)).toMatch(/^error: 800101 The operator token is not valid\. \(hint: check ESIMKIT_OPERATOR_TOKEN/);
    expect(oneLineError(gone, 1)).toMatch(/^error: 800102 This operator token was revoked\./);
    expect(oneLineError(unscoped, 1)).toMatch(/^error: 800103 .*merchants:write.*"read-only" has merchants:read/);
    expect(JSON.parse(ok(listed)).length).toBeGreaterThan(0);
    expect(oneLineError(noServer, 1)).toMatch(/^error: cannot reach the operator API at http:\/\/127\.0\.0\.1:1: .*ESIMKIT_OPERATOR_URL/);
    expect(oneLineError(badUrl, 2)).toMatch(/^error: --url must be an http:\/\/ or https:\/\/ URL/);
    expect(await db().selectFrom('merchants').select('id').where('name', '=', 'Never Made').execute()).toEqual([]);
  });
});

describe('catalogue and inventory with --url', () => {
  it('catalog import, catalog source(s), inventory import and list answer as on the database', { timeout: SLOW }, async () => {
    const catalog = join(ROOT, 'examples/catalog.csv');
    const viaApi = await esimkit(['catalog', 'import', catalog, '--json'], remote);
    const viaDb = await esimkit(['catalog', 'import', catalog, '--json'], direct);
    expect(JSON.parse(ok(viaApi))).toEqual(JSON.parse(ok(viaDb)));
    const { packages, locations } = JSON.parse(ok(viaApi));
    expect(packages).toBeGreaterThan(5);
    expect(ok(await esimkit(['catalog', 'import', catalog], remote))).toBe(`Imported ${packages} packages and ${locations} locations.\n`);

    // A file that does not parse is refused here, before anything is sent: the same line both ways.
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"packageCode": 1}]');
    const [refused, refusedDirect] = await Promise.all([esimkit(['catalog', 'import', broken], remote), esimkit(['catalog', 'import', broken], direct)]);
    expect(oneLineError(refused, 1)).toMatch(/^error: cannot import .*broken\.json: /);
    expect(refused.stderr).toBe(refusedDirect.stderr);

    // Profile sources: set over the API, read both ways.
    expect(ok(await esimkit(['catalog', 'source', 'EX-JP-5-30', '--source', 'es2plus', '--profile-type', 'jp-data'], remote))).toBe(
      'EX-JP-5-30: profiles from the SM-DP+ over ES2+, profileType jp-data.\n',
    );
    const stored = await db().selectFrom('packages').select(['profile_source', 'es2_profile_type']).where('code', '=', 'EX-JP-5-30').executeTakeFirstOrThrow();
    expect(stored).toEqual({ profile_source: 'es2plus', es2_profile_type: 'jp-data' });
    const [sources, sourcesDirect, missing, missingDirect, bad] = await Promise.all([
      esimkit(['catalog', 'sources', '--json'], remote),
      esimkit(['catalog', 'sources', '--json'], direct),
      esimkit(['catalog', 'sources', '--missing'], remote),
      esimkit(['catalog', 'sources', '--missing'], direct),
      esimkit(['catalog', 'source', 'NO-SUCH-PLAN', '--source', 'inventory'], remote),
    ]);
    expect(ok(sources)).toBe(ok(sourcesDirect));
    expect(JSON.parse(ok(sources)).find((p: any) => p.packageCode === 'EX-JP-5-30')).toMatchObject({ source: 'es2plus', profileType: 'jp-data' });
    expect(ok(missing)).toBe(ok(missingDirect));
    expect(oneLineError(bad, 1)).toMatch(/^error: 310241 .*NO-SUCH-PLAN/);
    const cleared = JSON.parse(ok(await esimkit(['catalog', 'source', 'EX-JP-5-30', '--source', 'none', '--json'], remote)));
    expect(cleared).toEqual({ packageCode: 'EX-JP-5-30', name: expect.any(String), source: null, profileType: null });

    // Inventory: 25,000 profiles go over the API in two requests; as many directly in one.
    const profiles = (first: number, count: number) =>
      ['iccid,imsi,ac', ...Array.from({ length: count }, (_, i) => `89810000${String(first + i).padStart(11, '0')},4401010${String(first + i).padStart(8, '0')},LPA:1$smdp.example.com$P${first + i}`)].join(
        '\n',
      );
    const big = join(dir, 'big.csv');
    const bigToo = join(dir, 'big-too.csv');
    writeFileSync(big, profiles(0, 25_000));
    writeFileSync(bigToo, profiles(100_000, 25_000));
    const [imported, importedDirect] = await Promise.all([
      esimkit(['inventory', 'import', big, '--package', 'EX-JP-1-7'], remote),
      esimkit(['inventory', 'import', bigToo, '--package', 'EX-JP-1-7'], direct),
    ]);
    expect(ok(imported)).toBe('Imported 25000 profiles (0 already present) for EX-JP-1-7.\n');
    expect(ok(importedDirect)).toBe(ok(imported));
    const [again, againDirect] = await Promise.all([
      esimkit(['inventory', 'import', bigToo, '--package', 'EX_JP_1_7', '--json'], remote),
      esimkit(['inventory', 'import', big, '--package', 'EX_JP_1_7', '--json'], direct),
    ]);
    expect(JSON.parse(ok(again))).toEqual({ imported: 0, skipped: 25_000, packages: ['EX-JP-1-7'] });
    expect(ok(againDirect)).toBe(ok(again));
    const count = await db().selectFrom('profiles').select((eb) => eb.fn.countAll<number>().as('n')).where('package_code', '=', 'EX-JP-1-7').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(50_000);
    const [levels, levelsDirect, levelsJson, levelsJsonDirect] = await Promise.all([
      esimkit(['inventory', 'list'], remote),
      esimkit(['inventory', 'list'], direct),
      esimkit(['inventory', 'list', '--json'], remote),
      esimkit(['inventory', 'list', '--json'], direct),
    ]);
    expect(ok(levels)).toBe(ok(levelsDirect));
    expect(ok(levelsJson)).toBe(ok(levelsJsonDirect));
    expect(JSON.parse(ok(levelsJson))).toContainEqual({ packageCode: 'EX-JP-1-7', total: 50_000, free: 50_000 });

    const unknownPackage = await esimkit(['inventory', 'import', join(ROOT, 'examples/inventory.csv'), '--package', 'NO-SUCH-PLAN'], remote);
    expect(oneLineError(unknownPackage, 1)).toMatch(/^error: 800205 The inventory was refused: package NO-SUCH-PLAN does not exist/);
  });
});

describe('usage import with --url', () => {
  it('a 100,000-line file goes in batches; the database then finds every record a duplicate', { timeout: 300_000 }, async () => {
    const merchant: Merchant = await server.merchant({ balance: 100_000_000 });
    const esims = [];
    for (let i = 0; i < 4; i++) {
      const esim = await orderOne(server, merchant, 'JP_3_15');
      await installProfile(server.runtime.ctx, await esimIdOf(server, esim.esimTranNo));
      await db().updateTable('esims').set({ created_at: Date.now() - 86_400_000 }).where('esim_tran_no', '=', esim.esimTranNo).execute();
      esims.push(esim);
    }
    const t = Date.now() - 3_600_000;
    const lines = ['record_id,iccid,bytes,period_start,period_end'];
    for (let i = 0; i < 100_000; i++) lines.push(`rec-${i},${esims[i % 4].iccid},1000,${t},${t + 60_000}`);
    // Two bad lines, far apart: each is named by its line whichever batch it was in.
    lines[20_001] = `rec-20000,${esims[0].iccid},-5,${t},${t}`;
    lines[77_778] = 'rec-77777,not-an-iccid,10,' + `${t},${t}`;
    const file = join(dir, 'usage.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const started = Date.now();
    const viaApi = await esimkit(['usage', 'import', file, '--url', server.baseUrl, '--json'], { ...remote, ESIMKIT_OPERATOR_URL: '' });
    const seconds = (Date.now() - started) / 1000;
    expect(viaApi.stderr).toBe('');
    expect(viaApi.code).toBe(3);
    const summary = JSON.parse(viaApi.stdout);
    expect(summary.accepted).toBe(99_998);
    expect(summary.duplicates).toBe(0);
    expect(summary.rejected.map((r: any) => [r.line, r.recordId])).toEqual([
      [20_002, 'rec-20000'],
      [77_779, 'rec-77777'],
    ]);
    expect(seconds).toBeLessThan(120);

    const used = (n: number) => (n === 0 ? 24_999 : n === 1 ? 24_999 : 25_000) * 1000;
    for (const [n, esim] of esims.entries()) {
      const obj = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(merchant)));
      expect(obj.esimList[0].orderUsage).toBe(used(n));
    }

    const viaDb = await esimkit(['usage', 'import', file, '--json'], direct);
    expect(viaDb.code).toBe(3);
    expect(JSON.parse(viaDb.stdout)).toEqual({ ...summary, accepted: 0, duplicates: 99_998 });

    // Printed for people, the same summary both ways.
    const [text, textDirect] = await Promise.all([esimkit(['usage', 'import', file], remote), esimkit(['usage', 'import', file], direct)]);
    expect(text.code).toBe(3);
    expect(text.stdout).toBe(textDirect.stdout);
    expect(text.stdout).toMatch(/: 0 records accepted, 99,998 duplicates, 2 rejected\.\n {2}line 20002 \(rec-20000\): /);
  });
});
