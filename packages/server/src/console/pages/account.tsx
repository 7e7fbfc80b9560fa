import type { ConsoleRoute } from '../routes.js';
import { apiAccessRoutes } from './account/api-access.js';
import { balanceRoutes } from './account/balance.js';
import { catalogueDetailRoutes } from './account/catalogue-detail.js';
import { catalogueRoutes } from './account/catalogue.js';
import { requestLogRoutes } from './account/requests.js';
import { webhookEventRoutes } from './account/webhook-event.js';
import { webhookRoutes } from './account/webhooks.js';

// The partner's account pages (pages/account/): catalogue and favourites, balance statement,
// webhooks, API access, request log.
export const accountRoutes: ConsoleRoute[] = [
  ...catalogueRoutes,
  ...catalogueDetailRoutes,
  ...balanceRoutes,
  ...webhookRoutes,
  ...webhookEventRoutes,
  ...apiAccessRoutes,
  ...requestLogRoutes,
];
