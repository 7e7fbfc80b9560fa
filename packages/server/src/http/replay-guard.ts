import type { Redis } from 'ioredis';
import { BufferedWriter } from '../db/buffered-writer.js';
import type { Db } from '../db/connect.js';

// Remembers RT-RequestIDs of signed requests for the signature window, so a captured
// request cannot be sent again. Without Redis: in memory, written to the database in the
// background and read back at start, so a restart forgets none; in Redis when instances share.
export interface ReplayGuard {
  /** True the first time a key is seen within ttlMs; false for a replay. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
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
}

/**
 * The in-memory window, kept across restarts: each new RequestID is also written to
 * seen_request_ids in the background (BufferedWriter, every 100 ms), and those still inside
 * the window are read back when the process starts. The check itself stays in memory, so a
 * signed request pays no query; a RequestID first seen in the last 100 ms before a process
 * is killed (not stopped) can be lost. docs/benchmarks.md has the cost.
 */
export class PersistentReplayGuard implements ReplayGuard {
  private readonly memory = new MemoryReplayGuard();
  private readonly writer: BufferedWriter<'seen_request_ids'>;
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    onError?: (error: unknown) => void,
  ) {
    this.writer = new BufferedWriter(db, 'seen_request_ids', { flushMs: 100, skipConflictsOn: 'key', maxBuffered: 200_000, ...(onError ? { onError } : {}) });
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    // Read back at the first check, not at start: the runtime opens before it migrates.
    await (this.loaded ??= this.load(ttlMs));
    if (!this.memory.check(key, ttlMs)) return false;
    this.writer.add({ key, expires_at: Date.now() + ttlMs });
    return true;
  }

  /** The RequestIDs still inside their window, back into memory. */
  private async load(ttlMs: number): Promise<void> {
    const live = await this.db.kysely.selectFrom('seen_request_ids').select('key').where('expires_at', '>', Date.now()).execute();
    for (const { key } of live) this.memory.check(key, ttlMs);
  }

  /** Writes what is buffered now. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
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
