import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, importInventory, loadConfig, startServer } from '../src/index.js';
import { es2PackagesWithoutSmdp, listProfileSources, packagesWithoutSource, setProfileSource } from '../src/domain/catalog/profile-sources.js';
import { call, expectFailure, freshDatabaseUrl, productionSecretKey, startTestServer, type TestServer } from './support/harness.js';
import { as, esimPaths, expectSuccess, newTransactionId, waitForOrder } from './support/orders.js';

// Each package names where its profiles come from. Production sells only what has a real
// source; the sandbox keeps its defaults (inventory if imported, else the simulator).

async function basePackages(server: TestServer, count: number): Promise<{ code: string; price: number }[]> {
  const rows = await server.runtime.ctx.db.kysely
    .selectFrom('packages')
    .select(['code', 'price'])
    .where('type', '=', 'BASE')
    .where('data_type', '=', 1)
    .orderBy('code')
    .limit(count)
    .execute();
  return rows.map((r) => ({ code: r.code, price: Number(r.price) }));
}

function apiErrorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
      return { code: error.code, message: error.message };
    },
  );
}

describe('production', () => {
  let server: TestServer;
  let pkgs: { code: string; price: number }[];
  beforeAll(async () => {
    server = await startTestServer({ env: { ESIMKIT_MODE: 'production', ALLOCATION_DELAY_MS: '0' } });
    pkgs = await basePackages(server, 4);
  });
  afterAll(() => server?.close());

  it('an order of a package without a profile source: 200011 naming it, nothing charged, no order', async () => {
    const merchant = await server.merchant({ balance: pkgs[0]!.price * 3 });
    const transactionId = newTransactionId('nosource');
    const answer = await call(server, esimPaths.order, { transactionId, packageInfoList: [{ packageCode: pkgs[0]!.code, count: 1 }] }, as(merchant));
    expect(expectFailure(answer)).toBe('200011');
    expect(answer.json.errorMsg).toContain(pkgs[0]!.code);
    expect(answer.json.errorMsg).toMatch(/no profile source/);
    expect(expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance).toBe(pkgs[0]!.price * 3);
    const orders = await server.runtime.ctx.db.kysely.selectFrom('orders').select('id').where('transaction_id', '=', transactionId).execute();
    expect(orders).toEqual([]);
    const entries = await server.runtime.ctx.db.kysely.selectFrom('ledger_entries').select('kind').where('merchant_id', '=', merchant.id).execute();
    expect(entries.map((e) => e.kind)).toEqual(['deposit']);
  });

  it('one line without a source refuses the whole order, the lines with one too', async () => {
    await importInventory({ ctx: server.runtime.ctx, input: [{ packageCode: pkgs[3]!.code, iccid: '8910000000000000001', imsi: '454420000000001', ac: 'LPA:1$rsp.example$A1' }] });
    const merchant = await server.merchant({ balance: 10_000_000 });
    const answer = await call(
      server,
      esimPaths.order,
      { transactionId: newTransactionId('mixed'), packageInfoList: [{ packageCode: pkgs[3]!.code, count: 1 }, { packageCode: pkgs[0]!.code, count: 1 }] },
      as(merchant),
    );
    expect(expectFailure(answer)).toBe('200011');
    // The inventory profile the first line reserved went back with the rollback.
    const free = await server.runtime.ctx.db.kysely.selectFrom('profiles').select('order_id').where('package_code', '=', pkgs[3]!.code).execute();
    expect(free).toEqual([{ order_id: null }]);
  });

  it('the simulator cannot be a source in production; null, inventory and es2plus can', async () => {
    const ctx = server.runtime.ctx;
    expect(await apiErrorOf(setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: 'simulator' } }))).toMatchObject({ code: '000107', message: expect.stringMatching(/production/) });
    expect(await setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: 'es2plus', profileType: 'family-x' } })).toMatchObject({ source: 'es2plus', profileType: 'family-x' });
    expect(await setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: 'inventory' } })).toMatchObject({ source: 'inventory', profileType: null });
    expect(await setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: null } })).toMatchObject({ source: null });
    expect(await packagesWithoutSource(ctx)).toContain(pkgs[1]!.code);
  });

  it('es2plus needs a profileType, only es2plus takes one, and the package must exist', async () => {
    const ctx = server.runtime.ctx;
    expect((await apiErrorOf(setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: 'es2plus' } }))).code).toBe('000107');
    expect((await apiErrorOf(setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: 'es2plus', profileType: 'has space' } }))).code).toBe('000107');
    expect((await apiErrorOf(setProfileSource({ ctx, input: { packageCode: pkgs[1]!.code, source: 'inventory', profileType: 'x' } }))).code).toBe('000107');
    expect((await apiErrorOf(setProfileSource({ ctx, input: { packageCode: 'NO-SUCH-PLAN', source: 'inventory' } }))).code).toBe('310241');
  });

  it('an es2plus package while ES2_SMDP_URL is unset: 200011 naming the setting', async () => {
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkgs[2]!.code, source: 'es2plus', profileType: 'family-y' } });
    const merchant = await server.merchant({ balance: pkgs[2]!.price });
    const answer = await call(server, esimPaths.order, { transactionId: newTransactionId('nourl'), packageInfoList: [{ packageCode: pkgs[2]!.code, count: 1 }] }, as(merchant));
    expect(expectFailure(answer)).toBe('200011');
    expect(answer.json.errorMsg).toMatch(/ES2_SMDP_URL/);
    expect(expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance).toBe(pkgs[2]!.price);
    // The start-up lists name it too: not as sourceless, as unsellable until the URL is set.
    expect(await es2PackagesWithoutSmdp(server.runtime.ctx)).toContain(pkgs[2]!.code);
    expect(await packagesWithoutSource(server.runtime.ctx)).not.toContain(pkgs[2]!.code);
    const withUrl = { ...server.runtime.ctx, config: { ...server.runtime.ctx.config, es2: { ...server.runtime.ctx.config.es2, smdpUrl: 'https://smdp.example' } } };
    expect(await es2PackagesWithoutSmdp(withUrl)).toEqual([]);
  });

  it('importing inventory names it as the source of a package without one, and the package sells from it', async () => {
    const ctx = server.runtime.ctx;
    const code = pkgs[0]!.code;
    await importInventory({ ctx, input: [{ packageCode: code, iccid: '8910000000000000002', imsi: '454420000000002', ac: 'LPA:1$rsp.example$B2' }] });
    expect((await listProfileSources(ctx)).find((p) => p.packageCode === code)).toMatchObject({ source: 'inventory' });
    const merchant = await server.merchant({ balance: pkgs[0]!.price });
    const orderNo = expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId('inv'), packageInfoList: [{ packageCode: code, count: 1 }] }, as(merchant)), null).orderNo;
    const [esim] = expectSuccess(await waitForOrder(server, merchant, orderNo)).esimList;
    expect(esim).toMatchObject({ iccid: '8910000000000000002', ac: 'LPA:1$rsp.example$B2' });
  });

  it('importing inventory leaves a source the operator chose', async () => {
    const ctx = server.runtime.ctx;
    await setProfileSource({ ctx, input: { packageCode: pkgs[2]!.code, source: 'es2plus', profileType: 'family-y' } });
    await importInventory({ ctx, input: [{ packageCode: pkgs[2]!.code, iccid: '8910000000000000003', imsi: '454420000000003', ac: 'LPA:1$rsp.example$C3' }] });
    expect((await listProfileSources(ctx)).find((p) => p.packageCode === pkgs[2]!.code)).toMatchObject({ source: 'es2plus', profileType: 'family-y' });
  });
});

