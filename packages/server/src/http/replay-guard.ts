import type { Redis } from 'ioredis';
import type { Db } from '../db/connect.js';
import { CLEAN_STOP } from '../db/replay-marker.js';

// Remembers RT-RequestIDs of signed requests for the signature window, so a captured
// request cannot be sent again. Without Redis: in memory, kept across restarts in the
// database (PersistentReplayGuard); in Redis when instances share.
export interface ReplayGuard {
  /** True the first time a key is seen within ttlMs; false for a replay. `sentAt`: the request's signed timestamp (ms). */
  firstSeen(key: string, ttlMs: number, sentAt?: number): Promise<boolean>;
}

/**
 * Two generations of keys, swapped every `ttl`: a key is remembered for at least the ttl
 * asked and at most twice it, and forgetting costs nothing per request (a map swept entry
 * by entry slowed every thousandth request by the whole map's size).
 */
export class MemoryReplayGuard implements ReplayGuard {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotateAt = 0;

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    return this.check(key, ttlMs);
  }

  /** firstSeen without the promise, for guards built on this one. */
  check(key: string, ttlMs: number): boolean {
    const now = Date.now();
    if (now >= this.rotateAt) {
      this.previous = now - this.rotateAt > ttlMs ? new Set() : this.current;
      this.current = new Set();
      this.rotateAt = now + ttlMs;
    }
    if (this.current.has(key) || this.previous.has(key)) return false;
    this.current.add(key);
    return true;
  }

  /** Every key still remembered. */
  keys(): string[] {
    return [...this.previous, ...this.current];
  }
}

/**
 * The in-memory window, kept across restarts at no cost per request. A normal stop writes the
 * RequestIDs still inside their window to seen_request_ids with a mark saying the stop was
 * clean; the next start reads them back (at its first check: the runtime opens before it
 * migrates). A start without the mark follows a crash, whose RequestIDs are lost: until one
 * window has passed it refuses signed requests timestamped before it started, so no request
 * served before the crash can be replayed (a client whose clock runs behind may see 101001
 * for that long after a crash).
 */
export class PersistentReplayGuard implements ReplayGuard {
  private readonly memory = new MemoryReplayGuard();
  private loaded: Promise<void> | undefined;
  /** After a crash: signed timestamps before this are refused. */
  private refuseSignedBefore: number | undefined;
  /**
   * When this process started: a request signed later cannot have been served by the process
   * that crashed before it. Taken here, not at the first signed request (the window is read
   * lazily), or requests signed between the start and the first one would be refused too.
   */
  private readonly startedAt = Date.now();

  /** `ttlMs`: how long a RequestID is remembered (twice the signature window). */
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly onError?: (error: unknown) => void,
  ) {}

  async firstSeen(key: string, ttlMs: number, sentAt?: number): Promise<boolean> {
    await (this.loaded ??= this.load(this.ttlMs));
    if (this.refuseSignedBefore !== undefined && sentAt !== undefined && sentAt < this.refuseSignedBefore) return false;
    return this.memory.check(key, ttlMs);
  }

  private async load(ttlMs: number): Promise<void> {
    const startedAt = this.startedAt;
    const rows = await this.db.kysely.transaction().execute(async (tx) => {
      const found = await tx.selectFrom('seen_request_ids').select(['key', 'expires_at']).execute();
      // Read once: the next clean stop writes them again, with the mark.
      await tx.deleteFrom('seen_request_ids').execute();
      return found;
    });
    if (!rows.some((r) => r.key === CLEAN_STOP)) this.refuseSignedBefore = startedAt;
    for (const row of rows) if (row.key !== CLEAN_STOP && Number(row.expires_at) > startedAt) this.memory.check(row.key, ttlMs);
  }

  /**
   * A normal stop: the live RequestIDs and the clean-stop mark. A process that served no
   * signed request (an operator command) leaves the stored rows as they are. A write that
   * fails leaves no mark, so the next start acts as after a crash: the safe side.
   */
  async close(): Promise<void> {
    if (!this.loaded) return;
    try {
      await this.loaded;
      const expiresAt = Date.now() + this.ttlMs;
      const rows = [...this.memory.keys(), CLEAN_STOP].map((key) => ({ key, expires_at: expiresAt }));
      await this.db.kysely.transaction().execute(async (tx) => {
        for (let i = 0; i < rows.length; i += 500) await tx.insertInto('seen_request_ids').values(rows.slice(i, i + 500)).onConflict((oc) => oc.column('key').doNothing()).execute();
      });
    } catch (error) {
      this.onError?.(error);
    }
  }
}

/**
 * Fails open like the Redis rate limiter: while Redis is unreachable, signed requests are
 * served (the signature and timestamp are still checked) and the outage is logged.
 */
export class RedisReplayGuard implements ReplayGuard {
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'esimkit:rid:',
    private readonly warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  ) {}

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.redis.set(this.prefix + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.warn(`replay window: Redis unavailable, not checking RequestIDs (${(error as Error).message})`);
      }
      return true;
    }
  }
}
