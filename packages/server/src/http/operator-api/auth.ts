import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../domain/context.js';
import { grants, type OperatorScope } from '../../domain/operator-tokens/scopes.js';
import { verifyOperatorToken } from '../../domain/operator-tokens/verify.js';
import type { RateLimiter } from '../rate-limit.js';
import { OperatorError } from './errors.js';

/**
 * Wrong tokens per address: a bucket of 10 that refills one every 10 s (the shared rate
 * limiter, in Redis when there is one). Once it is empty the address is locked out, right
 * tokens included, until the bucket has a token again: a guesser learns nothing more.
 */
const FAILURES = { rate: 0.1, burst: 10 };

export class FailedAuthGuard {
  /** Address to the real time its lockout ends (this process; others learn at their next failure). */
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly limiter: RateLimiter) {}

  /** How long the address stays locked out; 0 when it is not. */
  lockedFor(ip: string): number {
    const until = this.lockedUntil.get(ip);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) this.lockedUntil.delete(ip);
    return Math.max(0, left);
  }

  /** Counts a wrong token; returns how long the address is now locked out (0: not). */
  async failed(ip: string): Promise<number> {
    const decision = await this.limiter.take(`operator-auth:${ip}`, FAILURES.rate, FAILURES.burst);
    if (decision.allowed) return 0;
    const now = Date.now();
    for (const [address, until] of this.lockedUntil) if (until <= now) this.lockedUntil.delete(address);
    this.lockedUntil.set(ip, now + decision.retryAfterMs);
    return decision.retryAfterMs;
  }
}

export interface OperatorIdentity {
  tokenId: number;
  tokenName: string;
}

/**
 * The operator token of the request (`Authorization: Bearer esk_op_...`), checked for the
 * scope the endpoint needs. Throws OperatorError: 800104 while the address is locked out,
 * 800101 with no or an unknown token, 800102 for a revoked one, 800103 without the scope.
 */
export async function authenticateOperator(request: FastifyRequest, scope: OperatorScope, ctx: ServiceContext, guard: FailedAuthGuard): Promise<OperatorIdentity> {
  const locked = guard.lockedFor(request.ip);
  if (locked > 0) throw lockedOut(locked);
  const token = bearerToken(request);
  if (token === undefined) {
    const partnerHeaders = request.headers['rt-accesscode'] !== undefined;
    throw new OperatorError(
      '800101',
      partnerHeaders
        ? 'The operator API takes an operator token (Authorization: Bearer esk_op_...), not a merchant access code.'
        : 'Authorization: Bearer <operator token> is missing (create one with `esimkit operator token create`).',
    );
  }
  const check = await verifyOperatorToken({ ctx, input: { token } });
  if (!check.ok) {
    const lockout = await guard.failed(request.ip);
    if (lockout > 0) throw lockedOut(lockout);
    throw check.reason === 'revoked' ? new OperatorError('800102') : new OperatorError('800101', 'The operator token is not valid.');
  }
  if (!grants(check.scopes, scope)) {
    throw new OperatorError('800103', `This endpoint needs the scope ${scope}; the token "${check.name}" has ${check.scopes.join(', ')}.`);
  }
  return { tokenId: check.id, tokenName: check.name };
}

function lockedOut(ms: number): OperatorError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new OperatorError('800104', `Too many requests with a wrong operator token from this address: retry after ${seconds} s.`, ms);
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
