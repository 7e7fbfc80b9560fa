import { BufferedWriter } from '../../db/buffered-writer.js';
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
 * Keeps each merchant's recent API requests for the console's request log, written in the
 * background (BufferedWriter): logging costs a request no query. The log is a convenience,
 * not a record of money: entries still buffered when a process is killed are lost.
 */
export class RequestLogRecorder {
  private readonly writer: BufferedWriter<'api_requests'>;

  constructor(db: Db, options: { flushMs?: number; maxBuffered?: number; onError?: (error: unknown) => void } = {}) {
    this.writer = new BufferedWriter(db, 'api_requests', { flushMs: options.flushMs ?? 500, maxBuffered: options.maxBuffered, onError: options.onError });
  }

  /** Entries dropped because the buffer was full. */
  get dropped(): number {
    return this.writer.dropped;
  }

  record(entry: RequestLogEntry): void {
    this.writer.add({
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
  }

  /** Writes what is buffered (tests call it to read their own requests at once). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
