import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { opCall, ok, operatorToken, partnerOk, refusal } from './support/operator.js';

// The operator API's catalogue and inventory endpoints over real HTTP: import a price list
// (CSV and JSON, the files the CLI imports), list and price packages, name profile sources,
// import profiles and read the stock; the partner API sees each change; a bad file is
// refused whole with its problem and imports nothing.

const example = (name: string) => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');

let server: TestServer;
let token: string;
const post = (path: string, body: unknown) => opCall(server, path, body, token);

beforeAll(async () => {
  server = await startTestServer({ env: { SEED_CATALOG: 'none' } });
  token = await operatorToken(server, ['catalog:read', 'catalog:write', 'inventory:read', 'inventory:write']);
});
afterAll(() => server?.close());

const packageCount = async () => Number((await server.runtime.ctx.db.kysely.selectFrom('packages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('catalog/import', () => {
  it('refuses a bad file whole with what is wrong (800204), and bad bodies with their codes', async () => {
    const broken = await post('catalog/import', { content: 'Plan Name,Price\nJapan,not a price\n' });
    expect(refusal(broken)).toBe('800204');
    expect(broken.json.errorMsg).toMatch(/^The catalogue was refused: /);
    expect(refusal(await post('catalog/import', { content: '{"packageList": [' }))).toBe('800204');
    expect(refusal(await post('catalog/import', { content: '{"packageList": []}' }))).toBe('800204');
    expect(refusal(await post('catalog/import', {}))).toBe('000105');
    expect(refusal(await post('catalog/import', { content: 42 }))).toBe('000104');
    expect(await packageCount()).toBe(0);
  });

  it('imports the CSV price list and the JSON package list; package/list answers with them', async () => {
    const csv = ok(await post('catalog/import', { content: example('catalog.csv') }));
    expect(csv.packages).toBeGreaterThan(0);
    expect(csv.locations).toBeGreaterThan(0);
    const json = ok(await post('catalog/import', { content: example('catalog.json') }));
    expect(json.packages).toBeGreaterThan(0);
    expect(await packageCount()).toBeGreaterThanOrEqual(csv.packages + json.packages);

    const merchant = await server.merchant();
    const partner = partnerOk(await call(server, '/api/v1/open/package/list', { locationCode: 'JP' }, { accessCode: merchant.accessCode }));
    expect(partner.packageList.map((p: any) => p.packageCode)).toContain('EX-JP-1-7');
  });
});

describe('catalog/list and catalog/price', () => {
  it('lists plans or top-ups, by location and words, a page at a time', async () => {
    const plans = ok(await post('catalog/list', {}));
    expect(plans.total).toBeGreaterThan(2);
    expect(plans.packageList.length).toBe(Math.min(50, plans.total));
    expect(plans.packageList[0]).toMatchObject({ packageCode: expect.any(String), price: expect.any(Number), currencyCode: 'USD', locationNetworkList: expect.any(Array) });

    const japan = ok(await post('catalog/list', { locationCode: 'JP' }));
    expect(japan.packageList.length).toBeGreaterThan(0);
    expect(japan.packageList.every((p: any) => p.locationCode === 'JP')).toBe(true);
    const words = ok(await post('catalog/list', { search: 'ex_jp_1' }));
    expect(words.packageList.map((p: any) => p.packageCode)).toEqual(['EX-JP-1-7']);

    const first = ok(await post('catalog/list', { pageNum: 1, pageSize: 2 }));
    const second = ok(await post('catalog/list', { pageNum: 2, pageSize: 2 }));
    expect(first).toMatchObject({ total: plans.total, pageNum: 1, pageSize: 2 });
    expect(second.packageList[0].packageCode).toBe(plans.packageList[2].packageCode);

    const topups = ok(await post('catalog/list', { type: 'TOPUP' }));
    expect(topups.packageList.every((p: any) => !plans.packageList.some((b: any) => b.packageCode === p.packageCode))).toBe(true);

    expect(refusal(await post('catalog/list', { type: 'ADDON' }))).toBe('000104');
    expect(refusal(await post('catalog/list', { pageSize: 0 }))).toBe('000104');
    expect(refusal(await post('catalog/list', { locationCode: 'J' }))).toBe('000107');
  });

  it('changes a price; the partner API quotes the new one', async () => {
    expect(ok(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 47_000, retailPrice: 90_000 }))).toEqual({ packageCode: 'EX-JP-1-7', price: 47_000, retailPrice: 90_000 });
    const merchant = await server.merchant();
    const partner = partnerOk(await call(server, '/api/v1/open/package/list', { packageCode: 'EX-JP-1-7' }, { accessCode: merchant.accessCode }));
    expect(partner.packageList[0]).toMatchObject({ price: 47_000, retailPrice: 90_000 });
    expect(ok(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 45_000 })).retailPrice).toBe(90_000);

    expect(refusal(await post('catalog/price', { packageCode: 'NO-SUCH', price: 1 }))).toBe('310241');
    expect(refusal(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 0 }))).toBe('000104');
    expect(refusal(await post('catalog/price', { packageCode: 'EX-JP-1-7', price: 1.5 }))).toBe('000104');
    expect(refusal(await post('catalog/price', { packageCode: 'EX-JP-1-7' }))).toBe('000105');
    expect(ok(await post('catalog/list', { search: 'EX-JP-1-7' })).packageList[0].price).toBe(45_000);
  });
});

