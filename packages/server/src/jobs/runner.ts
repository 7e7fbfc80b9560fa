import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ServiceContext } from '../domain/context.js';
import { clockOffsets, merchantClock } from '../domain/merchant-clock.js';
import type { Clock } from '../lib/clock.js';
import { randomHex } from '../lib/random.js';
import type { JobPayloads } from './catalog.js';
import { claimDueJobs, failJob, removeJob, removeJobs, retryJob, type Job } from './queue.js';
import { RetryLater } from './retry-later.js';

/** What a handler may do with the job it runs. */
export interface RunningJob {
  attempts: number;
  /**
   * Wall-clock time the lease ends: after it another worker may take the job over, so work
   * made of long outside calls stops before it (persisting where it got) and asks to go on.
   */
  leaseUntil: number;
  /**
   * Removes the job in the handler's own transaction, so the job is gone exactly when its
   * work commits (one commit fewer on the hot paths). Otherwise the runner removes it after
   * the handler returns.
   */
  finishIn(tx: Kysely<Database> | Transaction<Database>): Promise<void>;
}

/** Removes every job of a batch in the handler's transaction, in one statement. */
export type FinishAllIn = (tx: Kysely<Database> | Transaction<Database>) => Promise<void>;

export interface JobHandler<Payload> {
  /** Does the work, at least once: it must be idempotent. Throwing means "try again later". */
  run(ctx: ServiceContext, payload: Payload, job: RunningJob): Promise<void>;
  /**
   * Does the work of several jobs of this kind and merchant claimed together, sharing
   * queries and commits (each job's `finishIn` in the transaction that does its work). If it
   * throws, its jobs run one by one with `run`, with the usual retries.
   */
  runBatch?(ctx: ServiceContext, batch: { payload: Payload; job: RunningJob }[], finishAllIn: FinishAllIn): Promise<void>;
  /** After the last attempt failed: makes the failure visible where its owner looks. */
  failed?(ctx: ServiceContext, payload: Payload, error: string): Promise<void>;
}

export type JobHandlers<P = JobPayloads> = { [K in keyof P]: JobHandler<P[K]> };

export interface RunnerOptions {
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /** Most jobs in flight at once in this process. */
  concurrency?: number;
  /** Most jobs leased in one claim. */
  batch?: number;
  /** How long a lease lasts before another worker may take the job over. */
  leaseMs?: number;
  /** Attempts before a job is failed for good. */
  maxAttempts?: number;
}

export interface DrainOptions {
  excludeKinds?: readonly string[];
  /** Only this merchant's jobs, on this clock (a sandbox clock advance). */
  merchant?: { id: number; clock: Clock };
}

/**
 * Runs due jobs from the jobs table with their handlers, at least once. Jobs run
 * independently up to `concurrency` at a time, so one slow job (a webhook to a dead
 * endpoint) never holds up the others. Failures retry with exponential backoff; after
 * `maxAttempts` the job is failed: kept with its last error, never due again, and its
 * handler's `failed` says so where it matters (the order, the webhook log).
 */
