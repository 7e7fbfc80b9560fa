import { formatUnits } from '@esimkit/contract';
import type { PlanPurchase } from '../../../domain/esims/plan-history.js';
import type { UsageHistory } from '../../../domain/esims/usage-history.js';
import { Chart } from '../../components.js';
import { EmptyRow, formatBytes, formatTime, StatusBadge } from '../orders/parts.js';
import type { EsimItem } from './detail.js';

// The read-only parts of the eSIM page: install panel, usage plot, timeline, plan, SMS.

/** A cancelled or revoked eSIM's QR code and install page answer 410 (http/install-pages.ts). */
const WITHDRAWN = new Set(['CANCEL', 'REVOKE']);

/**
 * The QR code is the install pages' own PNG (http/install-pages.ts renders it from the
 * activation code): the image is loaded by its path, so it comes from this server whatever
 * PUBLIC_URL says; the install link is the public shortUrl handed to the customer.
 */
export function InstallPanel({ esim }: { esim: EsimItem }) {
  const withdrawn = WITHDRAWN.has(esim.esimStatus);
  return (
    <section class="card install" aria-labelledby="install">
      <h2 id="install">Install</h2>
      {withdrawn ? (
        <p>This eSIM was {esim.esimStatus === 'CANCEL' ? 'cancelled' : 'revoked'}: its QR code and install page are withdrawn.</p>
      ) : (
        <>
          <img class="qr" src={new URL(esim.qrCodeUrl).pathname} width={220} height={220} alt={`QR code of the activation code of eSIM ${esim.esimTranNo}`} />
          <p>
            <a href={esim.shortUrl} target="_blank" rel="noopener noreferrer">
              Install page
            </a>{' '}
            <span class="hint">(the link to give the customer: {esim.shortUrl})</span>
          </p>
        </>
      )}
      <p>
        Activation code: <code>{esim.ac}</code>
      </p>
    </section>
  );
}

const MB = 1024 * 1024;

export function UsageChart({ usage }: { usage: UsageHistory }) {
  const last = usage.at.length - 1;
  const summary =
    last < 0
      ? 'No usage reported yet.'
      : `${formatBytes(usage.used[last]!)} of ${formatBytes(usage.total[last]!)} used as of ${formatTime(usage.at[last]!)}, from ${usage.at.length} reported points.`;
  return (
    <section class="usage" aria-labelledby="usage">
      <h2 id="usage">Data usage</h2>
      <Chart
        title="Data used and bought (MB)"
        summary={summary}
        x={usage.at.map((ms) => Math.floor(ms / 1000))}
        series={[
          { label: 'Used', values: usage.used.map((b) => Math.round((b / MB) * 10) / 10) },
          { label: 'Bought', values: usage.total.map((b) => Math.round((b / MB) * 10) / 10) },
        ]}
        yLabel="MB"
      />
      <p class="hint">Points: creation, each DATA_USAGE threshold reported, the latest report, each top-up, and now. Between them the usage is not recorded.</p>
    </section>
  );
}

export function Timeline({ events }: { events: { field: string; from: string | null; to: string; actor: string; time: string }[] }) {
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline">Timeline</h2>
      <div class="table-wrap">
        <table class="timeline">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Change</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {events.length === 0 && <EmptyRow columns={3}>No changes recorded.</EmptyRow>}
            {events.map((e) => (
              <tr>
                <td>{formatTime(Date.parse(e.time.replace('+0000', 'Z')))}</td>
                <td>
                  {e.field === 'esimStatus' ? 'Status' : 'Profile'}: {e.from ? <StatusBadge status={e.from} /> : '—'} → <StatusBadge status={e.to} />
                </td>
                <td>{e.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function PlanTable({ purchases }: { purchases: PlanPurchase[] }) {
  return (
    <section aria-labelledby="plan">
      <h2 id="plan">Plan and top-ups</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Bought</th>
              <th scope="col">Kind</th>
              <th scope="col">Package</th>
              <th scope="col">Transaction no.</th>
              <th scope="col" class="num">
                Data
              </th>
              <th scope="col" class="num">
                Days
              </th>
              <th scope="col" class="num">
                Price
              </th>
            </tr>
          </thead>
          <tbody>
            {purchases.map((p) => (
              <tr>
                <td>{formatTime(p.createdAt)}</td>
                <td>{p.kind === 'BASE' ? 'Plan' : 'Top-up'}</td>
                <td>
                  <code>{p.packageCode}</code>
                </td>
                <td>
                  <code>{p.tranNo}</code>
                </td>
                <td class="num">{formatBytes(p.volume)}</td>
                <td class="num">{p.duration}</td>
                <td class="num">{formatUnits(p.price)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function SmsList({ messages }: { messages: { direction: string; message: string; createTime: string }[] }) {
  return (
    <section aria-labelledby="sms">
      <h2 id="sms">SMS</h2>
      <div class="table-wrap">
        <table class="sms">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Direction</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {messages.length === 0 && <EmptyRow columns={3}>No SMS yet.</EmptyRow>}
            {messages.map((m) => (
              <tr>
                <td>{formatTime(Date.parse(m.createTime.replace('+0000', 'Z')))}</td>
                <td>{m.direction === 'MT' ? 'To the device' : 'From the device'}</td>
                <td class="sms-text">{m.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
