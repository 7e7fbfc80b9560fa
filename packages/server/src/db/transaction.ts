import type { Kysely, Transaction } from 'kysely';
import type { Db } from './connect.js';
import type { Database } from './schema.js';

/** Where statements run: the database, or a transaction on it. */
export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Runs `fn` in a transaction: the caller's when `executor` is one (the work commits or rolls
 * back with the caller's), else a new one, committed when `fn` returns. Work that may run
 * alone or as part of a larger change (a usage report inline or as its job, a ledger entry,
 * webhook events) takes an Executor and goes through here, so it composes and is atomic
 * either way.
 */
export function withTransaction<T>(executor: Executor | Db, fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  const kysely = 'kysely' in executor ? executor.kysely : executor;
  return kysely.isTransaction ? fn(kysely as Transaction<Database>) : kysely.transaction().execute(fn);
}
