import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPriceList, importCatalog, parsePriceList, readCatalogFile, type ServiceContext } from '../src/index.js';
import { parseCsv } from '../src/lib/csv.js';
import { call, paths, startTestServer, type TestServer } from './support/harness.js';

// Catalogue imports (CSV price list or JSON package list) seen through the API: idempotent
// re-imports, JSON adds and updates, all-or-nothing rejection of bad input, and the
// package/list answer cache following the catalogue version.

const sharedPriceList = fileURLToPath(new URL('../../../../shared/data/esimaccess-pricelist.csv', import.meta.url));
const priceListPath = existsSync(sharedPriceList) ? sharedPriceList : bundledPriceList;
const priceListText = readFileSync(priceListPath, 'utf8');
const priceRows = parseCsv(priceListText);
const reloadableRows = priceRows.filter((r) => r['Reloadable']?.trim() === 'yes').length;

let server: TestServer;
let ctx: ServiceContext;
let accessCode: string;
let scratch: string;

beforeAll(async () => {
  server = await startTestServer();
  ctx = server.runtime.ctx;
  accessCode = (await server.merchant()).accessCode;
  scratch = mkdtempSync(join(tmpdir(), 'esimkit-import-'));
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await server?.close();
});

async function packages(body: Record<string, unknown>, on: { baseUrl: string } = server): Promise<any[]> {
  const result = await call(on, paths.packageList, body, { accessCode });
  expect(result.json?.success, result.text.slice(0, 300)).toBe(true);
  return result.json.obj.packageList;
}

async function locations(): Promise<any[]> {
  return (await call(server, paths.locationList, {}, { accessCode })).json.obj.locationList;
}

async function importFile(name: string, content: string) {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return importCatalog({ ctx, input: await readCatalogFile(path) });
}

const importJson = (name: string, json: unknown) => importFile(name, JSON.stringify(json));

/** What an import could change: stored rows, the version, and two answers clients see. */
async function snapshot() {
  const db = ctx.db.kysely;
  const count = async (table: 'packages' | 'locations') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const version = await db.selectFrom('meta').select('value').where('key', '=', 'catalog_version').executeTakeFirst();
  return {
    packages: await count('packages'),
    locations: await count('locations'),
    version: version?.value,
    au: await packages({ locationCode: 'AU' }),
    locationList: await locations(),
  };
}

/** A new plan shaped like a package/list item (AU_1_7's, renamed). */
async function newPlan(code: string, slug: string, changes: Record<string, unknown> = {}) {
  const [template] = await packages({ slug: 'AU_1_7' });
  return { ...template, packageCode: code, slug, name: `Test plan ${code}`, ...changes };
}

describe('re-importing the price list', () => {
  it('is idempotent: same counts, same answers, no duplicates, a new version', async () => {
    const before = await snapshot();
    const baseBefore = await packages({});
    const first = await importCatalog({ ctx, input: await readCatalogFile(priceListPath) });
    const second = await importCatalog({ ctx, input: await readCatalogFile(priceListPath) });
    expect(first).toEqual({ packages: priceRows.length + reloadableRows, locations: before.locations });
    expect(second).toEqual(first);
    const after = await snapshot();
    expect(after.packages).toBe(before.packages);
    expect(after.locations).toBe(before.locations);
    expect(after.version).not.toBe(before.version);
    expect(after.au).toEqual(before.au);
    expect(after.locationList).toEqual(before.locationList);
    expect(await packages({})).toEqual(baseBefore);
    expect((await packages({ type: 'TOPUP' })).length).toBe(reloadableRows);
    const codes = await ctx.db.kysely.selectFrom('packages').select('code').execute();
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
  });
});

describe('reading a price list without the optional Location Name column', () => {
  it('names countries from flag-icons instead of failing', () => {
    const catalog = parsePriceList(priceListText.replace('Location Name', 'Where'));
    expect(catalog.packages.length).toBe(priceRows.length + reloadableRows);
    const names = new Map(catalog.locations.map((l) => [l.code, l.name]));
    expect(names.get('AU')).toBe('Australia');
    expect(names.get('HK')).toBe('Hong Kong'); // the price list would say "Hong Kong (China)"
    expect(parsePriceList(priceListText).locations.find((l) => l.code === 'HK')?.name).toBe('Hong Kong (China)');
  });
});

