// ORDER_STATUS events handed to the client (client.notify), remembered briefly so that an
// event arriving before orderAndWait starts waiting for that order still counts.
const REMEMBERED = 1000;

export class OrderSignals {
  private readonly ready = new Set<string>();
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Takes any webhook event; only ORDER_STATUS (profiles allocated) matters here. */
  notify(event: unknown): void {
    const orderNo = allocatedOrderNo(event);
    if (!orderNo) return;
    this.ready.add(orderNo);
    if (this.ready.size > REMEMBERED) this.ready.delete(this.ready.values().next().value!);
    for (const wake of this.waiters.get(orderNo) ?? []) wake();
  }

  /** Calls `wake` once the order is known to be allocated (at once if it already is). */
  watch(orderNo: string, wake: () => void): () => void {
    if (this.ready.has(orderNo)) {
      queueMicrotask(wake);
      return () => {};
    }
    const set = this.waiters.get(orderNo) ?? new Set();
    set.add(wake);
    this.waiters.set(orderNo, set);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.waiters.delete(orderNo);
    };
  }
}

/** The orderNo of an ORDER_STATUS event, else undefined. */
export function allocatedOrderNo(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { notifyType, content } = event as { notifyType?: unknown; content?: { orderNo?: unknown } };
  if (notifyType !== 'ORDER_STATUS' || typeof content?.orderNo !== 'string') return undefined;
  return content.orderNo;
}
