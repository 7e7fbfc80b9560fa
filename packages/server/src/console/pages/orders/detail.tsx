import { formatUnits } from '@esimkit/contract';
import { searchEsims, type EsimSummary } from '../../../domain/esims/search.js';
import { findOrder, type OrderSummary } from '../../../domain/orders/list.js';
import { ErrorMessage, Notice, Stat } from '../../components.js';
import { ApiErrorText, fragment, page, view, type MerchantPageContext } from '../../routes.js';
import { EmptyRow, FactRow, formatBytes, formatTime, StatusBadge } from './parts.js';

// /console/orders/:orderNo: an order and its eSIMs. Allocation is asynchronous: while the
// order is ALLOCATING, the order's part of the page asks /console/orders/:orderNo/live
// every second (htmx) and replaces itself, and stops once the answer no longer polls;
// without JavaScript, a Refresh link does the same by hand.

/** Every eSIM of one order fits on its page (an order holds at most 30 lines of 30). */
const ORDER_ESIMS = 900;

async function loadOrder(c: MerchantPageContext) {
  const order = await findOrder({ ctx: c.merchant, input: { orderNo: c.params.orderNo ?? '' } });
  if (!order) return undefined;
  const esims = order.status === 'GOT_RESOURCE' ? (await searchEsims({ ctx: c.merchant, input: { orderNo: order.orderNo, pageNum: 1, pageSize: ORDER_ESIMS } })).esims : [];
  return { order, esims };
}

/** Another merchant's order and one that does not exist look the same: esim/query's 310272. */
function orderNotFound(orderNo: string) {
  return view('Order not found', <ErrorMessage error={<ApiErrorText code="310272" message={`The orderNo does not exist: ${orderNo}`} />} />, 404);
}

export const orderDetailRoutes = [
  page('/console/orders/:orderNo', { auth: 'merchant' }, async (c) => {
    const loaded = await loadOrder(c);
    if (!loaded) return orderNotFound(c.params.orderNo ?? '');
    return view(
      `Order ${loaded.order.orderNo}`,
      <>
        {c.query.get('placed') === '1' && <Notice>Order placed. Its eSIMs are being allocated.</Notice>}
        <OrderLive order={loaded.order} esims={loaded.esims} />
        <p>
          <a href="/console/orders">All orders</a>
        </p>
      </>,
    );
  }),

  // The polled part of the order page (htmx only; a browser without JS reloads the page).
  page('/console/orders/:orderNo/live', { auth: 'merchant' }, async (c) => {
    const loaded = await loadOrder(c);
    if (!loaded) return orderNotFound(c.params.orderNo ?? '');
    return fragment(<OrderLive order={loaded.order} esims={loaded.esims} />);
  }),
];

function OrderLive({ order, esims }: { order: OrderSummary; esims: EsimSummary[] }) {
  const allocating = order.status === 'ALLOCATING';
  const self = `/console/orders/${encodeURIComponent(order.orderNo)}`;
  return (
    <div id="order-live" hx-get={allocating ? `${self}/live` : undefined} hx-trigger={allocating ? 'every 1s' : undefined} hx-swap="outerHTML">
      <dl class="stats">
        <Stat label="Status" value={<StatusBadge status={order.status} />} />
        <Stat label="Amount" value={formatUnits(order.amount)} />
        <Stat label="eSIMs" value={order.esimCount} />
      </dl>
      <div class="table-wrap">
        <table class="facts">
          <tbody>
            <FactRow label="Placed" value={formatTime(order.createdAt)} />
            <FactRow label="Allocated" value={order.completedAt ? formatTime(order.completedAt) : allocating ? 'Not yet' : '—'} />
            <FactRow label="Transaction ID" value={<code>{order.transactionId}</code>} />
            <FactRow
              label="Packages"
              value={order.items.map((item) => (
                <div>
                  <code>{item.packageCode}</code> × {item.count}
                  {item.periodNum ? ` for ${item.periodNum} days` : ''} at {formatUnits(item.unitPrice)}
                </div>
              ))}
            />
            {order.failureReason && <FactRow label="Failure" value={<>{order.failureReason} (refunded)</>} />}
          </tbody>
        </table>
      </div>
      <h2>eSIMs</h2>
      {allocating ? (
        <p class="allocating" role="status">
          Allocating the eSIMs… this page updates by itself. <a href={self}>Refresh</a>
        </p>
      ) : (
        <OrderEsims esims={esims} failed={order.status === 'FAILED'} />
      )}
    </div>
  );
}

function OrderEsims({ esims, failed }: { esims: EsimSummary[]; failed: boolean }) {
  return (
    <div class="table-wrap">
      <table class="order-esims">
        <thead>
          <tr>
            <th scope="col">esimTranNo</th>
            <th scope="col">ICCID</th>
            <th scope="col">Package</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Used
            </th>
          </tr>
        </thead>
        <tbody>
          {esims.length === 0 && <EmptyRow columns={5}>{failed ? 'Allocation failed: no eSIMs.' : 'No eSIMs.'}</EmptyRow>}
          {esims.map((e) => (
            <tr>
              <th scope="row">
                <a href={`/console/esims/${e.esimTranNo}`}>
                  <code>{e.esimTranNo}</code>
                </a>
              </th>
              <td>
                <code>{e.iccid}</code>
              </td>
              <td>
                <code>{e.packageCode}</code>
              </td>
              <td>
                <StatusBadge status={e.esimStatus} /> <StatusBadge status={e.smdpStatus} />
              </td>
              <td class="num">
                {formatBytes(e.orderUsage)} of {formatBytes(e.totalVolume)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
