import pg from 'pg';
import { LruCache } from '../lib/lru.js';

/**
 * Which SQL texts run as named (server-side prepared) statements on one pool's connections.
 *
 * Kysely sends every query unnamed, so PostgreSQL parses, analyses and plans it on every run;
 * for esimkit's short OLTP statements that is most of the backend's work (docs/benchmarks.md).
 * A text seen a second time gets a name, and each connection then parses it once and runs it
 * by name. Names are never taken back (no DEALLOCATE): at most `capacity` texts are named per
 * pool, the first ones to repeat, which on a running server are the hot statements; texts
 * beyond that run unnamed as before. Only statements with values are named: those are the ones
 * pg sends with the extended protocol, and texts without values may hold several statements.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  /** Texts seen once and not named yet (bounded: one-off texts must not grow memory). */
  private readonly seenOnce = new LruCache<string, true>(1000);
  /** Names are never reused, so a forgotten text's new name is parsed afresh everywhere. */
  private lastNumber = 0;

  constructor(private readonly capacity = 256) {}

  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.capacity) return name;
    if (this.seenOnce.get(text) === undefined) {
      this.seenOnce.set(text, true);
      return undefined;
    }
    this.seenOnce.delete(text);
    const assigned = `esimkit_${++this.lastNumber}`;
    this.names.set(text, assigned);
    return assigned;
  }

  /** The text's name no longer works (its plan went stale): it runs unnamed, and is named anew when it repeats. */
  forget(text: string): void {
    this.names.delete(text);
  }
}

/**
 * A pg.Client class whose `query(text, values)` (the form kysely uses) runs repeated texts by
 * name. pg itself remembers, per connection, which names that connection has parsed.
 *
 * A table changed under a running server (another instance migrating it, in a rolling
 * upgrade) can make a prepared statement's result type stale: PostgreSQL then refuses it on
 * every run ("cached plan must not change result type", 0A000). The text is forgotten, so it
 * is parsed again under a new name; a statement that failed so outside a transaction changed
 * nothing and is run once more, while inside one the transaction has failed and its caller
 * sees the error (a retried request then succeeds).
 */
export function clientNamingStatements(names: StatementNames): typeof pg.Client {
  return class NamingClient extends pg.Client {
    // pg's query() has a dozen overloads; only the promise form (text, values) is named.
    override query(...args: any[]): any {
      const [text, values, callback] = args;
      const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined ? names.nameFor(text) : undefined;
      if (name === undefined) return (super.query as (...a: any[]) => any)(...args);
      return super.query({ name, text, values }).catch((error: unknown) => {
        if (!isStalePlan(error)) throw error;
        names.forget(text);
        if (this.getTransactionStatus() !== 'I') throw error;
        return super.query(text, values);
      });
    }
  } as typeof pg.Client;
}

function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown })?.code === '0A000' && String((error as Error).message).includes('cached plan must not change result type');
}
