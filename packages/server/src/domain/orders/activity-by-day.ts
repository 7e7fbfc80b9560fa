import { sql } from 'kysely';
import type { MerchantContext } from '../context.js';

const DAY_MS = 86_400_000;

export interface DailyActivity {
  /** Start of each day (UTC midnight on the merchant's clock), epoch ms, oldest first. */
  days: number[];
  /** Orders placed that day. */
  orders: number[];
  /** Net spend that day in units (orders and top-ups paid, less refunds). */
  spend: number[];
}

/**
 * The merchant's last `days` days (today included, on its clock): orders placed and net
 * spend per day, read from the orders and the ledger (the dashboard's plots). Days without
 * activity are 0, so the plot has no gaps.
 */
export async function dailyActivity({ ctx, input }: { ctx: MerchantContext; input: { days: number } }): Promise<DailyActivity> {
  const today = Math.floor(ctx.clock.now().getTime() / DAY_MS);
  const first = today - input.days + 1;
  // A literal, not a parameter: PostgreSQL matches the GROUP BY expression to the selected one.
  const dayOf = sql<number>`created_at / ${sql.lit(DAY_MS)}`;
  const [orderRows, spendRows] = await Promise.all([
    ctx.db.kysely
      .selectFrom('orders')
      .select((eb) => [dayOf.as('day'), eb.fn.countAll<string | number>().as('n')])
      .where('merchant_id', '=', ctx.merchant.id)
      .where('created_at', '>=', first * DAY_MS)
      .groupBy(dayOf)
      .execute(),
    ctx.db.kysely
      .selectFrom('ledger_entries')
      .select((eb) => [dayOf.as('day'), eb.fn.sum<string | number>('amount').as('total')])
      .where('merchant_id', '=', ctx.merchant.id)
      .where('kind', 'in', ['order', 'topup', 'refund'])
      .where('created_at', '>=', first * DAY_MS)
      .groupBy(dayOf)
      .execute(),
  ]);
  const days = Array.from({ length: input.days }, (_, i) => (first + i) * DAY_MS);
  const slot = (day: string | number) => Math.floor(Number(day)) - first;
  const orders = days.map(() => 0);
  const spend = days.map(() => 0);
  for (const row of orderRows) if (orders[slot(row.day)] !== undefined) orders[slot(row.day)] = Number(row.n);
  // Ledger amounts are negative for money out: spend is their negation.
  for (const row of spendRows) if (spend[slot(row.day)] !== undefined) spend[slot(row.day)] = -Number(row.total);
  return { days, orders, spend };
}
