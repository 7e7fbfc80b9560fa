import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { MerchantContext } from '../context.js';
import { ApiError } from '../errors.js';
import { findOwnedEsim, type EsimRefInput, type EsimRow } from './find.js';
import { recordStatusChanges, type Actor } from './transition.js';

export interface StatusRule {
  /** esimStatus values the change may start from. */
  from: readonly string[];
  to: string;
  /** Further condition on the eSIM (e.g. not yet installed). */
  also?: (esim: EsimRow, now: Date) => boolean;
}

/**
 * Moves a merchant's eSIM from one of `rule.from` to `rule.to`, recording who and when, in
 * one transaction with `after` (a refund, say). The UPDATE repeats the expected status, so
 * of two concurrent requests only one changes anything; the other answers 200002.
 */
export async function changeEsimStatus(
  ctx: MerchantContext,
  ref: EsimRefInput,
  rule: StatusRule,
  after?: (tx: Transaction<Database>, esim: EsimRow, now: Date) => Promise<void>,
  actor: Actor = 'merchant',
): Promise<EsimRow> {
  const now = ctx.clock.now();
  const changed = await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await findOwnedEsim(tx, ctx.merchant, ref);
    const allowed = rule.from.includes(esim.esim_status) && esim.expired_time > now.getTime() && (rule.also?.(esim, now) ?? true);
    if (!allowed) {
      throw new ApiError('200002', `This operation is not allowed due to the order status: the eSIM is ${esim.esim_status} / ${esim.smdp_status}.`);
    }
    const updated = await tx
      .updateTable('esims')
      .set({ esim_status: rule.to })
      .where('id', '=', esim.id)
      .where('esim_status', '=', esim.esim_status)
      .where('smdp_status', '=', esim.smdp_status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new ApiError('200002', 'The eSIM changed while this request ran; query it and try again.');
    await recordStatusChanges(tx, [{ esimId: esim.id, merchantId: esim.merchant_id, field: 'esimStatus', from: esim.esim_status, to: rule.to, actor, at: now }]);
    await after?.(tx, esim, now);
    return { ...esim, esim_status: rule.to };
  });
  ctx.wakeJobs?.(); // webhooks written with the change
  return changed;
}
