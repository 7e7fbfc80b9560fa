import { randomHex } from '../lib/random.js';
import type { ServiceContext } from '../domain/context.js';
import { claimDueJobs, completeJob, retryJob, type Job } from './queue.js';

export type JobHandler = (ctx: ServiceContext, payload: any, job: Job) => Promise<void>;

export interface RunnerOptions {
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /** Jobs leased per round. */
  batch?: number;
  /** How long a lease lasts before another worker may take the job over. */
  leaseMs?: number;
  /** Attempts before a job is parked with its last error. */
  maxAttempts?: number;
}

/**
 * Polls the jobs table and runs due jobs with their handler, at least once: a handler must
 * be idempotent. Failures retry with exponential backoff; a job that fails `maxAttempts`
 * times stays in the table (run_at far in the future) with its last error for an operator.
 */
export class JobRunner {
  readonly workerId = `worker-${process.pid}-${randomHex(4)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly handlers: Record<string, JobHandler>,
    options: RunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
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
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs every due job until none is left (tests and the sandbox clock use it). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.round();
      total += done;
      if (done === 0) return total;
    }
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, delay);
  }

  private async loop(): Promise<void> {
    let claimed = 0;
    try {
      claimed = await this.round();
    } catch (error) {
      this.ctx.log?.error({ err: error }, 'job round failed');
    }
    if (this.stopped) return;
    const again = claimed >= this.batch || this.wakeRequested;
    this.wakeRequested = false;
    this.schedule(again ? 0 : this.pollMs);
  }

  private async round(): Promise<number> {
    const jobs = await claimDueJobs(this.ctx.db, {
      workerId: this.workerId,
      now: this.ctx.clock.now(),
      wallNow: Date.now(),
      leaseUntil: Date.now() + this.leaseMs,
      limit: this.batch,
    });
    await Promise.all(jobs.map((job) => this.run(job)));
    return jobs.length;
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(this.ctx, JSON.parse(job.payload), job);
      await completeJob(this.ctx.db, job, this.workerId);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.ctx.log?.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed');
      const parked = job.attempts >= this.maxAttempts;
      const delay = parked ? 365 * 24 * 3600_000 : Math.min(60_000, 100 * 2 ** job.attempts);
      await retryJob(this.ctx.db, job, this.workerId, message, new Date(this.ctx.clock.now().getTime() + delay)).catch(() => {});
    }
  }
}
