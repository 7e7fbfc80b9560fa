// Client-side pacing under the account's rate limit: a token bucket in its GCRA form. Each
// call reserves the next free slot at once (first come, first served) and then waits for it,
// so concurrent calls of one client never exceed `ratePerSecond` with at most `burst` at once.
export interface Pacer {
  /** Waits for this call's slot. */
  take(signal?: AbortSignal): Promise<void>;
  /** No slot before `ms` from now (the server said 900001 with Retry-After). */
  pause(ms: number): void;
}

export class TokenBucket implements Pacer {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** Theoretical arrival time of the next call. */
  private tat = 0;

  constructor(
    ratePerSecond: number,
    burst = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be more than 0');
    this.intervalMs = 1000 / ratePerSecond;
    this.toleranceMs = (Math.max(1, Math.floor(burst)) - 1) * this.intervalMs;
  }

  /** Reserves the next slot and returns how long to wait for it (0: go now). */
  reserve(): number {
    const now = this.now();
    const tat = Math.max(this.tat, now);
    this.tat = tat + this.intervalMs;
    return Math.max(0, tat - this.toleranceMs - now);
  }

  async take(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait, signal);
    else signal?.throwIfAborted();
  }

  pause(ms: number): void {
    this.tat = Math.max(this.tat, this.now() + ms + this.toleranceMs);
  }
}

/** No pacing (rateLimitPerSecond 0 or Infinity). */
export const unpaced: Pacer = { take: async (signal) => signal?.throwIfAborted(), pause: () => {} };

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with jitter: between half and all of min(max, base x 2^attempt). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
