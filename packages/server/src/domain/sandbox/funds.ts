import type { MerchantContext } from '../context.js';
import { sandboxOf } from './clock.js';

/** "Request funds for testing": credits test money through the ledger. */
export async function depositTestFunds({ ctx, input }: { ctx: MerchantContext; input: { amount: number } }) {
  sandboxOf(ctx);
  const balance = await ctx.services.ledger.post(ctx.db.kysely, { merchantId: ctx.merchant.id, amount: input.amount, kind: 'deposit', note: 'sandbox test funds', now: ctx.clock.now() });
  return { balance };
}
