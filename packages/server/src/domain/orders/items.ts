import type { Selectable } from 'kysely';
import type { OrderablePackage, PackageLookup } from './orderable-packages.js';
import type { PackagesTable } from '../../db/schema.js';
import { ApiError } from '../errors.js';

export type PackageRecord = Selectable<PackagesTable>;

/** One line of an accepted order, as stored with it. */
export interface OrderItem {
  packageCode: string;
  count: number;
  /** Price per eSIM: the package price x periodNum. */
  unitPrice: number;
  periodNum: number | null;
}

export interface PackageInfoInput {
  packageCode?: string | undefined;
  slug?: string | undefined;
  count: number;
  price?: number | undefined;
  periodNum?: number | undefined;
}

export const MAX_ESIMS_PER_ORDER = 30;

/** Daily plans (day passes) are sold per day: dataType 2-4. */
export function isDayPass(pkg: PackageRecord): boolean {
  return pkg.data_type !== 1;
}

/**
 * A line's stated `price`: the plan's price, or for a day pass also the price of the whole
 * period (per-day price x periodNum): real clients send either (docs/decisions.md).
 */
function acceptsStatedPrice(pkg: PackageRecord, periodNum: number | null, price: number): boolean {
  return price === pkg.price || (periodNum !== null && price === pkg.price * periodNum);
}

/**
 * Resolves and prices an order's lines. Checks, in the order a client meets them: unknown
 * package 310241, periodNum on a plan sold by the trip 200008, unit price 200005, more
 * than 30 eSIMs 200008.
 */
export async function priceOrder(lookup: PackageLookup, infos: PackageInfoInput[]): Promise<{ items: OrderItem[]; packages: OrderablePackage[]; total: number; count: number }> {
  const items: OrderItem[] = [];
  const packages: OrderablePackage[] = [];
  for (const [index, info] of infos.entries()) {
    const reference = info.packageCode ?? info.slug;
    if (!reference) throw new ApiError('000105', `Request parameters (mandatory) are not contained: packageInfoList[${index}].packageCode`);
    const pkg = await lookup(reference);
    if (!pkg) throw new ApiError('310241', `The packageCode does not exist: ${reference}`);
    if (info.periodNum !== undefined && !isDayPass(pkg)) {
      throw new ApiError('200008', `periodNum applies to daily plans only; ${reference} is sold for ${pkg.duration} days.`);
    }
    const periodNum = isDayPass(pkg) ? (info.periodNum ?? 1) : null;
    if (info.price !== undefined && !acceptsStatedPrice(pkg, periodNum, info.price)) {
      const costs = periodNum === null ? `${pkg.price}` : `${pkg.price} a day (${pkg.price * periodNum} for ${periodNum} days)`;
      throw new ApiError('200005', `Package price error for ${reference}: it costs ${costs}, the order says ${info.price}.`);
    }
    items.push({ packageCode: pkg.code, count: info.count, unitPrice: pkg.price * (periodNum ?? 1), periodNum });
    packages.push(pkg);
  }
  const count = items.reduce((sum, item) => sum + item.count, 0);
  if (count > MAX_ESIMS_PER_ORDER) throw new ApiError('200008', `An order holds at most ${MAX_ESIMS_PER_ORDER} eSIMs; this one asks for ${count}.`);
  const total = items.reduce((sum, item) => sum + item.unitPrice * item.count, 0);
  return { items, packages, total, count };
}
