import { recentFailedDeliveries, webhookHealth } from '../../../domain/webhooks/health.js';
import { listMerchants } from '../../../domain/merchants/list.js';
import { page, view } from '../../routes.js';
import { Filters, formatAge, formatTime, idParam, MerchantLink, MerchantSelect, NoRows } from './parts.js';

// /console/operator/webhooks: webhook delivery health per merchant (pending, delivered,
// failed, the age of the oldest pending event) and the newest deliveries that gave up, with
// their last attempt. Over the webhook log the retention keeps; times are real time.

export const webhookHealthRoutes = [
  page('/console/operator/webhooks', { auth: 'operator' }, async (c) => {
    const merchantId = idParam(c.query.get('merchant'));
    const [merchants, health, failures] = await Promise.all([
      listMerchants({ ctx: c.ctx }),
      webhookHealth({ ctx: c.ctx }),
      recentFailedDeliveries({ ctx: c.ctx, input: { merchantId, limit: 20 } }),
    ]);
    const now = c.ctx.clock.now().getTime();
    const rows = merchantId === undefined ? health : health.filter((h) => h.merchantId === merchantId);
    return view(
      'Webhook delivery',
      <>
        <Filters action="/console/operator/webhooks" label="Choose a merchant" active={merchantId !== undefined}>
          <MerchantSelect merchants={merchants} value={merchantId} />
        </Filters>
        <section aria-labelledby="per-merchant">
          <h2 id="per-merchant">Per merchant</h2>
          <div class="table-wrap">
            <table class="op-health op-table">
              <thead>
                <tr>
                  <th scope="col">Merchant</th>
                  <th scope="col">Webhook URL</th>
                  <th scope="col" class="num">
                    Pending
                  </th>
                  <th scope="col" class="num">
                    Oldest pending
                  </th>
                  <th scope="col" class="num">
                    Delivered
                  </th>
                  <th scope="col" class="num">
                    Failed
                  </th>
                  <th scope="col" class="num">
                    No URL
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 && <NoRows columns={7}>No merchants.</NoRows>}
                {rows.map((h) => (
                  <tr class={h.failed > 0 ? 'op-attention' : undefined}>
                    <th scope="row">
                      <MerchantLink id={h.merchantId} name={h.merchantName} />
                    </th>
                    <td>{h.webhookUrl ? <code>{h.webhookUrl}</code> : 'none'}</td>
                    <td class="num">{h.pending}</td>
                    <td class="num">{h.oldestPendingAt === null ? '—' : formatAge(now - h.oldestPendingAt)}</td>
                    <td class="num">{h.delivered}</td>
                    <td class="num">{h.failed}</td>
                    <td class="num">{h.noEndpoint}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="failures">
          <h2 id="failures">Recent failures</h2>
          <div class="table-wrap">
            <table class="op-table">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Merchant</th>
                  <th scope="col">Type</th>
                  <th scope="col">Created</th>
                  <th scope="col" class="num">
                    Attempts
                  </th>
                  <th scope="col">Last answer</th>
                </tr>
              </thead>
              <tbody>
                {failures.length === 0 && <NoRows columns={6}>No delivery has failed.</NoRows>}
                {failures.map((f) => (
                  <tr>
                    <th scope="row">{f.eventId}</th>
                    <td>
                      <MerchantLink id={f.merchantId} name={f.merchantName} />
                    </td>
                    <td>
                      <code>{f.notifyType}</code>
                    </td>
                    <td class="op-time">{formatTime(f.createdAt)}</td>
                    <td class="num">{f.attempts}</td>
                    <td>
                      {f.lastStatusCode === null ? 'no answer' : `HTTP ${f.lastStatusCode}`}
                      {f.lastError && <div class="hint">{f.lastError}</div>}
                      {f.lastUrl && (
                        <div class="hint">
                          <code>{f.lastUrl}</code>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </>,
    );
  }),
];
