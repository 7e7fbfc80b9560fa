import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPriceList } from '../src/index.js';
import { parseCsv } from '../src/lib/csv.js';
import { call, expectFailure, paths, startTestServer, type TestServer } from './support/harness.js';

// package/list against the seeded catalogue, checked field by field against the price list
// the server was seeded from (the CSV is read here with the project's RFC 4180 parser; every
// expected value is derived independently of the server's catalogue code).

const GIB = 1_073_741_824;
const rows = parseCsv(readFileSync(bundledPriceList, 'utf8'));

function col(row: Record<string, string>, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`price list has no column ${name}`);
  return value.trim();
}

const rowBySlug = new Map(rows.map((r) => [col(r, 'Slug'), r]));
const rowByCode = new Map(rows.map((r) => [col(r, 'PlanId'), r]));
const reloadable = (r: Record<string, string>) => col(r, 'Reloadable') === 'yes';
const isDaily = (r: Record<string, string>) => col(r, 'Plan Category') === 'Unlimited FUP';
const isMulti = (r: Record<string, string>) => col(r, 'Type').startsWith('Multi');

/** `$7.60` to 76000, by string arithmetic (no floating point). */
function units(price: string): number {
  const match = /^\$(\d+)\.(\d{2})$/.exec(price);
  if (!match) throw new Error(`unexpected price ${price}`);
  return Number(match[1]) * 10_000 + Number(match[2]) * 100;
}

let server: TestServer;
let accessCode: string;

beforeAll(async () => {
  server = await startTestServer();
  accessCode = (await server.merchant()).accessCode;
});
afterAll(() => server?.close());

async function list(body: Record<string, unknown>): Promise<any[]> {
  const result = await call(server, paths.packageList, body, { accessCode });
  expect(result.status).toBe(200);
  expect(result.json, result.text.slice(0, 300)).toMatchObject({ success: true, errorCode: null, errorMsg: null, errorMessage: null });
  expect(Array.isArray(result.json.obj.packageList)).toBe(true);
  return result.json.obj.packageList;
}

async function failure(body: unknown): Promise<string> {
  return expectFailure(await call(server, paths.packageList, body, { accessCode }));
}

// The vendor doc's item table (plus fupPolicy from the field notes) and each field's JSON type.
const itemFields: Record<string, 'string' | 'integer' | 'boolean' | 'array'> = {
  packageCode: 'string',
  slug: 'string',
  name: 'string',
  price: 'integer',
  currencyCode: 'string',
  volume: 'integer',
  smsStatus: 'integer',
  dataType: 'integer',
  unusedValidTime: 'integer',
  duration: 'integer',
  durationUnit: 'string',
  location: 'string',
  description: 'string',
  activeType: 'integer',
  favorite: 'boolean',
  retailPrice: 'integer',
  speed: 'string',
  locationNetworkList: 'array',
  ipExport: 'string',
  supportTopUpType: 'integer',
  fupPolicy: 'string',
};

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return value === null ? 'null' : typeof value;
}

/** Every problem with an item's shape, so a failure lists them all at once. */
function shapeProblems(item: any): string[] {
  const problems: string[] = [];
  const where = item?.packageCode ?? JSON.stringify(item).slice(0, 40);
  for (const [field, type] of Object.entries(itemFields)) {
    if (!(field in item)) problems.push(`${where}: ${field} missing`);
    else if (jsonType(item[field]) !== type) problems.push(`${where}: ${field} is ${jsonType(item[field])}, not ${type}`);
  }
  if (item.currencyCode !== 'USD') problems.push(`${where}: currencyCode ${item.currencyCode}`);
  if (item.durationUnit !== 'DAY') problems.push(`${where}: durationUnit ${item.durationUnit}`);
  for (const network of item.locationNetworkList ?? []) {
    for (const field of ['locationName', 'locationLogo', 'locationCode'] as const) {
      if (typeof network[field] !== 'string' || network[field] === '') problems.push(`${where}: locationNetworkList.${field} ${network[field]}`);
    }
    if (!Array.isArray(network.operatorList)) problems.push(`${where}: operatorList is not an array`);
    for (const operator of network.operatorList ?? []) {
      if (typeof operator.operatorName !== 'string' || typeof operator.networkType !== 'string') {
        problems.push(`${where}: operator ${JSON.stringify(operator)}`);
      }
    }
  }
  return problems;
}

