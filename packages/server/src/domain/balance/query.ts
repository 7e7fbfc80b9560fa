import { formatWireTime } from '@esimkit/contract';
import type { Db } from '../../db/connect.js';
import { PreparedStatement } from '../../db/prepared.js';
import type { MerchantBalance, MerchantContext } from '../context.js';

/** balance/query is a hot read: its statement is compiled once per runtime (`ctx.services.balanceQuery`; building it took longer than running it). */
export function prepareBalanceQuery(db: Db): PreparedStatement<{ merchantId: number }, MerchantBalance> {
  return new PreparedStatement((values) => db.kysely.selectFrom('merchants').select(['balance', 'balance_updated_at']).where('id', '=', values.merchantId));
}

/** Reads the balance fresh from storage: the request's merchant (settings only) may be cached. */
export async function queryBalance({ ctx }: { ctx: MerchantContext }) {
  const { rows } = await ctx.services.balanceQuery.run(ctx.db.kysely, { merchantId: ctx.merchant.id });
  const row = rows[0];
  if (!row) throw new Error(`merchant ${ctx.merchant.id} disappeared`);
  return { balance: Number(row.balance), lastUpdateTime: formatWireTime(new Date(Number(row.balance_updated_at))) };
}
