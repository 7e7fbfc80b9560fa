import type { ConsoleRoute } from '../routes.js';

// Orders: list with filters, detail with its eSIMs, placing an order.
export const orderRoutes: ConsoleRoute[] = [];
