import type { ConsoleRoute } from '../routes.js';
import { orderDetailRoutes } from './orders/detail.js';
import { orderListRoutes } from './orders/list.js';
import { newOrderRoutes } from './orders/new.js';

// Orders: list with filters (orders/list.tsx), placing an order (orders/new.tsx), detail
// with its eSIMs, polled while allocating (orders/detail.tsx).
export const orderRoutes: ConsoleRoute[] = [...orderListRoutes, ...newOrderRoutes, ...orderDetailRoutes];