describe('item fields', () => {
  it('gives every BASE item every documented field with its documented JSON type', async () => {
    const items = await list({});
    expect(items.length).toBe(rows.length);
    expect(items.flatMap(shapeProblems)).toEqual([]);
  });

  it('gives every TOPUP item the same fields and types', async () => {
    const items = await list({ type: 'TOPUP' });
    expect(items.length).toBeGreaterThan(0);
    expect(items.flatMap(shapeProblems)).toEqual([]);
  });

  it('renders AU_1_7 exactly as the price list says', async () => {
    const [item, ...rest] = await list({ slug: 'AU_1_7' });
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      packageCode: 'JC018',
      slug: 'AU_1_7',
      name: 'Australia 1GB 7Days',
      description: 'Australia 1GB 7Days',
      price: 7_000, // $0.70
      currencyCode: 'USD',
      volume: GIB, // 1 GB, binary
      smsStatus: 2, // SMS "API"
      dataType: 1,
      unusedValidTime: 180,
      duration: 7,
      durationUnit: 'DAY',
      location: 'AU',
      activeType: 2, // Activation "Network"
      favorite: false,
      retailPrice: 11_000, // 1.5 x $0.70 = $1.05, rounded up to $1.10
      speed: '5G',
      ipExport: 'HK',
      supportTopUpType: 2, // Reloadable "yes"
      fupPolicy: '',
      locationNetworkList: [
        {
          locationName: 'Australia',
          locationCode: 'AU',
          locationLogo: expect.stringMatching(/\/img\/flags\/au\.svg$/),
          operatorList: [
            { operatorName: 'Optus', networkType: '5G' },
            { operatorName: 'Vodafone', networkType: '5G' },
            { operatorName: 'Telstra', networkType: '5G' },
          ],
        },
      ],
    });
  });

  it('maps Installation activation, fractional GBs and cents for JP_0.1_7', async () => {
    const [item] = await list({ slug: 'JP_0.1_7' });
    expect(item).toMatchObject({
      packageCode: 'P6ZMSDS1G',
      price: 3_000, // $0.30
      volume: Math.round(0.1 * GIB), // 107374182
      duration: 7,
      activeType: 1, // Activation "Installation"
      smsStatus: 2,
      supportTopUpType: 2,
      dataType: 1,
      fupPolicy: '',
      location: 'JP',
    });
    expect(item.volume).toBe(107_374_182);
  });

  it('maps a daily, non-reloadable, SMS-less plan (JP_0.5_Daily_IIJ)', async () => {
    const [item] = await list({ slug: 'JP_0.5_Daily_IIJ' });
    expect(item).toMatchObject({
      packageCode: 'PG64B5GYU',
      price: 5_000,
      volume: GIB / 2, // the daily allowance
      duration: 1,
      dataType: 2, // daily limit, speed reduced
      smsStatus: 0, // SMS "no"
      supportTopUpType: 1, // Reloadable "no"
      ipExport: 'JP',
      activeType: 2,
    });
    expect(item.fupPolicy).not.toBe('');
  });

  it('matches the price list for every BASE plan', async () => {
    const items = await list({});
    const byCode = new Map(items.map((item) => [item.packageCode as string, item]));
    expect([...byCode.keys()].sort()).toEqual([...rowByCode.keys()].sort());
    const mismatches: string[] = [];
    for (const row of rows) {
      const item = byCode.get(col(row, 'PlanId'))!;
      const countries = col(row, 'Country Codes').split(',').map((c) => c.trim());
      const expected: Record<string, unknown> = {
        slug: col(row, 'Slug'),
        name: col(row, 'Plan Name').replace(/\s+/g, ' '),
        price: units(col(row, 'Price')),
        volume: Math.round(Number(col(row, 'GBs')) * GIB),
        duration: Number(col(row, 'Days')),
        unusedValidTime: Number(col(row, 'Pre-activation days')),
        activeType: { Installation: 1, Network: 2 }[col(row, 'Activation')],
        smsStatus: { API: 2, no: 0 }[col(row, 'SMS')],
        supportTopUpType: reloadable(row) ? (isDaily(row) ? 3 : 2) : 1,
        dataType: isDaily(row) ? 2 : 1,
        hasFupPolicy: isDaily(row),
        ipExport: col(row, 'IP Route'),
        location: countries.join(','),
        networkCodes: [...countries].sort().join(','),
      };
      const actual: Record<string, unknown> = {
        ...item,
        hasFupPolicy: item.fupPolicy !== '',
        networkCodes: item.locationNetworkList.map((n: any) => n.locationCode).sort().join(','),
      };
      for (const [field, value] of Object.entries(expected)) {
        if (actual[field] !== value) mismatches.push(`${item.packageCode} ${field}: ${JSON.stringify(actual[field])} != ${JSON.stringify(value)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('lists each country operators as the price list names them, for every plan', async () => {
    const items = await list({});
    const byCode = new Map(items.map((item) => [item.packageCode as string, item]));
    const mismatches: string[] = [];
    for (const row of rows) {
      // "CA - Rogers Wireless 5G, Videotron 4G; MX - Telcel 4G" -> {CA: [...], MX: [...]}
      const expected: Record<string, string[]> = {};
      for (const part of col(row, 'Operators').split(';')) {
        const match = /^\s*([A-Z]{2})\s*-\s*(.*)$/.exec(part);
        if (match) expected[match[1]!] = match[2]!.split(',').map((o) => o.trim()).filter(Boolean);
      }
      const item = byCode.get(col(row, 'PlanId'))!;
      for (const network of item.locationNetworkList) {
        const actual = network.operatorList.map((o: any) => `${o.operatorName} ${o.networkType}`.trim());
        const wanted = expected[network.locationCode] ?? [];
        if (JSON.stringify(actual) !== JSON.stringify(wanted)) mismatches.push(`${item.slug} ${network.locationCode}: ${actual} != ${wanted}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('names the countries of a regional plan', async () => {
    const [item] = await list({ slug: 'NA-3_1_7' });
    expect(item.locationNetworkList.map((n: any) => [n.locationCode, n.locationName]).sort()).toEqual([
      ['CA', 'Canada'],
      ['MX', 'Mexico'],
      ['US', 'United States'],
    ]);
    expect(item.location.split(',').sort()).toEqual(['CA', 'MX', 'US']);
  });

  it('marks every plan with a _Daily slug as dataType 2 with a fupPolicy, and no other plan', async () => {
    const items = await list({});
    const dailySlugs = items.filter((i) => /_Daily$/.test(i.slug));
    expect(dailySlugs.length).toBe(rows.filter((r) => /_Daily$/.test(col(r, 'Slug'))).length);
    expect(dailySlugs.length).toBeGreaterThan(0);
    for (const item of dailySlugs) {
      expect(item.dataType, item.slug).toBe(2);
      expect(item.fupPolicy, item.slug).not.toBe('');
    }
    const totals = items.filter((i) => i.dataType === 1);
    expect(totals.length).toBe(rows.filter((r) => !isDaily(r)).length);
    for (const item of totals) expect(item.fupPolicy, item.slug).toBe('');
  });

  it('hands out flag URLs the server itself serves as SVG', async () => {
    const [au] = await list({ slug: 'AU_1_7' });
    const [na] = await list({ slug: 'NA-3_1_7' });
    const logos = [...au.locationNetworkList, ...na.locationNetworkList].map((n: any) => ({ code: n.locationCode, url: n.locationLogo }));
    expect(logos.map((l) => l.code).sort()).toEqual(['AU', 'CA', 'MX', 'US']);
    for (const { code, url } of logos) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toMatch(/^image\/svg\+xml/);
      const svg = await response.text();
      expect(svg).toMatch(/^\s*<svg/);
      expect(svg).toContain(`flag-icons-${code.toLowerCase()}`);
    }
  });
});

describe('location filters', () => {
  it('lists BASE plans by default: one per price-list row', async () => {
    const implicit = await list({});
    const explicit = await list({ type: 'BASE' });
    expect(implicit.length).toBe(rows.length);
    expect(explicit.map((i) => i.packageCode)).toEqual(implicit.map((i) => i.packageCode));
    expect(implicit.some((i) => i.packageCode.startsWith('TOPUP_'))).toBe(false);
  });

  it('selects by ISO-2 code only the plans of that one country, in any case', async () => {
    const expected = rows.filter((r) => col(r, 'Code') === 'JP').map((r) => col(r, 'PlanId')).sort();
    // Lower case first: the answer cache keys on the upper-cased code, so this reaches the database.
    const lower = await list({ locationCode: 'jp' });
    expect(lower.map((i) => i.packageCode).sort()).toEqual(expected);
    for (const item of lower) expect(item.location).toBe('JP');
    const upper = await list({ locationCode: 'JP' });
    expect(upper.map((i) => i.packageCode)).toEqual(lower.map((i) => i.packageCode));
  });

  it('does not return regional plans that merely include the country', async () => {
    const fr = await list({ locationCode: 'FR' });
    expect(fr.length).toBe(rows.filter((r) => col(r, 'Code') === 'FR').length);
    expect(fr.every((i) => i.location === 'FR')).toBe(true);
  });

  it('selects by region code the plans of that region', async () => {
    const eu = await list({ locationCode: 'EU-42' });
    const expected = rows.filter((r) => col(r, 'Code') === 'EU-42');
    expect(eu.map((i) => i.packageCode).sort()).toEqual(expected.map((r) => col(r, 'PlanId')).sort());
    for (const item of eu) expect(item.location).toBe(col(expected[0]!, 'Country Codes'));
  });

  it('!RG selects every regional plan and no single-country or global one', async () => {
    const regional = await list({ locationCode: '!rg' });
    const expected = rows.filter((r) => isMulti(r) && !col(r, 'Code').startsWith('GL-'));
    expect(expected.length).toBeGreaterThan(0);
    expect(regional.map((i) => i.packageCode).sort()).toEqual(expected.map((r) => col(r, 'PlanId')).sort());
    for (const item of regional) {
      expect(item.location.split(',').length, item.slug).toBeGreaterThan(1);
      expect(item.slug.startsWith('GL-'), item.slug).toBe(false);
    }
    expect((await list({ locationCode: '!RG' })).length).toBe(regional.length);
  });

  it('!GL selects exactly the global (GL-*) plans', async () => {
    const global = await list({ locationCode: '!GL' });
    const expected = rows.filter((r) => col(r, 'Code').startsWith('GL-'));
    expect(expected.length).toBeGreaterThan(0);
    expect(global.map((i) => i.packageCode).sort()).toEqual(expected.map((r) => col(r, 'PlanId')).sort());
    for (const item of global) expect(item.slug).toMatch(/^GL-/);
  });

  it('answers an unknown location with success and an empty list', async () => {
    expect(await list({ locationCode: 'ZZ' })).toEqual([]);
    expect(await list({ locationCode: 'XX-99' })).toEqual([]);
  });
});

describe('top-ups', () => {
  it('lists one TOPUP_ twin per reloadable plan, with the base plan slug, price, volume and duration', async () => {
    const topups = await list({ type: 'TOPUP' });
    expect(topups.length).toBe(rows.filter(reloadable).length);
    const problems: string[] = [];
    for (const item of topups) {
      if (!item.packageCode.startsWith('TOPUP_')) problems.push(`${item.packageCode}: no TOPUP_ prefix`);
      const base = rowByCode.get(item.packageCode.slice('TOPUP_'.length));
      if (!base) {
        problems.push(`${item.packageCode}: no base plan`);
        continue;
      }
      if (!reloadable(base)) problems.push(`${item.packageCode}: base plan is not reloadable`);
      if (item.slug !== col(base, 'Slug')) problems.push(`${item.packageCode}: slug ${item.slug}`);
      if (item.price !== units(col(base, 'Price'))) problems.push(`${item.packageCode}: price ${item.price}`);
      if (item.volume !== Math.round(Number(col(base, 'GBs')) * GIB)) problems.push(`${item.packageCode}: volume ${item.volume}`);
      if (item.duration !== Number(col(base, 'Days'))) problems.push(`${item.packageCode}: duration ${item.duration}`);
    }
    expect(problems).toEqual([]);
  });

  it('combines type TOPUP with a location filter', async () => {
    const jp = await list({ type: 'TOPUP', locationCode: 'JP' });
    expect(jp.length).toBe(rows.filter((r) => col(r, 'Code') === 'JP' && reloadable(r)).length);
    for (const item of jp) expect(item.location).toBe('JP');
  });

  it('lists the top-ups of a plan location family by slug, by code, or by a top-up code', async () => {
    const expected = rows
      .filter((r) => col(r, 'Code') === 'AU' && reloadable(r))
      .map((r) => `TOPUP_${col(r, 'PlanId')}`)
      .sort();
    for (const reference of [{ slug: 'AU_1_7' }, { packageCode: 'JC018' }, { packageCode: 'AU_1_7' }, { slug: 'JC018' }, { packageCode: 'TOPUP_JC018' }]) {
      const topups = await list({ type: 'TOPUP', ...reference });
      expect(topups.map((i) => i.packageCode).sort(), JSON.stringify(reference)).toEqual(expected);
    }
    expect(expected).toContain('TOPUP_JC018');
  });

  it('lists a region plan top-ups from the same region only', async () => {
    const topups = await list({ type: 'TOPUP', slug: 'GL-139_1_7' });
    const expected = rows.filter((r) => col(r, 'Code') === 'GL-139' && reloadable(r));
    expect(topups.map((i) => i.slug).sort()).toEqual(expected.map((r) => col(r, 'Slug')).sort());
    for (const item of topups) expect(item.location).toBe(col(expected[0]!, 'Country Codes'));
  });

  it('answers an unknown plan with success and an empty list', async () => {
    expect(await list({ type: 'TOPUP', packageCode: 'NO_SUCH_PLAN' })).toEqual([]);
    expect(await list({ type: 'TOPUP', slug: 'ZZ_1_7' })).toEqual([]);
  });

  it('answers an eSIM the merchant does not have (none exist yet) with 310403', async () => {
    const byIccid = await call(server, paths.packageList, { type: 'TOPUP', iccid: '8985224628000111311' }, { accessCode });
    expect(expectFailure(byIccid)).toBe('310403');
    const byTranNo = await call(server, paths.packageList, { type: 'TOPUP', esimTranNo: '24111319542101' }, { accessCode });
    expect(expectFailure(byTranNo)).toBe('310403');
  });
});

describe('code and slug', () => {
  it('returns the single plan for a code or a slug, given in either field', async () => {
    for (const reference of [{ packageCode: 'JC018' }, { packageCode: 'AU_1_7' }, { slug: 'AU_1_7' }, { slug: 'JC018' }]) {
      const items = await list(reference);
      expect(items.map((i) => [i.packageCode, i.slug]), JSON.stringify(reference)).toEqual([['JC018', 'AU_1_7']]);
    }
  });

  it('returns a regional and a daily plan by slug', async () => {
    for (const slug of ['EU-42_0.5_Daily', 'GL-139_1_7', 'VN_0.1_7']) {
      const items = await list({ slug });
      expect(items.map((i) => i.packageCode)).toEqual([col(rowBySlug.get(slug)!, 'PlanId')]);
    }
  });

  it('answers an unknown code or slug with success and an empty list', async () => {
    expect(await list({ packageCode: 'NO_SUCH_PLAN' })).toEqual([]);
    expect(await list({ slug: 'ZZ_1_7' })).toEqual([]);
  });

  it('accepts a code of exactly 64 characters and refuses 65 with 000107', async () => {
    expect(await list({ packageCode: 'A'.repeat(64) })).toEqual([]);
    expect(await failure({ packageCode: 'A'.repeat(65) })).toBe('000107');
    expect(await failure({ slug: 'A'.repeat(65) })).toBe('000107');
  });
});

describe('invalid requests', () => {
  it('answers a type outside BASE|TOPUP with 000104', async () => {
    expect(await failure({ type: 'FOO' })).toBe('000104');
    expect(await failure({ type: 7 })).toBe('000104');
  });

  it('answers an ICCID that is not digits with 000104', async () => {
    expect(await failure({ type: 'TOPUP', iccid: 'abcdefghijklmnopqrs' })).toBe('000104');
    expect(await failure({ type: 'TOPUP', esimTranNo: '2411-1319' })).toBe('000104');
  });

  it('answers a location code of one character (or over 32) with 000107', async () => {
    expect(await failure({ locationCode: 'J' })).toBe('000107');
    expect(await failure({ locationCode: 'J'.repeat(33) })).toBe('000107');
  });

  it('answers a location code of the wrong JSON type with 000104', async () => {
    expect(await failure({ locationCode: 81 })).toBe('000104');
  });

  it('names the offending field in the message', async () => {
    const result = await call(server, paths.packageList, { packageCode: 'A'.repeat(65) }, { accessCode });
    expect(result.json.errorMsg).toContain('packageCode');
  });
});
