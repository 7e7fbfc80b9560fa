import type { Route } from '../route.js';
import { balanceQueryRoute } from './balance-query.js';
import { esimCancelRoute, esimRevokeRoute, esimSuspendRoute, esimUnsuspendRoute } from './esim-operations.js';
import { esimOrderRoute } from './esim-order.js';
import { esimQueryRoute } from './esim-query.js';
import { esimTopupRoute } from './esim-topup.js';
import { esimSmsListRoute, esimTimelineRoute } from './esimkit-extensions.js';
import { locationListRoute } from './location-list.js';
import { packageListRoute } from './package-list.js';
import { sendSmsRoute } from './send-sms.js';
import { usageQueryRoute } from './usage-query.js';
import {
  webhookLogRoute,
  webhookQueryRoute,
  webhookRedeliverRoute,
  webhookSaveRoute,
  webhookSecretDisableRoute,
  webhookSecretRotateRoute,
} from './webhook.js';

/** Every partner route; each file binds one contract endpoint to one domain verb. */
export const partnerRoutes: Route[] = [
  packageListRoute,
  esimOrderRoute,
  esimQueryRoute,
  esimCancelRoute,
  esimSuspendRoute,
  esimUnsuspendRoute,
  esimRevokeRoute,
  balanceQueryRoute,
  esimTopupRoute,
  sendSmsRoute,
  usageQueryRoute,
  locationListRoute,
  webhookSaveRoute,
  webhookQueryRoute,
  esimSmsListRoute,
  esimTimelineRoute,
  webhookLogRoute,
  webhookRedeliverRoute,
  webhookSecretRotateRoute,
  webhookSecretDisableRoute,
] as Route[];
