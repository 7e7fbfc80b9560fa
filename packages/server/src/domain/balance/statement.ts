import { sql } from 'kysely';
import type { MerchantSettings, ServiceContext } from '../context.js';

/** The statement needs only whose it is: the merchant's own console passes its context, an operator a merchant's id. */
type StatementContext = ServiceContext & { readonly merchant: Pick<MerchantSettings, 'id'> };

export interface StatementQuery {
  /** Entries at or after this time (epoch ms), before `to` (exclusive). */
  from?: number | undefined;
  to?: number | undefined;
  /** Newest first, this page of `pageSize`; without `page`, every entry oldest first (exports). */
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface StatementLine {
  id: number;
  at: Date;
  kind: string;
  reference: string | null;
  note: string | null;
  amount: number;
  /** The balance just after this entry: the sum of every entry up to it, in posting order. */
  balance: number;
}

/**
 * The merchant's ledger statement: its entries in a time range, each with the running
 * balance. The running balance follows posting order (ids), not entry times: a sandbox
 * clock moved back (reset) makes times go backwards but never the ledger. So a line's
 * balance is the sum of the entries before it whatever the filter, and the newest line's
 * balance is what balance/query answers.
 */
export async function ledgerStatement({ ctx, input }: { ctx: StatementContext; input: StatementQuery }) {
  const db = ctx.db.kysely;
  let range = db.selectFrom('ledger_entries').where('merchant_id', '=', ctx.merchant.id);
  if (input.from !== undefined) range = range.where('created_at', '>=', input.from);
  if (input.to !== undefined) range = range.where('created_at', '<', input.to);
  const total = Number((await range.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  const pageSize = Math.min(500, Math.max(1, input.pageSize ?? 50));
  const paged = input.page !== undefined;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(pages, Math.max(1, input.page ?? 1));
  let rows = range.selectAll().orderBy('id', paged ? 'desc' : 'asc');
  if (paged) rows = rows.limit(pageSize).offset((page - 1) * pageSize);
  const entries = (await rows.execute()).map((r) => ({ ...r, id: Number(r.id), amount: Number(r.amount) }));

  const ascending = paged ? [...entries].reverse() : entries;
  let balance = ascending.length ? await sumBefore(ctx, ascending[0]!.id) : 0;
  const lines: StatementLine[] = ascending.map((r) => {
    balance += r.amount;
    return { id: r.id, at: new Date(Number(r.created_at)), kind: r.kind, reference: r.reference, note: r.note, amount: r.amount, balance };
  });
  return { lines: paged ? lines.reverse() : lines, total, page, pages, pageSize };
}

/** The sum of the merchant's entries posted before entry `id`. */
async function sumBefore(ctx: StatementContext, id: number): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('total'))
    .where('merchant_id', '=', ctx.merchant.id)
    .where('id', '<', id)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
