import { readFile } from 'node:fs/promises';
import { buildAsyncApi, buildOpenApi, endpoints, extensionEndpoints, sandboxEndpoints } from '@esimkit/contract';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { flagFile } from '../domain/catalog/countries.js';
import type { ServiceContext } from '../domain/context.js';
import { renderDocsPage } from './docs/page.js';
import { decorateUnparsableContentType, setAsideUnparsableContentType } from './content-type.js';
import { registerEs2Notifications } from './es2plus-notifications.js';
import { registerInstallPages } from './install-pages.js';
import { answerClientError } from './client-errors.js';
import { errorBody } from './envelope.js';
import type { MerchantCache } from './merchant-cache.js';
import { jobCounts } from '../jobs/queue.js';
import { registerConsole } from '../console/index.js';
import { Metrics, metricsGate } from './metrics.js';
import { registerOperatorApi } from './operator-api/index.js';
import { registerPartnerApi, sendJson } from './partner-api.js';
import type { RateLimiter } from './rate-limit.js';
import type { ReplayGuard } from './replay-guard.js';
import { partnerRoutes } from './routes/index.js';
import { sandboxRoutes } from './routes/sandbox.js';

export interface AppDeps {
  ctx: ServiceContext;
  rateLimiter: RateLimiter;
  replayGuard: ReplayGuard;
  /** Merchants by access code (made by the runtime, which empties it when a verb changes one). */
  merchants: MerchantCache;
  version: string;
  /** The runtime's log; none silences logging (tests). */
  logger: FastifyBaseLogger | undefined;
}

/** Letters, digits and . _ : - up to 64: a trace id, a UUID, a ULID. */
const PLAIN_REQUEST_ID = /^[\w.:-]{1,64}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { ctx } = deps;
  let requestCount = 0;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // Per-request log lines cost throughput; errors are still logged with their request id.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimit,
    // A client's X-Request-Id is kept only when it is a short plain identifier: it is echoed
    // in headers, logs and error messages, so markup or a megabyte of it is not.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && PLAIN_REQUEST_ID.test(given) ? given : `req-${(++requestCount).toString(36)}`;
    },
    trustProxy: false,
    return503OnClosing: false,
    // A request must arrive whole within the timeout (a body shorter than its Content-Length
    // would otherwise hold its connection forever); Node checks every second, not every 30 s,
    // and only when the headers' own timeout is not the longer one.
    requestTimeout: ctx.config.requestTimeoutMs,
    http: { connectionsCheckingInterval: Math.min(1000, ctx.config.requestTimeoutMs), headersTimeout: Math.min(60_000, ctx.config.requestTimeoutMs) },
    // What never reaches a route is answered in the envelope too (client-errors.ts).
    clientErrorHandler: (error, socket) => answerClientError(error, socket, ctx.config.requestTimeoutMs),
    frameworkErrors: (error, _request, reply) => {
      const badPath = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendJson(reply, badPath ? errorBody('000103', 'This request path or method is not supported: the path is not a valid URL.') : errorBody('000104', 'Request in invalid JSON format: the request could not be read.'));
    },
  });

  // The raw bytes are needed for the signature and clients send any content type (curl
  // --data sends form encoding), so every body is taken as bytes and parsed as JSON later.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Callback style, not async: this runs on every request. A Content-Type fastify cannot
  // even parse (";", "a/b/c") is set aside, so a valid JSON body behind it is still served.
  decorateUnparsableContentType(app);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    setAsideUnparsableContentType(request);
    done();
  });

  const metrics = new Metrics(() => jobCounts(ctx.db));
  // Outside sandbox mode the sandbox API is not served at all (its paths answer 000103).
  const sandbox = ctx.config.mode === 'sandbox';
  registerPartnerApi(app, sandbox ? [...partnerRoutes, ...sandboxRoutes] : partnerRoutes, {
    ctx,
    metrics,
    merchants: deps.merchants,
    rateLimiter: deps.rateLimiter,
    replayGuard: deps.replayGuard,
    signatureWindowMs: ctx.config.signatureWindowMs,
  });

  registerOperatorApi(app, { ctx, rateLimiter: deps.rateLimiter, metrics, version: deps.version });

  // Built on first use: the public URL is final only once the server listens (PORT=0).
  let openApi: Record<string, unknown> | undefined;
  const openApiDocument = () =>
    (openApi ??= buildOpenApi([...endpoints, ...extensionEndpoints, ...(sandbox ? sandboxEndpoints : [])], { serverUrl: ctx.publicUrl(), version: deps.version }));
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(openApiDocument()));
  const asyncApi = buildAsyncApi({ version: deps.version });
  app.get('/asyncapi.json', async (_request, reply) => reply.type('application/json').send(asyncApi));
  let docsPage: string | undefined;
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send((docsPage ??= renderDocsPage({ openApi: openApiDocument(), asyncApi }))),
  );

  registerInstallPages(app, ctx);
  registerEs2Notifications(app, ctx);
  registerConsole(app, { ctx, merchants: deps.merchants, rateLimiter: deps.rateLimiter });

  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(ctx.db.kysely);
      return reply.send({ status: 'ok', database: ctx.db.dialect.name, mode: ctx.config.mode });
    } catch (error) {
      app.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', database: ctx.db.dialect.name });
    }
  });
  // Counts of requests, codes and jobs say how a business is going: behind a token when one is
  // set, and always in production (closed there until METRICS_TOKEN is set).
  const metricsAccess = metricsGate(ctx.config);
  app.get('/metrics', async (request, reply) => {
    const refusal = metricsAccess(request.headers.authorization);
    if (refusal) return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send(`${refusal}\n`);
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
  app.get<{ Params: { code: string } }>('/img/flags/:code', async (request, reply) => {
    const code = request.params.code.replace(/\.svg$/i, '');
    const svg = await readFile(flagFile(code));
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(svg);
  });

  // Unknown paths answer like a wrong method (field-notes §1); fastify's own errors
  // (oversized or undecodable bodies) are mapped into the envelope, never its JSON.
  app.setNotFoundHandler(async (_request, reply) => sendJson(reply, errorBody('000103', 'This request path or method is not supported')));
  app.setErrorHandler(async (error: { code?: string; statusCode?: number; message?: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendJson(reply, errorBody('000107', `The request body is larger than the limit of ${ctx.config.bodyLimit} bytes.`));
    }
    if (error.code?.startsWith('FST_ERR_CTP') || error.statusCode === 400) {
      return sendJson(reply, errorBody('000104', 'Request in invalid JSON format: the body could not be read.'));
    }
    request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    return sendJson(reply, errorBody('000001', `Server error (request id ${request.id})`));
  });

  return app;
}
