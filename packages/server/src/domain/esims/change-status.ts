import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { MerchantContext } from '../context.js';
import { applyEsimEvents } from '../lifecycle/apply.js';
import type { LifecycleEvent } from '../lifecycle/transitions.js';
import { findOwnedEsim, type EsimRefInput, type EsimRow } from './find.js';

/**
 * A partner's lifecycle verb (cancel, suspend, unsuspend, revoke): applies `event` to the
 * merchant's eSIM through the lifecycle, in one transaction with `after` (a refund, say).
 * The lifecycle's update is conditional, so of two concurrent requests only one changes
 * anything; the other answers 200002.
 */
export async function changeEsimStatus(
  ctx: MerchantContext,
  ref: EsimRefInput,
  event: LifecycleEvent,
  after?: (tx: Transaction<Database>, esim: EsimRow, now: Date) => Promise<void>,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await findOwnedEsim(tx, ctx.merchant, ref);
    await applyEsimEvents(tx, esim, [event], { actor: 'merchant', at: now });
    await after?.(tx, esim, now);
  });
  ctx.wakeJobs?.(); // webhooks written with the change
}
