import { formatEventTime } from '@esimkit/contract';
import type { Executor } from '../../db/transaction.js';
import type { EsimRow } from '../esims/find.js';
import { emitWebhooks } from './emit.js';

/**
 * DATA_USAGE (field-notes §7): once per threshold when the remaining share of a total-data
 * plan falls to it (several at once if one use crosses several). Returns the thresholds now
 * announced, to be stored on the eSIM; a top-up clears them.
 */
export async function announceDataUsage(
  tx: Executor,
  esim: Pick<EsimRow, 'id' | 'merchant_id' | 'order_id' | 'esim_tran_no' | 'iccid' | 'total_volume' | 'data_type' | 'usage_alerts_sent'>,
  usage: number,
  thresholds: number[],
  at: Date,
): Promise<number[]> {
  const sent = JSON.parse(esim.usage_alerts_sent) as number[];
  const due = dueThresholds(esim, usage, thresholds);
  if (due.length === 0) return sent;
  const remain = Math.max(0, esim.total_volume - usage);
  const order = await tx.selectFrom('orders').select(['order_no', 'transaction_id']).where('id', '=', esim.order_id).executeTakeFirstOrThrow();
  await emitWebhooks(
    tx,
    due.map((threshold) => ({
      merchantId: esim.merchant_id,
      type: 'DATA_USAGE' as const,
      at,
      content: {
        orderNo: order.order_no,
        transactionId: order.transaction_id,
        esimTranNo: esim.esim_tran_no,
        iccid: esim.iccid,
        totalVolume: esim.total_volume,
        orderUsage: usage,
        remain,
        lastUpdateTime: formatEventTime(at),
        remainThreshold: threshold,
      },
    })),
  );
  return [...sent, ...due];
}

/** The thresholds a total-data plan's usage reaches that were not announced yet, largest first. */
export function dueThresholds(esim: Pick<EsimRow, 'total_volume' | 'data_type' | 'usage_alerts_sent'>, usage: number, thresholds: readonly number[]): number[] {
  if (esim.data_type !== 1 || esim.total_volume <= 0) return [];
  const sent = JSON.parse(esim.usage_alerts_sent) as number[];
  const share = Math.max(0, esim.total_volume - usage) / esim.total_volume;
  return thresholds.filter((t) => share <= t && !sent.includes(t)).sort((a, b) => b - a);
}
