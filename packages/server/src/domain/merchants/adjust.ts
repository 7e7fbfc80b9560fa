import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';

export interface AdjustInput {
  accessCode: string;
  /** Units (1/10,000 USD), positive or negative, never 0. */
  amount: number;
  /** Why: kept as the ledger entry's note, shown on the merchant's statement. */
  reason: string;
}

/**
 * Corrects a merchant's balance through the ledger (an `adjustment` entry carrying the
 * reason). A negative adjustment is a debit like any other: one that would take the
 * balance below zero changes nothing and is refused with 200007 (domain/ledger.ts).
 */
export async function adjustBalance({ ctx, input }: Verb<AdjustInput, ServiceContext>): Promise<{ balance: number }> {
  if (!Number.isSafeInteger(input.amount) || input.amount === 0) {
    throw new ApiError('000107', 'amount must be a whole number of units other than 0 (10000 = $1.00; negative to debit)');
  }
  const reason = input.reason.trim();
  if (reason === '') throw new ApiError('000106', 'an adjustment needs a reason');
  return ctx.db.kysely.transaction().execute(async (tx) => {
    const merchant = await tx.selectFrom('merchants').select('id').where('access_code_hash', '=', ctx.secrets.hashAccessCode(input.accessCode)).executeTakeFirst();
    if (!merchant) throw new ApiError('000101', `no merchant with access code ${input.accessCode}`);
    const balance = await ctx.services.ledger.post(tx, { merchantId: Number(merchant.id), amount: input.amount, kind: 'adjustment', note: reason, now: ctx.clock.now() });
    return { balance };
  });
}
