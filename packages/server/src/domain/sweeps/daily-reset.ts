import { sql } from 'kysely';
import type { ServiceContext } from '../context.js';
import { DAY_MS } from '../esims/activation.js';
import { sweepDue, type SweepScope } from './due.js';

/** Daily plans get a fresh allowance every 24 h from activation. */
export async function resetDailyAllowances(ctx: ServiceContext, scope: SweepScope): Promise<number> {
  const { now } = scope;
  return sweepDue(ctx, 'daily_reset_at', scope, async (tx, ids) => {
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
  });
}
