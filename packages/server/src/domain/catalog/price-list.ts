import { dollarsToUnits } from '@esimkit/contract';
import { parseCsv } from '../../lib/csv.js';
import { countryName as flagIconsName } from './countries.js';
import type { LocationRow, PackageRow } from './rows.js';

// Turns a price list in the shape of shared/data/esimaccess-pricelist.csv into catalogue
// rows. What the CSV does not say is decided here, once (see docs/catalogue.md):
// - volumes are binary GB (1 GB = 2^30 bytes); daily plans carry the daily allowance;
// - "Unlimited FUP" daily plans are dataType 2 (speed reduced after the daily allowance);
// - the suggested retail price is 1.5x the wholesale price, rounded up to $0.10;
// - every reloadable plan gets a TOPUP twin `TOPUP_<code>` with the base plan's slug.

const GIB = 1024 ** 3;
const DAILY_FUP_POLICY = '512 Kbps after the daily allowance';

export interface Catalog {
  packages: PackageRow[];
  locations: LocationRow[];
  /**
   * A partial catalogue (a JSON package list) adds and updates packages but does not own the
   * locations or the order: existing locations keep their names and places, existing packages
   * keep their places, new ones go after everything. A price list is complete: its names and
   * order replace what is stored.
   */
  partial?: boolean;
}

