import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPriceList } from '../src/index.js';
import { parseCsv } from '../src/lib/csv.js';
import { call, paths, startTestServer, type TestServer } from './support/harness.js';

// location/list against the seeded price list: every country with a plan of its own, every
// region with its countries (field-notes §5: obj.locationList[]{code, name, type, subLocationList}).

const rows = parseCsv(readFileSync(bundledPriceList, 'utf8'));

function col(row: Record<string, string>, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`price list has no column ${name}`);
  return value.trim();
}

const isSingle = (r: Record<string, string>) => col(r, 'Type').startsWith('Single');
/** ISO-2 code -> the price list's name for it, from the single-country rows. */
const countries = new Map(rows.filter(isSingle).map((r) => [col(r, 'Code'), col(r, 'Location Name')]));
/** Region code -> its country codes, as its plans list them. */
const regions = new Map(rows.filter((r) => !isSingle(r)).map((r) => [col(r, 'Code'), col(r, 'Country Codes').split(',')]));

let server: TestServer;
let accessCode: string;
let locations: any[];

beforeAll(async () => {
  server = await startTestServer();
  accessCode = (await server.merchant()).accessCode;
  const result = await call(server, paths.locationList, {}, { accessCode });
  locations = result.json.obj.locationList;
});
afterAll(() => server?.close());

const byCode = (code: string) => locations.find((l) => l.code === code);

describe('location/list', () => {
  it('answers with the success envelope, errorCode "0"', async () => {
    const result = await call(server, paths.locationList, {}, { accessCode });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ success: true, errorCode: '0', errorMsg: null, errorMessage: null });
    expect(Array.isArray(result.json.obj.locationList)).toBe(true);
  });

  it('answers the same for an empty body (documented as {})', async () => {
    const empty = await call(server, paths.locationList, '', { accessCode });
    expect(empty.json.obj.locationList).toEqual(locations);
  });

  it('holds exactly the countries with their own plans and the regions, once each', () => {
    const codes = locations.map((l) => l.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual([...countries.keys(), ...regions.keys()].sort());
    expect(countries.size).toBeGreaterThan(100);
    expect(regions.size).toBeGreaterThan(10);
  });

  it('gives every item exactly code, name, type and subLocationList', () => {
    for (const location of locations) {
      expect(Object.keys(location).sort(), location.code).toEqual(['code', 'name', 'subLocationList', 'type']);
      expect(typeof location.name, location.code).toBe('string');
      expect(location.name, location.code).not.toBe('');
      expect([1, 2], location.code).toContain(location.type);
    }
  });

  it('lists every single-country location as type 1, no sub-locations, named as in the price list', () => {
    const problems: string[] = [];
    for (const [code, name] of countries) {
      const location = byCode(code);
      if (!location) problems.push(`${code} missing`);
      else if (location.type !== 1 || location.subLocationList !== null || location.name !== name) problems.push(`${code}: ${JSON.stringify(location)}`);
    }
    expect(problems).toEqual([]);
    expect(byCode('JP')).toEqual({ code: 'JP', name: 'Japan', type: 1, subLocationList: null });
    expect(byCode('HK')).toEqual({ code: 'HK', name: 'Hong Kong (China)', type: 1, subLocationList: null });
  });

  it('lists every region as type 2 with its plans countries as {code, name}', () => {
    // Precondition: every plan of a region lists the same countries.
    for (const row of rows.filter((r) => !isSingle(r))) expect(col(row, 'Country Codes').split(',')).toEqual(regions.get(col(row, 'Code')));
    const problems: string[] = [];
    for (const [code, members] of regions) {
      const location = byCode(code);
      if (!location) {
        problems.push(`${code} missing`);
        continue;
      }
      if (location.type !== 2) problems.push(`${code}: type ${location.type}`);
      if (!Array.isArray(location.subLocationList)) {
        problems.push(`${code}: subLocationList ${location.subLocationList}`);
        continue;
      }
      const subCodes = location.subLocationList.map((s: any) => s.code);
      if (JSON.stringify(subCodes) !== JSON.stringify(members)) problems.push(`${code}: ${subCodes} != ${members}`);
      for (const sub of location.subLocationList) {
        if (Object.keys(sub).sort().join() !== 'code,name') problems.push(`${code}: sub ${JSON.stringify(sub)}`);
        // A real name, never the bare code.
        if (typeof sub.name !== 'string' || sub.name === '' || sub.name === sub.code) problems.push(`${code}: ${sub.code} named ${sub.name}`);
        // The same name as the country's own entry, when it has one.
        if (countries.has(sub.code) && sub.name !== countries.get(sub.code)) problems.push(`${code}: ${sub.code} named ${sub.name}, not ${countries.get(sub.code)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names regions after their plans', () => {
    expect(byCode('NA-3')).toEqual({
      code: 'NA-3',
      name: 'North America',
      type: 2,
      subLocationList: [
        { code: 'MX', name: 'Mexico' },
        { code: 'US', name: 'United States' },
        { code: 'CA', name: 'Canada' },
      ],
    });
    expect(byCode('EU-42').name).toBe('Europe');
    expect(byCode('AUNZ-2').name).toBe('Australia & New Zealand');
    // "139" is the vendor's label; the price list gives this region 126 country codes.
    const global = byCode('GL-139').subLocationList;
    expect(global).toHaveLength(regions.get('GL-139')!.length);
    expect(global).toEqual(expect.arrayContaining([{ code: 'JP', name: 'Japan' }, { code: 'XK', name: 'Kosovo' }]));
  });

  it('names a country that has no flag-icons entry (AN) rather than repeating its code', () => {
    expect(byCode('CB-24').subLocationList).toContainEqual({ code: 'AN', name: 'Netherlands Antilles' });
  });

  it('agrees with package/list: every location has plans, every plan location is listed', async () => {
    const plans = (await call(server, paths.packageList, {}, { accessCode })).json.obj.packageList as any[];
    const planLocations = new Set(plans.map((p) => p.locationCode ?? p.location));
    expect([...planLocations].sort()).toEqual(locations.map((l) => l.code).sort());
    for (const location of locations.filter((l) => l.type === 2).slice(0, 5)) {
      const own = await call(server, paths.packageList, { locationCode: location.code }, { accessCode });
      expect(own.json.obj.packageList.length, location.code).toBeGreaterThan(0);
      expect(own.json.obj.packageList[0].location.split(',')).toEqual(location.subLocationList.map((s: any) => s.code));
    }
  });
});
