import type { Db } from '../../db/connect.js';
import { loggedBody } from './mask.js';

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
 * Keeps each merchant's recent API requests for the console's request log. Requests are
 * buffered and written in one INSERT every `flushMs`, so logging costs a request no query;
 * the log is a convenience, not a record of money: entries still buffered when a process
 * dies are lost, and a buffer past `maxBuffered` drops new entries (counted in `dropped`)
 * rather than let memory grow when the database is slow.
 */
export class RequestLogRecorder {
  private buffer: Record<string, unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly options: { flushMs?: number; maxBuffered?: number; onError?: (error: unknown) => void } = {},
  ) {}

  record(entry: RequestLogEntry): void {
    if (this.buffer.length >= (this.options.maxBuffered ?? 10_000)) {
      this.dropped += 1;
      return;
    }
    this.buffer.push({
      merchant_id: entry.merchantId,
      request_id: entry.requestId,
      endpoint: entry.endpoint,
      code: entry.code,
      latency_us: Math.round(entry.latencyUs),
      ip: entry.ip,
      request_body: loggedBody(entry.requestBody),
      response_body: loggedBody(entry.responseBody),
      created_at: entry.at,
    });
    // unref: a pending write never keeps a process alive (close() flushes on the way out).
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 500).unref();
  }

  /** Writes what is buffered (tests call it to read their own requests at once). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const rows = this.buffer;
    this.buffer = [];
    if (rows.length === 0) return;
    this.flushing = (async () => {
      try {
        // Bound parameters per statement: SQLite allows 32,766; 10 columns x 500 rows stays under.
        for (let i = 0; i < rows.length; i += 500) {
          await this.db.kysely.insertInto('api_requests').values(rows.slice(i, i + 500) as never).execute();
        }
      } catch (error) {
        this.options.onError?.(error);
      }
    })();
    await this.flushing;
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
