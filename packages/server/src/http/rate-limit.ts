import type { Redis } from 'ioredis';

// Token bucket per access code (field-notes §3): `rate` tokens a second refill a bucket of
// `burst`; a request takes one. When the bucket is empty the caller is told how long until
// a token is back (Retry-After). Rate limiting runs on wall-clock time, never on the
// sandbox clock: moving simulated time must not open the gates.
export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string, rate: number, burst: number): Promise<RateDecision>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweeps = 0;

  async take(key: string, rate: number, burst: number): Promise<RateDecision> {
    const now = performance.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (++this.sweeps % 10_000 === 0) this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / rate) * 1000) };
  }

  /** Full buckets carry no information; dropping them bounds memory. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.at > 60_000) this.buckets.delete(key);
  }

  async close(): Promise<void> {}
}

// The same bucket in Redis, atomically, with Redis's own clock so that every instance agrees.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, wait}
`;

/**
 * The Redis bucket fails open: when Redis cannot be reached, requests are let through (and
 * the outage is logged once a minute) rather than every partner call failing with 000001.
 */
export class RedisRateLimiter implements RateLimiter {
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'esimkit:rl:',
    private readonly warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  ) {
    redis.defineCommand('esimkitTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  async take(key: string, rate: number, burst: number): Promise<RateDecision> {
    try {
      const [allowed, wait] = await (this.redis as unknown as { esimkitTakeToken(...args: unknown[]): Promise<[number, number]> }).esimkitTakeToken(
        this.prefix + key,
        rate,
        burst,
      );
      return { allowed: allowed === 1, retryAfterMs: wait };
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.warn(`rate limiter: Redis unavailable, letting requests through (${(error as Error).message})`);
      }
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  async close(): Promise<void> {}
}
