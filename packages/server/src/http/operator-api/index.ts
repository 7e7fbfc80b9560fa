import type { FastifyInstance } from 'fastify';
import { catalogRoutes } from './catalog.js';
import type { OperatorRoute } from './endpoint.js';
import { fundsRoutes } from './funds.js';
import { inventoryRoutes } from './inventory.js';
import { merchantRoutes } from './merchants.js';
import { buildOperatorOpenApi, OPERATOR_OPENAPI_PATH } from './openapi.js';
import { orderRoutes } from './orders.js';
import { profileSourceRoutes } from './profile-sources.js';
import { registerOperatorRoutes, type OperatorApiDeps } from './register.js';
import { usageRoutes } from './usage.js';
import { webhookRoutes } from './webhooks.js';

/** Every operator endpoint, in the order docs/operator-api.md lists them. */
export const operatorRoutes: readonly OperatorRoute[] = [
  ...merchantRoutes,
  ...fundsRoutes,
  ...catalogRoutes,
  ...profileSourceRoutes,
  ...inventoryRoutes,
  ...usageRoutes,
  ...orderRoutes,
  ...webhookRoutes,
];

/** The operator API under /api/v1/operator/, and its OpenAPI document (public, like /openapi.json: it holds no secret). */
export function registerOperatorApi(app: FastifyInstance, deps: OperatorApiDeps & { version: string }): void {
  registerOperatorRoutes(app, operatorRoutes, deps);
  // Built on first use: the public URL is final only once the server listens (PORT=0).
  let document: Record<string, unknown> | undefined;
  app.get(OPERATOR_OPENAPI_PATH, async (_request, reply) =>
    reply.type('application/json').send((document ??= buildOperatorOpenApi(operatorRoutes, { serverUrl: deps.ctx.publicUrl(), version: deps.version }))),
  );
}
