import type { Selectable } from 'kysely';
import type { Db } from '../db/connect.js';
import type { JobsTable } from '../db/schema.js';
import { insertRows } from '../db/insert-rows.js';
import type { Executor } from '../db/transaction.js';
import type { JobPayloads } from './catalog.js';

// A job queue in the `jobs` table of the same database, so a job is enqueued in the same
// transaction as the state change that needs it: both commit or neither does. Due times and
// leases are wall-clock time; a job that belongs to a merchant runs on that merchant's clock
// (the sandbox moves a merchant's clock by moving its jobs' due times with it).
export type Job = Selectable<JobsTable>;

export interface NewJob<P, K extends keyof P> {
  kind: K;
  payload: P[K];
  /** Due this long from now (default: at once)... */
  delayMs?: number;
  /** ...or at this wall-clock time. */
  at?: number;
  /** The merchant whose clock the work runs on; none for housekeeping. */
  merchantId?: number | null;
  /** A job that must exist at most once (recurring sweeps). */
  dedupeKey?: string;
}

/** Adds a job; with a dedupe key, only if no job with that key exists. Returns its id (none when deduplicated). */
export async function enqueueJob<P = JobPayloads, K extends keyof P & string = keyof P & string>(tx: Executor, job: NewJob<P, K>): Promise<number | undefined> {
  const row = await tx
    .insertInto('jobs')
    .values(jobRow(job, Date.now()))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Adds several jobs without dedupe keys in one statement. */
export async function enqueueJobs<P = JobPayloads, K extends keyof P & string = keyof P & string>(tx: Executor, jobs: readonly Omit<NewJob<P, K>, 'dedupeKey'>[]): Promise<void> {
  if (jobs.length === 0) return;
  const wallNow = Date.now();
  await insertRows(
    tx,
    'jobs',
    jobs.map((job) => jobRow(job, wallNow)),
  );
}

function jobRow<P, K extends keyof P & string>(job: NewJob<P, K>, wallNow: number) {
  return {
    kind: job.kind,
    payload: JSON.stringify(job.payload),
    run_at: job.at ?? wallNow + (job.delayMs ?? 0),
    created_at: wallNow,
    merchant_id: job.merchantId ?? null,
    dedupe_key: job.dedupeKey ?? null,
  };
}

/**
 * The webhook deliveries one transaction writes for one merchant go in one job, in the order
 * written (the DATA_USAGE and USED_UP of one use arrive in that order). The job of each
 * (transaction, merchant) is remembered with the transaction object and forgotten with it.
 */
const deliveryJobOfTransaction = new WeakMap<Executor, Map<number, { jobId: number; eventIds: number[] }>>();

export async function enqueueDeliveries(tx: Executor, merchantId: number, eventIds: number[]): Promise<void> {
  const jobs = tx.isTransaction ? (deliveryJobOfTransaction.get(tx) ?? new Map()) : undefined;
  const batch = jobs?.get(merchantId);
  if (batch) {
    batch.eventIds.push(...eventIds);
    await tx.updateTable('jobs').set({ payload: JSON.stringify({ eventIds: batch.eventIds }) }).where('id', '=', batch.jobId).execute();
    return;
  }
  const jobId = await enqueueJob(tx, { kind: 'deliver-webhook', payload: { eventIds }, merchantId });
  if (jobs && jobId !== undefined) {
    jobs.set(merchantId, { jobId, eventIds: [...eventIds] });
    deliveryJobOfTransaction.set(tx, jobs);
  }
}

export interface ClaimOptions {
  workerId: string;
  wallNow: number;
  leaseUntil: number;
  limit: number;
  excludeKinds?: readonly string[];
  /** Only this merchant's jobs (a sandbox clock advance runs them itself)... */
  merchantId?: number;
  /** ...else everyone's except merchants whose clock is being advanced (sandbox). */
  skipAdvancing?: boolean;
}

/**
 * Leases up to `limit` due jobs to `workerId` until `leaseUntil`. A job whose lease has
 * passed (its worker died) is due again; a failed job never is. On PostgreSQL concurrent
 * workers skip each other's rows, so no two workers take the same job.
 */
export async function claimDueJobs(db: Db, options: ClaimOptions): Promise<Job[]> {
  const kysely = db.kysely;
  let due = kysely
    .selectFrom('jobs')
    .select('id')
    .where('run_at', '<=', options.wallNow)
    .where('failed_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', options.wallNow)]))
    .orderBy('run_at')
    .orderBy('id')
    .limit(options.limit);
  if (options.excludeKinds?.length) due = due.where('kind', 'not in', options.excludeKinds);
  if (options.merchantId !== undefined) due = due.where('merchant_id', '=', options.merchantId);
  else if (options.skipAdvancing) {
    // The advance runs the merchant's time-driven jobs itself, on its moving clock; webhook
    // deliveries go on in the background, so a slow receiver cannot stall the advance.
    due = due.where((eb) =>
      eb.or([
        eb('kind', '=', 'deliver-webhook'),
        eb.not(
          eb.exists(
            eb
              .selectFrom('clock_advances')
              .select('clock_advances.merchant_id')
              .whereRef('clock_advances.merchant_id', '=', 'jobs.merchant_id')
              .where('clock_advances.until', '>', options.wallNow),
          ),
        ),
      ]),
    );
  }
  if (db.dialect.skipLocked) due = due.forUpdate().skipLocked();
  return kysely
    .updateTable('jobs')
    .set((eb) => ({ locked_by: options.workerId, locked_until: options.leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Removes a job in the caller's transaction, if `workerId` still holds it. */
export async function removeJob(tx: Executor, job: Job, workerId: string): Promise<void> {
  await tx.deleteFrom('jobs').where('id', '=', job.id).where('locked_by', '=', workerId).execute();
}

/** Removes jobs `workerId` still holds, in one statement. */
export async function removeJobs(executor: Executor, jobs: readonly Job[], workerId: string): Promise<void> {
  await executor.deleteFrom('jobs').where('id', 'in', jobs.map((j) => j.id)).where('locked_by', '=', workerId).execute();
}

/**
 * Releases a failed attempt to run again `delayMs` from now. A wait (`giveBackAttempt`) hands
 * back the attempt its claim counted, so only real failures use up the job's attempts.
 */
export async function retryJob(db: Db, job: Job, workerId: string, error: string, delayMs: number, giveBackAttempt = false): Promise<void> {
  await db.kysely
    .updateTable('jobs')
    .set((eb) => ({
      locked_by: null,
      locked_until: null,
      last_error: error.slice(0, 2000),
      run_at: Date.now() + delayMs,
      ...(giveBackAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
    }))
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** A job out of attempts: failed, kept with its last error, never due again. */
export async function failJob(db: Db, job: Job, workerId: string, error: string): Promise<void> {
  await db.kysely
    .updateTable('jobs')
    .set({ locked_by: null, locked_until: null, last_error: error.slice(0, 2000), failed_at: Date.now() })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** The earliest wall-clock due time of a merchant's live jobs, leaving out some kinds. */
export async function nextJobTime(db: Db, merchantId: number, excludeKinds: readonly string[]): Promise<number | null> {
  let query = db.kysely
    .selectFrom('jobs')
    .select((eb) => eb.fn.min<number>('run_at').as('t'))
    .where('merchant_id', '=', merchantId)
    .where('failed_at', 'is', null);
  if (excludeKinds.length) query = query.where('kind', 'not in', excludeKinds);
  const row = await query.executeTakeFirst();
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}

/** Jobs by kind and state, for /metrics. */
export async function jobCounts(db: Db): Promise<{ kind: string; failed: boolean; count: number }[]> {
  const rows = await db.kysely
    .selectFrom('jobs')
    .select((eb) => ['kind', eb('failed_at', 'is not', null).as('failed'), eb.fn.countAll<number>().as('count')])
    .groupBy(['kind', 'failed'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, failed: Boolean(r.failed), count: Number(r.count) }));
}
