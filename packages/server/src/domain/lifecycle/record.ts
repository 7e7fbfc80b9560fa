import { insertRows } from '../../db/insert-rows.js';
import type { Executor } from '../../db/transaction.js';
import { emitWebhooks, type EventToEmit } from '../webhooks/emit.js';

/** Who changed a status: written to the eSIM's timeline. */
export type Actor = 'merchant' | 'system' | 'device' | 'operator';

export interface StatusChange {
  esimId: number;
  merchantId: number;
  field: 'esimStatus' | 'smdpStatus';
  /** null for the first status an eSIM gets at allocation. */
  from: string | null;
  to: string;
  actor: Actor;
  at: Date;
}

/** Queries say REVOKE, webhooks REVOKED, as the vendor does (field-notes §6). */
function webhookEsimStatus(status: string): string {
  return status === 'REVOKE' ? 'REVOKED' : status;
}

/**
 * Records status changes (who, when, from, to) in the eSIMs' timelines and, for changes
 * after allocation, writes the ESIM_STATUS and SMDP_EVENT webhooks, all in the caller's
 * transaction, after the eSIM rows were updated. Called by apply.ts and at allocation only:
 * nothing else records a status change. Each event shows both statuses as
 * they stood right after its change, also when one call records several steps.
 */
export async function recordStatusChanges(tx: Executor, changes: StatusChange[]): Promise<void> {
  if (changes.length === 0) return;
  await insertRows(
    tx,
    'esim_events',
    changes.map((c) => ({
      esim_id: c.esimId,
      merchant_id: c.merchantId,
      field: c.field,
      from_value: c.from,
      to_value: c.to,
      actor: c.actor,
      at: c.at.getTime(),
    })),
  );

  const notable = changes.filter((c) => c.from !== null);
  if (notable.length === 0) return;
  const esims = await tx
    .selectFrom('esims')
    .innerJoin('orders', 'orders.id', 'esims.order_id')
    .select(['esims.id', 'esims.esim_tran_no', 'esims.iccid', 'esims.eid', 'esims.esim_status', 'esims.smdp_status', 'orders.order_no', 'orders.transaction_id'])
    .where(
      'esims.id',
      'in',
      [...new Set(notable.map((c) => c.esimId))],
    )
    .execute();
  const byId = new Map(esims.map((e) => [e.id, e]));
  const events: EventToEmit[] = [];
  for (const change of changes) {
    const esim = byId.get(change.esimId);
    if (change.from === null || !esim) continue;
    const own = changes.filter((c) => c.esimId === change.esimId);
    const at = own.indexOf(change);
    const esimStatus = webhookEsimStatus(statusAfter(own, at, 'esimStatus', esim.esim_status));
    const smdpStatus = statusAfter(own, at, 'smdpStatus', esim.smdp_status);
    const ids = { orderNo: esim.order_no, esimTranNo: esim.esim_tran_no, transactionId: esim.transaction_id, iccid: esim.iccid };
    if (change.field === 'esimStatus') {
      events.push({ merchantId: change.merchantId, type: 'ESIM_STATUS', at: change.at, content: { ...ids, esimStatus, smdpStatus } });
    } else {
      events.push({
        merchantId: change.merchantId,
        type: 'SMDP_EVENT',
        at: change.at,
        content: {
          eid: esim.eid,
          iccid: esim.iccid,
          esimStatus,
          smdpStatus,
          orderNo: esim.order_no,
          esimTranNo: esim.esim_tran_no,
          transactionId: esim.transaction_id,
        },
      });
    }
  }
  await emitWebhooks(tx, events);
}

/**
 * The value of `field` right after change `index`: its own value if it changed the field,
 * else the last earlier change of the field, else the first later change's `from`, else the
 * row's current value (the field did not change in this call).
 */
function statusAfter(changes: StatusChange[], index: number, field: StatusChange['field'], current: string): string {
  for (let i = index; i >= 0; i--) if (changes[i]!.field === field) return changes[i]!.to;
  const later = changes.slice(index + 1).find((c) => c.field === field);
  return later?.from ?? current;
}
