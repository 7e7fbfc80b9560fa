import { parseWireTime } from '@esimkit/contract';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { findOwnedEsim, type EsimRow } from './find.js';
import { renderEsims } from './render.js';

export interface EsimQueryInput {
  orderNo?: string | undefined;
  esimTranNo?: string | undefined;
  iccid?: string | undefined;
  startTime?: string | undefined;
  endTime?: string | undefined;
  pager?: { pageNum?: number | undefined; pageSize?: number | undefined } | undefined;
}

/** Clients omit the "mandatory" pager: default it and clamp it (field-notes §5). */
export function normalisePager(pager: EsimQueryInput['pager'], defaultSize = 20): { pageNum: number; pageSize: number } {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
  return { pageNum: clamp(pager?.pageNum ?? 1, 1, 10_000), pageSize: clamp(pager?.pageSize ?? defaultSize, 5, 500) };
}

/** An order's eSIMs come back whole by orderNo (up to 30) unless the client pages itself. */
const ORDER_PAGE_SIZE = 30;

function parseTime(field: string, text: string): number {
  const date = parseWireTime(text);
  if (!date) throw new ApiError('000104', `Invalid request parameter ${field}: expected an ISO UTC time such as 2010-06-30T01:20+00:00`);
  return date.getTime();
}

/**
 * esim/query by orderNo (200010 while allocating; 200009 when allocation failed and the
 * order was refunded; 310272 when the merchant has no such order), esimTranNo or iccid
 * (310403 when not the merchant's), or a creation time range, paged.
 */
export async function queryEsims({ ctx, input }: Verb<EsimQueryInput>) {
  const byOrder = Boolean(input.orderNo && !input.esimTranNo && !input.iccid);
  const { pageNum, pageSize } = normalisePager(input.pager, byOrder ? ORDER_PAGE_SIZE : 20);
  const db = ctx.db.kysely;
  let base = db.selectFrom('esims').where('merchant_id', '=', ctx.merchant.id);

  if (input.esimTranNo || input.iccid) {
    const esim = await findOwnedEsim(db, ctx.merchant, input);
    base = base.where('id', '=', esim.id);
  } else if (input.orderNo) {
    const order = await db
      .selectFrom('orders')
      .select(['id', 'status', 'failure_reason'])
      .where('merchant_id', '=', ctx.merchant.id)
      .where('order_no', '=', input.orderNo)
      .executeTakeFirst();
    if (!order) throw new ApiError('310272', `The orderNo does not exist: ${input.orderNo}`);
    if (order.status === 'ALLOCATING') throw new ApiError('200010');
    if (order.status === 'FAILED') throw new ApiError('200009', `Abnormal order status: ${order.failure_reason ?? 'allocation failed'}; the order was refunded.`);
    base = base.where('order_id', '=', order.id);
  } else if (input.startTime || input.endTime) {
    if (input.startTime) base = base.where('created_at', '>=', parseTime('startTime', input.startTime));
    if (input.endTime) base = base.where('created_at', '<=', parseTime('endTime', input.endTime));
  } else {
    throw new ApiError('000105', 'Request parameters (mandatory) are not contained: orderNo, esimTranNo, iccid or startTime/endTime');
  }

  const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows: EsimRow[] = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(pageSize)
    .offset((pageNum - 1) * pageSize)
    .execute();
  return {
    esimList: await renderEsims(db, ctx.publicUrl(), rows),
    pager: { pageSize, pageNum, total: Number(totalRow.total) },
  };
}