describe('importing a JSON package list', () => {
  it('accepts a bare array, {packageList} and a whole package/list answer', async () => {
    const total = (await packages({})).length;
    const array = await newPlan('TEST_ARRAY_1', 'AU_TEST_ARRAY', { price: 12_340 });
    const wrapped = await newPlan('TEST_WRAPPED_1', 'AU_TEST_WRAPPED', { price: 23_450 });
    const answer = await newPlan('TEST_ANSWER_1', 'AU_TEST_ANSWER', { price: 34_560 });
    expect(await importJson('array.json', [array])).toEqual({ packages: 1, locations: 1 });
    expect(await importJson('wrapped.json', { packageList: [wrapped] })).toEqual({ packages: 1, locations: 1 });
    expect(await importJson('answer.json', { success: true, errorCode: null, errorMsg: null, obj: { packageList: [answer] } })).toEqual({
      packages: 1,
      locations: 1,
    });
    for (const [slug, code, price] of [
      ['AU_TEST_ARRAY', 'TEST_ARRAY_1', 12_340],
      ['AU_TEST_WRAPPED', 'TEST_WRAPPED_1', 23_450],
      ['AU_TEST_ANSWER', 'TEST_ANSWER_1', 34_560],
    ] as const) {
      const [item, ...rest] = await packages({ slug });
      expect(rest).toEqual([]);
      expect(item).toMatchObject({ packageCode: code, slug, price, name: `Test plan ${code}`, location: 'AU', volume: 1_073_741_824, duration: 7 });
      expect(item.locationNetworkList.map((n: any) => n.locationCode)).toEqual(['AU']);
      expect((await packages({ packageCode: code })).map((i) => i.slug)).toEqual([slug]);
    }
    expect((await packages({})).length).toBe(total + 3);
    expect((await packages({ locationCode: 'AU' })).map((i) => i.packageCode)).toEqual(expect.arrayContaining(['TEST_ARRAY_1', 'TEST_WRAPPED_1', 'TEST_ANSWER_1']));
  });

  it('updates an existing plan in place, visible at once through package/list', async () => {
    const order = (await packages({ locationCode: 'AU' })).map((i) => i.packageCode);
    const [au] = await packages({ slug: 'AU_1_7' }); // also caches the answer
    expect(au.price).toBe(7_000);
    await importJson('update.json', [{ ...au, price: 7_777, retailPrice: 9_999, favorite: true }]);
    const [updated] = await packages({ slug: 'AU_1_7' });
    expect(updated).toEqual({ ...au, price: 7_777, retailPrice: 9_999, favorite: true });
    // Same number of plans, same place in the list, location untouched.
    expect((await packages({ locationCode: 'AU' })).map((i) => i.packageCode)).toEqual(order);
    expect((await locations()).find((l) => l.code === 'AU')).toEqual({ code: 'AU', name: 'Australia', type: 1, subLocationList: null });
  });

  it('re-importing the price list restores a plan a JSON import changed', async () => {
    const [au] = await packages({ slug: 'AU_1_7' });
    await importJson('change.json', [{ ...au, price: 1_111 }]);
    expect((await packages({ slug: 'AU_1_7' }))[0].price).toBe(1_111);
    await importCatalog({ ctx, input: await readCatalogFile(priceListPath) });
    expect((await packages({ slug: 'AU_1_7' }))[0]).toMatchObject({ price: 7_000, retailPrice: 11_000, favorite: false });
  });

  it('round-trips package/list output: re-importing it changes neither packages nor locations', async () => {
    const jp = await packages({ locationCode: 'JP' });
    const na = await packages({ locationCode: 'NA-3' });
    const hk = await packages({ locationCode: 'HK' });
    const locationsBefore = await locations();
    await importJson('roundtrip.json', { packageList: [...jp, ...na, ...hk] });
    expect(await packages({ locationCode: 'JP' })).toEqual(jp);
    expect(await packages({ locationCode: 'NA-3' })).toEqual(na);
    expect(await packages({ locationCode: 'HK' })).toEqual(hk);
    // Region names come from the price list ("North America"), country names too
    // ("Hong Kong (China)"): a package list must not rename or reorder them.
    expect(await locations()).toEqual(locationsBefore);
  });

  it('adds a location it brings, after the existing ones', async () => {
    const before = await locations();
    expect(before.some((l) => l.code === 'AQ')).toBe(false);
    await importJson('antarctica.json', [await newPlan('TEST_AQ_1', 'AQ_1_7', { location: 'AQ', locationCode: 'AQ', locationNetworkList: [] })]);
    const after = await locations();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([{ code: 'AQ', name: 'Antarctica', type: 1, subLocationList: null }]);
    expect((await packages({ locationCode: 'aq' })).map((i) => i.packageCode)).toEqual(['TEST_AQ_1']);
  });

  it('classifies multi-country plans: GL-* global, others regional', async () => {
    await importJson('regions.json', [
      await newPlan('TEST_GL_1', 'GL-2_1_7', { location: 'FR,DE', locationCode: 'GL-2' }),
      await newPlan('TEST_RG_1', 'TESTRG-2_1_7', { location: 'FR,DE', locationCode: 'TESTRG-2' }),
    ]);
    expect((await packages({ locationCode: '!GL' })).map((i) => i.packageCode)).toContain('TEST_GL_1');
    expect((await packages({ locationCode: '!GL' })).map((i) => i.packageCode)).not.toContain('TEST_RG_1');
    expect((await packages({ locationCode: '!RG' })).map((i) => i.packageCode)).toContain('TEST_RG_1');
    expect((await packages({ locationCode: '!RG' })).map((i) => i.packageCode)).not.toContain('TEST_GL_1');
  });

  it('adds a top-up that package/list offers for its base plan', async () => {
    const [au] = await packages({ slug: 'AU_1_7' });
    await importJson('topup.json', [{ ...au, packageCode: 'TOPUP_TEST_AU', slug: 'AU_TEST_TOPUP', type: 'TOPUP', baseCode: 'JC018', price: 4_200 }]);
    const offered = await packages({ type: 'TOPUP', slug: 'AU_1_7' });
    expect(offered.find((i) => i.packageCode === 'TOPUP_TEST_AU')).toMatchObject({ slug: 'AU_TEST_TOPUP', price: 4_200, location: 'AU' });
    expect((await packages({ packageCode: 'TOPUP_TEST_AU' })).length).toBe(0); // not a BASE plan
  });
});

