import { formatWireTime } from '@esimkit/contract';
import type { CompiledQuery } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { MerchantBalance, MerchantContext } from '../context.js';

// balance/query is a hot read: its query is built and compiled once per runtime
// (`ctx.services.balanceQuery`), and run with the merchant's id as its one parameter
// (building it took longer than running it).
export function compileBalanceQuery(db: Db): CompiledQuery<MerchantBalance> {
  return db.kysely.selectFrom('merchants').select(['balance', 'balance_updated_at']).where('id', '=', 0).compile();
}

/** Reads the balance fresh from storage: the request's merchant (settings only) may be cached. */
export async function queryBalance({ ctx }: { ctx: MerchantContext }) {
  const statement = ctx.services.balanceQuery;
  const { rows } = await ctx.db.kysely.executeQuery<MerchantBalance>({ ...statement, parameters: [ctx.merchant.id] });
  const row = rows[0];
  if (!row) throw new Error(`merchant ${ctx.merchant.id} disappeared`);
  return { balance: Number(row.balance), lastUpdateTime: formatWireTime(new Date(Number(row.balance_updated_at))) };
}
