import type { MerchantContext } from '../context.js';
import { esimStatuses, type EsimStatus } from '../lifecycle/states.js';

/** How many of the merchant's eSIMs are in each status (every status listed, 0 when none). */
export async function countEsimsByStatus({ ctx }: { ctx: MerchantContext }): Promise<Record<EsimStatus, number>> {
  const rows = await ctx.db.kysely
    .selectFrom('esims')
    .select((eb) => ['esim_status', eb.fn.countAll<string | number>().as('count')])
    .where('merchant_id', '=', ctx.merchant.id)
    .groupBy('esim_status')
    .execute();
  const counts = Object.fromEntries(esimStatuses.map((status) => [status, 0])) as Record<EsimStatus, number>;
  for (const row of rows) counts[row.esim_status] = Number(row.count);
  return counts;
}
