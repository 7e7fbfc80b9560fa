// Delivery is at least once: the same event (same notifyId) can arrive again. A deduper
// remembers the notifyIds it has handled; in memory (LRU) by default, or in a store shared
// by every instance of the receiver (e.g. Redis SET NX).
export interface DedupeStore {
  /** Records the id; true if it was new, false if it was already there. Atomic in shared stores. */
  claim(notifyId: string): boolean | Promise<boolean>;
  /** Forgets the id (its handling failed, so a redelivery must be handled). */
  release(notifyId: string): void | Promise<void>;
}

/** The most recent `max` ids in memory. */
export class LruDedupeStore implements DedupeStore {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 10_000) {}

  claim(notifyId: string): boolean {
    if (this.ids.has(notifyId)) {
      this.ids.delete(notifyId);
      this.ids.add(notifyId);
      return false;
    }
    this.ids.add(notifyId);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value!);
    return true;
  }

  release(notifyId: string): void {
    this.ids.delete(notifyId);
  }

  get size(): number {
    return this.ids.size;
  }
}

export class WebhookDeduper {
  readonly store: DedupeStore;

  constructor(options: { store?: DedupeStore; max?: number } = {}) {
    this.store = options.store ?? new LruDedupeStore(options.max);
  }

  /** True the first time a notifyId is seen (and records it), false for a repeat. */
  async isNew(notifyId: string): Promise<boolean> {
    return this.store.claim(notifyId);
  }

  /**
   * Runs `handle` for an event not seen before and returns true; returns false for a repeat.
   * If `handle` throws the id is released (so the redelivery is handled) and the error rethrown.
   */
  async handle<E extends { notifyId: string }>(event: E, handle: (event: E) => unknown): Promise<boolean> {
    if (!(await this.store.claim(event.notifyId))) return false;
    try {
      await handle(event);
      return true;
    } catch (error) {
      await this.store.release(event.notifyId);
      throw error;
    }
  }
}
