import type { ServiceContext } from '../context.js';
import { recordStatusChanges, type StatusChange } from '../esims/transition.js';
import { EXPIRING_STATES, sweepDue } from './due.js';

/**
 * Ends the validity of every eSIM whose expiredTime has passed: never activated ->
 * UNUSED_EXPIRED, activated -> USED_EXPIRED, each with its ESIM_STATUS webhook, in batches.
 * Returns how many expired.
 */
export async function expireEsims(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  const total = await sweepDue(ctx, 'expired_time', now, async (tx, ids) => {
    const rows = await tx.selectFrom('esims').select(['id', 'merchant_id', 'esim_status', 'activated_at']).where('id', 'in', ids).execute();
    const changes: StatusChange[] = [];
    // One UPDATE per (from, to) pair rather than per eSIM.
    const groups = new Map<string, { from: string; to: string; ids: number[] }>();
    for (const esim of rows) {
      if (!(EXPIRING_STATES as readonly string[]).includes(esim.esim_status)) continue;
      const to = esim.activated_at === null ? 'UNUSED_EXPIRED' : 'USED_EXPIRED';
      const key = `${esim.esim_status}>${to}`;
      const group = groups.get(key) ?? { from: esim.esim_status, to, ids: [] };
      group.ids.push(esim.id);
      groups.set(key, group);
      changes.push({ esimId: esim.id, merchantId: esim.merchant_id, field: 'esimStatus', from: esim.esim_status, to, actor: 'system', at: now });
    }
    for (const group of groups.values()) {
      await tx
        .updateTable('esims')
        .set({ esim_status: group.to, validity_warn_at: null, daily_reset_at: null })
        .where('id', 'in', group.ids)
        .where('esim_status', '=', group.from)
        .execute();
    }
    await recordStatusChanges(tx, changes);
  });
  if (total) ctx.wakeJobs?.();
  return total;
}
