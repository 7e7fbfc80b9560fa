import type { ServiceContext, Verb } from '../context.js';
import { ledgerStatement, type StatementQuery } from '../balance/statement.js';

/**
 * A merchant's ledger statement by its id, for an operator (the operator API); the merchant
 * reads its own through its console. Undefined when there is no such merchant.
 */
export async function merchantLedgerStatement({ ctx, input }: Verb<StatementQuery & { merchantId: number }, ServiceContext>) {
  const merchant = await ctx.db.kysely.selectFrom('merchants').select('id').where('id', '=', input.merchantId).executeTakeFirst();
  if (!merchant) return undefined;
  const { merchantId: _id, ...query } = input;
  return ledgerStatement({ ctx: { ...ctx, merchant: { id: Number(merchant.id) } }, input: query });
}
