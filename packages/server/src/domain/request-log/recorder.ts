import { randomUUID } from 'node:crypto';
import { BufferedWriter } from '../../db/buffered-writer.js';
import type { Db } from '../../db/connect.js';
import { loggedBody, MAX_LOGGED_BYTES } from './mask.js';

export interface RequestLogEntry {
  merchantId: number;
  requestId: string;
  endpoint: string;
  code: string;
  latencyUs: number;
  ip: string;
  requestBody: string | Buffer;
  responseBody: string | Buffer;
  /** Real time (the log is a record of what happened, not of a sandbox clock). */
  at: number;
}

/**
 * How long one api_shared_answers row serves an answer Buffer before a new row is written for
 * it. A row can be pruned once every request naming it is: SHARED_ANSWER_RENEW_MS after the
 * log's retention (sweeps/prune-requests.ts).
 */
export const SHARED_ANSWER_RENEW_MS = 3_600_000;

interface SharedAnswer {
  id: string;
  since: number;
}

/**
 * Keeps each merchant's recent API requests for the console's request log, written in the
 * background (BufferedWriter): logging costs a request no query. The log is a convenience,
 * not a record of money: entries still buffered when a process is killed are lost.
 *
 * A large answer sent as one shared Buffer (a cached package list goes out as the same bytes
 * to every caller) is masked and written once, to api_shared_answers, and each request's row
 * names it: a 4 KB copy per row was most of what logging a package/list cost.
 */
export class RequestLogRecorder {
  private readonly writer: BufferedWriter<'api_requests'>;
  private readonly sharedAnswers = new WeakMap<Buffer, SharedAnswer>();
  private readonly savingShared = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly options: { flushMs?: number; maxBuffered?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.writer = new BufferedWriter(db, 'api_requests', { flushMs: options.flushMs ?? 500, maxBuffered: options.maxBuffered, onError: options.onError });
  }

  /** Entries dropped because the buffer was full. */
  get dropped(): number {
    return this.writer.dropped;
  }

  record(entry: RequestLogEntry): void {
    const shared = this.sharedAnswerOf(entry.responseBody, entry.at);
    this.writer.add({
      merchant_id: entry.merchantId,
      request_id: entry.requestId,
      endpoint: entry.endpoint,
      code: entry.code,
      latency_us: Math.round(entry.latencyUs),
      ip: entry.ip,
      request_body: loggedBody(entry.requestBody),
      response_body: shared ? '' : loggedBody(entry.responseBody),
      shared_answer_id: shared?.id ?? null,
      created_at: entry.at,
    });
  }

  /** The api_shared_answers row of a large answer Buffer, written on first sight (and again every SHARED_ANSWER_RENEW_MS). */
  private sharedAnswerOf(body: string | Buffer, at: number): SharedAnswer | undefined {
    // Answers built per request are strings; only answers serialised once are Buffers.
    if (typeof body === 'string' || body.length <= MAX_LOGGED_BYTES) return undefined;
    const known = this.sharedAnswers.get(body);
    if (known && at - known.since < SHARED_ANSWER_RENEW_MS) return known;
    const shared = { id: randomUUID(), since: at };
    this.sharedAnswers.set(body, shared);
    // Written before the rows naming it in all but failure: those rows are flushed flushMs
    // later. If it fails, the console shows those rows without their answer.
    const saving = this.db.kysely
      .insertInto('api_shared_answers')
      .values({ id: shared.id, body: loggedBody(body), created_at: at })
      .execute()
      .then(
        () => undefined,
        (error: unknown) => this.options.onError?.(error),
      )
      .finally(() => this.savingShared.delete(saving));
    this.savingShared.add(saving);
    return shared;
  }

  /** Writes what is buffered (tests call it to read their own requests at once). */
  async flush(): Promise<void> {
    await Promise.all(this.savingShared);
    return this.writer.flush();
  }

  async close(): Promise<void> {
    await Promise.all(this.savingShared);
    return this.writer.close();
  }
}
