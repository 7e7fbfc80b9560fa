import { sql } from 'kysely';
import type { LedgerKind } from '../db/schema.js';
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

/**
 * Appends one ledger entry and moves the cached balance with it, in the caller's
 * transaction (or one of its own: the two always commit together). A debit that would take the balance below zero changes nothing and throws
 * 200007: the conditional UPDATE is the lock, so concurrent debits cannot overdraw.
 */
export async function postLedgerEntry(executor: Executor, entry: LedgerEntryInput): Promise<number> {
  if (!Number.isSafeInteger(entry.amount)) throw new Error(`ledger amount must be an integer, got ${entry.amount}`);
  return withTransaction(executor, (tx) => appendEntry(tx, entry));
}

async function appendEntry(tx: Executor, entry: LedgerEntryInput): Promise<number> {
  const at = entry.now.getTime();
  // The entry first, the balance last: on PostgreSQL the UPDATE locks the merchant's row until
  // commit, and every debit of the merchant waits on that lock, so it is taken as late as can be.
  await tx
    .insertInto('ledger_entries')
    .values({
      merchant_id: entry.merchantId,
      amount: entry.amount,
      kind: entry.kind,
      reference: entry.reference ?? null,
      note: entry.note ?? null,
      created_at: at,
    })
    .execute();
  const updated = await tx
    .updateTable('merchants')
    .set({ balance: sql<number>`balance + ${entry.amount}`, balance_updated_at: at })
    .where('id', '=', entry.merchantId)
    .where(sql<boolean>`balance + ${entry.amount} >= 0`)
    .returning('balance')
    .executeTakeFirst();
  // Throwing rolls the entry back with the transaction it was written in.
  if (!updated) throw await insufficientBalance(tx, entry);
  return updated.balance;
}

const DEBIT_NAMES: Partial<Record<LedgerKind, string>> = { order: 'the order', topup: 'the top-up' };

/** 200007 saying what the debit costs and what the balance is, so the partner knows how much to deposit. */
async function insufficientBalance(tx: Executor, entry: LedgerEntryInput): Promise<ApiError> {
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
