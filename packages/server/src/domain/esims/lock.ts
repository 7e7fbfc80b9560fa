import type { Transaction } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import { foundMeanwhile, type EsimRow } from './find.js';

/**
 * Reads an eSIM for a read-modify-write in the caller's transaction, locking its row on
 * PostgreSQL so two concurrent changes (two data uses) cannot lose one another. SQLite has
 * one writer at a time already. An eSIM found a moment ago may be gone by now (a sandbox
 * reset in between): the caller answers as for a missing one.
 */
export async function lockEsim(tx: Transaction<Database>, dialect: Dialect, esimId: number): Promise<EsimRow> {
  let query = tx.selectFrom('esims').selectAll().where('id', '=', esimId);
  if (dialect.skipLocked) query = query.forUpdate();
  return foundMeanwhile(await query.executeTakeFirst());
}
