import { ApiError } from '../errors.js';
import type { ServiceContext, Verb } from '../context.js';

export interface DepositInput {
  accessCode: string;
  /** Units (1/10,000 USD); must be positive. */
  amount: number;
  note?: string;
}

/** Credits a merchant through the ledger. Returns the new balance. */
export async function depositFunds({ ctx, input }: Verb<DepositInput, ServiceContext>): Promise<{ balance: number }> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new ApiError('000107', 'amount must be a positive integer number of units (10000 = $1.00)');
  }
  return ctx.db.kysely.transaction().execute(async (tx) => {
    const merchant = await tx.selectFrom('merchants').select('id').where('access_code_hash', '=', ctx.secrets.hashAccessCode(input.accessCode)).executeTakeFirst();
    if (!merchant) throw new ApiError('000101', `no merchant with access code ${input.accessCode}`);
    const balance = await ctx.services.ledger.post(tx, {
      merchantId: Number(merchant.id),
      amount: input.amount,
      kind: 'deposit',
      note: input.note ?? 'deposit',
      now: ctx.clock.now(),
    });
    return { balance };
  });
}