export class JobRunner<P = JobPayloads> {
  readonly workerId = `worker-${process.pid}-${randomHex(4)}`;
  private timer: NodeJS.Timeout | undefined;
  private claiming = false;
  private stopped = true;
  /** The last claim was full: more jobs are probably due. */
  private backlog = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  /** Test seam: sees the jobs of each batch as it starts (nothing else shows that jobs ran together). */
  onBatch: ((jobs: readonly Job[]) => void) | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly handlers: JobHandlers<P>,
    options: RunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.concurrency = options.concurrency ?? 64;
    this.batch = options.batch ?? 20;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks for work now rather than at the next poll (called after enqueueing). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.claiming || this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
      if (this.claiming) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Runs every due job until none is left, waiting for each (tests and the sandbox clock). */
  async drain(options: DrainOptions = {}): Promise<number> {
    let total = 0;
    for (;;) {
      const jobs = await this.claim(this.batch, options);
      if (jobs.length === 0) return total;
      const clocks = await this.clocksOf(jobs, options.merchant);
      await Promise.all(this.runAll(jobs, clocks));
      total += jobs.length;
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    if (this.claiming || this.stopped) return;
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) {
      // Full: the next job to finish looks again. Without this, a wake that found the runner
      // full was lost when the last claim had not been full (no backlog): due jobs then
      // waited for the next enqueue, which a quiet system may never make (seen on PostgreSQL:
      // a drained webhook backlog stopped after 70 deliveries).
      this.backlog = true;
      return;
    }
    // Claiming lasts until the claimed jobs are in flight: a tick meanwhile (PostgreSQL
    // answers the clock query asynchronously) would count free slots these jobs are about to
    // take, and claim past the concurrency.
    this.claiming = true;
    const wanted = Math.min(free, this.batch);
    let claimed: Job[] = [];
    let clocks: (job: Job) => Clock = () => this.ctx.clock;
    try {
      claimed = await this.claim(wanted);
      clocks = await this.clocksOf(claimed);
    } catch (error) {
      this.ctx.log?.error({ err: error }, 'claiming jobs failed');
    } finally {
      this.claiming = false;
    }
    this.backlog = claimed.length === wanted;
    for (const work of this.runAll(claimed, clocks)) {
      const running: Promise<void> = work.finally(() => {
        this.inFlight.delete(running);
        if (this.backlog) this.schedule(0);
      });
      this.inFlight.add(running);
    }
    this.schedule(this.backlog ? 0 : this.pollMs);
  }

