import type { ConsoleRoute } from '../routes.js';

// Operator pages beyond the overview: merchants, catalogue, inventory, orders and eSIMs across merchants, webhook health.
export const operatorAdminRoutes: ConsoleRoute[] = [];
