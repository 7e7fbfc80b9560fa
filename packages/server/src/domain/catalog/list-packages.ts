import type { PackageItem } from '@esimkit/contract';
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { PackagesTable } from '../../db/schema.js';
import type { MerchantSettings, ServiceContext } from '../context.js';
import { findOwnedEsim } from '../esims/find.js';
import { ApiError } from '../errors.js';
import { countryName, flagUrl } from './countries.js';
import type { NetworkEntry } from './price-list.js';

export interface PackageFilter {
  locationCode?: string | undefined;
  type?: 'BASE' | 'TOPUP' | undefined;
  packageCode?: string | undefined;
  slug?: string | undefined;
  iccid?: string | undefined;
  esimTranNo?: string | undefined;
}

type PackageRecord = Selectable<PackagesTable>;

/**
 * package/list. Filters combine with AND:
 * - `locationCode`: an ISO-2 code or region code selects plans whose own location is that
 *   code; `!RG` selects regional plans, `!GL` global ones;
 * - `packageCode` / `slug` (either may carry a code or a slug): with type BASE the plan
 *   itself; with type TOPUP the top-ups that reload it (same location family);
 * - `iccid` / `esimTranNo` (type TOPUP): the top-ups for that eSIM's plan.
 */
export async function listPackages(ctx: ServiceContext & { merchant?: MerchantSettings }, filter: PackageFilter): Promise<z.infer<typeof PackageItem>[]> {
  const type = filter.type ?? 'BASE';
  let query = ctx.db.kysely.selectFrom('packages').selectAll().where('type', '=', filter.iccid || filter.esimTranNo ? 'TOPUP' : type);

  if (filter.locationCode) {
    const code = filter.locationCode.toUpperCase();
    if (code === '!RG') query = query.where('scope', '=', 'regional');
    else if (code === '!GL') query = query.where('scope', '=', 'global');
    else query = query.where('location_code', '=', code);
  }

  const reference = filter.packageCode ?? filter.slug;
  if (filter.iccid || filter.esimTranNo) {
    // The top-ups for one of the merchant's eSIMs: its plan's family, if the plan reloads.
    // Another merchant's eSIM answers 310403 like one that does not exist.
    if (!ctx.merchant) throw new ApiError('310403');
    const esim = await findOwnedEsim(ctx.db.kysely, ctx.merchant, filter);
    const plan = await ctx.db.kysely.selectFrom('packages').selectAll().where('code', '=', esim.package_code).executeTakeFirstOrThrow();
    if (plan.support_topup_type === 1) return [];
    query = query.where('location_code', '=', plan.location_code);
  } else if (reference) {
    if (type === 'BASE') {
      query = query.where((eb) => eb.or([eb('code', '=', reference), eb('slug', '=', reference)]));
    } else {
      const base = await findPlan(ctx, reference);
      if (!base) return [];
      query = query.where('location_code', '=', base.location_code);
    }
  }

  const rows = await query.orderBy('sort_order').orderBy('code').execute();
  return rows.map((row) => renderPackage(row, ctx.publicUrl()));
}

/** A plan by code or slug, base plans first (a top-up shares its base plan's slug). */
async function findPlan(ctx: ServiceContext, reference: string): Promise<PackageRecord | undefined> {
  const rows = await ctx.db.kysely
    .selectFrom('packages')
    .selectAll()
    .where((eb) => eb.or([eb('code', '=', reference), eb('slug', '=', reference)]))
    .execute();
  return rows.find((r) => r.type === 'BASE') ?? rows[0];
}

export function renderPackage(row: PackageRecord, publicUrl: string): z.infer<typeof PackageItem> {
  const networks = JSON.parse(row.networks) as NetworkEntry[];
  return {
    packageCode: row.code,
    slug: row.slug,
    name: row.name,
    price: row.price,
    currencyCode: 'USD',
    volume: row.volume,
    smsStatus: row.sms_status,
    dataType: row.data_type,
    unusedValidTime: row.unused_valid_time,
    duration: row.duration,
    durationUnit: 'DAY',
    location: row.location,
    locationCode: row.location_code,
    description: row.description,
    activeType: row.active_type,
    favorite: row.favorite === 1,
    retailPrice: row.retail_price,
    speed: row.speed,
    ipExport: row.ip_export,
    supportTopUpType: row.support_topup_type,
    fupPolicy: row.fup_policy,
    locationNetworkList: networks.map((n) => ({
      locationName: n.locationName ?? countryName(n.locationCode),
      locationLogo: flagUrl(publicUrl, n.locationCode),
      locationCode: n.locationCode,
      operatorList: n.operators,
    })),
  };
}
