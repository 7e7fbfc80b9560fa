import type { Redis } from 'ioredis';

// Remembers RT-RequestIDs of signed requests for the signature window, so a captured
// request cannot be sent again. In memory for one instance; in Redis when instances share.
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
