import { sql, type Compilable, type Transaction } from 'kysely';
import type { Db } from '../../db/connect.js';
import { GroupCommit } from '../../db/group-commit.js';
import type { Database } from '../../db/schema.js';
import { PreparedStatement } from '../../db/prepared.js';
import { insufficientBalance, postingInOneStatement } from '../ledger.js';

/** An accepted order's row, as esim/order writes it. */
export type NewOrderValues = {
  orderNo: string;
  merchantId: number;
  transactionId: string;
  requestHash: string;
  /** The priced lines, as JSON. */
  items: string;
  amount: number;
  esimCount: number;
  /** The merchant's clock, epoch milliseconds: the order's time and its ledger entry's. */
  createdAt: number;
};

/** The allocation job's times, on the wall clock as every job's are (jobs/queue.ts). */
export type AllocationJobTimes = { jobRunAt: number; jobCreatedAt: number };

/**
 * esim/order's writes, compiled once per runtime (`ctx.services.orderWrites`): every order
 * runs them.
 *
 * - `inTransaction`, `insert`: the transaction of an order (on SQLite sharing its commit
 *   with the turn's other orders: db/group-commit.ts) and the order's row in it; the
 *   transaction also reserves or plans its profiles, enqueues its allocation (enqueueJobs,
 *   whose insert is built once: db/insert-rows.ts) and debits the ledger (orders/place.ts).
 * - `placeInOneStatement` (PostgreSQL): an order whose profiles all come later, from the
 *   simulator, has nothing else to write, and its row, its allocation job, the debit and its
 *   ledger entry go in one statement instead of a transaction of three (five round trips with
 *   begin and commit; the esimkit process spends more on each round trip than PostgreSQL
 *   takes to run the statement, and the merchant's balance row stays locked from the debit
 *   to the commit: docs/benchmarks.md). One statement is atomic by itself: a refusal (a
 *   transactionId already used, a balance too low) writes nothing.
 */
export class OrderWrites {
  readonly insert: PreparedStatement<NewOrderValues, { id: number }>;
  private readonly whole: PreparedStatement<NewOrderValues & AllocationJobTimes, { balance: number | null }> | undefined;
  private readonly groupCommit: GroupCommit | undefined;

  constructor(private readonly db: Db) {
    this.groupCommit = db.dialect.sharesCommits ? new GroupCommit(db.kysely) : undefined;
    this.insert = new PreparedStatement((values) =>
      db.kysely
        .insertInto('orders')
        .values({
          order_no: values.orderNo,
          merchant_id: values.merchantId,
          transaction_id: values.transactionId,
          request_hash: values.requestHash,
          status: 'ALLOCATING',
          items: values.items,
          amount: values.amount,
          esim_count: values.esimCount,
          failure_reason: null,
          created_at: values.createdAt,
          completed_at: null,
        })
        .returning('id'),
    );
    this.whole = db.dialect.combinesStatements ? new PreparedStatement((values) => orderInOneStatement(db, values)) : undefined;
  }

  /**
   * The transaction an order's writes go in (`insert` and the rest, orders/place.ts): on
   * SQLite it shares its commit with the other orders of the event-loop turn.
   */
  inTransaction<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.groupCommit ? this.groupCommit.run(work) : this.db.kysely.transaction().execute(work);
  }

  /** Whether this database places a simulator-only order in one statement. */
  get placesInOneStatement(): boolean {
    return this.whole !== undefined;
  }

  /** The order, its allocation job and its debit, all or nothing; 200007 when the balance is too low. */
  async placeInOneStatement(db: Db, values: NewOrderValues & AllocationJobTimes): Promise<void> {
    if (!this.whole) throw new Error('this database places orders in a transaction (OrderWrites.insert)');
    const { rows } = await this.whole.run(db.kysely, values);
    if (rows[0]?.balance === null || rows[0]?.balance === undefined) {
      throw await insufficientBalance(db.kysely, { merchantId: values.merchantId, amount: -values.amount, kind: 'order' });
    }
  }
}

/**
 * The balance moves first, only if it stays at or above zero (the ledger's posting:
 * ledger.ts); the order is inserted from its row, the job from the order's, the ledger entry
 * from the balance's. When the balance would go below zero nothing is moved, so nothing is
 * inserted and the balance returned is null. Data-modifying WITH clauses all run once and to
 * completion, read or not. The casts type the parameters, which a SELECT list leaves as text.
 * The job's payload is the JSON `{"orderId":N}` that enqueueJob would write.
 */
function orderInOneStatement(db: Db, values: NewOrderValues & AllocationJobTimes): Compilable<{ balance: number | null }> {
  const merchantId = sql`cast(${values.merchantId} as bigint)`;
  const createdAt = sql`cast(${values.createdAt} as bigint)`;
  const posting = postingInOneStatement({
    merchantId: values.merchantId,
    amount: sql<number>`-cast(${values.amount} as bigint)`,
    kind: 'order',
    reference: values.orderNo,
    note: null,
    at: values.createdAt,
  });
  const query = sql<{ balance: number | null }>`
    with moved as (${posting.moveBalance}
    ), placed as (
      insert into orders (order_no, merchant_id, transaction_id, request_hash, status, items, amount, esim_count, failure_reason, created_at, completed_at)
      select cast(${values.orderNo} as text), ${merchantId}, cast(${values.transactionId} as text), cast(${values.requestHash} as text),
        'ALLOCATING', cast(${values.items} as text), cast(${values.amount} as bigint), cast(${values.esimCount} as integer), null, ${createdAt}, null
      from moved
      returning id
    ), queued as (
      insert into jobs (kind, payload, run_at, created_at, merchant_id, dedupe_key)
      select 'allocate-order', '{"orderId":' || placed.id || '}', cast(${values.jobRunAt} as bigint), cast(${values.jobCreatedAt} as bigint), ${merchantId}, null
      from placed
    ), debited as (${posting.insertEntryFromMoved}
    )
    select (select balance from moved) as balance`;
  return { compile: () => query.compile(db.kysely) };
}
