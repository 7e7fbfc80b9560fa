import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';

export const SWEEP_BATCH = 500;

/**
 * The expiry index's own condition (the lifecycle's LIVE_STATUSES), as literal SQL: a
 * database uses a partial index only when the query repeats its condition, and bound
 * parameters hide that from SQLite.
 */
const EXPIRING = sql<boolean>`esim_status IN ('GOT_RESOURCE', 'IN_USE', 'USED_UP', 'SUSPENDED')`;

type SweptColumn = 'expired_time' | 'validity_warn_at' | 'daily_reset_at';

/**
 * Whose eSIMs a sweep looks at, and their time: one merchant on its own clock (its sandbox
 * clock runs ahead), or everyone but some merchants on real time.
 */
export interface SweepScope {
  now: Date;
  merchantId?: number;
  excludeMerchants?: readonly number[];
}

/**
 * Ids of up to `limit` eSIMs whose `column` is due, oldest first, read through the column's
 * partial index (the per-merchant one for a merchant's scope). On PostgreSQL rows another
 * instance is sweeping are skipped, so several instances share a sweep without doing
 * anything twice.
 */
export async function dueEsimIds(db: Db, column: SweptColumn, scope: SweepScope, limit: number, tx: Kysely<Database> = db.kysely): Promise<number[]> {
  let query = tx.selectFrom('esims').select('id').where(column, '<=', scope.now.getTime());
  if (scope.merchantId !== undefined) query = query.where('merchant_id', '=', scope.merchantId).orderBy('merchant_id');
  else if (scope.excludeMerchants?.length) query = query.where('merchant_id', 'not in', scope.excludeMerchants);
  query = query.orderBy(column).limit(limit);
  query = column === 'expired_time' ? query.where(EXPIRING) : query.where(column, 'is not', null);
  if (db.dialect.skipLocked) query = query.forUpdate().skipLocked();
  return (await query.execute()).map((r) => r.id);
}

/** The earliest time after `after` a merchant's sweeps have work, or null: the sandbox clock stops at each. */
export async function nextSweepTime(db: Db, merchantId: number, after: Date): Promise<number | null> {
  const k = db.kysely;
  const next = (column: SweptColumn) => {
    let query = k
      .selectFrom('esims')
      .select((eb) => eb.fn.min<number>(column).as('t'))
      .where('merchant_id', '=', merchantId)
      .where(column, '>', after.getTime());
    query = column === 'expired_time' ? query.where(EXPIRING) : query.where(column, 'is not', null);
    return query.executeTakeFirst();
  };
  const rows = await Promise.all([next('expired_time'), next('validity_warn_at'), next('daily_reset_at')]);
  const times = rows.map((r) => r?.t).filter((t): t is number => t !== null && t !== undefined).map(Number);
  return times.length ? Math.min(...times) : null;
}

/**
 * Runs `handle` over every eSIM in scope whose `column` is due, a batch per transaction,
 * until a batch comes back short. `handle` gets the batch's ids inside the transaction that
 * locked them. Returns how many eSIMs were handled.
 */
export async function sweepDue(
  ctx: { db: Db },
  column: SweptColumn,
  scope: SweepScope,
  handle: (tx: Transaction<Database>, ids: number[]) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await ctx.db.kysely.transaction().execute(async (tx) => {
      const ids = await dueEsimIds(ctx.db, column, scope, SWEEP_BATCH, tx);
      if (ids.length) await handle(tx, ids);
      return ids.length;
    });
    total += done;
    if (done < SWEEP_BATCH) return total;
  }
}
