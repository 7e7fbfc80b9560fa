import { verifyWebhookSignature } from '@esimkit/contract/webhook-signature';

// Standard Webhooks verification (esimkit's opt-in signing), for whatever header shape the
// receiver has: fetch's Headers, node:http's IncomingHttpHeaders, or a plain object in any case.
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

/**
 * True when the body carries a valid signature made with `secret` (`whsec_...`) within the
 * tolerance (default 5 min). Verify the raw bytes as received, before parsing.
 */
export function verifyWebhook(
  secret: string,
  headers: HeadersLike,
  rawBody: string | Uint8Array,
  options: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  return verifyWebhookSignature(
    secret,
    { 'webhook-id': header(headers, 'webhook-id'), 'webhook-timestamp': header(headers, 'webhook-timestamp'), 'webhook-signature': header(headers, 'webhook-signature') },
    body,
    options,
  );
}
