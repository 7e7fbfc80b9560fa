import { endpoints } from '@esimkit/contract';
import { findRequest } from '../../../domain/request-log/find.js';
import { listRequests } from '../../../domain/request-log/list.js';
import { CheckboxField, SelectField } from '../../components.js';
import { page, view } from '../../routes.js';
import { Pager, queryInt, Time, withQuery } from './parts.js';

// The request log: the merchant's recent partner API requests, newest first, as a payments
// dashboard shows them (endpoint, answer code, latency, time), filtered by endpoint or to
// failures; older pages by `before` (the last id shown), so new requests never shift a page.
// Bodies were masked when recorded (domain/request-log/mask.ts); headers are not kept.

const PAGE_SIZE = 50;
const ENDPOINTS = endpoints.map((e) => e.name).sort();

/** The body as kept, indented when it is whole JSON. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function isSuccess(code: string): boolean {
  return code === '0' || code === 'null';
}

export const requestLogRoutes = [
  page('/console/requests', { auth: 'merchant' }, async (c) => {
    const endpoint = ENDPOINTS.find((e) => e === c.query.get('endpoint'));
    const failedOnly = c.query.get('failed') === '1';
    const before = queryInt(c.query, 'before');
    const rows = await listRequests({ ctx: c.merchant, input: { limit: PAGE_SIZE + 1, before, endpoint, failedOnly } });
    const shown = rows.slice(0, PAGE_SIZE);
    const more = rows.length > PAGE_SIZE;
    return view(
      'Request log',
      <>
        <form method="get" action="/console/requests" class="acct-filters" aria-label="Filter requests">
          <SelectField label="Endpoint" name="endpoint" value={endpoint} options={['', ...ENDPOINTS]} />
          <CheckboxField id="f-failed" label="Failures only" name="failed" checked={failedOnly} class="acct-check" />
          <div class="acct-actions">
            <button type="submit">Show requests</button>
          </div>
        </form>
        {shown.length === 0 ? (
          <p>No request {before ? 'older than these' : 'yet'}. Requests are kept for a few days.</p>
        ) : (
          <div class="table-wrap">
            <table class="acct-table" aria-label="Requests">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Code</th>
                  <th scope="col" class="num">
                    Latency
                  </th>
                  <th scope="col">IP</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr class={isSuccess(r.code) ? undefined : 'acct-failed'}>
                    <td>
                      <a href={`/console/requests/${r.id}`}>
                        <Time at={r.at} />
                      </a>
                    </td>
                    <th scope="row">{r.endpoint}</th>
                    <td>
                      <code>{r.code}</code>
                      {isSuccess(r.code) ? '' : ' failed'}
                    </td>
                    <td class="num">{r.latencyMs.toFixed(1)} ms</td>
                    <td>{r.ip}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          label="Pages of requests"
          previousText="Newest"
          nextText="Older"
          previous={before !== undefined ? withQuery(c.path, c.query, { before: undefined }) : undefined}
          next={more ? withQuery(c.path, c.query, { before: shown.at(-1)!.id }) : undefined}
        />
      </>,
    );
  }),

  page('/console/requests/:id', { auth: 'merchant' }, async (c) => {
    const request = await findRequest({ ctx: c.merchant, input: { id: Number(c.params.id) } });
    if (!request) return { ...view('Request not found', <p>No request of yours has this id. <a href="/console/requests">Back to the request log</a></p>, 404), error: true };
    return view(
      `${request.endpoint} request`,
      <>
        <p>
          <a href="/console/requests">← Request log</a>
        </p>
        <dl class="acct-facts">
          <dt>Time</dt>
          <dd>
            <Time at={request.at} />
          </dd>
          <dt>Endpoint</dt>
          <dd>{request.endpoint}</dd>
          <dt>Answer code</dt>
          <dd>
            <code>{request.code}</code> {isSuccess(request.code) ? 'success' : 'failure'}
          </dd>
          <dt>Latency</dt>
          <dd>{request.latencyMs.toFixed(1)} ms</dd>
          <dt>Client IP</dt>
          <dd>{request.ip}</dd>
          <dt>Request id</dt>
          <dd>
            <code>{request.requestId}</code>
          </dd>
        </dl>
        <h2 id="request-body">Request body</h2>
        <pre class="acct-body" aria-labelledby="request-body">
          {pretty(request.requestBody) || '(empty)'}
        </pre>
        <h2 id="answer-body">Answer body</h2>
        <pre class="acct-body" aria-labelledby="answer-body">
          {pretty(request.responseBody) || '(empty)'}
        </pre>
        <p class="hint">Secrets in bodies (signing secrets, activation codes, PIN and PUK) were masked when the request was recorded; headers are not kept.</p>
      </>,
    );
  }),
];
