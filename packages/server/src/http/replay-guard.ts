import type { Redis } from 'ioredis';

// Remembers RT-RequestIDs of signed requests for the signature window, so a captured
// request cannot be sent again. In memory for one instance; in Redis when instances share.
export interface ReplayGuard {
  /** True the first time a key is seen within ttlMs; false for a replay. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();
  private calls = 0;

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if (++this.calls % 1000 === 0) for (const [k, expires] of this.seen) if (expires <= now) this.seen.delete(k);
    const expires = this.seen.get(key);
    if (expires !== undefined && expires > now) return false;
    this.seen.set(key, now + ttlMs);
    return true;
  }
}

export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'esimkit:rid:',
  ) {}

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}
