import { formatUnits } from '@esimkit/contract';
import type { OrderStatus } from '../../../db/schema.js';
import { listMerchants } from '../../../domain/merchants/list.js';
import { listOrdersAcrossMerchants, orderForOperator } from '../../../domain/orders/across-merchants.js';
import { page, view } from '../../routes.js';
import { CrossMerchantFilters, crossMerchantQuery, Facts, formatTime, MerchantLink, NoRows, OP_PAGE_SIZE, Pages, notFound } from './parts.js';

// /console/operator/orders: every merchant's orders, newest first, filtered by merchant,
// status and part of an orderNo or transactionId (all in the query string), and an order's
// read-only page with its eSIMs. Operators look; changes are the partner's.

const STATUSES: readonly OrderStatus[] = ['ALLOCATING', 'GOT_RESOURCE', 'FAILED'];

export const orderAcrossMerchantsRoutes = [
  page('/console/operator/orders', { auth: 'operator' }, async (c) => {
    const q = c.query;
    const filters = crossMerchantQuery(q, STATUSES);
    const { merchantId, status, search, pageNum, filtered } = filters;
    const [merchants, { orders, total }] = await Promise.all([
      listMerchants({ ctx: c.ctx }),
      listOrdersAcrossMerchants({ ctx: c.ctx, input: { merchantId, status, search, pageNum, pageSize: OP_PAGE_SIZE } }),
    ]);
    return view(
      'Orders',
      <>
        <CrossMerchantFilters action="/console/operator/orders" label="Filter orders" merchants={merchants} statuses={STATUSES} searchLabel="Order number or transaction id" query={filters} />
        <div class="table-wrap">
          <table class="op-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Merchant</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  eSIMs
                </th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.length === 0 && <NoRows columns={6}>{filtered ? 'No order matches these filters.' : 'No orders yet.'}</NoRows>}
              {orders.map((o) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/operator/orders/${encodeURIComponent(o.orderNo)}`}>
                      <code>{o.orderNo}</code>
                    </a>
                  </th>
                  <td>
                    <MerchantLink id={o.merchantId} name={o.merchantName} />
                  </td>
                  <td>{formatTime(o.createdAt)}</td>
                  <td>
                    <code>{o.status}</code>
                  </td>
                  <td class="num">{o.esimCount}</td>
                  <td class="num">{formatUnits(o.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pages path="/console/operator/orders" query={q} pageNum={pageNum} pageSize={OP_PAGE_SIZE} total={total} noun="orders" />
      </>,
    );
  }),

  page('/console/operator/orders/:orderNo', { auth: 'operator' }, async (c) => {
    const order = await orderForOperator({ ctx: c.ctx, input: { orderNo: c.params.orderNo ?? '' } });
    if (!order) return notFound('There is no such order.');
    return view(
      `Order ${order.orderNo}`,
      <>
        <p>
          <a href="/console/operator/orders">All orders</a>
        </p>
        <Facts
          items={[
            ['Merchant', <MerchantLink id={order.merchantId} name={order.merchantName} />],
            ['Transaction id', <code>{order.transactionId}</code>],
            ['Status', <code>{order.status}</code>],
            ['Amount', formatUnits(order.amount)],
            ['Placed', formatTime(order.createdAt)],
            ['Completed', formatTime(order.completedAt)],
            ...(order.failureReason ? [['Failure', order.failureReason] as const] : []),
            [
              'Packages',
              order.items.map((i) => (
                <div>
                  <code>{i.packageCode}</code> × {i.count} at {formatUnits(i.unitPrice)}
                  {i.periodNum ? ` (${i.periodNum} days)` : ''}
                </div>
              )),
            ],
          ]}
        />
        <h2 id="order-esims">eSIMs</h2>
        <div class="table-wrap">
          <table aria-labelledby="order-esims">
            <thead>
              <tr>
                <th scope="col">esimTranNo</th>
                <th scope="col">ICCID</th>
                <th scope="col">Package</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {order.esims.length === 0 && <NoRows columns={4}>No eSIMs (yet).</NoRows>}
              {order.esims.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/operator/esims/${encodeURIComponent(e.esimTranNo)}`}>
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
                    <code>{e.esimStatus}</code> / <code>{e.smdpStatus}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>,
    );
  }),
];
