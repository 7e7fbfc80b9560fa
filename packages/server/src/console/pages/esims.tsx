import type { ConsoleRoute } from '../routes.js';
import { esimActionRoutes } from './esims/actions.js';
import { esimDetailRoutes } from './esims/detail.js';
import { esimSearchRoutes } from './esims/search.js';

// eSIMs: search (esims/search.tsx), detail with QR code, install link, usage plot, timeline,
// plan and top-ups, SMS (esims/detail.tsx, esims/sections.tsx) and the actions (esims/actions.tsx).
export const esimRoutes: ConsoleRoute[] = [...esimSearchRoutes, ...esimDetailRoutes, ...esimActionRoutes];
