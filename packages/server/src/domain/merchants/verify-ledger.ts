import { sql } from 'kysely';
import type { ServiceContext } from '../context.js';
import { openOptional } from './secrets.js';

export interface LedgerCheck {
  accessCode: string;
  name: string;
  balance: number;
  ledgerSum: number;
  entries: number;
  ok: boolean;
}

/**
 * The proof behind the cached balance (DESIGN principle 5): for every merchant, the
 * balance column against the sum of its ledger entries, in one query.
 */
export async function verifyLedgers({ ctx }: { ctx: ServiceContext }): Promise<LedgerCheck[]> {
  const rows = await ctx.db.kysely
    .selectFrom('merchants')
    .leftJoin('ledger_entries', 'ledger_entries.merchant_id', 'merchants.id')
    .select((eb) => [
      'merchants.access_code_sealed',
      'merchants.name',
      'merchants.balance',
      eb.fn.coalesce(eb.fn.sum<number>('ledger_entries.amount'), sql<number>`0`).as('ledger_sum'),
      eb.fn.count<number>('ledger_entries.id').as('entries'),
    ])
    .groupBy(['merchants.id', 'merchants.access_code_sealed', 'merchants.name', 'merchants.balance'])
    .orderBy('merchants.id')
    .execute();
  return rows.map((r) => ({
    accessCode: openOptional(ctx.secrets, r.access_code_sealed) ?? '',
    name: r.name,
    balance: Number(r.balance),
    ledgerSum: Number(r.ledger_sum),
    entries: Number(r.entries),
    ok: Number(r.balance) === Number(r.ledger_sum),
  }));
}
