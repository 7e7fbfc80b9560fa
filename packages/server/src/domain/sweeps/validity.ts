import { formatEventTime } from '@esimkit/contract';
import type { ServiceContext } from '../context.js';
import { DAY_MS } from '../esims/activation.js';
import { emitWebhooks, type EventToEmit } from '../webhooks/emit.js';
import { sweepDue, type SweepScope } from './due.js';

const ACTIVE = ['IN_USE', 'USED_UP', 'SUSPENDED'];

/** VALIDITY_USAGE once, when one day of an activated eSIM's validity is left. */
export async function warnValidity(ctx: ServiceContext, scope: SweepScope): Promise<number> {
  const { now } = scope;
  const total = await sweepDue(ctx, 'validity_warn_at', scope, async (tx, ids) => {
    const rows = await tx
      .selectFrom('esims')
      .innerJoin('orders', 'orders.id', 'esims.order_id')
      .select(['esims.id', 'esims.merchant_id', 'esims.esim_status', 'esims.iccid', 'esims.esim_tran_no', 'esims.expired_time', 'esims.total_duration', 'orders.order_no', 'orders.transaction_id'])
      .where('esims.id', 'in', ids)
      .execute();
    await tx.updateTable('esims').set({ validity_warn_at: null }).where('id', 'in', ids).execute();
    const events: EventToEmit[] = rows
      .filter((e) => ACTIVE.includes(e.esim_status) && e.expired_time > now.getTime())
      .map((e) => ({
        merchantId: e.merchant_id,
        type: 'VALIDITY_USAGE' as const,
        at: now,
        content: {
          orderNo: e.order_no,
          transactionId: e.transaction_id,
          iccid: e.iccid,
          esimTranNo: e.esim_tran_no,
          durationUnit: 'DAY' as const,
          totalDuration: e.total_duration,
          expiredTime: formatEventTime(new Date(e.expired_time)),
          remain: Math.max(1, Math.ceil((e.expired_time - now.getTime()) / DAY_MS)),
        },
      }));
    await emitWebhooks(tx, events);
  });
  if (total) ctx.wakeJobs?.();
  return total;
}
