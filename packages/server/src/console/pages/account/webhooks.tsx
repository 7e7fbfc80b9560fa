import { webhookEventSchemas } from '@esimkit/contract';
import type { DeliveryStatus } from '../../../db/schema.js';
import { webhookDeliveryLog } from '../../../domain/webhooks/log.js';
import { redeliverWebhooks } from '../../../domain/webhooks/redeliver.js';
import { queryWebhook, saveWebhook } from '../../../domain/webhooks/save.js';
import { disableWebhookSigning, rotateWebhookSecret, webhookSigningState } from '../../../domain/webhooks/secret.js';
import { Field, Notice, PostForm, SelectField } from '../../components.js';
import { action, page, redirect, view } from '../../routes.js';
import { Pager, queryInt, WireTime, withQuery } from './parts.js';

// Webhooks: the URL (saved by webhook/save's verb, so CHECK_HEALTH must answer 2xx first),
// the signing secret (shown on demand, rotated or turned off by the API's verbs) and the
// delivery log (webhook/log's verb), newest first. An event's attempts and its redelivery are
// on webhook-event.tsx.

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'no_endpoint'];
const NOTIFY_TYPES = Object.keys(webhookEventSchemas);

export const webhookRoutes = [
  page('/console/webhooks', { auth: 'merchant' }, async (c) => {
    const status = STATUSES.find((s) => s === c.query.get('status'));
    const notifyType = NOTIFY_TYPES.find((t) => t === c.query.get('type'));
    const [{ webhook }, signing, log] = await Promise.all([
      queryWebhook({ ctx: c.merchant, input: {} }),
      webhookSigningState({ ctx: c.merchant, input: { accessCode: c.merchant.merchant.access_code } }),
      webhookDeliveryLog({ ctx: c.merchant, input: { status, notifyType, pager: { pageNum: queryInt(c.query, 'page') ?? 1, pageSize: 25 } } }),
    ]);
    const pages = Math.max(1, Math.ceil(log.pager.total / log.pager.pageSize));
    const pageNum = log.pager.pageNum;
    return view(
      'Webhooks',
      <>
        {c.query.get('saved') === '1' && <Notice>Saved: the URL answered CHECK_HEALTH, and events go there from now on.</Notice>}
        {c.query.get('rotated') === '1' && <Notice>A new signing secret is in use; a previous one, if any, keeps signing beside it for 24 hours.</Notice>}
        {c.query.get('signing') === 'off' && <Notice>Deliveries are no longer signed.</Notice>}
        {c.query.has('redelivered') && <Notice>{`Queued for delivery again: ${queryInt(c.query, 'redelivered') ?? 0} failed or undelivered events.`}</Notice>}

        <section aria-labelledby="endpoint">
          <h2 id="endpoint">Endpoint</h2>
          <p>
            Events go to: {webhook ? <code class="acct-break">{webhook}</code> : <strong>no URL saved; events are kept in the log and not sent</strong>}
          </p>
          <PostForm action="/console/webhooks/url" class="acct-filters">
            <div class="field acct-wide">
              <label for="f-webhook">Webhook URL</label>
              <input id="f-webhook" type="url" name="webhook" value={webhook ?? ''} required aria-describedby="f-webhook-hint" />
              <p class="hint" id="f-webhook-hint">
                Saving sends CHECK_HEALTH to the URL; it is saved only if it answers 2xx, as webhook/save does.
              </p>
            </div>
            <div class="acct-actions">
              <button type="submit">Save and check</button>
            </div>
          </PostForm>
        </section>

        <section aria-labelledby="signing">
          <h2 id="signing">Signing secret</h2>
          {signing.signing ? (
            <>
              <details class="acct-secret">
                <summary>Show the signing secret</summary>
                <code class="acct-break" data-testid="webhook-secret">
                  {signing.secret}
                </code>
                {signing.previousSecret && (
                  <p>
                    The previous secret also signs until <WireTime text={signing.previousValidUntil} />: <code class="acct-break">{signing.previousSecret}</code>
                  </p>
                )}
              </details>
              <div class="acct-actions">
                <PostForm action="/console/webhooks/secret/rotate" confirm="Make a new signing secret? The current one keeps signing beside it for 24 hours." class="acct-inline">
                  <button type="submit">Rotate the secret</button>
                </PostForm>
                <PostForm action="/console/webhooks/secret/disable" confirm="Stop signing deliveries? Receivers that check signatures will refuse them." class="acct-inline">
                  <button type="submit" class="danger">
                    Stop signing
                  </button>
                </PostForm>
              </div>
            </>
          ) : (
            <>
              <p>Deliveries are not signed. With a secret, each carries Standard Webhooks signature headers your receiver can check.</p>
              <PostForm action="/console/webhooks/secret/rotate">
                <button type="submit">Sign deliveries with a new secret</button>
              </PostForm>
            </>
          )}
        </section>

        <section aria-labelledby="deliveries">
          <h2 id="deliveries">Deliveries</h2>
          <form method="get" action="/console/webhooks" class="acct-filters" aria-label="Filter deliveries">
            <SelectField label="Status" name="status" value={status} options={['', ...STATUSES]} />
            <SelectField label="Event type" name="type" value={notifyType} options={['', ...NOTIFY_TYPES]} />
            <div class="acct-actions">
              <button type="submit">Show deliveries</button>
            </div>
          </form>
          <PostForm action="/console/webhooks/redeliver-failed" class="acct-filters" confirm="Send every failed or undelivered event since that day again?">
            <Field id="f-failed-since" label="Failed since (UTC day)" name="failedSince" type="date" required />
            <div class="acct-actions">
              <button type="submit" class="secondary">
                Redeliver failed events
              </button>
            </div>
          </PostForm>
          {log.eventList.length === 0 ? (
            <p>No event yet.</p>
          ) : (
            <div class="table-wrap">
              <table class="acct-table" aria-labelledby="deliveries">
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Attempts
                    </th>
                    <th scope="col">Last answer</th>
                  </tr>
                </thead>
                <tbody>
                  {log.eventList.map((e) => {
                    const last = e.attemptList.at(-1);
                    return (
                      <tr>
                        <td>
                          <WireTime text={e.createTime} />
                        </td>
                        <th scope="row">
                          <a href={`/console/webhooks/events/${e.notifyId}`}>{e.notifyType}</a>
                          <br />
                          <code>{e.notifyId}</code>
                        </th>
                        <td>{e.status}</td>
                        <td class="num">{e.attempts}</td>
                        <td>{last ? (last.statusCode !== null ? `HTTP ${last.statusCode}` : (last.error ?? 'no answer')) : '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <Pager
            label="Pages of deliveries"
            previousText="Newer"
            nextText="Older"
            previous={pageNum > 1 ? withQuery(c.path, c.query, { page: pageNum - 1 }) : undefined}
            next={pageNum < pages ? withQuery(c.path, c.query, { page: pageNum + 1 }) : undefined}
          />
        </section>
      </>,
    );
  }),

  action('/console/webhooks/url', { auth: 'merchant' }, async (c) => {
    await saveWebhook({ ctx: c.merchant, input: { webhook: (c.form.get('webhook') ?? '').trim() } });
    return redirect('/console/webhooks?saved=1');
  }),

  // webhook/redeliver with failedSince: every failed or undelivered event since the start of that UTC day.
  action('/console/webhooks/redeliver-failed', { auth: 'merchant' }, async (c) => {
    const day = c.form.get('failedSince') ?? '';
    const { redelivered } = await redeliverWebhooks({ ctx: c.merchant, input: { failedSince: /^\d{4}-\d\d-\d\d$/.test(day) ? `${day}T00:00:00Z` : day } });
    return redirect(`/console/webhooks?redelivered=${redelivered}`);
  }),

  action('/console/webhooks/secret/rotate', { auth: 'merchant' }, async (c) => {
    await rotateWebhookSecret({ ctx: c.merchant, input: {} });
    return redirect('/console/webhooks?rotated=1#signing');
  }),

  action('/console/webhooks/secret/disable', { auth: 'merchant' }, async (c) => {
    await disableWebhookSigning({ ctx: c.merchant, input: {} });
    return redirect('/console/webhooks?signing=off#signing');
  }),
];
