import { signWebhook, WEBHOOK_SECRET_PREFIX } from '@esimkit/contract';
import { randomBytes } from 'node:crypto';
import type { MerchantSettings } from '../context.js';

/** The secrets opened (domain/merchants/secrets.ts openSigningState): they are stored sealed. */
type SigningState = Pick<MerchantSettings, 'webhook_secret' | 'webhook_previous_secret' | 'webhook_previous_secret_until'>;

export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(24).toString('base64');
}

/**
 * Standard Webhooks headers for a merchant that opted in (none otherwise). The timestamp is
 * wall-clock time even in the sandbox: receivers check it against their own clock. While a
 * rotated-out secret is honoured, both signatures are sent.
 */
export function signatureHeaders(merchant: SigningState, notifyId: string, body: string): Record<string, string> {
  if (!merchant.webhook_secret) return {};
  const timestamp = Math.floor(Date.now() / 1000);
  const signatures = [signWebhook(merchant.webhook_secret, notifyId, timestamp, body)];
  if (merchant.webhook_previous_secret && (merchant.webhook_previous_secret_until ?? 0) > Date.now()) {
    signatures.push(signWebhook(merchant.webhook_previous_secret, notifyId, timestamp, body));
  }
  return { 'webhook-id': notifyId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}
