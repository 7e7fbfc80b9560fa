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

const ImportFile = z.union([
  z.array(ImportItem),
  z.object({ packageList: z.array(ImportItem) }),
  z.object({ obj: z.object({ packageList: z.array(ImportItem) }) }),
]);

export function catalogFromJson(json: unknown): Catalog {
  const parsed = ImportFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`catalogue JSON is not a package list: ${issue.path.join('.')}: ${issue.message}`);
  }
  const items = Array.isArray(parsed.data) ? parsed.data : 'packageList' in parsed.data ? parsed.data.packageList : parsed.data.obj.packageList;
  const packages: PackageRow[] = items.map((item, index) => {
    const countries = item.location.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
    const locationCode = item.locationCode ?? (countries.length === 1 ? countries[0]! : `RG-${countries.length}`);
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
      scope: countries.length === 1 ? 'country' : locationCode.startsWith('GL') ? 'global' : 'regional',
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
  return { packages, locations: [...locations.values()] };
}
