import { signaturePolicies, type SignaturePolicy } from '@esimkit/contract';
import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { checkBlocklist, checkRateLimit } from './create.js';

export interface MerchantSettingsInput {
  accessCode: string;
  signaturePolicy?: SignaturePolicy;
  /** Requests per second, 0 = unlimited; given with `rateBurst` (default: the rate, at least 1). */
  rateLimit?: number;
  rateBurst?: number;
  ipBlocklist?: string[];
}

/**
 * Changes how the partner API treats a merchant: its signature policy, rate limit or IP
 * block list (the fields given). Checked as createMerchant checks them. The change holds
 * for the next request: this process's merchant cache is dropped, other instances follow
 * within their cache's second.
 */
export async function updateMerchantSettings({ ctx, input }: Verb<MerchantSettingsInput, ServiceContext>): Promise<void> {
  const changes: { signature_policy?: SignaturePolicy; rate_limit?: number; rate_burst?: number; ip_blocklist?: string } = {};
  if (input.signaturePolicy !== undefined) {
    if (!signaturePolicies.includes(input.signaturePolicy)) throw new ApiError('000107', `the signature policy must be one of ${signaturePolicies.join(', ')}`);
    changes.signature_policy = input.signaturePolicy;
  }
  if (input.rateLimit !== undefined) {
    const burst = input.rateBurst ?? Math.max(1, Math.ceil(input.rateLimit));
    checkRateLimit(input.rateLimit, burst);
    changes.rate_limit = input.rateLimit;
    changes.rate_burst = burst;
  }
  if (input.ipBlocklist !== undefined) {
    checkBlocklist(input.ipBlocklist);
    changes.ip_blocklist = JSON.stringify(input.ipBlocklist.map((e) => e.trim()));
  }
  if (Object.keys(changes).length === 0) return;
  const result = await ctx.db.kysely.updateTable('merchants').set(changes).where('access_code_hash', '=', ctx.secrets.hashAccessCode(input.accessCode)).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new ApiError('000101', `no merchant with access code ${input.accessCode}`);
  ctx.merchantChanged();
}

/**
 * Disables a merchant (the partner API answers its access code as unknown, 000101, and its
 * console users are refused) or enables it again. Nothing else changes: its eSIMs keep
 * working on the network, its webhooks keep being delivered, its balance stays.
 */
export async function setMerchantDisabled({ ctx, input }: Verb<{ accessCode: string; disabled: boolean }, ServiceContext>): Promise<void> {
  const result = await ctx.db.kysely
    .updateTable('merchants')
    .set({ disabled: input.disabled ? 1 : 0 })
    .where('access_code_hash', '=', ctx.secrets.hashAccessCode(input.accessCode))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new ApiError('000101', `no merchant with access code ${input.accessCode}`);
  ctx.merchantChanged();
}
