import { PackageItem } from '@esimkit/contract';
import { z } from 'zod';
import { countryName } from './countries.js';
import type { Catalog } from './price-list.js';
import type { PackageRow } from './rows.js';

// An operator's catalogue as JSON: the `packageList` of a package/list answer (or the whole
// answer, or a bare array), plus `type` and, for top-ups, `baseCode` per item.
const ImportItem = PackageItem.extend({
  type: z.enum(['BASE', 'TOPUP']).default('BASE'),
  baseCode: z.string().nullable().optional(),
  locationNetworkList: PackageItem.shape.locationNetworkList.optional(),
  locationCode: z.string().optional(),
  favorite: z.boolean().default(false),
  fupPolicy: z.string().default(''),
  speed: z.string().default('4G'),
  ipExport: z.string().default(''),
  retailPrice: z.number().int().optional(),
  supportTopUpType: z.number().int().default(1),
});

/** The list inside any of the accepted shapes; a clear error for anything else. */
function packageListOf(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (json !== null && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    if (Array.isArray(record.packageList)) return record.packageList;
    const obj = record.obj as Record<string, unknown> | null | undefined;
    if (obj !== null && typeof obj === 'object' && Array.isArray(obj.packageList)) return obj.packageList;
  }
  throw new Error(
    'catalogue JSON is not a package list: expected an array of packages, {"packageList": [...]} or a package/list answer {"obj": {"packageList": [...]}}',
  );
}

export function catalogFromJson(json: unknown): Catalog {
  const list = packageListOf(json);
  if (list.length === 0) throw new Error('catalogue JSON has no packages');
  const items = list.map((raw, index) => {
    const parsed = ImportItem.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const code = raw !== null && typeof raw === 'object' && typeof (raw as { packageCode?: unknown }).packageCode === 'string' ? ` (${(raw as { packageCode: string }).packageCode})` : '';
    throw new Error(`catalogue JSON package ${index}${code}: ${issue.path.join('.') || 'item'}: ${issue.message}`);
  });
  const indexOfCode = new Map<string, number>();
  const indexOfSlug = new Map<string, number>();
  items.forEach((item, index) => {
    const codeSeen = indexOfCode.get(item.packageCode);
    if (codeSeen !== undefined) throw new Error(`catalogue JSON package ${index}: packageCode ${item.packageCode} is already used by package ${codeSeen}`);
    const slugKey = `${item.type} ${item.slug}`;
    const slugSeen = indexOfSlug.get(slugKey);
    if (slugSeen !== undefined) throw new Error(`catalogue JSON package ${index}: ${item.type} slug ${item.slug} is already used by package ${slugSeen}`);
    indexOfCode.set(item.packageCode, index);
    indexOfSlug.set(slugKey, index);
  });
  const packages: PackageRow[] = items.map((item, index) => {
    const countries = item.location.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
    if (countries.length === 0) throw new Error(`catalogue JSON package ${index} (${item.packageCode}): location must list at least one country code`);
    const locationCode = (item.locationCode ?? (countries.length === 1 ? countries[0]! : `RG-${countries.length}`)).trim().toUpperCase();
    // The same rule as the price list: one country with an ISO-2 code is a country plan;
    // otherwise GL-* is global and anything else regional.
    const single = countries.length === 1 && /^[A-Z]{2}$/.test(locationCode);
    const networks = (item.locationNetworkList ?? []).map((n) => ({
      locationCode: n.locationCode,
      locationName: n.locationName,
      operators: n.operatorList,
    }));
    return {
      code: item.packageCode,
      slug: item.slug,
      type: item.type,
      base_code: item.baseCode ?? null,
      name: item.name,
      description: item.description,
      price: item.price,
      retail_price: item.retailPrice ?? item.price,
      volume: item.volume,
      sms_status: item.smsStatus,
      data_type: item.dataType,
      unused_valid_time: item.unusedValidTime,
      duration: item.duration,
      duration_unit: item.durationUnit,
      location: countries.join(','),
      location_code: locationCode,
      scope: single ? 'country' : locationCode.startsWith('GL-') ? 'global' : 'regional',
      active_type: item.activeType,
      favorite: item.favorite ? 1 : 0,
      speed: item.speed,
      ip_export: item.ipExport,
      support_topup_type: item.supportTopUpType,
      fup_policy: item.fupPolicy,
      networks: JSON.stringify(networks),
      sort_order: index,
    };
  });
  const locations = new Map<string, Catalog['locations'][number]>();
  for (const p of packages) {
    if (locations.has(p.location_code)) continue;
    const countries = p.location.split(',');
    locations.set(p.location_code, {
      code: p.location_code,
      name: p.scope === 'country' ? countryName(p.location_code) : p.location_code,
      type: p.scope === 'country' ? 1 : 2,
      sub_locations: p.scope === 'country' ? null : JSON.stringify(countries.map((c) => ({ code: c, name: countryName(c) }))),
      sort_order: locations.size,
    });
  }
  return { packages, locations: [...locations.values()], partial: true };
}
