import { redeliverWebhooks } from '../../../domain/webhooks/redeliver.js';
import { webhookDeliveryLog } from '../../../domain/webhooks/log.js';
import { Notice, PostForm } from '../../components.js';
import { action, page, redirect, view } from '../../routes.js';
import { WireTime } from './parts.js';

// One webhook event: the body sent (the request of every attempt), and each attempt's URL,
// time, answer code, latency and answer body or error; redelivery by webhook/redeliver's verb
// (the same notifyId and body, a fresh round of retries).

/** The body as sent, indented when it is JSON (what a person reads); as is otherwise. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const webhookEventRoutes = [
  page('/console/webhooks/events/:notifyId', { auth: 'merchant' }, async (c) => {
    const notifyId = c.params.notifyId!;
    const log = await webhookDeliveryLog({ ctx: c.merchant, input: { notifyId, pager: { pageNum: 1, pageSize: 1 } } });
    const event = log.eventList[0];
    if (!event) return { ...view('Event not found', <p>No event of yours has the notifyId <code>{notifyId}</code>. <a href="/console/webhooks">Back to webhooks</a></p>, 404), error: true };
    return view(
      `${event.notifyType} event`,
      <>
        <p>
          <a href="/console/webhooks">← Webhooks</a>
        </p>
        {c.query.get('redelivered') === '1' && <Notice>Queued for delivery again, with the same notifyId and body.</Notice>}
        <dl class="acct-facts">
          <dt>notifyId</dt>
          <dd>
            <code>{event.notifyId}</code>
          </dd>
          <dt>Status</dt>
          <dd>{event.status}</dd>
          <dt>Created</dt>
          <dd>
            <WireTime text={event.createTime} />
          </dd>
          <dt>Delivered</dt>
          <dd>
            <WireTime text={event.deliveredTime} />
          </dd>
          <dt>Next attempt</dt>
          <dd>
            <WireTime text={event.nextAttemptTime} />
          </dd>
        </dl>
        {event.notifyType !== 'CHECK_HEALTH' && (
          <PostForm action={`/console/webhooks/events/${encodeURIComponent(event.notifyId)}/redeliver`} confirm="Send this event again to the saved URL?">
            <button type="submit">Redeliver</button>
          </PostForm>
        )}
        <h2 id="request">Request body</h2>
        <pre class="acct-body" aria-labelledby="request">
          {pretty(event.body)}
        </pre>
        <h2 id="attempts">Attempts ({event.attemptList.length})</h2>
        {event.attemptList.length === 0 && <p>No attempt yet.</p>}
        <ol class="acct-attempts" aria-labelledby="attempts">
          {/* Numbered in time order: a redelivery starts a new round whose attempts count from 1 again. */}
          {event.attemptList.map((a, i) => (
            <li>
              <h3>
                Attempt {i + 1}
                {a.attempt !== i + 1 && ` (attempt ${a.attempt} of a redelivery)`}
              </h3>
              <dl class="acct-facts">
                <dt>Time</dt>
                <dd>
                  <WireTime text={a.time} />
                </dd>
                <dt>POST to</dt>
                <dd>
                  <code class="acct-break">{a.url}</code>
                </dd>
                <dt>Answer</dt>
                <dd>{a.statusCode !== null ? `HTTP ${a.statusCode}` : 'none'}</dd>
                <dt>Latency</dt>
                <dd>{a.latencyMs} ms</dd>
                {a.error && (
                  <>
                    <dt>Error</dt>
                    <dd>{a.error}</dd>
                  </>
                )}
              </dl>
              <h4>Response body</h4>
              <pre class="acct-body">{a.response || '(empty)'}</pre>
            </li>
          ))}
        </ol>
      </>,
    );
  }),

  action('/console/webhooks/events/:notifyId/redeliver', { auth: 'merchant' }, async (c) => {
    const notifyId = c.params.notifyId!;
    await redeliverWebhooks({ ctx: c.merchant, input: { notifyId } });
    return redirect(`/console/webhooks/events/${encodeURIComponent(notifyId)}?redelivered=1`);
  }),
];
