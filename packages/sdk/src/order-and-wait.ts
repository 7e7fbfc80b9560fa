import { EsimAccessError, OrderWaitTimeoutError } from './errors.js';
import type { OrderSignals } from './order-signals.js';
import { allocatedOrderNo } from './order-signals.js';
import type { EsimItem, OrderRequest, OrderResult, WebhookEvent } from './types.js';

export interface OrderAndWaitOptions {
  /** Give up waiting (OrderWaitTimeoutError) after this long; the order stands. Default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Webhook events as they arrive: an ORDER_STATUS for this order ends the wait at once. */
  webhookEvents?: AsyncIterable<WebhookEvent | unknown>;
  /** First pause between polls (default 500 ms); it grows x1.5 up to maxPollIntervalMs (5 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
}

export interface OrderedProfiles extends OrderResult {
  esims: EsimItem[];
}

export interface OrderingClient {
  order(order: OrderRequest, options?: { signal?: AbortSignal | undefined }): Promise<OrderResult>;
  iterateEsims(filter: { orderNo: string }, options?: { pageSize?: number; signal?: AbortSignal | undefined }): AsyncIterable<EsimItem>;
}

/** A promise resolved from outside; a new one is made after it fired. */
function latch() {
  let wake!: () => void;
  const promise = new Promise<void>((resolve) => (wake = resolve));
  return { promise, wake };
}

/**
 * Orders, then fetches the profiles: polls esim/query by orderNo while it answers 200010
 * (backoff with jitter), and queries at once when an ORDER_STATUS event for the order comes
 * through `signals` (client.notify) or `options.webhookEvents`.
 */
export async function orderAndWait(client: OrderingClient, signals: OrderSignals, order: OrderRequest, options: OrderAndWaitOptions = {}): Promise<OrderedProfiles> {
  const { timeoutMs = 120_000, signal, pollIntervalMs = 500, maxPollIntervalMs = 5000 } = options;
  const deadline = Date.now() + timeoutMs;
  const placed = await client.order(order, { signal });
  let allocated = latch();
  const unwatch = signals.watch(placed.orderNo, () => allocated.wake());
  const stopListening = listen(options.webhookEvents, placed.orderNo, () => allocated.wake());
  try {
    let delay = pollIntervalMs;
    for (;;) {
      try {
        const esims: EsimItem[] = [];
        for await (const esim of client.iterateEsims({ orderNo: placed.orderNo }, { pageSize: 500, signal })) esims.push(esim);
        return { ...placed, esims };
      } catch (error) {
        if (!(error instanceof EsimAccessError) || error.code !== '200010') throw error;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new OrderWaitTimeoutError(placed.orderNo, placed.transactionId, timeoutMs);
      const pause = Math.min(remaining, Math.round(delay * (0.75 + Math.random() * 0.5)));
      delay = Math.min(maxPollIntervalMs, delay * 1.5);
      const woken = await pauseUnless(pause, allocated.promise, signal);
      // The event fired: query now, and poll on from there should the answer still be 200010.
      if (woken) allocated = latch();
    }
  } finally {
    unwatch();
    stopListening();
  }
}

/** Waits `ms`, or less when `wake` resolves first (then true); rejects when aborted. */
function pauseUnless(ms: number, wake: Promise<void>, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const finish = (woken: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(woken);
    };
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => finish(false), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    void wake.then(() => finish(true));
  });
}

/** Reads webhook events in the background until stopped; calls `onAllocated` for this order. */
function listen(events: AsyncIterable<unknown> | undefined, orderNo: string, onAllocated: () => void): () => void {
  if (!events) return () => {};
  const iterator = events[Symbol.asyncIterator]();
  let stopped = false;
  void (async () => {
    try {
      while (!stopped) {
        const next = await iterator.next();
        if (next.done || stopped) return;
        if (allocatedOrderNo(next.value) === orderNo) onAllocated();
      }
    } catch {
      // A failing event source leaves polling to do the work.
    }
  })();
  return () => {
    stopped = true;
    void iterator.return?.()?.catch?.(() => {});
  };
}
