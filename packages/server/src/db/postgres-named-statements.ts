import pg from 'pg';
import { LruCache } from '../lib/lru.js';

/** Longer texts (many-row inserts) run unnamed: parsing is a small part of their work, and the texts this remembers stay small. */
const MAX_NAMED_TEXT = 2_000;

/**
 * Kysely sends every query unnamed, so PostgreSQL parses, analyses and plans it on every run;
 * for esimkit's short OLTP statements that is most of the backend's work (docs/benchmarks.md).
 * Here a statement text that repeats runs as a named (server-side prepared) statement: each
 * connection parses it once and then runs it by name.
 *
 * Each connection keeps at most `perConnection` of them, the most recently used; the least
 * recently used is deallocated when another is needed. Texts that come in many variants
 * (multi-row inserts, `in (...)` lists of every length) so take turns and never crowd out the
 * hot statements, and a backend's memory stays bounded. Names are never reused: a statement
 * prepared again gets a new one, so a deallocation that failed (in a failed transaction) only
 * leaves one statement behind and can never clash.
 */
export class StatementNames {
  /** Texts seen once (bounded): a text is named from its second run, so one-off texts are never prepared. */
  private readonly seenOnce = new LruCache<string, true>(1000);
  private readonly repeated = new LruCache<string, true>(2_000);
  private lastNumber = 0;

  constructor(readonly perConnection = 128) {}

  /** True from a text's second run on. */
  hasRepeated(text: string): boolean {
    if (this.repeated.get(text)) return true;
    if (this.seenOnce.get(text) === undefined) {
      this.seenOnce.set(text, true);
      return false;
    }
    this.seenOnce.delete(text);
    this.repeated.set(text, true);
    return true;
  }

  newName(): string {
    return `esimkit_${++this.lastNumber}`;
  }
}

/**
 * A pg.Client class whose `query(text, values)` (the form kysely uses) runs repeated texts by
 * name. Only statements with values are named: those are the ones pg sends with the extended
 * protocol, and texts without values may hold several statements.
 *
 * A table changed under a running server (another instance migrating it, in a rolling
 * upgrade) can make a prepared statement's result type stale: PostgreSQL then refuses it on
 * every run ("cached plan must not change result type", 0A000). The statement is then
 * dropped, so the text is parsed again under a new name; one that failed so outside a
 * transaction changed nothing and is run once more, while inside one the transaction has
 * failed and its caller sees the error (a retried request then succeeds).
 */
export function clientNamingStatements(names: StatementNames): typeof pg.Client {
  return class NamingClient extends pg.Client {
    /** This connection's prepared statements, text to name, least recently used first. */
    private readonly prepared = new Map<string, string>();

    // pg's query() has a dozen overloads; only the promise form (text, values) is named.
    override query(...args: any[]): any {
      const [text, values, callback] = args;
      const eligible = typeof text === 'string' && text.length <= MAX_NAMED_TEXT && Array.isArray(values) && values.length > 0 && callback === undefined;
      // A text this connection has prepared has repeated: the pool-wide count is asked only of the others.
      if (!eligible || (!this.prepared.has(text) && !names.hasRepeated(text))) return (super.query as (...a: any[]) => any)(...args);
      const name = this.nameOnThisConnection(text);
      return super.query({ name, text, values }).catch((error: unknown) => {
        if (!isStalePlan(error)) throw error;
        this.drop(text);
        if (this.getTransactionStatus() !== 'I') throw error;
        return super.query(text, values);
      });
    }

    private nameOnThisConnection(text: string): string {
      let name = this.prepared.get(text);
      if (name !== undefined) {
        this.prepared.delete(text);
      } else {
        name = names.newName();
        const [oldest] = this.prepared.keys();
        if (oldest !== undefined && this.prepared.size >= names.perConnection) this.drop(oldest);
      }
      this.prepared.set(text, name);
      return name;
    }

    /**
     * Deallocates the text's statement (queued behind every query already sent, which may still
     * use it), then forgets it in pg's own record of what this connection has parsed, which
     * would otherwise keep every name ever used.
     */
    private drop(text: string): void {
      const name = this.prepared.get(text);
      if (name === undefined) return;
      this.prepared.delete(text);
      super.query(`deallocate ${name}`).then(
        () => delete (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements[name],
        () => {},
      );
    }
  } as typeof pg.Client;
}

function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown })?.code === '0A000' && String((error as Error).message).includes('cached plan must not change result type');
}
