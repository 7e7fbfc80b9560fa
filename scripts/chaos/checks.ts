import type { ChaosDatabase } from './database.js';
import type { PlacedOrder } from './load.js';
import type { WebhookReceiver } from './receiver.js';

// What must hold after a run, read from the database with plain SQL and from the webhook
// receiver. Each failed check is one line in `violations`; the run fails if there is any.

export interface CheckInput {
  db: ChaosDatabase;
  merchantId: number;
  openingBalance: number;
  orders: PlacedOrder[];
  receiver: WebhookReceiver;
}

export interface CheckResult {
  violations: string[];
  figures: {
    ordersInDatabase: number;
    esims: number;
    ledgerEntries: number;
    balance: number;
    webhookEvents: number;
    orderStatusRedeliveries: number;
  };
}

interface OrderRow {
  id: number;
  order_no: string;
  transaction_id: string;
  status: string;
  amount: number;
  esim_count: number;
}

/** A few examples of a violation, not thousands of lines. */
function sample(items: string[], limit = 5): string {
  return items.slice(0, limit).join(', ') + (items.length > limit ? `, ... (${items.length} in all)` : '');
}

export async function checkRun({ db, merchantId, openingBalance, orders, receiver }: CheckInput): Promise<CheckResult> {
  const violations: string[] = [];
  const fail = (what: string, items: string[]) => {
    if (items.length > 0) violations.push(`${what}: ${sample(items)}`);
  };
  const [merchant] = await db.rows<{ balance: number }>('SELECT balance FROM merchants WHERE id = ?', [merchantId]);
  if (!merchant) return { violations: ['the merchant is gone'], figures: emptyFigures() };
  const balance = Number(merchant.balance);

  const orderRows = (await db.rows<OrderRow>('SELECT id, order_no, transaction_id, status, amount, esim_count FROM orders WHERE merchant_id = ?', [merchantId])).map((r) => ({
    ...r,
    id: Number(r.id),
    amount: Number(r.amount),
    esim_count: Number(r.esim_count),
  }));
  const byOrderNo = new Map(orderRows.map((r) => [r.order_no, r]));
  const esimCounts = new Map<number, number>();
  for (const row of await db.rows<{ order_id: number; n: number }>('SELECT order_id, COUNT(*) AS n FROM esims WHERE merchant_id = ? GROUP BY order_id', [merchantId])) {
    esimCounts.set(Number(row.order_id), Number(row.n));
  }

  // Every order a partner was told about exists once, allocated, with what it asked for.
  const accepted = orders.filter((o) => o.orderNo !== undefined);
  const missing: string[] = [];
  const notAllocated: string[] = [];
  const wrongShape: string[] = [];
  for (const order of accepted) {
    const row = byOrderNo.get(order.orderNo!);
    if (!row || row.transaction_id !== order.transactionId) {
      missing.push(`${order.transactionId} -> ${order.orderNo}`);
      continue;
    }
    if (row.status !== 'GOT_RESOURCE') notAllocated.push(`${row.order_no} is ${row.status}`);
    const esims = esimCounts.get(row.id) ?? 0;
    if (row.esim_count !== order.count || esims !== order.count || row.amount !== order.count * order.unitPrice) {
      wrongShape.push(`${row.order_no}: asked ${order.count} x ${order.unitPrice}, has esim_count ${row.esim_count}, ${esims} eSIMs, amount ${row.amount}`);
    }
  }
  fail('accepted orders missing from the database', missing);
  fail('accepted orders not GOT_RESOURCE', notAllocated);
  fail('orders with the wrong eSIMs or amount', wrongShape);
  fail(
    'a transactionId answered with two orderNos',
    orders.filter((o) => o.conflictingOrderNos.length > 0).map((o) => `${o.transactionId}: ${o.orderNo} and ${o.conflictingOrderNos.join('/')}`),
  );

  // Nothing in the database that no partner was told about, and one order per transactionId.
  const known = new Set(accepted.map((o) => o.orderNo));
  fail(
    'orders no partner was answered with',
    orderRows.filter((r) => !known.has(r.order_no)).map((r) => `${r.order_no} (${r.transaction_id}, ${r.status})`),
  );
  const perTransaction = new Map<string, number>();
  for (const r of orderRows) perTransaction.set(r.transaction_id, (perTransaction.get(r.transaction_id) ?? 0) + 1);
  fail('transactionIds with more than one order', [...perTransaction].filter(([, n]) => n > 1).map(([t, n]) => `${t} x${n}`));

  // No profile handed out twice, across all merchants (the demo merchant's too).
  const duplicateIccids = await db.rows<{ iccid: string; n: number }>('SELECT iccid, COUNT(*) AS n FROM esims GROUP BY iccid HAVING COUNT(*) > 1');
  fail('ICCIDs on more than one eSIM', duplicateIccids.map((r) => `${r.iccid} x${r.n}`));
  const [esimTotal] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM esims WHERE merchant_id = ?', [merchantId]);

  // Money: one charge per order, the amount of the order; refunds only for failed orders;
  // the balance is the sum of the ledger and the opening balance less what was ordered.
  const ledger = (await db.rows<{ amount: number; kind: string; reference: string | null }>('SELECT amount, kind, reference FROM ledger_entries WHERE merchant_id = ?', [merchantId])).map(
    (r) => ({ ...r, amount: Number(r.amount) }),
  );
  const charges = new Map<string, number[]>();
  for (const entry of ledger.filter((e) => e.kind === 'order')) {
    const list = charges.get(entry.reference ?? '') ?? [];
    list.push(entry.amount);
    charges.set(entry.reference ?? '', list);
  }
  const badCharges: string[] = [];
  for (const row of orderRows) {
    const list = charges.get(row.order_no) ?? [];
    if (list.length !== 1 || list[0] !== -row.amount) badCharges.push(`${row.order_no}: charges ${JSON.stringify(list)} for ${row.amount}`);
    charges.delete(row.order_no);
  }
  for (const [reference, list] of charges) badCharges.push(`charge ${JSON.stringify(list)} for no order (${reference})`);
  fail('orders not charged exactly once', badCharges);
  const failed = new Set(orderRows.filter((r) => r.status === 'FAILED').map((r) => r.order_no));
  fail(
    'refunds of orders that did not fail',
    ledger.filter((e) => e.kind === 'refund' && !failed.has(e.reference ?? '')).map((e) => `${e.reference} ${e.amount}`),
  );
  const ledgerSum = ledger.reduce((sum, e) => sum + e.amount, 0);
  if (ledgerSum !== balance) violations.push(`balance ${balance} != sum of the ledger ${ledgerSum}`);
  const ordered = orderRows.filter((r) => r.status !== 'FAILED').reduce((sum, r) => sum + r.amount, 0);
  if (openingBalance - ordered !== balance) violations.push(`balance ${balance} != opening ${openingBalance} - orders ${ordered}`);
  if (balance < 0) violations.push(`balance is negative: ${balance}`);

  // Webhooks: every accepted order announced (ORDER_STATUS), by one event (redeliveries of it
  // carry the same notifyId), and nothing left undelivered.
  fail(
    'accepted orders whose ORDER_STATUS never arrived',
    accepted.filter((o) => !receiver.orderStatus.has(o.orderNo!)).map((o) => o.orderNo!),
  );
  fail(
    'orders announced by more than one ORDER_STATUS event',
    [...receiver.orderStatus].filter(([, ids]) => ids.size > 1).map(([orderNo, ids]) => `${orderNo} x${ids.size}`),
  );
  const undelivered = await db.rows<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM webhook_events WHERE merchant_id = ? AND status <> 'delivered' GROUP BY status", [merchantId]);
  fail('webhook events not delivered', undelivered.map((r) => `${r.n} ${r.status}`));
  const [events] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_events WHERE merchant_id = ?', [merchantId]);
  if (receiver.malformed > 0) violations.push(`${receiver.malformed} webhook bodies were not JSON`);
  let redeliveries = 0;
  for (const [notifyId, delivery] of receiver.deliveries) if (delivery.type === 'ORDER_STATUS' && notifyId) redeliveries += delivery.count - 1;

  return {
    violations,
    figures: {
      ordersInDatabase: orderRows.length,
      esims: Number(esimTotal?.n ?? 0),
      ledgerEntries: ledger.length,
      balance,
      webhookEvents: Number(events?.n ?? 0),
      orderStatusRedeliveries: redeliveries,
    },
  };
}

function emptyFigures(): CheckResult['figures'] {
  return { ordersInDatabase: 0, esims: 0, ledgerEntries: 0, balance: 0, webhookEvents: 0, orderStatusRedeliveries: 0 };
}

/** True once the work after the load is done: every accepted order allocated and every event delivered. */
export async function drained(db: ChaosDatabase, merchantId: number, orders: PlacedOrder[], receiver: WebhookReceiver): Promise<boolean> {
  const [allocating] = await db.rows<{ n: number }>("SELECT COUNT(*) AS n FROM orders WHERE merchant_id = ? AND status = 'ALLOCATING'", [merchantId]);
  const [pending] = await db.rows<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_events WHERE merchant_id = ? AND status = 'pending'", [merchantId]);
  const announced = orders.every((o) => o.orderNo === undefined || receiver.orderStatus.has(o.orderNo));
  return Number(allocating?.n) === 0 && Number(pending?.n) === 0 && announced;
}
