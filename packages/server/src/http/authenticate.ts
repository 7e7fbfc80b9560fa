import { timingSafeEqual } from 'node:crypto';
import { computeSignature, headerNames } from '@esimkit/contract';
import type { FastifyRequest } from 'fastify';
import type { MerchantSettings } from '../domain/context.js';
import { ApiError } from '../domain/errors.js';
import { isBlocked } from './ip-blocklist.js';
import type { MerchantCache } from './merchant-cache.js';
import type { RateLimiter } from './rate-limit.js';
import type { ReplayGuard } from './replay-guard.js';

export interface AuthDeps {
  merchants: MerchantCache;
  rateLimiter: RateLimiter;
  replayGuard: ReplayGuard;
  signatureWindowMs: number;
}

export interface Authenticated {
  merchant: MerchantSettings;
  /** Under the `warn` policy: what was wrong with the signature (served anyway). */
  signatureWarning?: string;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/**
 * The request-level checks of field-notes §2-§3, in order: access code (000101), blocked
 * IP (101002), rate limit (900001), then the signature per the merchant's policy
 * (000101 / 000102 / 101001 / 101003) and the replay window. Throws ApiError; on
 * rate limiting the error carries the wait in `retryAfterMs`. Under the `warn` policy a
 * signature problem is returned as `signatureWarning` instead of thrown.
 */
export async function authenticate(request: FastifyRequest, rawBody: Buffer, deps: AuthDeps): Promise<Authenticated> {
  const accessCode = header(request, headerNames.accessCode);
  if (!accessCode) throw new ApiError('000101', 'Req Header:[RT-AccessCode] is invalid');
  if (accessCode.length > 128) throw new ApiError('000102', 'Req Header:[RT-AccessCode] is malformed');
  const cached = await deps.merchants.get(accessCode);
  // A disabled merchant is answered exactly as an unknown access code (docs/console.md).
  if (!cached || cached.row.disabled) throw new ApiError('000101', 'Req Header:[RT-AccessCode] is invalid');
  const merchant = cached.row;

  if (isBlocked(cached.blocklist, request.ip)) throw new ApiError('101002');

  if (merchant.rate_limit > 0) {
    const decision = await deps.rateLimiter.take(String(merchant.id), merchant.rate_limit, merchant.rate_burst);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs, merchant.rate_limit, merchant.rate_burst);
  }

  const problem = await signatureProblem(request, rawBody, merchant, accessCode, deps);
  if (!problem) return { merchant };
  if (merchant.signature_policy !== 'warn') throw problem;
  return { merchant, signatureWarning: `${problem.code} ${problem.message}` };
}

export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfterMs: number,
    rate: number,
    burst: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('900001', `The system is busy, please try again later: this account may send ${rate} requests a second (bursts of ${burst}); retry after ${seconds} s.`);
  }
}

const UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The first thing wrong with the request's signature under the merchant's policy, if any. */
async function signatureProblem(request: FastifyRequest, rawBody: Buffer, merchant: MerchantSettings, accessCode: string, deps: AuthDeps): Promise<ApiError | undefined> {
  if (merchant.signature_policy === 'off') return undefined;
  const signature = header(request, headerNames.signature);
  if (!signature) {
    if (merchant.signature_policy !== 'required') return undefined;
    return new ApiError(
      '000101',
      'Req Header:[RT-Signature] is missing: this account requires signed requests (RT-Signature, RT-Timestamp and RT-RequestID headers).',
    );
  }
  const timestamp = header(request, headerNames.timestamp);
  const requestId = header(request, headerNames.requestId);
  if (!timestamp) return new ApiError('000101', 'Req Header:[RT-Timestamp] is missing: a signed request carries RT-Timestamp.');
  if (!requestId) return new ApiError('000101', 'Req Header:[RT-RequestID] is missing: a signed request carries RT-RequestID.');
  if (!/^\d{1,16}$/.test(timestamp)) return new ApiError('000102', 'Req Header:[RT-Timestamp] must be a Unix time in seconds or milliseconds');
  if (!UUID.test(requestId)) return new ApiError('000102', 'Req Header:[RT-RequestID] must be a UUID');

  // The vendor doc says milliseconds, its example uses seconds: accept both.
  const value = Number(timestamp);
  const sentAt = value < 1e11 ? value * 1000 : value;
  if (Math.abs(Date.now() - sentAt) > deps.signatureWindowMs) {
    return new ApiError('101001', `The timestamp of the request has expired (or is too far in the future): it must be within ${deps.signatureWindowMs / 1000} s of now.`);
  }

  const signed = { timestamp, requestId, accessCode, body: rawBody };
  if (!sameHex(signature, computeSignature(merchant.secret_key, signed))) {
    // A common client bug, worth naming: the access code used as the HMAC key.
    const keyedWithAccessCode = sameHex(signature, computeSignature(accessCode, signed));
    return new ApiError(
      '101003',
      keyedWithAccessCode ? 'Request signature mismatch: it was made with the access code as the key; sign with the secret key.' : 'Request signature mismatch.',
    );
  }

  const replayKey = `${merchant.id}:${requestId.replaceAll('-', '').toLowerCase()}`;
  if (!(await deps.replayGuard.firstSeen(replayKey, deps.signatureWindowMs * 2, sentAt))) {
    return new ApiError('101001', 'Req Header:[RT-RequestID] was already used: the request is a replay.');
  }
  return undefined;
}

/** Case-insensitive, constant-time comparison of a sent hex signature with the expected one. */
function sameHex(given: string, expectedLowerHex: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'latin1');
  const b = Buffer.from(expectedLowerHex, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
