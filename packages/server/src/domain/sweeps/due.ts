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

/**
 * Ids of up to `limit` eSIMs whose `column` is due, oldest first, read through the column's
 * partial index. On PostgreSQL rows another instance is sweeping are skipped, so several
 * instances share a sweep without doing anything twice.
 */
export async function dueEsimIds(
  db: Db,
  column: 'expired_time' | 'validity_warn_at' | 'daily_reset_at',
  now: Date,
  limit: number,
  tx: Kysely<Database> = db.kysely,
): Promise<number[]> {
  let query = tx.selectFrom('esims').select('id').where(column, '<=', now.getTime()).orderBy(column).limit(limit);
  query = column === 'expired_time' ? query.where(EXPIRING) : query.where(column, 'is not', null);
  if (db.dialect.skipLocked) query = query.forUpdate().skipLocked();
  return (await query.execute()).map((r) => r.id);
}

/** The earliest time any sweep has work, or null: lets the sandbox clock stop at each. */
export async function nextSweepTime(db: Db, after: Date): Promise<number | null> {
  const k = db.kysely;
  const [expiry, warn, reset] = await Promise.all([
    k.selectFrom('esims').select((eb) => eb.fn.min<number>('expired_time').as('t')).where(EXPIRING).where('expired_time', '>', after.getTime()).executeTakeFirst(),
    k.selectFrom('esims').select((eb) => eb.fn.min<number>('validity_warn_at').as('t')).where('validity_warn_at', 'is not', null).where('validity_warn_at', '>', after.getTime()).executeTakeFirst(),
    k.selectFrom('esims').select((eb) => eb.fn.min<number>('daily_reset_at').as('t')).where('daily_reset_at', 'is not', null).where('daily_reset_at', '>', after.getTime()).executeTakeFirst(),
  ]);
  const times = [expiry?.t, warn?.t, reset?.t].filter((t): t is number => t !== null && t !== undefined).map(Number);
  return times.length ? Math.min(...times) : null;
}

/**
 * Runs `handle` over every eSIM whose `column` is due, a batch per transaction, until a
 * batch comes back short. `handle` gets the batch's ids inside the transaction that locked
 * them. Returns how many eSIMs were handled.
 */
export async function sweepDue(
  ctx: { db: Db },
  column: 'expired_time' | 'validity_warn_at' | 'daily_reset_at',
  now: Date,
  handle: (tx: Transaction<Database>, ids: number[]) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await ctx.db.kysely.transaction().execute(async (tx) => {
      const ids = await dueEsimIds(ctx.db, column, now, SWEEP_BATCH, tx);
      if (ids.length) await handle(tx, ids);
      return ids.length;
    });
    total += done;
    if (done < SWEEP_BATCH) return total;
  }
}
