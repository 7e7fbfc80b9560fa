import { setImmediate } from 'node:timers/promises';
import type { Insertable } from 'kysely';
import type { Db } from './connect.js';
import { PreparedStatement } from './prepared.js';
import type { Database } from './schema.js';

const CHUNK_ROWS = 100;

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
  /** The insert of N rows, by N: built once each (building 100 rows took longer than writing them). */
  private readonly inserts = new Map<number, PreparedStatement<Record<string, unknown>>>();
  dropped = 0;

  /** `columns`: every row's, each given in every row (null, not left out). */
  constructor(
    private readonly db: Db,
    private readonly table: T,
    private readonly columns: readonly (keyof Insertable<Database[T]> & string)[],
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
      for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
        if (i > 0) await setImmediate();
        const chunk = rows.slice(i, i + CHUNK_ROWS);
        await this.insertOf(chunk.length).run(this.db.kysely, this.valuesOf(chunk));
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private insertOf(rowCount: number): PreparedStatement<Record<string, unknown>> {
    let insert = this.inserts.get(rowCount);
    if (!insert) {
      insert = new PreparedStatement((values) =>
        this.db.kysely.insertInto(this.table).values(
          Array.from({ length: rowCount }, (_, row) => Object.fromEntries(this.columns.map((column) => [column, values[`${row}:${column}`]]))) as never,
        ),
      );
      this.inserts.set(rowCount, insert);
    }
    return insert;
  }

  /** The rows as the values of insertOf's statement: `row:column`. */
  private valuesOf(rows: Insertable<Database[T]>[]): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [index, row] of rows.entries()) {
      for (const column of this.columns) values[`${index}:${column}`] = (row as Record<string, unknown>)[column];
    }
    return values;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
