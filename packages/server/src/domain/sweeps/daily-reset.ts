import { sql } from 'kysely';
import type { ServiceContext } from '../context.js';
import { DAY_MS } from '../esims/activation.js';
import { dueEsimIds, SWEEP_BATCH } from './due.js';

/** Daily plans get a fresh allowance every 24 h from activation. */
export async function resetDailyAllowances(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  let total = 0;
  for (;;) {
    const done = await ctx.db.kysely.transaction().execute(async (tx) => {
      const ids = await dueEsimIds(ctx.db, 'daily_reset_at', now, SWEEP_BATCH, tx);
      if (ids.length === 0) return 0;
      // Past several boundaries at once (the clock jumped): the next reset is the first
      // boundary after now.
      await tx
        .updateTable('esims')
        .set({
          daily_usage: 0,
          daily_reset_at: sql<number>`daily_reset_at + ((${now.getTime()} - daily_reset_at) / ${DAY_MS} + 1) * ${DAY_MS}`,
        })
        .where('id', 'in', ids)
        .execute();
      return ids.length;
    });
    total += done;
    if (done < SWEEP_BATCH) break;
  }
  return total;
}
