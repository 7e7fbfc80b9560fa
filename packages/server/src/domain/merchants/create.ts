import type { SignaturePolicy } from '../../db/schema.js';
import { randomHex } from '../../lib/random.js';
import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { invalidBlocklistEntries } from './blocklist.js';
import { sealCredentials } from './secrets.js';

export interface CreateMerchantInput {
  name: string;
  /** Opening balance in units, written to the ledger as a deposit. */
  balance?: number;
  /** Requests per second; 0 = unlimited. Default 8 (the live service's limit). */
  rateLimit?: number;
  /** Bucket size; default: the rate (at least 1). */
  rateBurst?: number;
  /** Default: `warn` in sandbox mode (clients that sign wrongly still work), else `optional`. */
  signaturePolicy?: SignaturePolicy;
  ipBlocklist?: string[];
  /** Fixed credentials (demo merchant, tests); generated when absent. */
  accessCode?: string;
  secretKey?: string;
}

export interface CreatedMerchant {
  id: number;
  name: string;
  accessCode: string;
  secretKey: string;
  signaturePolicy: SignaturePolicy;
  rateLimit: number;
  rateBurst: number;
  balance: number;
}

/**
 * Creates a merchant with fresh credentials (the CLI's `merchant create` and the operator
 * console). The name is trimmed; an empty name, an opening balance that is not a whole number
 * of units 0 or more, an entry of the block list that is no IP or CIDR block, or a rate limit
 * that is not a number 0 or more refuses it with an ApiError.
 */
export async function createMerchant({ ctx, input }: Verb<CreateMerchantInput, ServiceContext>): Promise<CreatedMerchant> {
  const now = ctx.clock.now();
  const name = input.name.trim();
  if (name === '') throw new ApiError('000106', 'name must not be empty');
  if (input.balance !== undefined && (!Number.isSafeInteger(input.balance) || input.balance < 0)) {
    throw new ApiError('000107', 'the opening balance must be a whole number of units, 0 or more (10000 = $1.00)');
  }
  const rateLimit = input.rateLimit ?? 8;
  const rateBurst = input.rateBurst ?? Math.max(1, Math.ceil(rateLimit));
  checkRateLimit(rateLimit, rateBurst);
  const ipBlocklist = input.ipBlocklist ?? [];
  checkBlocklist(ipBlocklist);
  const accessCode = input.accessCode ?? randomHex(16);
  const secretKey = input.secretKey ?? randomHex(16);
  const signaturePolicy = input.signaturePolicy ?? defaultSignaturePolicy(ctx.config.mode);
  return ctx.db.kysely.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('merchants')
      .values({
        name,
        // Stored sealed, the access code also as its keyed hash (docs/secrets.md); returned plain, this once.
        ...sealCredentials(ctx.secrets, accessCode, secretKey),
        signature_policy: signaturePolicy,
        rate_limit: rateLimit,
        rate_burst: rateBurst,
        ip_blocklist: JSON.stringify(ipBlocklist),
        balance: 0,
        balance_updated_at: now.getTime(),
        created_at: now.getTime(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    if (input.balance) {
      await ctx.services.ledger.post(tx, { merchantId: id, amount: input.balance, kind: 'deposit', note: 'opening balance', now });
    }
    return { id, name, accessCode, secretKey, signaturePolicy, rateLimit, rateBurst, balance: input.balance ?? 0 };
  });
}

export function defaultSignaturePolicy(mode: ServiceContext['config']['mode']): SignaturePolicy {
  return mode === 'sandbox' ? 'warn' : 'optional';
}

/** Requests per second: a number 0 or more (0 = unlimited); the bucket: a whole number 1 or more. */
export function checkRateLimit(rateLimit: number, rateBurst: number): void {
  if (!Number.isFinite(rateLimit) || rateLimit < 0) throw new ApiError('000107', 'the rate limit must be a number of requests a second, 0 (unlimited) or more');
  if (!Number.isSafeInteger(rateBurst) || rateBurst < 1) throw new ApiError('000107', 'the burst must be a whole number of requests, 1 or more');
}

export function checkBlocklist(entries: string[]): void {
  const invalid = invalidBlocklistEntries(entries);
  if (invalid.length) throw new ApiError('000107', `not an IP or CIDR block: ${invalid.join(', ')}`);
}
