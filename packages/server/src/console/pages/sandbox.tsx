import type { ConsoleRoute } from '../routes.js';

// The sandbox panel: the merchant's clock, device and network actions, faults, test funds, reset.
export const sandboxRoutes: ConsoleRoute[] = [];
