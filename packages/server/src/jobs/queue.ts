import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database, JobsTable } from '../db/schema.js';

// A job queue in the `jobs` table of the same database, so a job is enqueued in the same
// transaction as the state change that needs it: both commit or neither does.
export type Job = Selectable<JobsTable>;
type Executor = Kysely<Database> | Transaction<Database>;

/** Adds a job; with a dedupe key, only if no job with that key exists. */
export async function enqueueJob(tx: Executor, job: { kind: string; payload: unknown; runAt: Date; now: Date; dedupeKey?: string }): Promise<void> {
  await tx
    .insertInto('jobs')
    .values({ kind: job.kind, payload: JSON.stringify(job.payload), run_at: job.runAt.getTime(), created_at: job.now.getTime(), dedupe_key: job.dedupeKey ?? null })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/**
 * Leases up to `limit` due jobs to `workerId` until `leaseUntil` (wall clock). A job whose
 * lease has passed (its worker died) is due again. On PostgreSQL concurrent workers skip
 * each other's rows, so no two workers take the same job.
 */
export async function claimDueJobs(
  db: Db,
  options: { workerId: string; now: Date; leaseUntil: number; wallNow: number; limit: number; excludeKinds?: string[] },
): Promise<Job[]> {
  const kysely = db.kysely;
  let due = kysely
    .selectFrom('jobs')
    .select('id')
    .where('run_at', '<=', options.now.getTime())
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', options.wallNow)]))
    .orderBy('run_at')
    .orderBy('id')
    .limit(options.limit);
  if (options.excludeKinds?.length) due = due.where('kind', 'not in', options.excludeKinds);
  if (db.dialect.skipLocked) due = due.forUpdate().skipLocked();
  return kysely
    .updateTable('jobs')
    .set((eb) => ({ locked_by: options.workerId, locked_until: options.leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * Removes a job in the caller's transaction, so the job is gone exactly when its work
 * commits. Only while the worker that claimed it still holds it.
 */
export async function finishJobIn(tx: Executor, job: Job): Promise<void> {
  await tx.deleteFrom('jobs').where('id', '=', job.id).where('locked_by', '=', job.locked_by).execute();
}

/** Removes a finished job, if this worker still holds it. */
export async function completeJob(db: Db, job: Job, workerId: string): Promise<void> {
  await db.kysely.deleteFrom('jobs').where('id', '=', job.id).where('locked_by', '=', workerId).execute();
}

/** Releases a failed job to run again at `runAt`. */
export async function retryJob(db: Db, job: Job, workerId: string, error: string, runAt: Date): Promise<void> {
  await db.kysely
    .updateTable('jobs')
    .set({ locked_by: null, locked_until: null, last_error: error.slice(0, 2000), run_at: runAt.getTime() })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** The earliest due time of a job later than `after`, leaving out some kinds. */
export async function nextJobTime(db: Db, after: Date, excludeKinds: string[]): Promise<number | null> {
  let query = db.kysely.selectFrom('jobs').select((eb) => eb.fn.min<number>('run_at').as('t')).where('run_at', '>', after.getTime());
  if (excludeKinds.length) query = query.where('kind', 'not in', excludeKinds);
  const row = await query.executeTakeFirst();
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}
