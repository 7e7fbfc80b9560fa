import type { Db } from './connect.js';
import type { Database } from './schema.js';

/**
 * Rows written in the background: buffered and inserted in one statement every `flushMs`, so
 * the request that produced a row pays no query. For records a request leaves behind but
 * does not depend on (the request log, the RequestIDs of the replay window): rows still
 * buffered when a process is killed are lost (close() writes them on a normal stop), and a
 * buffer past `maxBuffered` drops new rows (counted in `dropped`) rather than let memory grow
 * while the database is slow.
 */
export class BufferedWriter<T extends keyof Database & string> {
  private buffer: Record<string, unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly table: T,
    private readonly options: {
      flushMs: number;
      maxBuffered?: number;
      /** Rows whose key is already there are skipped (ON CONFLICT (column) DO NOTHING). */
      skipConflictsOn?: string;
      onError?: (error: unknown) => void;
    },
  ) {}

  add(row: Record<string, unknown>): void {
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

  private async write(rows: Record<string, unknown>[]): Promise<void> {
    try {
      // Bound parameters per statement: SQLite allows 32,766; 500 rows of up to 60 columns stay under.
      for (let i = 0; i < rows.length; i += 500) {
        let insert = this.db.kysely.insertInto(this.table).values(rows.slice(i, i + 500) as never);
        const key = this.options.skipConflictsOn;
        if (key) insert = insert.onConflict((oc) => oc.column(key as never).doNothing());
        await insert.execute();
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
