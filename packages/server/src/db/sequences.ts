import { sql } from 'kysely';
import type { Db } from './connect.js';

/**
 * Reserves `count` consecutive values of a named counter and returns the first. It runs
 * in its own short statement (never inside a caller's transaction), so concurrent orders do
 * not queue on the counter's row; a rolled-back caller leaves a gap, which is harmless.
 */
export async function nextSequence(db: Db, name: string, count = 1): Promise<number> {
  const row = await db.kysely
    .insertInto('sequences')
    .values({ name, value: count })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<number>`sequences.value + ${count}` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}
