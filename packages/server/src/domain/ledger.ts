import { sql, type Compilable, type RawBuilder } from 'kysely';
import type { LedgerKind } from '../db/schema.js';
import type { Db } from '../db/connect.js';
import { PreparedStatement } from '../db/prepared.js';
import { withTransaction, type Executor } from '../db/transaction.js';
import { formatUnits } from '@esimkit/contract';
import { ApiError } from './errors.js';

export interface LedgerEntryInput {
  merchantId: number;
  /** Positive credits the merchant, negative debits. */
  amount: number;
  kind: LedgerKind;
  reference?: string | null;
  note?: string | null;
  now: Date;
}

export type PostingValues = {
  merchantId: number;
  amount: number;
  kind: LedgerKind;
  reference: string | null;
  note: string | null;
  at: number;
};

/**
 * The ledger's writes, compiled once per runtime (`ctx.services.ledger`): every order, refund,
 * top-up and deposit runs them, and building them anew each time cost more than running them
 * (docs/benchmarks.md). On PostgreSQL the entry and the balance are one statement (one round
 * trip); on SQLite, two.
 */
export class Ledger {
  /** SQLite: the entry, written before the balance moves. */
  private readonly insertEntry: PreparedStatement<PostingValues> | undefined;
  /** Moves the balance (on PostgreSQL, writing the entry too); no row when it would go below zero. */
  private readonly moveBalance: PreparedStatement<PostingValues, { balance: number }>;

  constructor(db: Db) {
    if (db.dialect.combinesStatements) {
      this.insertEntry = undefined;
      this.moveBalance = new PreparedStatement((values) => entryWithBalance(db, values));
      return;
    }
    this.insertEntry = new PreparedStatement((values) =>
      db.kysely.insertInto('ledger_entries').values({
        merchant_id: values.merchantId,
        amount: values.amount,
        kind: values.kind,
        reference: values.reference,
        note: values.note,
        created_at: values.at,
      }),
    );
    this.moveBalance = new PreparedStatement((values) =>
      db.kysely
        .updateTable('merchants')
        .set({ balance: sql<number>`balance + ${values.amount}`, balance_updated_at: values.at })
        .where('id', '=', values.merchantId)
        .where(sql<boolean>`balance + ${values.amount} >= 0`)
        .returning('balance'),
    );
  }

  /**
   * Appends one ledger entry and moves the cached balance with it, in the caller's
   * transaction (or one of its own: the two always commit together). A debit that would take
   * the balance below zero changes nothing and throws 200007: the conditional UPDATE is the
   * lock, so concurrent debits cannot overdraw. Returns the new balance.
   */
  post(executor: Executor, entry: LedgerEntryInput): Promise<number> {
    if (!Number.isSafeInteger(entry.amount)) throw new Error(`ledger amount must be an integer, got ${entry.amount}`);
    return withTransaction(executor, (tx) => this.append(tx, entry));
  }

  private async append(tx: Executor, entry: LedgerEntryInput): Promise<number> {
    const values = {
      merchantId: entry.merchantId,
      amount: entry.amount,
      kind: entry.kind,
      reference: entry.reference ?? null,
      note: entry.note ?? null,
      at: entry.now.getTime(),
    };
    // The entry first, the balance last: on PostgreSQL the UPDATE locks the merchant's row until
    // commit, and every debit of the merchant waits on that lock, so it is taken as late as can be.
    if (this.insertEntry) await this.insertEntry.run(tx, values);
    const { rows } = await this.moveBalance.run(tx, values);
    // Throwing rolls the entry back with the transaction it was written in.
    if (!rows[0]) throw await insufficientBalance(tx, entry);
    return Number(rows[0].balance);
  }
}

/**
 * PostgreSQL: the balance moves and the entry is written by one statement. When the balance
 * would go below zero the UPDATE moves nothing, so the INSERT, selecting from it, writes
 * nothing and nothing is returned.
 */
function entryWithBalance(db: Db, values: PostingValues): Compilable<{ balance: number }> {
  const posting = postingInOneStatement(values);
  const query = sql<{ balance: number }>`
    with moved as (${posting.moveBalance})
    ${posting.insertEntryFromMoved}
    returning (select balance from moved) as balance`;
  return { compile: () => query.compile(db.kysely) };
}

/**
 * A posting as two parts of one PostgreSQL statement, for statements that write more beside
 * it (an order's: orders/order-writes.ts), so that only the ledger says how money moves.
 *
 * - `moveBalance`: the UPDATE that moves the balance only if it stays at or above zero,
 *   returning the new balance. It must be the WITH clause named `moved`.
 * - `insertEntryFromMoved`: the INSERT of the entry, selecting from `moved`, so that it writes
 *   nothing when the balance did not move.
 *
 * A value may be SQL instead of a parameter: a prepared statement's values are stand-ins
 * (db/prepared.ts), so one computed from another is written in SQL. The casts type the
 * parameters, which a SELECT list leaves as text.
 */
export function postingInOneStatement(values: { [K in keyof PostingValues]: PostingValues[K] | RawBuilder<PostingValues[K]> }): { moveBalance: RawBuilder<unknown>; insertEntryFromMoved: RawBuilder<unknown> } {
  return {
    moveBalance: sql`
      update merchants set balance = balance + ${values.amount}, balance_updated_at = ${values.at}
      where id = ${values.merchantId} and balance + ${values.amount} >= 0
      returning balance`,
    insertEntryFromMoved: sql`
      insert into ledger_entries (merchant_id, amount, kind, reference, note, created_at)
      select cast(${values.merchantId} as bigint), cast(${values.amount} as bigint), cast(${values.kind} as text),
        cast(${values.reference} as text), cast(${values.note} as text), cast(${values.at} as bigint)
      from moved`,
  };
}

const DEBIT_NAMES: Partial<Record<LedgerKind, string>> = { order: 'the order', topup: 'the top-up' };

/** 200007 saying what the debit costs and what the balance is, so the partner knows how much to deposit. */
export async function insufficientBalance(tx: Executor, entry: Pick<LedgerEntryInput, 'merchantId' | 'amount' | 'kind'>): Promise<ApiError> {
  const row = await tx.selectFrom('merchants').select('balance').where('id', '=', entry.merchantId).executeTakeFirst();
  const cost = -entry.amount;
  const balance = row?.balance ?? 0;
  const what = DEBIT_NAMES[entry.kind] ?? 'this debit';
  return new ApiError(
    '200007',
    `Insufficient account balance: ${what} costs ${cost} (${formatUnits(cost)}), the balance is ${balance} (${formatUnits(balance)}).`,
  );
}

/** The balance as the ledger says it is: the sum of every entry. */
export async function ledgerSum(db: Executor, merchantId: number): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('total'))
    .where('merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