export function parsePriceList(csvText: string): Catalog {
  const rows = parseCsv(csvText);
  if (rows.length === 0) throw new Error('price list has no rows');
  const required = ['Plan Name', 'Price', 'GBs', 'Days', 'Slug', 'PlanId', 'Country Codes', 'Code'];
  const missing = required.filter((column) => !(column in rows[0]!));
  if (missing.length) throw new Error(`price list lacks columns: ${missing.join(', ')}`);

  // "Location Name" is optional: without it names come from flag-icons.
  const countryNames = new Map<string, string>();
  for (const row of rows) {
    const name = (row['Location Name'] ?? '').trim();
    if (isSingleCountry(row) && name) countryNames.set(row['Code']!.trim(), name);
  }

  const packages: PackageRow[] = [];
  const regions = new Map<string, { name: string; countries: string[] }>();
  const rowOfCode = new Map<string, string>();
  const rowOfSlug = new Map<string, string>();
  rows.forEach((row, index) => {
    const where = rowNumber(index);
    const base = toBasePackage(row, index, where, (code) => countryName(code, countryNames));
    // One statement upserts a batch: a repeated code would be silently merged by SQLite and
    // refused by PostgreSQL, a repeated slug breaks the (type, slug) index. Say so plainly.
    const codeSeen = rowOfCode.get(base.code);
    if (codeSeen) throw new Error(`${where}: PlanId ${base.code} is already used on ${codeSeen}`);
    const slugSeen = rowOfSlug.get(base.slug);
    if (slugSeen) throw new Error(`${where}: Slug ${base.slug} is already used on ${slugSeen}`);
    rowOfCode.set(base.code, where);
    rowOfSlug.set(base.slug, where);
    packages.push(base);
    if (base.scope !== 'country' && !regions.has(base.location_code)) {
      regions.set(base.location_code, { name: regionName(row['Plan Name']!), countries: base.location.split(',') });
    }
    if (base.support_topup_type !== 1) packages.push(toTopUp(base, rows.length + index));
  });

  const locations: LocationRow[] = [];
  const singleCodes = [...new Set(packages.filter((p) => p.scope === 'country').map((p) => p.location_code))].sort();
  singleCodes.forEach((code) =>
    locations.push({ code, name: countryName(code, countryNames), type: 1, sub_locations: null, sort_order: locations.length }),
  );
  [...regions.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .forEach(([code, region]) =>
      locations.push({
        code,
        name: region.name,
        type: 2,
        sub_locations: JSON.stringify(region.countries.map((c) => ({ code: c, name: countryName(c, countryNames) }))),
        sort_order: locations.length,
      }),
    );
  return { packages, locations };
}


function countryName(code: string, fromPriceList: Map<string, string>): string {
  return flagIconsName(code, fromPriceList.get(code));
}

function rowNumber(index: number): string {
  return `row ${index + 2}`;
}

function isSingleCountry(row: Record<string, string>): boolean {
  return /^[A-Z]{2}$/.test((row['Code'] ?? '').trim()) && !(row['Country Codes'] ?? '').includes(',');
}

function isDaily(row: Record<string, string>): boolean {
  return /_Daily$/i.test(row['Slug'] ?? '') || /\/Day\b/i.test(row['Plan Name'] ?? '');
}

function toBasePackage(row: Record<string, string>, index: number, where: string, nameOf: (code: string) => string): PackageRow {
  const code = (row['PlanId'] ?? '').trim();
  const slug = (row['Slug'] ?? '').trim();
  if (!code || !slug) throw new Error(`${where}: PlanId and Slug are required`);
  let price: number;
  try {
    price = dollarsToUnits(row['Price'] ?? '');
  } catch {
    throw new Error(`${where}: Price must be a dollar amount such as $7.60, got ${JSON.stringify(row['Price'] ?? '')}`);
  }
  const gigabytes = Number(row['GBs']);
  const days = Number(row['Days']);
  if (!Number.isFinite(gigabytes) || gigabytes <= 0) throw new Error(`${where}: GBs must be a positive number`);
  if (!Number.isInteger(days) || days <= 0) throw new Error(`${where}: Days must be a positive integer`);
  const locationCode = (row['Code'] ?? '').trim();
  const countries = (row['Country Codes'] ?? '')
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  if (!locationCode) throw new Error(`${where}: Code (the plan's location code) is required`);
  if (countries.length === 0) throw new Error(`${where}: Country Codes must list at least one country`);
  const badCountry = countries.find((c) => !/^[A-Z]{2}$/.test(c));
  if (badCountry) throw new Error(`${where}: Country Codes must be ISO-2 codes, got ${JSON.stringify(badCountry)}`);
  const daily = isDaily(row);
  const reloadable = /^yes$/i.test((row['Reloadable'] ?? '').trim());
  const networks = parseOperators(row['Operators'] ?? '', countries, nameOf);
  const single = isSingleCountry(row);
  return {
    code,
    slug,
    type: 'BASE',
    base_code: null,
    name: (row['Plan Name'] ?? '').replace(/\s+/g, ' ').trim(),
    description: (row['Plan Name'] ?? '').replace(/\s+/g, ' ').trim(),
    price,
    retail_price: Math.ceil((price * 1.5) / 1000) * 1000,
    volume: Math.round(gigabytes * GIB),
    sms_status: /^(api|yes)$/i.test((row['SMS'] ?? '').trim()) ? 2 : 0,
    data_type: daily ? 2 : 1,
    unused_valid_time: Number(row['Pre-activation days']) || 180,
    duration: days,
    duration_unit: 'DAY',
    location: countries.join(','),
    location_code: locationCode,
    scope: single ? 'country' : locationCode.startsWith('GL-') ? 'global' : 'regional',
    active_type: /^installation$/i.test((row['Activation'] ?? '').trim()) ? 1 : 2,
    favorite: 0,
    speed: speedOf(networks),
    ip_export: (row['IP Route'] ?? '').trim(),
    support_topup_type: reloadable ? (daily ? 3 : 2) : 1,
    fup_policy: daily ? DAILY_FUP_POLICY : '',
    networks: JSON.stringify(networks),
    sort_order: index,
  };
}

function toTopUp(base: PackageRow, sortOrder: number): PackageRow {
  return {
    ...base,
    code: `TOPUP_${base.code}`,
    type: 'TOPUP',
    base_code: base.code,
    name: `${base.name} Top Up`,
    description: `Top up for ${base.name}`,
    sort_order: sortOrder,
  };
}

export interface NetworkEntry {
  locationCode: string;
  locationName: string;
  operators: { operatorName: string; networkType: string }[];
}

/** `AX - Ålcom 5G; AL - Telekom.al 5G, Vodafone 4G` to per-country operator lists. */
export function parseOperators(text: string, countries: string[], nameOf: (code: string) => string): NetworkEntry[] {
  const byCountry = new Map<string, NetworkEntry>();
  for (const part of text.split(';')) {
    const match = /^\s*([A-Z]{2})\s*-\s*(.*)$/.exec(part);
    if (!match) continue;
    const [, code, list] = match as unknown as [string, string, string];
    const operators = list
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const op = /^(.*?)\s+(\d?G(?:\/\d?G)*|LTE)$/i.exec(entry);
        return op ? { operatorName: op[1]!, networkType: op[2]!.toUpperCase() } : { operatorName: entry, networkType: '' };
      });
    byCountry.set(code, { locationCode: code, locationName: nameOf(code), operators });
  }
  for (const code of countries) if (!byCountry.has(code)) byCountry.set(code, { locationCode: code, locationName: nameOf(code), operators: [] });
  return [...byCountry.values()];
}

function speedOf(networks: NetworkEntry[]): string {
  const kinds = new Set<string>();
  for (const n of networks) for (const op of n.operators) for (const t of op.networkType.split('/')) if (t) kinds.add(t);
  const sorted = [...kinds].sort();
  return sorted.length ? sorted.join('/') : '4G';
}

/** `Europe (40+ areas) & Morocco 1GB/Day` to `Europe (40+ areas) & Morocco`. */
function regionName(planName: string): string {
  return planName.replace(/\s*[\d.]+\s*(GB|MB)\b.*$/i, '').trim() || planName.trim();
}