  /**
   * Starts the claimed jobs: those of a kind that runs in batches together per merchant
   * (one clock per merchant), the rest one by one. One promise per job, so the in-flight
   * count stays a count of jobs.
   */
  private runAll(jobs: Job[], clocks: (job: Job) => Clock): Promise<void>[] {
    const groups = new Map<string, Job[]>();
    const started: Promise<void>[] = [];
    for (const job of jobs) {
      if (!this.handlerOf(job)?.runBatch) {
        started.push(this.run(job, clocks(job)));
        continue;
      }
      const key = `${job.kind}\u0000${job.merchant_id ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), job]);
    }
    for (const group of groups.values()) {
      const work = group.length === 1 ? this.run(group[0]!, clocks(group[0]!)) : this.runBatch(group, clocks(group[0]!));
      started.push(...group.map(() => work));
    }
    return started;
  }

  private handlerOf(job: Job): JobHandler<unknown> | undefined {
    return (this.handlers as Record<string, JobHandler<unknown> | undefined>)[job.kind];
  }

  private async runBatch(jobs: Job[], clock: Clock): Promise<void> {
    const handler = this.handlerOf(jobs[0]!)!;
    const ctx: ServiceContext = clock === this.ctx.clock ? this.ctx : { ...this.ctx, clock };
    const runs = jobs.map((job) => this.runningJob(job));
    let allFinished = false;
    const finishAllIn: FinishAllIn = async (tx) => {
      await removeJobs(tx, jobs, this.workerId);
      allFinished = true;
    };
    this.onBatch?.(jobs);
    try {
      await handler.runBatch!(
        ctx,
        runs.map(({ running }, i) => ({ payload: JSON.parse(jobs[i]!.payload) as unknown, job: running })),
        finishAllIn,
      );
      if (allFinished) return;
      const unfinished = jobs.filter((_, i) => !runs[i]!.finished());
      if (unfinished.length) await removeJobs(this.ctx.db.kysely, unfinished, this.workerId);
    } catch (error) {
      this.ctx.log?.warn({ err: error, kind: jobs[0]!.kind, jobs: jobs.length }, 'batch failed; running its jobs one by one');
      // Every job, even one whose finishIn ran: its transaction may be the one that failed
      // (at COMMIT, say). A job whose work did commit finds nothing left to do (handlers are
      // idempotent) and is removed.
      await Promise.all(jobs.map((job) => this.run(job, clock)));
    }
  }

  private runningJob(job: Job): { running: RunningJob; finished: () => boolean } {
    let finished = false;
    const running: RunningJob = {
      attempts: job.attempts,
      leaseUntil: Number(job.locked_until),
      finishIn: async (tx) => {
        await removeJob(tx, job, this.workerId);
        finished = true;
      },
    };
    return { running, finished: () => finished };
  }

  private claim(limit: number, options: DrainOptions = {}): Promise<Job[]> {
    const wallNow = Date.now();
    return claimDueJobs(this.ctx.db, {
      excludeKinds: options.excludeKinds,
      workerId: this.workerId,
      wallNow,
      leaseUntil: wallNow + this.leaseMs,
      limit,
      ...(options.merchant ? { merchantId: options.merchant.id } : { skipAdvancing: Boolean(this.ctx.sandbox) }),
    });
  }

  /** Each claimed job's clock: its merchant's (offsets read once for the batch), or the drain's. */
  private async clocksOf(jobs: Job[], merchant?: DrainOptions['merchant']): Promise<(job: Job) => Clock> {
    if (merchant) return () => merchant.clock;
    let offsets = new Map<number, number>();
    const merchantIds = jobs.flatMap((j) => (j.merchant_id === null ? [] : [Number(j.merchant_id)]));
    if (this.ctx.sandbox && merchantIds.length) {
      try {
        offsets = await clockOffsets(this.ctx.db, merchantIds);
      } catch (error) {
        this.ctx.log?.error({ err: error }, 'reading merchant clocks failed');
      }
    }
    return (job) => (job.merchant_id === null ? this.ctx.clock : merchantClock(offsets.get(Number(job.merchant_id)) ?? 0));
  }

  private async run(job: Job, clock: Clock): Promise<void> {
    const handler = this.handlerOf(job);
    const ctx: ServiceContext = clock === this.ctx.clock ? this.ctx : { ...this.ctx, clock };
    const { running, finished } = this.runningJob(job);
    let payload: unknown;
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      payload = JSON.parse(job.payload);
      await handler.run(ctx, payload, running);
      if (!finished()) await removeJob(this.ctx.db.kysely, job, this.workerId);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (error instanceof RetryLater) {
        // Waiting, not failing: the attempt is given back, so waits never use up the attempts
        // a real failure needs (the handler owns the deadline and gives up itself).
        this.ctx.log?.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts - 1, reason: error.message }, 'job waits');
        await retryJob(this.ctx.db, job, this.workerId, error.message, error.delayMs ?? waitMs(job), true).catch(() => {});
        return;
      }
      this.ctx.log?.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed');
      if (job.attempts < this.maxAttempts) {
        await retryJob(this.ctx.db, job, this.workerId, message, backoffMs(job.attempts)).catch(() => {});
        return;
      }
      await failJob(this.ctx.db, job, this.workerId, message).catch(() => {});
      this.ctx.log?.error({ jobId: job.id, kind: job.kind, error: message }, 'job failed for good');
      await handler?.failed?.(ctx, payload, message).catch((err: unknown) => this.ctx.log?.error({ err, jobId: job.id }, 'job failure handler failed'));
    }
  }
}

/**
 * A waiting job's next look: as long again as it has existed (200 ms doubling as the wait
 * goes on, at most a minute). Its attempts cannot measure a wait, since waits give them back.
 */
function waitMs(job: Job): number {
  return Math.min(60_000, Math.max(200, Date.now() - Number(job.created_at)));
}

/** Exponential backoff from 200 ms, capped at a minute. */
function backoffMs(attempts: number): number {
  return Math.min(60_000, 100 * 2 ** Math.min(attempts, 20));
}
