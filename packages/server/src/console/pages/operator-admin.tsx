import type { ConsoleRoute } from '../routes.js';
import { cataloguePageRoutes } from './operator/catalogue.js';
import { esimAcrossMerchantsRoutes } from './operator/esims.js';
import { inventoryPageRoutes } from './operator/inventory.js';
import { merchantActionRoutes } from './operator/merchant-actions.js';
import { merchantDetailRoutes } from './operator/merchant-detail.js';
import { merchantListRoutes } from './operator/merchants.js';
import { orderAcrossMerchantsRoutes } from './operator/orders.js';
import { webhookHealthRoutes } from './operator/webhooks.js';

// Operator pages beyond the overview (operator.tsx): merchants, catalogue, inventory, orders
// and eSIMs across merchants, webhook delivery health. Each area is a file in operator/;
// every route is { auth: 'operator' }: a partner's session is refused with 403.
export const operatorAdminRoutes: ConsoleRoute[] = [
  // /merchants/new before /merchants/:id (fastify prefers the static path anyway).
  ...merchantListRoutes,
  ...merchantDetailRoutes,
  ...merchantActionRoutes,
  ...cataloguePageRoutes,
  ...inventoryPageRoutes,
  ...orderAcrossMerchantsRoutes,
  ...esimAcrossMerchantsRoutes,
  ...webhookHealthRoutes,
];
