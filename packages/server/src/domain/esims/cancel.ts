import { sql } from 'kysely';
import type { Verb } from '../context.js';
import { cancelEs2ProfileOfEsim } from '../orders/es2-cancellation.js';
import { changeEsimStatus } from './change-status.js';
import { requireEsimRef, type EsimRefInput } from './find.js';

/**
 * esim/cancel: only a new eSIM not yet downloaded. Everything paid for it goes back to the
 * balance: the plan and any top-up bought before the cancel, and a profile reserved at a
 * real SM-DP+ is cancelled there.
 */
export async function cancelEsim({ ctx, input }: Verb<EsimRefInput>): Promise<Record<string, never>> {
  await changeEsimStatus(
    ctx,
    requireEsimRef(input),
    'CANCEL',
    async (tx, esim, now) => {
      const paid = await tx
        .selectFrom('esim_packages')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('price'), sql<number>`0`).as('total'))
        .where('esim_id', '=', esim.id)
        .executeTakeFirstOrThrow();
      await ctx.services.ledger.post(tx, { merchantId: esim.merchant_id, amount: Number(paid.total), kind: 'refund', reference: esim.esim_tran_no, note: 'cancel', now });
      // A profile from a real SM-DP+ goes back to its stock (a job: the SM-DP+ may be down).
      await cancelEs2ProfileOfEsim(tx, esim.id);
    },
  );
  return {};
}
