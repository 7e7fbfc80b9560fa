import { timingSafeEqual } from 'node:crypto';
import { computeSignature, headerNames } from '@esimkit/contract';
import type { FastifyRequest } from 'fastify';
import type { MerchantRow } from '../domain/context.js';
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
  merchant: MerchantRow;
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
 * rate limiting the error carries the wait in `retryAfterMs`.
 */
export async function authenticate(request: FastifyRequest, rawBody: Buffer, deps: AuthDeps): Promise<Authenticated> {
  const accessCode = header(request, headerNames.accessCode);
  if (!accessCode) throw new ApiError('000101', 'Req Header:[RT-AccessCode] is invalid');
  if (accessCode.length > 128) throw new ApiError('000102', 'Req Header:[RT-AccessCode] is malformed');
  const cached = await deps.merchants.get(accessCode);
  if (!cached) throw new ApiError('000101', 'Req Header:[RT-AccessCode] is invalid');
  const merchant = cached.row;

  if (isBlocked(cached.blocklist, request.ip)) throw new ApiError('101002');

  if (merchant.rate_limit > 0) {
    const decision = await deps.rateLimiter.take(String(merchant.id), merchant.rate_limit, merchant.rate_burst);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs);
  }

  await verifySignature(request, rawBody, merchant, accessCode, deps);
  return { merchant };
}

export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterMs: number) {
    super('900001');
  }
}

const UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

async function verifySignature(request: FastifyRequest, rawBody: Buffer, merchant: MerchantRow, accessCode: string, deps: AuthDeps) {
  if (merchant.signature_policy === 'off') return;
  const signature = header(request, headerNames.signature);
  if (!signature) {
    if (merchant.signature_policy === 'required') throw new ApiError('000101', 'Req Header:[RT-Signature] is invalid');
    return;
  }
  const timestamp = header(request, headerNames.timestamp);
  const requestId = header(request, headerNames.requestId);
  if (!timestamp) throw new ApiError('000101', 'Req Header:[RT-Timestamp] is invalid');
  if (!requestId) throw new ApiError('000101', 'Req Header:[RT-RequestID] is invalid');
  if (!/^\d{1,16}$/.test(timestamp)) throw new ApiError('000102', 'Req Header:[RT-Timestamp] must be a Unix time in seconds or milliseconds');
  if (!UUID.test(requestId)) throw new ApiError('000102', 'Req Header:[RT-RequestID] must be a UUID');

  // The vendor doc says milliseconds, its example uses seconds: accept both.
  const value = Number(timestamp);
  const sentAt = value < 1e11 ? value * 1000 : value;
  if (Math.abs(Date.now() - sentAt) > deps.signatureWindowMs) {
    throw new ApiError('101001', 'The timestamp of the request has expired (or is too far in the future).');
  }

  const expected = Buffer.from(computeSignature(merchant.secret_key, { timestamp, requestId, accessCode, body: rawBody }), 'latin1');
  const given = Buffer.from(signature.toLowerCase(), 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ApiError('101003');

  const replayKey = `${merchant.id}:${requestId.replaceAll('-', '').toLowerCase()}`;
  if (!(await deps.replayGuard.firstSeen(replayKey, deps.signatureWindowMs * 2))) {
    throw new ApiError('101001', 'Req Header:[RT-RequestID] was already used: the request is a replay.');
  }
}