describe('rejecting bad input', () => {
  /** The import fails with a message matching `message`, and nothing a client sees changes. */
  async function expectRejected(attempt: () => Promise<unknown>, message: RegExp) {
    const before = await snapshot();
    await expect(attempt()).rejects.toThrow(message);
    expect(await snapshot()).toEqual(before);
  }

  const [header, firstRow, secondRow] = priceListText.split(/\r?\n/);

  it('rejects a CSV missing a required column, naming it', async () => {
    await expectRejected(() => importFile('no-planid.csv', priceListText.replace(',PlanId,', ',Plan Id,')), /lacks columns: PlanId/);
  });

  it('rejects a CSV with a bad price, naming the row', async () => {
    await expectRejected(() => importFile('bad-price.csv', [header, firstRow, secondRow!.replace('$14.60', 'fourteen')].join('\n')), /row 3: Price/);
  });

  it('rejects a CSV that repeats a plan code, naming both rows', async () => {
    await expectRejected(() => importFile('duplicate.csv', [header, firstRow, secondRow, firstRow].join('\n')), /row 4: PlanId CKH823 is already used on row 2/);
  });

  it('rejects a CSV row without a location code', async () => {
    await expectRejected(() => importFile('no-code.csv', [header, firstRow!.replace(',GL-139,', ',,')].join('\n')), /row 2: Code/);
  });

  it('rejects a CSV row whose country codes are not ISO-2', async () => {
    const row = firstRow!.replace('"PR,HK,PT,', '"PRI,HK,PT,');
    expect(row).not.toBe(firstRow);
    await expectRejected(() => importFile('iso3.csv', [header, row].join('\n')), /row 2: Country Codes must be ISO-2 codes, got "PRI"/);
  });

  it('rejects a CSV with no data rows', async () => {
    await expectRejected(() => importFile('empty.csv', `${header}\n`), /no rows/);
  });

  it('rejects JSON that does not parse', async () => {
    await expectRejected(() => importFile('broken.json', '{"packageList": [{"packageCode": "X",'), /not valid JSON/);
  });

  it('rejects JSON that is not a package list', async () => {
    await expectRejected(() => importJson('shape.json', { packages: [] }), /not a package list/);
    await expectRejected(() => importJson('empty.json', []), /no packages/);
  });

  it('rejects a package without a price, naming the package and the field', async () => {
    const { price: _price, ...priceless } = await newPlan('TEST_PRICELESS', 'AU_TEST_PRICELESS');
    await expectRejected(() => importJson('priceless.json', [priceless]), /package 0 \(TEST_PRICELESS\): price/);
  });

  it('rejects a package list that repeats a code', async () => {
    const plan = await newPlan('TEST_TWICE', 'AU_TEST_TWICE');
    await expectRejected(() => importJson('twice.json', [plan, { ...plan, slug: 'AU_TEST_TWICE_2' }]), /packageCode TEST_TWICE is already used/);
  });

  it('rejects a slug that another stored plan has, leaving the rest of the file unapplied', async () => {
    const [au] = await packages({ slug: 'AU_1_7' });
    const clash = await newPlan('TEST_CLASH', 'JP_1_7');
    await expectRejected(() => importJson('clash.json', [{ ...au, price: 1 }, clash]), /TEST_CLASH cannot take the BASE slug JP_1_7: package JC063 already has it/);
    expect((await packages({ slug: 'AU_1_7' }))[0].price).toBe(au.price);
  });
});

describe('the package/list answer cache', () => {
  it('lets another instance on the same database see an import within about a second', async () => {
    const other = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const [au] = await packages({ slug: 'AU_1_7' }, other); // cached by the other instance
      const price = au.price + 1;
      await importJson('elsewhere.json', [{ ...au, price }]);
      const started = Date.now();
      let seen = au.price;
      while (seen !== price && Date.now() - started < 3_000) {
        seen = (await packages({ slug: 'AU_1_7' }, other))[0].price;
        if (seen !== price) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toBe(price);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect((await packages({ slug: 'AU_1_7' }))[0].price).toBe(price);
    } finally {
      await other.close();
    }
  });

  it('keeps answers per filter apart', async () => {
    const jp = await packages({ locationCode: 'JP' });
    const fr = await packages({ locationCode: 'FR' });
    expect(jp.every((i) => i.location === 'JP')).toBe(true);
    expect(fr.every((i) => i.location === 'FR')).toBe(true);
    expect(await packages({ locationCode: 'jp' })).toEqual(jp);
    expect((await packages({ locationCode: 'JP', type: 'TOPUP' })).every((i) => i.packageCode.startsWith('TOPUP_'))).toBe(true);
  });
});
