import type { MerchantContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';

// A merchant's favourite plans, marked in the console. The list is the merchant's own; it
// does not change package/list's `favorite` (the catalogue's flag, shared by every merchant:
// docs/console.md says why).

/** Marks a plan as a favourite (again: nothing changes). An unknown code answers 310241. */
export async function addFavourite({ ctx, input }: Verb<{ packageCode: string }>): Promise<void> {
  const db = ctx.db.kysely;
  const plan = await db.selectFrom('packages').select('code').where('code', '=', input.packageCode).executeTakeFirst();
  if (!plan) throw new ApiError('310241', `The packageCode does not exist: ${input.packageCode}.`);
  await db
    .insertInto('merchant_favourites')
    .values({ merchant_id: ctx.merchant.id, package_code: plan.code, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['merchant_id', 'package_code']).doNothing())
    .execute();
}

export async function removeFavourite({ ctx, input }: Verb<{ packageCode: string }>): Promise<void> {
  await ctx.db.kysely.deleteFrom('merchant_favourites').where('merchant_id', '=', ctx.merchant.id).where('package_code', '=', input.packageCode).execute();
}

/** The codes of the merchant's favourite plans. */
export async function favouritePackageCodes({ ctx }: { ctx: MerchantContext }): Promise<Set<string>> {
  const rows = await ctx.db.kysely.selectFrom('merchant_favourites').select('package_code').where('merchant_id', '=', ctx.merchant.id).execute();
  return new Set(rows.map((r) => r.package_code));
}
