import type { Selectable } from 'kysely';
import type { EsimsTable } from '../../db/schema.js';
import type { Verb } from '../context.js';
import type { EsimStatus, SmdpStatus } from '../lifecycle/states.js';
import { normaliseIccid } from './find.js';
import { countAndPage } from '../paging.js';

export interface EsimSearchInput {
  iccid?: string | undefined;
  esimTranNo?: string | undefined;
  orderNo?: string | undefined;
  status?: EsimStatus | undefined;
  pageNum: number;
  pageSize: number;
}

export interface EsimSummary {
  esimTranNo: string;
  iccid: string;
  orderNo: string;
  packageCode: string;
  esimStatus: EsimStatus;
  smdpStatus: SmdpStatus;
  totalVolume: number;
  orderUsage: number;
  expiredTime: number;
  createdAt: number;
}

/**
 * The merchant's eSIMs matching every criterion given (exact ICCID, esimTranNo and orderNo;
 * a status), newest first, paged: the console's eSIM search and an order's eSIM list.
 * Unlike esim/query it needs no criterion and answers an empty list rather than 310403.
 */
export async function searchEsims({ ctx, input }: Verb<EsimSearchInput>): Promise<{ esims: EsimSummary[]; total: number }> {
  let base = ctx.db.kysely.selectFrom('esims').innerJoin('orders', 'orders.id', 'esims.order_id').where('esims.merchant_id', '=', ctx.merchant.id);
  if (input.iccid) base = base.where('esims.iccid', '=', normaliseIccid(input.iccid.trim()));
  if (input.esimTranNo) base = base.where('esims.esim_tran_no', '=', input.esimTranNo.trim());
  if (input.orderNo) base = base.where('orders.order_no', '=', input.orderNo.trim());
  if (input.status) base = base.where('esims.esim_status', '=', input.status);
  const { rows, total } = await countAndPage(base, input, (q) =>
    q
      .select([
        'esims.esim_tran_no',
        'esims.iccid',
        'orders.order_no',
        'esims.package_code',
        'esims.esim_status',
        'esims.smdp_status',
        'esims.total_volume',
        'esims.order_usage',
        'esims.expired_time',
        'esims.created_at',
      ])
      .orderBy('esims.created_at', 'desc')
      .orderBy('esims.id', 'desc'),
  );
  return { total, esims: rows.map(toEsimSummary) };
}

/** A stored eSIM row (with its order's number) as the console reads it (the operator's view adds the merchant). */
export function toEsimSummary(
  r: Pick<Selectable<EsimsTable>, 'esim_tran_no' | 'iccid' | 'package_code' | 'esim_status' | 'smdp_status' | 'total_volume' | 'order_usage' | 'expired_time' | 'created_at'> & { order_no: string },
): EsimSummary {
  return {
    esimTranNo: r.esim_tran_no,
    iccid: r.iccid,
    orderNo: r.order_no,
    packageCode: r.package_code,
    esimStatus: r.esim_status,
    smdpStatus: r.smdp_status,
    totalVolume: Number(r.total_volume),
    orderUsage: Number(r.order_usage),
    expiredTime: Number(r.expired_time),
    createdAt: Number(r.created_at),
  };
}
