import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { newCatalogVersion } from './import.js';

export interface SetPriceInput {
  packageCode: string;
  /** What merchants pay, in units (1/10,000 USD): package/list's `price`, checked by esim/order (200005). */
  price: number;
  /** The suggested retail price in units; unchanged when absent. */
  retailPrice?: number;
}

/**
 * Changes one package's price (a base plan or a top-up: each is its own package). Orders
 * already placed keep what they paid; new orders must quote the new price. Every instance
 * drops its cached package lists, as after an import.
 */
export async function setPackagePrice({ ctx, input }: Verb<SetPriceInput, ServiceContext>): Promise<{ price: number; retailPrice: number }> {
  for (const [name, value] of [['price', input.price], ['retail price', input.retailPrice]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) throw new ApiError('000107', `the ${name} must be a whole number of units, more than 0 (10000 = $1.00)`);
  }
  const result = await ctx.db.kysely.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('packages')
      .set({ price: input.price, ...(input.retailPrice !== undefined ? { retail_price: input.retailPrice } : {}) })
      .where('code', '=', input.packageCode)
      .returning(['price', 'retail_price'])
      .executeTakeFirst();
    if (!updated) throw new ApiError('310241', `The packageCode ${input.packageCode} does not exist.`);
    await newCatalogVersion(tx);
    return { price: Number(updated.price), retailPrice: Number(updated.retail_price) };
  });
  ctx.services.packageLists.invalidate();
  return result;
}
