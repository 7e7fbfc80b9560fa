import { formatWireTime } from '@esimkit/contract';
import type { CompiledQuery } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { MerchantContext } from '../context.js';

// balance/query is a hot read: its query is built and compiled once per database, and run
// with the merchant's id as its one parameter (building it took longer than running it).
const compiled = new WeakMap<Db, CompiledQuery<{ balance: number; balance_updated_at: number }>>();

function balanceStatement(db: Db) {
  let statement = compiled.get(db);
  if (!statement) {
    statement = db.kysely.selectFrom('merchants').select(['balance', 'balance_updated_at']).where('id', '=', 0).compile();
    compiled.set(db, statement);
  }
  return statement;
}

/** Reads the balance fresh from storage: the request's merchant row may be cached. */
export async function queryBalance({ ctx }: { ctx: MerchantContext }) {
  const statement = balanceStatement(ctx.db);
  const { rows } = await ctx.db.kysely.executeQuery<{ balance: number; balance_updated_at: number }>({ ...statement, parameters: [ctx.merchant.id] });
  const row = rows[0];
  if (!row) throw new Error(`merchant ${ctx.merchant.id} disappeared`);
  return { balance: Number(row.balance), lastUpdateTime: formatWireTime(new Date(Number(row.balance_updated_at))) };
}
