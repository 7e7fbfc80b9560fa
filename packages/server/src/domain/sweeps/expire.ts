import type { ServiceContext } from '../context.js';
import { applyEsimEventToMany } from '../lifecycle/apply.js';
import { sweepDue, type SweepScope } from './due.js';

/**
 * Ends the validity of every eSIM whose expiredTime has passed: never activated ->
 * UNUSED_EXPIRED, activated -> USED_EXPIRED, each with its ESIM_STATUS webhook, in batches.
 * Returns how many expired.
 */
export async function expireEsims(ctx: ServiceContext, scope: SweepScope): Promise<number> {
  const { now } = scope;
  const total = await sweepDue(ctx, 'expired_time', scope, async (tx, ids) => {
    const esims = await tx.selectFrom('esims').select(['id', 'merchant_id', 'esim_status', 'smdp_status', 'expired_time', 'installed_at', 'activated_at']).where('id', 'in', ids).execute();
    const items = esims.map((esim) => ({ esim, event: esim.activated_at === null ? ('EXPIRE_UNUSED' as const) : ('EXPIRE_USED' as const) }));
    await applyEsimEventToMany(tx, items, { actor: 'system', at: now, set: { validity_warn_at: null, daily_reset_at: null } });
  });
  if (total) ctx.wakeJobs?.();
  return total;
}
