import { balanceQuery } from './balance-query.js';
import { esimCancel, esimRevoke, esimSuspend, esimUnsuspend } from './esim-operations.js';
import { esimOrder } from './esim-order.js';
import { esimQuery } from './esim-query.js';
import { esimTopup } from './esim-topup.js';
import { esimSmsList, esimTimeline } from './esimkit-extensions.js';
import { locationList } from './location-list.js';
import { packageList } from './package-list.js';
import { sendSms } from './send-sms.js';
import { usageQuery } from './usage-query.js';
import { webhookLog, webhookQuery, webhookRedeliver, webhookSave, webhookSecretDisable, webhookSecretRotate } from './webhook.js';

export { esimSmsList, esimTimeline, webhookLog, webhookQuery, webhookRedeliver, webhookSave, webhookSecretDisable, webhookSecretRotate };
export { balanceQuery, esimCancel, esimOrder, esimQuery, esimRevoke, esimSuspend, esimTopup, esimUnsuspend, locationList, packageList, sendSms, usageQuery };

/** Every partner endpoint, in the order the vendor documents them. */
export const endpoints = [
  packageList,
  esimOrder,
  esimQuery,
  esimCancel,
  esimSuspend,
  esimUnsuspend,
  esimRevoke,
  balanceQuery,
  esimTopup,
  sendSms,
  usageQuery,
  locationList,
  webhookSave,
  webhookQuery,
] as const;

/** esimkit's own endpoints (same auth and envelope, outside the vendor namespace). */
export const extensionEndpoints = [esimSmsList, esimTimeline, webhookLog, webhookRedeliver, webhookSecretRotate, webhookSecretDisable] as const;
