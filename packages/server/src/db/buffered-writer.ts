import { setImmediate } from 'node:timers/promises';
import type { Insertable } from 'kysely';
import type { Db } from './connect.js';
import { insertRows, MAX_ROWS_PER_INSERT } from './insert-rows.js';
import type { Database } from './schema.js';

/**
 * Rows written in the background: buffered and inserted in one statement every `flushMs`, so
 * the request that produced a row pays no query. For records a request leaves behind but
 * does not depend on (the request log): rows still
 * buffered when a process is killed are lost (close() writes them on a normal stop), and a
 * buffer past `maxBuffered` drops new rows (counted in `dropped`) rather than let memory grow
 * while the database is slow.
 */
export class BufferedWriter<T extends keyof Database & string> {
  private buffer: Insertable<Database[T]>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  /** Every row gives every column (null, not left out): insertRows. */
  constructor(
    private readonly db: Db,
    private readonly table: T,
    private readonly options: {
      flushMs: number;
      maxBuffered?: number;
      onError?: (error: unknown) => void;
    },
  ) {}

  add(row: Insertable<Database[T]>): void {
    if (this.buffer.length >= (this.options.maxBuffered ?? 10_000)) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(row);
    // unref: a pending write never keeps a process alive (close() flushes on the way out).
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
  }

  /** Writes what is buffered now (tests call it to read their rows at once). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const rows = this.buffer;
    this.buffer = [];
    if (rows.length === 0) return;
    this.flushing = this.write(rows);
    await this.flushing;
    this.flushing = undefined;
  }

  private async write(rows: Insertable<Database[T]>[]): Promise<void> {
    try {
      // A statement of at most 100 rows, then the event loop's turn: better-sqlite3 runs a
      // statement on the main thread, and one of thousands of rows held every request waiting
      // behind it (a p99 of 25 ms under load).
      for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
        if (i > 0) await setImmediate();
        await insertRows(this.db.kysely, this.table, rows.slice(i, i + MAX_ROWS_PER_INSERT));
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
