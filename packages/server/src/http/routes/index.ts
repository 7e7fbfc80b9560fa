import type { Route } from '../route.js';
import { balanceQueryRoute } from './balance-query.js';
import { locationListRoute } from './location-list.js';
import { packageListRoute } from './package-list.js';

/** Every partner route; each file binds one contract endpoint to one domain verb. */
export const partnerRoutes: Route[] = [packageListRoute, balanceQueryRoute, locationListRoute] as Route[];
