import type { FastifyInstance } from 'fastify';
import { registerAssets } from './assets.js';
import { pageHeaders } from './http.js';
import { authRoutes } from './pages/auth.js';
import { dashboardRoutes } from './pages/dashboard.js';
import { operatorRoutes } from './pages/operator.js';
import { operatorAdminRoutes } from './pages/operator-admin.js';
import { orderRoutes } from './pages/orders.js';
import { esimRoutes } from './pages/esims.js';
import { accountRoutes } from './pages/account.js';
import { sandboxRoutes } from './pages/sandbox.js';
import { serveRoute, type ConsoleDeps, type ConsoleRoute } from './routes.js';

// The console at /console: server-rendered pages (preact to a string), htmx to enhance them,
// sessions in the database. docs/adr/0003-console.md says why; routes.tsx is where a page
// author starts. A new page file exports its routes; list them here.
const ROUTES: readonly ConsoleRoute[] = [
  ...authRoutes,
  ...dashboardRoutes,
  ...orderRoutes,
  ...esimRoutes,
  ...accountRoutes,
  ...sandboxRoutes,
  ...operatorRoutes,
  ...operatorAdminRoutes,
];

export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  registerAssets(app);
  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      handler: (request, reply) => serveRoute(route, deps, request, reply),
    });
  }
  // Unknown console paths answer with a page, not the partner API's JSON.
  app.get('/console/*', async (_request, reply) =>
    pageHeaders(reply).code(404).send('<!doctype html><title>Not found · esimkit console</title><p>No such page. <a href="/console">Console home</a></p>'),
  );
}
