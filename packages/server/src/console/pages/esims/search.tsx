import { searchEsims, type EsimSummary } from '../../../domain/esims/search.js';
import { esimStatuses } from '../../../domain/lifecycle/states.js';
import { Field } from '../../components.js';
import { page, view } from '../../routes.js';
import { EmptyRow, FilterForm, formatBytes, formatTime, PAGE_SIZE, pageNumber, Pager, SelectField, StatusBadge } from '../orders/parts.js';

// /console/esims: find the merchant's eSIMs by ICCID, esimTranNo, orderNo and status (a GET
// form, so a search is a link), newest first, paged.

export const esimSearchRoutes = [
  page('/console/esims', { auth: 'merchant' }, async (c) => {
    const q = c.query;
    const status = esimStatuses.find((s) => s === q.get('status'));
    const pageNum = pageNumber(q);
    const criteria = { iccid: q.get('iccid')?.trim() || undefined, esimTranNo: q.get('esimTranNo')?.trim() || undefined, orderNo: q.get('orderNo')?.trim() || undefined };
    const { esims, total } = await searchEsims({ ctx: c.merchant, input: { ...criteria, status, pageNum, pageSize: PAGE_SIZE } });
    const filtered = Boolean(criteria.iccid || criteria.esimTranNo || criteria.orderNo || status);
    return view(
      'eSIMs',
      <>
        <FilterForm action="/console/esims" clear={filtered}>
          <Field label="ICCID" name="iccid" type="search" value={q.get('iccid') ?? ''} />
          <Field label="esimTranNo" name="esimTranNo" type="search" value={q.get('esimTranNo') ?? ''} />
          <Field label="Order number" name="orderNo" type="search" value={q.get('orderNo') ?? ''} />
          <SelectField label="Status" name="status" value={status ?? ''} options={['', ...esimStatuses]} />
        </FilterForm>
        <EsimTable esims={esims} filtered={filtered} />
        <Pager path="/console/esims" query={q} pageNum={pageNum} pageSize={PAGE_SIZE} total={total} label="eSIMs" />
      </>,
    );
  }),
];

function EsimTable({ esims, filtered }: { esims: EsimSummary[]; filtered: boolean }) {
  return (
    <div class="table-wrap">
      <table class="esims">
        <thead>
          <tr>
            <th scope="col">esimTranNo</th>
            <th scope="col">ICCID</th>
            <th scope="col">Order</th>
            <th scope="col">Package</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Used
            </th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          {esims.length === 0 && <EmptyRow columns={7}>{filtered ? 'No eSIM matches this search.' : 'No eSIMs yet.'}</EmptyRow>}
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
                <a href={`/console/orders/${encodeURIComponent(e.orderNo)}`}>
                  <code>{e.orderNo}</code>
                </a>
              </td>
              <td>
                <code>{e.packageCode}</code>
              </td>
              <td>
                <StatusBadge status={e.esimStatus} />
              </td>
              <td class="num">
                {formatBytes(e.orderUsage)} of {formatBytes(e.totalVolume)}
              </td>
              <td>{formatTime(e.expiredTime)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
