import { formatUnits } from '@esimkit/contract';
import type { OrderStatus } from '../../../db/schema.js';
import { listOrders, type OrderSummary } from '../../../domain/orders/list.js';
import { Field } from '../../components.js';
import { page, view } from '../../routes.js';
import { EmptyRow, FilterForm, formatTime, PAGE_SIZE, pageNumber, Pager, SelectField, StatusBadge } from './parts.js';

// /console/orders: the merchant's orders, newest first, with filters in the query string
// (status, a date range of UTC days, a package, part of an orderNo) and pages.

const ORDER_STATUSES: readonly OrderStatus[] = ['ALLOCATING', 'GOT_RESOURCE', 'FAILED'];
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` to the epoch ms of that UTC midnight; undefined for anything else. */
function utcDay(text: string | null): number | undefined {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export const orderListRoutes = [
  page('/console/orders', { auth: 'merchant' }, async (c) => {
    const q = c.query;
    const status = ORDER_STATUSES.find((s) => s === q.get('status'));
    const from = utcDay(q.get('from'));
    const to = utcDay(q.get('to'));
    const pageNum = pageNumber(q);
    const { orders, total } = await listOrders({
      ctx: c.merchant,
      input: {
        status,
        from,
        // The "to" day is included: before the next midnight.
        until: to === undefined ? undefined : to + DAY_MS,
        packageCode: q.get('package')?.trim() || undefined,
        orderNo: q.get('orderNo')?.trim() || undefined,
        pageNum,
        pageSize: PAGE_SIZE,
      },
    });
    const filtered = ['status', 'from', 'to', 'package', 'orderNo'].some((k) => q.get(k));
    return view(
      'Orders',
      <>
        <p class="actions-row">
          <a class="button" href="/console/orders/new">
            New order
          </a>
        </p>
        <FilterForm action="/console/orders" clear={filtered}>
          <Field label="Order number" name="orderNo" type="search" value={q.get('orderNo') ?? ''} />
          <SelectField label="Status" name="status" value={status ?? ''} options={['', ...ORDER_STATUSES]} />
          <Field label="Package code" name="package" value={q.get('package') ?? ''} />
          <Field label="From (UTC day)" name="from" type="date" value={from === undefined ? '' : q.get('from')!} />
          <Field label="To (UTC day)" name="to" type="date" value={to === undefined ? '' : q.get('to')!} />
        </FilterForm>
        <OrderTable orders={orders} filtered={filtered} />
        <Pager path="/console/orders" query={q} pageNum={pageNum} pageSize={PAGE_SIZE} total={total} label="Orders" />
      </>,
    );
  }),
];

function OrderTable({ orders, filtered }: { orders: OrderSummary[]; filtered: boolean }) {
  return (
    <div class="table-wrap">
      <table class="orders">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            <th scope="col">Status</th>
            <th scope="col">Packages</th>
            <th scope="col" class="num">
              eSIMs
            </th>
            <th scope="col" class="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {orders.length === 0 && <EmptyRow columns={6}>{filtered ? 'No order matches these filters.' : 'No orders yet.'}</EmptyRow>}
          {orders.map((o) => (
            <tr>
              <th scope="row">
                <a href={`/console/orders/${encodeURIComponent(o.orderNo)}`}>
                  <code>{o.orderNo}</code>
                </a>
              </th>
              <td>{formatTime(o.createdAt)}</td>
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td>
                {o.items.map((item) => (
                  <div>
                    <code>{item.packageCode}</code> × {item.count}
                    {item.periodNum ? ` (${item.periodNum} days)` : ''}
                  </div>
                ))}
              </td>
              <td class="num">{o.esimCount}</td>
              <td class="num">
                {formatUnits(o.amount)}
                {o.status === 'FAILED' && <div class="hint">refunded</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
