import { formatWireTime } from '@esimkit/contract';
import type { MerchantContext } from '../context.js';

/** Reads the balance fresh from storage: the request's merchant row may be cached. */
export async function queryBalance({ ctx }: { ctx: MerchantContext }) {
  const row = await ctx.db.kysely
    .selectFrom('merchants')
    .select(['balance', 'balance_updated_at'])
    .where('id', '=', ctx.merchant.id)
    .executeTakeFirstOrThrow();
  return { balance: row.balance, lastUpdateTime: formatWireTime(new Date(row.balance_updated_at)) };
}