describe('catalog/sources and catalog/source', () => {
  it('names, lists and clears a plan’s profile source', async () => {
    const es2 = ok(await post('catalog/source', { packageCode: 'EX_JP_5_30', source: 'es2plus', profileType: 'JP_5GB' }));
    expect(es2).toMatchObject({ packageCode: 'EX-JP-5-30', source: 'es2plus', profileType: 'JP_5GB' });
    const listed = ok(await post('catalog/sources', {})).packageList;
    expect(listed.find((p: any) => p.packageCode === 'EX-JP-5-30')).toMatchObject({ source: 'es2plus', profileType: 'JP_5GB' });
    expect(ok(await post('catalog/source', { packageCode: 'EX-JP-5-30', source: 'default' }))).toMatchObject({ source: null, profileType: null });

    expect(refusal(await post('catalog/source', { packageCode: 'EX-JP-5-30', source: 'es2plus' }))).toBe('000107');
    expect(refusal(await post('catalog/source', { packageCode: 'EX-JP-5-30', source: 'inventory', profileType: 'X' }))).toBe('000107');
    expect(refusal(await post('catalog/source', { packageCode: 'NO-SUCH', source: 'inventory' }))).toBe('310241');
    expect(refusal(await post('catalog/source', { packageCode: 'EX-JP-5-30', source: 'magic' }))).toBe('000104');
    // A field with a closed list of values answers 000104 when absent too, as on the partner API.
    expect(refusal(await post('catalog/source', { packageCode: 'EX-JP-5-30' }))).toBe('000104');
    expect(refusal(await post('catalog/source', { source: 'inventory' }))).toBe('000105');
  });
});

describe('inventory/import and inventory/stock', () => {
  it('refuses a bad file whole (800205), then imports profiles once and shows the stock', async () => {
    expect(ok(await post('inventory/stock', {}))).toEqual({ stockList: [] });
    const noPackage = await post('inventory/import', { content: example('inventory.csv') });
    expect(refusal(noPackage)).toBe('800205');
    expect(noPackage.json.errorMsg).toContain('no packageCode');
    expect(refusal(await post('inventory/import', { content: example('inventory.csv'), packageCode: 'NO-SUCH' }))).toBe('800205');
    expect(refusal(await post('inventory/import', { content: 'iccid,imsi,ac\n123,1,x\n', packageCode: 'EX-JP-1-7' }))).toBe('800205');
    expect(refusal(await post('inventory/import', { packageCode: 'EX-JP-1-7' }))).toBe('000105');
    expect(ok(await post('inventory/stock', {}))).toEqual({ stockList: [] });

    expect(ok(await post('inventory/import', { content: example('inventory.csv'), packageCode: 'EX_JP_1_7' }))).toEqual({ imported: 3, skipped: 0, packages: ['EX-JP-1-7'] });
    expect(ok(await post('inventory/import', { content: example('inventory.csv'), packageCode: 'EX-JP-1-7' }))).toEqual({ imported: 0, skipped: 3, packages: ['EX-JP-1-7'] });
    expect(ok(await post('inventory/stock', {}))).toEqual({ stockList: [{ packageCode: 'EX-JP-1-7', total: 3, free: 3, used: 0 }] });
  });
});

describe('large imports', () => {
  it('takes a body larger than BODY_LIMIT on the import endpoints only', async () => {
    const padded = example('catalog.csv') + '\n'.repeat(70_000);
    expect(ok(await post('catalog/import', { content: padded })).packages).toBeGreaterThan(0);
    expect(refusal(await post('catalog/list', { search: 'x', padding: 'y'.repeat(70_000) }))).toBe('000107');
  });
});
