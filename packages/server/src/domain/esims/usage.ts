import { formatWireTime } from '@esimkit/contract';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';

/**
 * esim/usage/query for up to 10 eSIMs. Any esimTranNo that is not the merchant's answers
 * 310403 for the whole call, the same as for one that does not exist.
 */
export async function queryUsage({ ctx, input }: Verb<{ esimTranNoList: string[] }>) {
  const wanted = [...new Set(input.esimTranNoList)];
  const rows = await ctx.db.kysely
    .selectFrom('esims')
    .select(['esim_tran_no', 'order_usage', 'total_volume', 'usage_updated_at', 'created_at'])
    .where('merchant_id', '=', ctx.merchant.id)
    .where('esim_tran_no', 'in', wanted)
    .execute();
  const byTranNo = new Map(rows.map((r) => [r.esim_tran_no, r]));
  const missing = wanted.filter((t) => !byTranNo.has(t));
  if (missing.length) throw new ApiError('310403', `The esimTranNo does not exist: ${missing.join(', ')}`);
  return {
    esimUsageList: input.esimTranNoList.map((tranNo) => {
      const row = byTranNo.get(tranNo)!;
      return {
        esimTranNo: tranNo,
        dataUsage: row.order_usage,
        totalData: row.total_volume,
        lastUpdateTime: formatWireTime(new Date(row.usage_updated_at ?? row.created_at)),
      };
    }),
  };
}
