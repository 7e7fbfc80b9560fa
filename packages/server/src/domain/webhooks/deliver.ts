import type { Selectable, Transaction } from 'kysely';
import type { Database, MerchantsTable, WebhookEventsTable } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';
import { enqueueJobs } from '../../jobs/queue.js';
import type { RunningJob } from '../../jobs/runner.js';
import { postJson, type PostResult } from './post.js';
import { signatureHeaders } from './signing.js';
import { openSigningState } from '../merchants/secrets.js';
import { checkWebhookTarget, UnsafeWebhookUrl } from './url-policy.js';

/** Sends a prepared body to a URL after checking it; an unsafe URL is a failed attempt. */
export async function sendWebhook(ctx: ServiceContext, url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
  try {
    const target = await checkWebhookTarget(url, ctx.config.webhookAllowPrivate);
    return await postJson(target, body, headers, ctx.config.webhookTimeoutMs);
  } catch (error) {
    if (error instanceof UnsafeWebhookUrl) return { statusCode: null, latencyMs: 0, response: '', error: error.message };
    throw error;
  }
}

export function isSuccess(result: PostResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

type EventRow = Selectable<WebhookEventsTable>;
type Endpoint = Pick<Selectable<MerchantsTable>, 'webhook_url' | 'webhook_secret_sealed' | 'webhook_previous_secret_sealed' | 'webhook_previous_secret_until'>;

/** One attempt made, to be recorded. */
export interface Attempt {
  event: EventRow;
  url: string;
  startedAt: number;
  result: PostResult;
}

export const endpointColumns = ['webhook_url', 'webhook_secret_sealed', 'webhook_previous_secret_sealed', 'webhook_previous_secret_until'] as const;

/**
 * Posts one pending event to its merchant's endpoint; none set means the event is marked
 * no_endpoint (and nothing is returned).
 */
export async function attemptDelivery(ctx: ServiceContext, event: EventRow, merchant: Endpoint): Promise<Attempt | undefined> {
  if (!merchant.webhook_url) {
    await ctx.db.kysely.updateTable('webhook_events').set({ status: 'no_endpoint', next_attempt_at: null }).where('id', '=', event.id).execute();
    return undefined;
  }
  const startedAt = Date.now();
  const result = await sendWebhook(ctx, merchant.webhook_url, event.body, signatureHeaders(openSigningState(ctx.secrets, merchant), event.notify_id, event.body));
  return { event, url: merchant.webhook_url, startedAt, result };
}

/**
 * Records attempts in the caller's transaction: only a 2xx counts; a failure schedules the
 * next attempt per the retry schedule (a job of the merchant's, so a sandbox clock advance
 * brings it forward); after the last the event is failed. An event row changes only if it is
 * still as its attempt found it, so a duplicate job (a worker died after posting) cannot
 * double-count.
 */
export async function recordAttempts(ctx: ServiceContext, tx: Transaction<Database>, attempts: readonly Attempt[]): Promise<void> {
  const now = Date.now();
  const schedule = ctx.config.webhookRetryScheduleMs;
  // Attempts alike (the same count before, the same outcome) are recorded by one UPDATE: a
  // batch of deliveries is mostly one such group, and on PostgreSQL each statement is a round
  // trip. An event named twice in a group (duplicate jobs) counts once.
  const groups = new Map<string, Map<number, Attempt>>();
  for (const made of attempts) {
    const key = `${made.event.attempts}:${isSuccess(made.result)}`;
    const group = groups.get(key) ?? new Map<number, Attempt>();
    if (!group.has(made.event.id)) group.set(made.event.id, made);
    groups.set(key, group);
  }
  const counted: Attempt[] = [];
  const retries: { eventId: number; merchantId: number; delayMs: number }[] = [];
  for (const group of groups.values()) {
    const [first] = group.values();
    const attempt = first!.event.attempts + 1;
    const delivered = isSuccess(first!.result);
    const retryDelay = !delivered && attempt <= schedule.length ? schedule[attempt - 1]! : null;
    const updated = await tx
      .updateTable('webhook_events')
      .set({
        attempts: attempt,
        status: delivered ? 'delivered' : retryDelay !== null ? 'pending' : 'failed',
        delivered_at: delivered ? now : null,
        next_attempt_at: retryDelay !== null ? now + retryDelay : null,
      })
      .where('id', 'in', [...group.keys()])
      .where('status', '=', 'pending')
      .where('attempts', '=', first!.event.attempts)
      .returning('id')
      .execute();
    for (const { id } of updated) {
      const made = group.get(Number(id))!;
      counted.push(made);
      if (retryDelay !== null) retries.push({ eventId: made.event.id, merchantId: made.event.merchant_id, delayMs: retryDelay });
    }
  }
  await enqueueJobs(
    tx,
    retries.map(({ eventId, merchantId, delayMs }) => ({ kind: 'deliver-webhook' as const, payload: { eventIds: [eventId] }, delayMs, merchantId })),
  );
  if (counted.length === 0) return;
  await tx
    .insertInto('webhook_attempts')
    .values(
      counted.map(({ event, url, startedAt, result }) => ({
        event_id: event.id,
        attempt: event.attempts + 1,
        url,
        at: startedAt,
        status_code: result.statusCode,
        latency_ms: result.latencyMs,
        response: result.response,
        error: result.error,
      })),
    )
    .execute();
}

/**
 * Whether a job may post one more event before its lease ends: a post may take the whole
 * WEBHOOK_TIMEOUT_MS, and a job still posting when its lease ends is taken over by another
 * worker, which sends the same events again. A job's first post is always made (the runner's
 * lease covers one post: runtime.ts), so every job makes progress.
 */
export function timeForAnotherPost(ctx: ServiceContext, leaseUntil: number, posted: number): boolean {
  return posted === 0 || Date.now() + ctx.config.webhookTimeoutMs < leaseUntil;
}

/** The events a job had no time left to post, handed to a job of their own (due at once), in the caller's transaction. */
export async function handOver(tx: Transaction<Database>, merchantId: number, eventIds: number[]): Promise<void> {
  await enqueueJobs(tx, [{ kind: 'deliver-webhook', payload: { eventIds }, merchantId }]);
}

/**
 * The delivery job: its events one after another, in the order they were written; each
 * attempt is recorded in its own transaction (the last one's also finishes the job), so a
 * slow receiver later in the list never holds back the record of an earlier delivery. When
 * its lease would end before another post could, the rest go to a new job.
 */
export async function deliverWebhooks(ctx: ServiceContext, eventIds: number[], job?: RunningJob): Promise<void> {
  const db = ctx.db.kysely;
  // A job's events are one merchant's: its endpoint is read once, at the first pending one.
  let merchant: Endpoint | undefined;
  let posted = 0;
  for (const [index, eventId] of eventIds.entries()) {
    const finishing = index === eventIds.length - 1 ? job : undefined;
    const event = await db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!event || event.status !== 'pending') continue;
    if (job && !timeForAnotherPost(ctx, job.leaseUntil, posted)) {
      await db.transaction().execute(async (tx) => {
        await handOver(tx, event.merchant_id, eventIds.slice(index));
        await job.finishIn(tx);
      });
      return;
    }
    merchant ??= await db.selectFrom('merchants').select(endpointColumns).where('id', '=', event.merchant_id).executeTakeFirstOrThrow();
    const attempt = await attemptDelivery(ctx, event, merchant);
    posted += 1;
    if (!attempt) continue;
    await db.transaction().execute(async (tx) => {
      await recordAttempts(ctx, tx, [attempt]);
      await finishing?.finishIn(tx);
    });
  }
}

/** A delivery job that failed for good (not a refused delivery: the job itself kept breaking). */
export async function failDeliveries(ctx: ServiceContext, eventIds: number[]): Promise<void> {
  await ctx.db.kysely.updateTable('webhook_events').set({ status: 'failed', next_attempt_at: null }).where('id', 'in', eventIds).where('status', '=', 'pending').execute();
}
