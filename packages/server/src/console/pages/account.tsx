import type { ConsoleRoute } from '../routes.js';

// The partner's account pages: catalogue and favourites, balance statement, webhooks, API access, request log.
export const accountRoutes: ConsoleRoute[] = [];
