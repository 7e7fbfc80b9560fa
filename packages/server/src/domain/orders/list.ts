import { sql } from 'kysely';
import type { OrderStatus } from '../../db/schema.js';
import { containsPattern } from '../../lib/like.js';
import type { Verb } from '../context.js';
import type { OrderItem } from './items.js';
import { countAndPage } from '../paging.js';

export interface OrderListInput {
  status?: OrderStatus | undefined;
  /** Created at or after (epoch ms). */
  from?: number | undefined;
  /** Created before (epoch ms). */
  until?: number | undefined;
  /** Orders with a line of this package code. */
  packageCode?: string | undefined;
  /** Part of an orderNo. */
  orderNo?: string | undefined;
  pageNum: number;
  pageSize: number;
}

export interface OrderSummary {
  orderNo: string;
  transactionId: string;
  status: OrderStatus;
  items: OrderItem[];
  amount: number;
  esimCount: number;
  failureReason: string | null;
  createdAt: number;
  completedAt: number | null;
}

/** `text` inside a LIKE pattern, matched literally (order numbers and package codes hold `_`). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** The merchant's orders, newest first, filtered and paged (console order list). */
export async function listOrders({ ctx, input }: Verb<OrderListInput>): Promise<{ orders: OrderSummary[]; total: number }> {
  let base = ctx.db.kysely.selectFrom('orders').where('merchant_id', '=', ctx.merchant.id);
  if (input.status) base = base.where('status', '=', input.status);
  if (input.from !== undefined) base = base.where('created_at', '>=', input.from);
  if (input.until !== undefined) base = base.where('created_at', '<', input.until);
  // The lines are stored as JSON text; the code is matched as its whole JSON member.
  if (input.packageCode) base = base.where(sql<boolean>`items like ${`%"packageCode":${likeLiteral(JSON.stringify(input.packageCode))}%`} escape '\\'`);
  if (input.orderNo) base = base.where(sql<boolean>`upper(order_no) like ${containsPattern(input.orderNo.trim().toUpperCase())} escape '\\'`);
  const { rows, total } = await countAndPage(base, input, (q) => q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'));
  return { orders: rows.map(toOrderSummary), total };
}

/** One of the merchant's orders by orderNo; undefined when the merchant has none by that number. */
export async function findOrder({ ctx, input }: Verb<{ orderNo: string }>): Promise<OrderSummary | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('orders')
    .selectAll()
    .where('merchant_id', '=', ctx.merchant.id)
    .where('order_no', '=', input.orderNo)
    .executeTakeFirst();
  return row && toOrderSummary(row);
}

/** A stored order row as the console reads it (the operator's view adds the merchant). */
export function toOrderSummary(row: {
  order_no: string;
  transaction_id: string;
  status: OrderStatus;
  items: string;
  amount: number;
  esim_count: number;
  failure_reason: string | null;
  created_at: number;
  completed_at: number | null;
}): OrderSummary {
  return {
    orderNo: row.order_no,
    transactionId: row.transaction_id,
    status: row.status,
    items: JSON.parse(row.items) as OrderItem[],
    amount: Number(row.amount),
    esimCount: Number(row.esim_count),
    failureReason: row.failure_reason,
    createdAt: Number(row.created_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}
