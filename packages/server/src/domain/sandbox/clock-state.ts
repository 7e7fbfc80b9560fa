import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';

// Where each merchant's sandbox clock is kept: its offset from real time on the merchant's
// row, and a mark while it is being advanced. Moving a clock moves the due times of the
// merchant's jobs with it, since job due times are real time.

/** Merchants whose clock runs ahead of real time. */
export async function merchantsAhead(db: Db): Promise<{ id: number; offsetMs: number }[]> {
  const rows = await db.kysely.selectFrom('merchants').select(['id', 'clock_offset_ms']).where('clock_offset_ms', '>', 0).execute();
  return rows.map((r) => ({ id: Number(r.id), offsetMs: Number(r.clock_offset_ms) }));
}

export async function clockOffsetOf(db: Db, merchantId: number): Promise<number> {
  const row = await db.kysely.selectFrom('merchants').select('clock_offset_ms').where('id', '=', merchantId).executeTakeFirstOrThrow();
  return Number(row.clock_offset_ms);
}

/**
 * Moves a merchant's clock forward to `target` (its time): never backward, and a concurrent
 * move that went further wins. The merchant's pending jobs come forward by as much, in the
 * same transaction. Returns the offset now in force.
 */
export async function moveMerchantClock(db: Db, merchantId: number, target: number): Promise<number> {
  return db.kysely.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('merchants').select('clock_offset_ms').where('id', '=', merchantId).executeTakeFirstOrThrow();
    const from = Number(current.clock_offset_ms);
    const to = target - Date.now();
    if (to <= from) return from;
    const moved = await tx
      .updateTable('merchants')
      .set({ clock_offset_ms: to })
      .where('id', '=', merchantId)
      .where('clock_offset_ms', '=', from)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return clockOffsetOf(db, merchantId);
    await tx
      .updateTable('jobs')
      .set({ run_at: sql<number>`run_at - ${to - from}` })
      .where('merchant_id', '=', merchantId)
      .where('failed_at', 'is', null)
      .execute();
    return to;
  });
}

/** Back to real time, with nothing of the merchant's left to run (sandbox reset). */
export async function resetMerchantClock(tx: Transaction<Database>, merchantId: number): Promise<void> {
  await tx.updateTable('merchants').set({ clock_offset_ms: 0 }).where('id', '=', merchantId).execute();
  await tx.deleteFrom('jobs').where('merchant_id', '=', merchantId).execute();
  await tx.deleteFrom('clock_advances').where('merchant_id', '=', merchantId).execute();
}

/** Marks (or, with null, unmarks) a merchant's clock as being advanced until a wall-clock time. */
export async function markAdvancing(db: Kysely<Database>, merchantId: number, untilWallMs: number | null): Promise<void> {
  if (untilWallMs === null) {
    await db.deleteFrom('clock_advances').where('merchant_id', '=', merchantId).execute();
    return;
  }
  await db
    .insertInto('clock_advances')
    .values({ merchant_id: merchantId, until: untilWallMs })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ until: untilWallMs }))
    .execute();
}

/** Merchants whose clock some instance is advancing right now. */
export async function advancingMerchants(db: Db): Promise<Set<number>> {
  const rows = await db.kysely.selectFrom('clock_advances').select('merchant_id').where('until', '>', Date.now()).execute();
  return new Set(rows.map((r) => Number(r.merchant_id)));
}
