import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

interface Waiting {
  work: (tx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const SAVEPOINT = CompiledQuery.raw('savepoint one_of_group');
const ROLLBACK_TO = CompiledQuery.raw('rollback to one_of_group');
const RELEASE = CompiledQuery.raw('release one_of_group');

/**
 * Transactions that arrive in one event-loop turn share one commit (SQLite: Dialect.sharesCommits).
 *
 * `run(work)` behaves as `kysely.transaction().execute(work)`: the work's writes commit
 * together or not at all, its result or error is the caller's, and the caller hears of it
 * only after the commit. What differs is when: the work waits for the end of the turn
 * (setImmediate: after the poll phase that read every request of the turn), and then all the
 * turn's work runs in one transaction, each piece in a savepoint of its own, so that a
 * refusal (a balance too low, a transactionId already used) undoes only its own writes. A
 * commit that fails fails every piece of the group: none of them was written.
 *
 * The work must not wait on anything outside the database (an HTTP call): the whole group
 * waits with it.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];

  constructor(private readonly kysely: Kysely<Database>) {}

  run<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.commitGroup());
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private async commitGroup(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 1) {
      // Alone: a transaction as any other, without savepoints.
      const [only] = group as [Waiting];
      await this.kysely.transaction().execute(only.work).then(only.resolve, only.reject);
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      await this.kysely.transaction().execute(async (tx) => {
        for (const { work } of group) outcomes.push(await inSavepoint(tx, work));
      });
    } catch (error) {
      for (const { reject } of group) reject(error);
      return;
    }
    group.forEach(({ resolve, reject }, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }
}

async function inSavepoint(tx: Transaction<Database>, work: Waiting['work']): Promise<Outcome> {
  await tx.executeQuery(SAVEPOINT);
  try {
    const value = await work(tx);
    await tx.executeQuery(RELEASE);
    return { ok: true, value };
  } catch (error) {
    // Undoes this piece's writes only; an error here (the transaction itself lost) fails the group.
    await tx.executeQuery(ROLLBACK_TO);
    await tx.executeQuery(RELEASE);
    return { ok: false, error };
  }
}
