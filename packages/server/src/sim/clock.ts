import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Clock } from '../lib/clock.js';

const OFFSET_KEY = 'sandbox_clock_offset_ms';

/**
 * The sandbox's clock: wall-clock time plus an offset that only grows. The offset lives in
 * the database so every instance agrees; each process re-reads it every `syncMs` and at
 * once after moving it itself. Time keeps flowing between moves.
 */
export class SandboxClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  async load(): Promise<void> {
    const row = await this.db.kysely.selectFrom('meta').select('value').where('key', '=', OFFSET_KEY).executeTakeFirst();
    this.offsetMs = Math.max(this.offsetMs, Number(row?.value ?? 0));
  }

  startSync(syncMs = 1000): void {
    this.timer = setInterval(() => void this.load().catch(() => {}), syncMs);
    this.timer.unref();
  }

  stopSync(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Moves the clock to `target` (never backward: a target in the past changes nothing and
   * returns false). Stored first, so a concurrent move by another instance cannot be undone.
   */
  async moveTo(target: Date): Promise<boolean> {
    await this.load();
    const offset = target.getTime() - Date.now();
    if (offset <= this.offsetMs) return false;
    await this.db.kysely.insertInto('meta').values({ key: OFFSET_KEY, value: '0' }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const moved = await this.db.kysely
      .updateTable('meta')
      .set({ value: String(offset) })
      .where('key', '=', OFFSET_KEY)
      .where(sql<number>`CAST(value AS BIGINT)`, '<', offset)
      .executeTakeFirst();
    await this.load();
    return Number(moved.numUpdatedRows) > 0;
  }
}
