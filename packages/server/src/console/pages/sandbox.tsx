import type { ConsoleRoute } from '../routes.js';
import { clockRoutes } from './sandbox/clock.js';
import { deviceRoutes } from './sandbox/device.js';
import { faultRoutes } from './sandbox/faults.js';
import { fundsRoutes } from './sandbox/funds.js';
import { panelRoutes } from './sandbox/panel.js';

// The sandbox panel (sandbox mode only): the merchant's clock, device and network actions
// on an eSIM, faults, test funds, reset. One page (sandbox/panel.tsx) and the actions of
// each section in its own file; every route refuses outside sandbox mode as the API does.
export const sandboxRoutes: ConsoleRoute[] = [...panelRoutes, ...clockRoutes, ...deviceRoutes, ...faultRoutes, ...fundsRoutes];
