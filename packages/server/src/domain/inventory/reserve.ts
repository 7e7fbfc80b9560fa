import type { Transaction } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import { ApiError } from '../errors.js';

/** True when the operator has imported profiles for this package: then only those are used. */
export async function hasInventory(tx: Transaction<Database>, packageCode: string): Promise<boolean> {
  const row = await tx.selectFrom('profiles').select('id').where('package_code', '=', packageCode).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Sets aside `count` free profiles of a package for an order, in the order's transaction,
 * so that an accepted order is sure to get its profiles and a refused one (200011) takes
 * none. On PostgreSQL rows another order is reserving are skipped rather than waited for.
 */
export async function reserveProfiles(tx: Transaction<Database>, dialect: Dialect, packageCode: string, orderId: number, count: number): Promise<void> {
  let free = tx
    .selectFrom('profiles')
    .select('id')
    .where('package_code', '=', packageCode)
    .where('order_id', 'is', null)
    .orderBy('id')
    .limit(count);
  if (dialect.skipLocked) free = free.forUpdate().skipLocked();
  const ids = (await free.execute()).map((r) => r.id);
  if (ids.length < count) {
    throw new ApiError('200011', `Insufficient available Profiles for the package ${packageCode}: ${ids.length} left, ${count} asked.`);
  }
  await tx.updateTable('profiles').set({ order_id: orderId }).where('id', 'in', ids).execute();
}
