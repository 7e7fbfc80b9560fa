import type {
  balanceQuery,
  esimCancel,
  esimOrder,
  esimQuery,
  esimRevoke,
  esimSmsList,
  esimSuspend,
  esimTimeline,
  esimTopup,
  esimUnsuspend,
  locationList,
  packageList,
  sandboxAttach,
  sandboxClockAdvance,
  sandboxClockGet,
  sandboxConsume,
  sandboxDelete,
  sandboxDeposit,
  sandboxDisable,
  sandboxEnable,
  sandboxFaultsClear,
  sandboxFaultsGet,
  sandboxFaultsSet,
  sandboxInstall,
  sandboxReset,
  sandboxSmsReceive,
  sandboxSmsSend,
  sendSms,
  usageQuery,
  webhookLog,
  webhookQuery,
  webhookRedeliver,
  webhookSave,
  webhookSecretDisable,
  webhookSecretRotate,
} from '@esimkit/contract';
import type { Endpoint, RequestOf, ResponseOf } from './endpoint.js';

/**
 * What the client needs to call an endpoint: its path. The request and result types ride
 * along as a phantom, derived from the contract's endpoint, so the table below carries no
 * schema (and no zod) at run time. Adding an endpoint is one line here and one method.
 */
export interface Route<Req = unknown, Res = unknown> {
  readonly name: string;
  readonly path: string;
  /** Never set: only carries the types. */
  readonly __types?: { request: Req; result: Res };
}

export type RouteRequest<R> = R extends Route<infer Req, unknown> ? Req : never;
export type RouteResult<R> = R extends Route<unknown, infer Res> ? Res : never;

/** A route typed after one of the contract's endpoints. */
export function route<E extends Endpoint>(name: E['name'], path: E['path'] | `/${string}`): Route<RequestOf<E>, ResponseOf<E>> {
  return { name, path };
}

export const routes = {
  packageList: route<typeof packageList>('package.list', '/api/v1/open/package/list'),
  order: route<typeof esimOrder>('esim.order', '/api/v1/open/esim/order'),
  query: route<typeof esimQuery>('esim.query', '/api/v1/open/esim/query'),
  cancel: route<typeof esimCancel>('esim.cancel', '/api/v1/open/esim/cancel'),
  suspend: route<typeof esimSuspend>('esim.suspend', '/api/v1/open/esim/suspend'),
  unsuspend: route<typeof esimUnsuspend>('esim.unsuspend', '/api/v1/open/esim/unsuspend'),
  revoke: route<typeof esimRevoke>('esim.revoke', '/api/v1/open/esim/revoke'),
  balance: route<typeof balanceQuery>('balance.query', '/api/v1/open/balance/query'),
  topup: route<typeof esimTopup>('esim.topup', '/api/v1/open/esim/topup'),
  sendSms: route<typeof sendSms>('esim.sendSms', '/api/v1/open/esim/sendSms'),
  usage: route<typeof usageQuery>('esim.usage.query', '/api/v1/open/esim/usage/query'),
  locations: route<typeof locationList>('location.list', '/api/v1/open/location/list'),
  webhookSave: route<typeof webhookSave>('webhook.save', '/api/v1/open/webhook/save'),
  webhookQuery: route<typeof webhookQuery>('webhook.query', '/api/v1/open/webhook/query'),
  // esimkit's own endpoints (same authentication and envelope).
  smsList: route<typeof esimSmsList>('esimkit.esim.sms.list', '/api/v1/esimkit/esim/sms/list'),
  events: route<typeof esimTimeline>('esimkit.esim.events', '/api/v1/esimkit/esim/events'),
  webhookLog: route<typeof webhookLog>('esimkit.webhook.log', '/api/v1/esimkit/webhook/log'),
  webhookRedeliver: route<typeof webhookRedeliver>('esimkit.webhook.redeliver', '/api/v1/esimkit/webhook/redeliver'),
  rotateWebhookSecret: route<typeof webhookSecretRotate>('esimkit.webhook.secret.rotate', '/api/v1/esimkit/webhook/secret/rotate'),
  disableWebhookSigning: route<typeof webhookSecretDisable>('esimkit.webhook.secret.disable', '/api/v1/esimkit/webhook/secret/disable'),
  // The sandbox API: served by esimkit in sandbox mode only (client.sandbox).
  sandboxClock: route<typeof sandboxClockGet>('sandbox.clock.get', '/sandbox/v1/clock/get'),
  sandboxAdvanceClock: route<typeof sandboxClockAdvance>('sandbox.clock.advance', '/sandbox/v1/clock/advance'),
  sandboxInstall: route<typeof sandboxInstall>('sandbox.esim.install', '/sandbox/v1/esim/install'),
  sandboxDisable: route<typeof sandboxDisable>('sandbox.esim.disable', '/sandbox/v1/esim/disable'),
  sandboxEnable: route<typeof sandboxEnable>('sandbox.esim.enable', '/sandbox/v1/esim/enable'),
  sandboxDelete: route<typeof sandboxDelete>('sandbox.esim.delete', '/sandbox/v1/esim/delete'),
  sandboxAttach: route<typeof sandboxAttach>('sandbox.esim.attach', '/sandbox/v1/esim/attach'),
  sandboxConsume: route<typeof sandboxConsume>('sandbox.esim.consume', '/sandbox/v1/esim/consume'),
  sandboxReceiveSms: route<typeof sandboxSmsReceive>('sandbox.esim.sms.receive', '/sandbox/v1/esim/sms/receive'),
  sandboxSendSms: route<typeof sandboxSmsSend>('sandbox.esim.sms.send', '/sandbox/v1/esim/sms/send'),
  sandboxSetFaults: route<typeof sandboxFaultsSet>('sandbox.faults.set', '/sandbox/v1/faults/set'),
  sandboxFaults: route<typeof sandboxFaultsGet>('sandbox.faults.get', '/sandbox/v1/faults/get'),
  sandboxClearFaults: route<typeof sandboxFaultsClear>('sandbox.faults.clear', '/sandbox/v1/faults/clear'),
  sandboxDeposit: route<typeof sandboxDeposit>('sandbox.funds.deposit', '/sandbox/v1/funds/deposit'),
  sandboxReset: route<typeof sandboxReset>('sandbox.reset', '/sandbox/v1/reset'),
} as const;
