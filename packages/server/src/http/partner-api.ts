import { WARNING_HEADER } from '@esimkit/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../domain/context.js';
import { isForeignKeyViolation } from '../db/errors.js';
import { ApiError } from '../domain/errors.js';
import { merchantClock } from '../domain/merchant-clock.js';
import { applyFaults } from '../domain/sandbox/faults.js';
import { authenticate, RateLimitedError, type AuthDeps } from './authenticate.js';
import { errorBody, successBody } from './envelope.js';
import type { Metrics } from './metrics.js';
import { parseInput } from './parse-input.js';
import type { Route } from './route.js';

export interface PartnerApiDeps extends AuthDeps {
  ctx: ServiceContext;
  metrics: Metrics;
}

/**
 * Registers each partner route as POST on its path. One handler does the whole pipeline,
 * in the order clients observe it: authenticate, parse, validate, call the verb, envelope.
 * Any other method on the path answers 000103.
 */
export function registerPartnerApi(app: FastifyInstance, routes: Route[], deps: PartnerApiDeps): void {
  for (const route of routes) {
    const name = route.endpoint.name;
    app.post(route.endpoint.path, async (request, reply) => {
      const started = performance.now();
      let code = route.endpoint.successCode ?? 'null';
      const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      let merchantId: number | undefined;
      let answer: string | Buffer = '';
      let failed = false;
      try {
        const { merchant, signatureWarning } = await authenticate(request, raw, deps);
        merchantId = merchant.id;
        if (signatureWarning) warnAboutSignature(request, reply, merchant.id, signatureWarning);
        const input = parseInput(route.endpoint, raw);
        const ctx = { ...deps.ctx, merchant, clock: merchantClock(merchant.clock_offset_ms) };
        if (deps.ctx.sandbox && !route.endpoint.path.startsWith('/sandbox/')) await applyFaults(ctx, route.endpoint, input);
        const obj = await route.handle(ctx, input);
        answer = successBody(route.endpoint, obj);
        return sendJson(reply, answer);
      } catch (error) {
        const { body, errorCode, headers } = errorResponse(error, request);
        code = errorCode;
        failed = true;
        answer = body;
        return sendJson(reply.headers(headers), body);
      } finally {
        const seconds = (performance.now() - started) / 1000;
        deps.metrics.observe(name, code, seconds);
        // The merchant's request log (console): requests that named a known merchant only,
        // all of them or (REQUEST_LOG=failures) the refused ones.
        const logged = deps.ctx.config.requestLog === 'all' || (deps.ctx.config.requestLog === 'failures' && failed);
        if (merchantId !== undefined && logged) {
          deps.ctx.services.requestLog.record({
            merchantId,
            requestId: request.id,
            endpoint: name,
            code,
            latencyUs: seconds * 1e6,
            ip: request.ip,
            requestBody: raw,
            responseBody: answer,
            at: Date.now(),
          });
        }
      }
    });
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: route.endpoint.path,
      handler: async (_request, reply) => sendJson(reply, errorBody('000103', `This https request method is not supported: use POST`)),
    });
  }
}

/** The `warn` policy serves a badly signed request, and says so to the client and the log. */
function warnAboutSignature(request: FastifyRequest, reply: FastifyReply, merchantId: number, warning: string): void {
  reply.header(WARNING_HEADER, warning);
  request.log.warn({ reqId: request.id, merchantId, warning }, 'signature problem served under the warn policy');
}

export function sendJson(reply: FastifyReply, body: string | Buffer): FastifyReply {
  return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(body);
}

/** ApiError to its code; a write racing a sandbox reset to 310403; anything else is logged with the request id and answered 000001. */
export function errorResponse(error: unknown, request: FastifyRequest): { body: string; errorCode: string; headers: Record<string, string> } {
  const headers: Record<string, string> =
    error instanceof RateLimitedError ? { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) } : {};
  if (error instanceof ApiError) return { body: errorBody(error.code, error.message), errorCode: error.code, headers };
  if (isForeignKeyViolation(error)) {
    request.log.warn({ err: error, reqId: request.id }, 'a write referred to a row deleted meanwhile (sandbox reset)');
    return { body: errorBody('310403', 'The ICCID or esimTranNo does not exist (the sandbox was reset meanwhile).'), errorCode: '310403', headers };
  }
  request.log.error({ err: error, reqId: request.id }, 'unexpected error');
  return { body: errorBody('000001', `Server error (request id ${request.id})`), errorCode: '000001', headers };
}
