import type { ConsoleRoute } from '../routes.js';

// eSIMs: search, detail (QR, install link, timeline, usage plot, top-ups, SMS) and actions.
export const esimRoutes: ConsoleRoute[] = [];
