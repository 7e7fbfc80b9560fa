import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../domain/context.js';
import { ApiError } from '../../domain/errors.js';
import { parseInput } from '../parse-input.js';
import type { Metrics } from '../metrics.js';
import type { RateLimiter } from '../rate-limit.js';
import { authenticateOperator, FailedAuthGuard } from './auth.js';
import type { OperatorRoute } from './endpoint.js';
import { httpStatusOf, OperatorError, operatorErrorCodes, isOperatorErrorCode } from './errors.js';

export interface OperatorApiDeps {
  ctx: ServiceContext;
  rateLimiter: RateLimiter;
  /** Requests by endpoint and code, as the partner API's (a flood of 800101 shows there). */
  metrics: Metrics;
}

/**
 * Registers each operator route as POST on its path. The pipeline, in order: the token and
 * its scope, the body against the route's schema, the domain verb, the envelope. Each call
 * is logged with the token's name (who did what) and counted in /metrics. Other methods on
 * the path answer 000103.
 */
export function registerOperatorRoutes(app: FastifyInstance, routes: readonly OperatorRoute[], deps: OperatorApiDeps): void {
  const guard = new FailedAuthGuard(deps.rateLimiter);
  for (const route of routes) {
    app.post(route.path, route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}, async (request, reply) => {
      const started = performance.now();
      let code = '0';
      try {
        const who = await authenticateOperator(request, route.scope, deps.ctx, guard);
        const input = parseInput(route, (request.body as Buffer | undefined) ?? Buffer.alloc(0));
        const obj = await route.handle(deps.ctx, input);
        request.log.info({ reqId: request.id, operatorToken: who.tokenName, endpoint: route.name }, 'operator request');
        return send(reply, 200, `{"success":true,"errorCode":"0","errorMsg":null,"errorMessage":null,"obj":${JSON.stringify(obj ?? {})}}`);
      } catch (error) {
        const failure = errorAnswer(request, error);
        code = failure.code;
        for (const [name, value] of Object.entries(failure.headers)) reply.header(name, value);
        return send(reply, httpStatusOf(failure.code), failureBody(failure.code, failure.message));
      } finally {
        deps.metrics.observe(route.name, code, (performance.now() - started) / 1000);
      }
    });
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: route.path,
      handler: async (_request, reply) => send(reply, 200, failureBody('000103', 'This https request method is not supported: use POST.')),
    });
  }
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

function failureBody(code: string, message: string): string {
  return JSON.stringify({ success: false, errorCode: code, errorMsg: message, errorMessage: message, obj: null });
}

/** OperatorError and the domain's ApiError to their code; anything else is logged and answered 000001. */
function errorAnswer(request: FastifyRequest, error: unknown): { code: string; message: string; headers: Record<string, string> } {
  if (error instanceof OperatorError || error instanceof ApiError) {
    const headers: Record<string, string> = {};
    if (error instanceof OperatorError && error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    if (error.code === '800101' || error.code === '800102') headers['www-authenticate'] = 'Bearer realm="esimkit operator API"';
    const message = error.message || (isOperatorErrorCode(error.code) ? operatorErrorCodes[error.code] : error.code);
    return { code: error.code, message, headers };
  }
  request.log.error({ err: error, reqId: request.id }, 'unexpected error in the operator API');
  return { code: '000001', message: `Server error (request id ${request.id})`, headers: {} };
}
