import { signWebhook } from '@esimkit/contract';
import { code, escapeHtml, heading, inline, jsonBlock, pre, table, type Json, type Section } from './html.js';
import { fieldTable } from './schema-fields.js';

// The webhook events, generated from the AsyncAPI document: how they are delivered and
// signed, then each notifyType with its fields and an example body.

interface Message {
  name: string;
  summary: string;
  payload: Json;
  example: unknown;
}

function messagesOf(asyncApi: Json): Message[] {
  const messages = ((asyncApi.components as Json).messages ?? {}) as Record<string, Json>;
  return Object.values(messages).map((m) => ({
    name: m.name as string,
    summary: m.summary as string,
    payload: m.payload as Json,
    example: ((m.examples as { payload: unknown }[] | undefined) ?? [])[0]?.payload,
  }));
}

export function eventId(name: string): string {
  return `event-${name}`;
}

/** A signed delivery, computed with the function the server signs with. */
function signingExample(): string {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = '5f1c9a0e2b7d4c3f8e6a1b2c3d4e5f60';
  const timestamp = 1773479703;
  const body = '{"notifyType":"CHECK_HEALTH","eventGenerateTime":"2026-03-14T09:15:03Z","notifyId":"5f1c9a0e2b7d4c3f8e6a1b2c3d4e5f60","content":{"orderNo":"1234567890","orderStatus":"Test"}}';
  return [
    table(
      ['input', 'value'],
      [
        ['secret', secret],
        ['webhook-id', id],
        ['webhook-timestamp', String(timestamp)],
        ['body', body],
      ].map(([name, value]) => ({ cells: [escapeHtml(name!), code(value!)] })),
    ),
    '<p>sign the text <code>webhook-id + "." + webhook-timestamp + "." + body</code> with the bytes the secret encodes in base64 (the part after <code>whsec_</code>) as the HMAC-SHA256 key, giving the header</p>',
    pre(`webhook-signature: ${signWebhook(secret, id, timestamp, body)}`, 'webhook signature example'),
  ].join('\n');
}

export function webhooksSection(asyncApi: Json): Section {
  const messages = messagesOf(asyncApi);
  const events = messages
    .map(
      (m) => `<section class="event" aria-labelledby="${eventId(m.name)}">
${heading(3, eventId(m.name), escapeHtml(m.name))}
<p>${inline(m.summary)}</p>
${fieldTable(m.payload, false)}
<h5>Example body</h5>
${jsonBlock(m.example ?? {}, `example ${m.name} body`)}
</section>`,
    )
    .join('\n');
  const html = `${heading(2, 'webhooks', 'Webhooks')}
<p>Set the URL with ${code('webhook/save')}: esimkit first POSTs a ${code('CHECK_HEALTH')} event to it and keeps the URL only if that gets a 2xx answer. From then on each event is a JSON POST to that URL (${code('content-type: application/json')}, ${code('user-agent: esimkit-webhooks/1')}).</p>
<ul>
<li><strong>At least once.</strong> An event is written in the same transaction as the change it reports and delivered afterwards; anything but a 2xx within ${code('WEBHOOK_TIMEOUT_MS')} (5 s) is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (${code('WEBHOOK_RETRY_SCHEDULE')}), then the event is marked failed. A retry carries the same ${code('notifyId')}: receivers should skip an id they have already handled.</li>
<li><strong>Every body</strong> is ${code('{notifyType, eventGenerateTime, notifyId, content}')}; ${code('eventGenerateTime')} is ISO 8601 UTC with ${code('Z')}, unlike the times in API answers.</li>
<li><strong>Log and redelivery.</strong> ${code('/api/v1/esimkit/webhook/log')} lists each event with every attempt; ${code('/api/v1/esimkit/webhook/redeliver')} sends one again, or every failed one since a time.</li>
</ul>
${heading(3, 'webhook-signing', 'Signed webhooks (opt-in)')}
<p>${code('/api/v1/esimkit/webhook/secret/rotate')} turns signing on (or rotates the secret) following the Standard Webhooks scheme; ${code('/api/v1/esimkit/webhook/secret/disable')} turns it off. A signed delivery carries ${code('webhook-id')} (the notifyId), ${code('webhook-timestamp')} (Unix seconds, wall-clock time even in the sandbox) and ${code('webhook-signature')}: space-separated ${code('v1,<base64>')} entries, two while a rotated-out secret is still honoured. The body is never changed. Receivers should recompute the signature over the raw body and refuse timestamps more than a few minutes old. For example, with</p>
${signingExample()}
${events}`;
  return {
    id: 'webhooks',
    title: 'Webhooks',
    html,
    entries: [{ id: 'webhook-signing', title: 'Signed webhooks' }, ...messages.map((m) => ({ id: eventId(m.name), title: m.name }))],
  };
}
