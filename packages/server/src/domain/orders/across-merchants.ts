import { sql } from 'kysely';
import type { OrderStatus } from '../../db/schema.js';
import { containsPattern } from '../../lib/like.js';
import type { ServiceContext, Verb } from '../context.js';
import { toOrderSummary, type OrderSummary } from './list.js';
import { countAndPage } from '../paging.js';

// The operator's view of orders: every merchant's, read only (console operator pages).
// Partners see their own through their merchant-scoped verbs; nothing here changes an order.

export interface OperatorOrderFilter {
  merchantId?: number | undefined;
  status?: OrderStatus | undefined;
  /** Part of the orderNo or of the merchant's transactionId (any case). */
  search?: string | undefined;
  pageNum: number;
  pageSize: number;
}

/** An order as the partner's list reads it, with its id and merchant. */
export interface OperatorOrder extends OrderSummary {
  id: number;
  merchantId: number;
  merchantName: string;
}

export async function listOrdersAcrossMerchants({ ctx, input }: Verb<OperatorOrderFilter, ServiceContext>): Promise<{ orders: OperatorOrder[]; total: number }> {
  let base = ctx.db.kysely.selectFrom('orders').innerJoin('merchants', 'merchants.id', 'orders.merchant_id');
  if (input.merchantId !== undefined) base = base.where('orders.merchant_id', '=', input.merchantId);
  if (input.status) base = base.where('orders.status', '=', input.status);
  const search = input.search?.trim().toUpperCase();
  if (search) {
    const pattern = containsPattern(search);
    base = base.where(sql<boolean>`(upper(orders.order_no) like ${pattern} escape '\\' or upper(orders.transaction_id) like ${pattern} escape '\\')`);
  }
  const { rows, total } = await countAndPage(base, input, (q) => q.selectAll('orders').select('merchants.name as merchant_name').orderBy('orders.id', 'desc'));
  return { orders: rows.map(toOrder), total };
}

export interface OperatorOrderDetail extends OperatorOrder {
  esims: { id: number; esimTranNo: string; iccid: string; packageCode: string; esimStatus: string; smdpStatus: string }[];
}

/** One order of any merchant with its eSIMs; undefined when there is no such order. */
export async function orderForOperator({ ctx, input }: Verb<{ orderNo: string }, ServiceContext>): Promise<OperatorOrderDetail | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('orders')
    .innerJoin('merchants', 'merchants.id', 'orders.merchant_id')
    .selectAll('orders')
    .select('merchants.name as merchant_name')
    .where('orders.order_no', '=', input.orderNo)
    .executeTakeFirst();
  if (!row) return undefined;
  const esims = await ctx.db.kysely
    .selectFrom('esims')
    .select(['id', 'esim_tran_no', 'iccid', 'package_code', 'esim_status', 'smdp_status'])
    .where('order_id', '=', row.id)
    .orderBy('id')
    .execute();
  return {
    ...toOrder(row),
    esims: esims.map((e) => ({ id: Number(e.id), esimTranNo: e.esim_tran_no, iccid: e.iccid, packageCode: e.package_code, esimStatus: e.esim_status, smdpStatus: e.smdp_status })),
  };
}

/** An order row with its merchant's name: the partner's row and three columns more. */
type JoinedOrderRow = Parameters<typeof toOrderSummary>[0] & { id: number; merchant_id: number; merchant_name: string };

function toOrder(r: JoinedOrderRow): OperatorOrder {
  return { ...toOrderSummary(r), id: Number(r.id), merchantId: Number(r.merchant_id), merchantName: r.merchant_name };
}
