import { esimForOperator, listEsimsAcrossMerchants } from '../../../domain/esims/across-merchants.js';
import { esimStatuses } from '../../../domain/lifecycle/states.js';
import { listMerchants } from '../../../domain/merchants/list.js';
import { page, view } from '../../routes.js';
import { formatBytes } from '../../parts/lists.js';
import { CrossMerchantFilters, crossMerchantQuery, Facts, formatTime, MerchantLink, NoRows, OP_PAGE_SIZE, Pages, notFound } from './parts.js';

// /console/operator/esims: every merchant's eSIMs, newest first, filtered by merchant, status
// and part of an ICCID, esimTranNo or orderNo, and an eSIM's read-only page with its timeline.


export const esimAcrossMerchantsRoutes = [
  page('/console/operator/esims', { auth: 'operator' }, async (c) => {
    const q = c.query;
    const filters = crossMerchantQuery(q, esimStatuses);
    const { merchantId, status, search, pageNum, filtered } = filters;
    const [merchants, { esims, total }] = await Promise.all([
      listMerchants({ ctx: c.ctx }),
      listEsimsAcrossMerchants({ ctx: c.ctx, input: { merchantId, status, search, pageNum, pageSize: OP_PAGE_SIZE } }),
    ]);
    return view(
      'eSIMs',
      <>
        <CrossMerchantFilters action="/console/operator/esims" label="Filter eSIMs" merchants={merchants} statuses={esimStatuses} searchLabel="ICCID, esimTranNo or order number" query={filters} />
        <div class="table-wrap">
          <table class="op-table">
            <thead>
              <tr>
                <th scope="col">esimTranNo</th>
                <th scope="col">Merchant</th>
                <th scope="col">ICCID</th>
                <th scope="col">Package</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Used
                </th>
              </tr>
            </thead>
            <tbody>
              {esims.length === 0 && <NoRows columns={6}>{filtered ? 'No eSIM matches these filters.' : 'No eSIMs yet.'}</NoRows>}
              {esims.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/operator/esims/${encodeURIComponent(e.esimTranNo)}`}>
                      <code>{e.esimTranNo}</code>
                    </a>
                  </th>
                  <td>
                    <MerchantLink id={e.merchantId} name={e.merchantName} />
                  </td>
                  <td>
                    <code>{e.iccid}</code>
                  </td>
                  <td>
                    <code>{e.packageCode}</code>
                  </td>
                  <td>
                    <code>{e.esimStatus}</code>
                  </td>
                  <td class="num">
                    {formatBytes(e.orderUsage)} of {formatBytes(e.totalVolume)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pages path="/console/operator/esims" query={q} pageNum={pageNum} pageSize={OP_PAGE_SIZE} total={total} noun="eSIMs" />
      </>,
    );
  }),

  page('/console/operator/esims/:esimTranNo', { auth: 'operator' }, async (c) => {
    const esim = await esimForOperator({ ctx: c.ctx, input: { esimTranNo: c.params.esimTranNo ?? '' } });
    if (!esim) return notFound('There is no such eSIM.');
    return view(
      `eSIM ${esim.esimTranNo}`,
      <>
        <p>
          <a href="/console/operator/esims">All eSIMs</a>
        </p>
        <Facts
          items={[
            ['Merchant', <MerchantLink id={esim.merchantId} name={esim.merchantName} />],
            ['Order', <a href={`/console/operator/orders/${encodeURIComponent(esim.orderNo)}`}>{esim.orderNo}</a>],
            ['ICCID', <code>{esim.iccid}</code>],
            ['Package', <code>{esim.packageCode}</code>],
            ['Status', <code>{`${esim.esimStatus} / ${esim.smdpStatus}`}</code>],
            ['Data used', `${formatBytes(esim.orderUsage)} of ${formatBytes(esim.totalVolume)}`],
            ['Expires', formatTime(esim.expiredTime)],
            ['Created', formatTime(esim.createdAt)],
          ]}
        />
        <h2 id="timeline">Timeline</h2>
        <div class="table-wrap">
          <table aria-labelledby="timeline">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Field</th>
                <th scope="col">Change</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {esim.events.length === 0 && <NoRows columns={4}>No status changes recorded.</NoRows>}
              {esim.events.map((e) => (
                <tr>
                  <td>{formatTime(e.at)}</td>
                  <td>{e.field}</td>
                  <td>
                    <code>{e.from ?? '—'}</code> → <code>{e.to}</code>
                  </td>
                  <td>{e.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>,
    );
  }),
];
