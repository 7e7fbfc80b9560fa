import { randomHex } from '../lib/random.js';
import type { ServiceContext } from '../domain/context.js';
import { claimDueJobs, completeJob, retryJob, type Job } from './queue.js';

/**
 * Does a job's work. Returns true when it removed the job itself, inside its own
 * transaction (finishJobIn): one commit fewer per job on the hot paths.
 */
export type JobHandler = (ctx: ServiceContext, payload: any, job: Job) => Promise<void | boolean>;

export interface RunnerOptions {
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /** Most jobs in flight at once in this process. */
  concurrency?: number;
  /** Most jobs leased in one claim. */
  batch?: number;
  /** How long a lease lasts before another worker may take the job over. */
  leaseMs?: number;
  /** Attempts before a job is parked with its last error. */
  maxAttempts?: number;
}

/**
 * Runs due jobs from the jobs table with their handlers, at least once: a handler must be
 * idempotent. Jobs run independently up to `concurrency` at a time, so one slow job (a
 * webhook to a dead endpoint) never holds up the others. Failures retry with exponential
 * backoff; a job that fails `maxAttempts` times stays in the table, parked a year ahead
 * with its last error, for an operator to look at.
 */
export class JobRunner {
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

  constructor(
    private readonly ctx: ServiceContext,
    private readonly handlers: Record<string, JobHandler>,
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

  /**
   * Runs every due job until none is left, waiting for each (tests and the sandbox clock),
   * leaving `excludeKinds` to the background loop.
   */
  async drain(excludeKinds: string[] = []): Promise<number> {
    let total = 0;
    for (;;) {
      const jobs = await this.claim(this.batch, excludeKinds);
      if (jobs.length === 0) return total;
      await Promise.all(jobs.map((job) => this.run(job)));
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
    if (free <= 0) return; // a finishing job schedules the next tick
    this.claiming = true;
    const wanted = Math.min(free, this.batch);
    let claimed: Job[] = [];
    try {
      claimed = await this.claim(wanted);
    } catch (error) {
      this.ctx.log?.error({ err: error }, 'claiming jobs failed');
    } finally {
      this.claiming = false;
    }
    this.backlog = claimed.length === wanted;
    for (const job of claimed) {
      const running: Promise<void> = this.run(job).finally(() => {
        this.inFlight.delete(running);
        if (this.backlog) this.schedule(0);
      });
      this.inFlight.add(running);
    }
    this.schedule(this.backlog ? 0 : this.pollMs);
  }

  private claim(limit: number, excludeKinds: string[] = []): Promise<Job[]> {
    return claimDueJobs(this.ctx.db, {
      excludeKinds,
      workerId: this.workerId,
      now: this.ctx.clock.now(),
      wallNow: Date.now(),
      leaseUntil: Date.now() + this.leaseMs,
      limit,
    });
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const finished = await handler(this.ctx, JSON.parse(job.payload), job);
      if (finished !== true) await completeJob(this.ctx.db, job, this.workerId);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.ctx.log?.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed');
      const parked = job.attempts >= this.maxAttempts;
      const delay = parked ? 365 * 24 * 3600_000 : Math.min(60_000, 100 * 2 ** job.attempts);
      await retryJob(this.ctx.db, job, this.workerId, message, new Date(this.ctx.clock.now().getTime() + delay)).catch(() => {});
    }
  }
}