describe('the sandbox keeps its defaults', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  });
  afterAll(() => server?.close());

  it('a package without a source is served by the simulator; the simulator may be named; none is missing', async () => {
    const [pkg] = await basePackages(server, 1);
    const merchant = await server.merchant({ balance: pkg!.price * 2 });
    const first = expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId('sbx'), packageInfoList: [{ packageCode: pkg!.code, count: 1 }] }, as(merchant)), null).orderNo;
    expect(expectSuccess(await waitForOrder(server, merchant, first)).esimList[0].ac).toMatch(/^LPA:1\$smdp\.esimkit\.dev\$/);
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg!.code, source: 'simulator' } });
    const second = expectSuccess(await call(server, esimPaths.order, { transactionId: newTransactionId('sbx'), packageInfoList: [{ packageCode: pkg!.code, count: 1 }] }, as(merchant)), null).orderNo;
    expect(expectSuccess(await waitForOrder(server, merchant, second)).esimList).toHaveLength(1);
    expect(await packagesWithoutSource(server.runtime.ctx)).toEqual([]);
    await setProfileSource({ ctx: server.runtime.ctx, input: { packageCode: pkg!.code, source: 'es2plus', profileType: 'family-s' } });
    expect(await es2PackagesWithoutSmdp(server.runtime.ctx)).toEqual([]);
  });
});

it('a production start lists the packages without a profile source', async () => {
  const database = await freshDatabaseUrl();
  const config = loadConfig({ ESIMKIT_MODE: 'production', DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', ...productionSecretKey(database.url, { ESIMKIT_MODE: 'production' }) });
  const first = await startServer({ config, logger: false, print: () => {}, warn: () => {} });
  const all = await listProfileSources(first.runtime.ctx);
  const chosen = all[0]!.packageCode;
  await setProfileSource({ ctx: first.runtime.ctx, input: { packageCode: chosen, source: 'es2plus', profileType: 'family-z' } });
  await first.close();

  const warnings: string[] = [];
  const second = await startServer({ config, logger: false, print: () => {}, warn: (line) => warnings.push(line) });
  try {
    const missing = warnings.find((w) => /no profile source/.test(w));
    expect(missing).toContain(`${all.length - 1} packages have no profile source and cannot be ordered (200011): ${all[1]!.packageCode}, `);
    expect(missing).toContain(`and ${all.length - 1 - 20} more`);
    expect(missing).not.toContain(`${chosen},`);
    expect(warnings.find((w) => w.startsWith('ES2_SMDP_URL is unset'))).toBe(`ES2_SMDP_URL is unset: 1 package served over ES2+ cannot be ordered (200011): ${chosen}`);
  } finally {
    await second.close();
    await database.drop();
  }
});
