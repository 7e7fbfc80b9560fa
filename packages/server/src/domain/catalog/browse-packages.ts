import type { PackageItem } from '@esimkit/contract';
import type { z } from 'zod';
import type { MerchantContext } from '../context.js';
import { favouritePackageCodes } from './favourites.js';
import { listPackages } from './list-packages.js';

export interface CatalogueFilter {
  /** As package/list: an ISO-2 or region code, `!RG` regional plans, `!GL` global ones. */
  locationCode?: string | undefined;
  type?: 'BASE' | 'TOPUP' | undefined;
  /** Data volume in bytes, inclusive. */
  minVolume?: number | undefined;
  maxVolume?: number | undefined;
  /** Validity in days, inclusive. */
  minDuration?: number | undefined;
  maxDuration?: number | undefined;
  /** Price in units (1/10,000 USD), inclusive. */
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  /** Words that must all appear in the name, code, slug or covered locations (any case). */
  text?: string | undefined;
  favouritesOnly?: boolean | undefined;
  /** Default: the catalogue's own order (package/list's). */
  sort?: CatalogueSort | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export const catalogueSorts = ['price', '-price', 'volume', '-volume', 'duration', '-duration'] as const;
/** A field to sort by, ascending; `-` first: descending. */
export type CatalogueSort = (typeof catalogueSorts)[number];

export type CataloguePackage = z.infer<typeof PackageItem> & { favourite: boolean };

/**
 * The console's catalogue: the plans package/list answers for the location and type, narrowed
 * by the console's finer filters and marked with the merchant's favourites, a page at a time.
 * Reading through listPackages keeps one rule for what a partner can buy and at what price.
 */
export async function browsePackages({ ctx, input }: { ctx: MerchantContext; input: CatalogueFilter }) {
  const [plans, favourites] = await Promise.all([listPackages(ctx, { locationCode: input.locationCode, type: input.type ?? 'BASE' }), favouritePackageCodes({ ctx })]);
  const words = (input.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const within = (value: number, min?: number, max?: number) => (min === undefined || value >= min) && (max === undefined || value <= max);
  const matches = plans
    .filter((p) => within(p.volume, input.minVolume, input.maxVolume))
    .filter((p) => within(p.duration, input.minDuration, input.maxDuration))
    .filter((p) => within(p.price, input.minPrice, input.maxPrice))
    .filter((p) => !input.favouritesOnly || favourites.has(p.packageCode))
    .filter((p) => {
      if (words.length === 0) return true;
      const haystack = `${p.name} ${p.packageCode} ${p.slug} ${p.location} ${p.locationCode}`.toLowerCase();
      return words.every((w) => haystack.includes(w));
    });
  if (input.sort) {
    const descending = input.sort.startsWith('-');
    const field = input.sort.replace('-', '') as 'price' | 'volume' | 'duration';
    // A stable sort: plans that tie keep the catalogue's order.
    matches.sort((a, b) => (descending ? b[field] - a[field] : a[field] - b[field]));
  }
  const pageSize = Math.min(200, Math.max(1, input.pageSize ?? 50));
  const pages = Math.max(1, Math.ceil(matches.length / pageSize));
  const page = Math.min(pages, Math.max(1, input.page ?? 1));
  const rows: CataloguePackage[] = matches.slice((page - 1) * pageSize, page * pageSize).map((p) => ({ ...p, favourite: favourites.has(p.packageCode) }));
  return { rows, total: matches.length, page, pages, pageSize };
}

/**
 * One plan by its code (base plan or top-up), as package/list renders it, with the top-ups
 * package/list offers for it; undefined when the code is unknown.
 */
export async function findCataloguePackage({ ctx, input }: { ctx: MerchantContext; input: { packageCode: string } }) {
  const [base, topups, favourites] = await Promise.all([
    listPackages(ctx, { packageCode: input.packageCode, type: 'BASE' }),
    listPackages(ctx, { packageCode: input.packageCode, type: 'TOPUP' }),
    favouritePackageCodes({ ctx }),
  ]);
  const basePlan = base.find((p) => p.packageCode === input.packageCode);
  const plan = basePlan ?? topups.find((p) => p.packageCode === input.packageCode);
  if (!plan) return undefined;
  const found: CataloguePackage = { ...plan, favourite: favourites.has(plan.packageCode) };
  return { plan: found, type: basePlan ? ('BASE' as const) : ('TOPUP' as const), topups: basePlan ? topups : [] };
}
