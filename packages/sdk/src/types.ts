// Request and result types of every endpoint, derived from the contract's schemas. Type-only:
// nothing here exists at run time, so the SDK never loads zod.
import type {
  balanceQuery,
  esimCancel,
  esimOrder,
  esimQuery,
  esimSmsList,
  esimTimeline,
  esimTopup,
  locationList,
  packageList,
  NotifyType as ContractNotifyType,
  sandboxAttach,
  sandboxClockAdvance,
  sandboxClockGet,
  sandboxConsume,
  sandboxDeposit,
  sandboxDisable,
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
  webhookSecretRotate,
  WebhookEvent as ContractWebhookEvent,
} from '@esimkit/contract';
import type { RequestOf, ResponseOf } from './endpoint.js';

export type { ErrorCode } from '@esimkit/contract/errors';
export type { Endpoint, RequestOf, ResponseOf, TypedSchema } from './endpoint.js';
/** The webhook events: ORDER_STATUS, ESIM_STATUS, SMDP_EVENT, DATA_USAGE, VALIDITY_USAGE, CHECK_HEALTH. */
export type NotifyType = ContractNotifyType;
/** A webhook's body, as esimkit and the live service send it. */
export type WebhookEvent = ContractWebhookEvent;
/** The `content` of one kind of webhook event. */
export type WebhookContent<T extends NotifyType> = Extract<WebhookEvent, { notifyType: T }>['content'];

export type PackageListRequest = RequestOf<typeof packageList>;
export type PackageListResult = ResponseOf<typeof packageList>;
export type PackageItem = PackageListResult['packageList'][number];

/** An order; `transactionId` is generated when not given, and kept across retries. */
export type OrderRequest = Omit<RequestOf<typeof esimOrder>, 'transactionId'> & { transactionId?: string };
export type OrderResult = ResponseOf<typeof esimOrder>;
export type PackageInfo = OrderRequest['packageInfoList'][number];

export type EsimQueryRequest = RequestOf<typeof esimQuery>;
export type EsimQueryResult = ResponseOf<typeof esimQuery>;
export type EsimItem = EsimQueryResult['esimList'][number];

/** `esimTranNo` (recommended) or `iccid`. */
export type EsimRef = RequestOf<typeof esimCancel>;

export type BalanceResult = ResponseOf<typeof balanceQuery>;

export type TopupRequest = Omit<RequestOf<typeof esimTopup>, 'transactionId'> & { transactionId?: string };
export type TopupResult = ResponseOf<typeof esimTopup>;

export type SendSmsRequest = RequestOf<typeof sendSms>;
export type UsageResult = ResponseOf<typeof usageQuery>;
export type UsageItem = UsageResult['esimUsageList'][number];
export type LocationListResult = ResponseOf<typeof locationList>;
export type LocationItem = LocationListResult['locationList'][number];

export type WebhookSaveResult = ResponseOf<typeof webhookSave>;
export type WebhookQueryResult = ResponseOf<typeof webhookQuery>;

export type SmsListResult = ResponseOf<typeof esimSmsList>;
export type EsimEventsResult = ResponseOf<typeof esimTimeline>;
export type WebhookLogRequest = RequestOf<typeof webhookLog>;
export type WebhookLogResult = ResponseOf<typeof webhookLog>;
export type WebhookLogEntry = WebhookLogResult['eventList'][number];
export type WebhookRedeliverRequest = RequestOf<typeof webhookRedeliver>;
export type WebhookRedeliverResult = ResponseOf<typeof webhookRedeliver>;
export type WebhookSecretResult = ResponseOf<typeof webhookSecretRotate>;

// The sandbox API (esimkit in sandbox mode).
export type SandboxClock = ResponseOf<typeof sandboxClockGet>;
/** Forward by `seconds`, or to the time `to` (a Date, or an ISO UTC string); never backward. */
export type SandboxAdvanceRequest = { seconds: number; to?: undefined } | { to: string | Date; seconds?: undefined };
export type SandboxAdvanceResult = ResponseOf<typeof sandboxClockAdvance>;
/** The profile (`esimTranNo` or `iccid`); `eid` is made up when absent; `fail` breaks the download off. */
export type SandboxInstallRequest = RequestOf<typeof sandboxInstall>;
export type SandboxInstallResult = ResponseOf<typeof sandboxInstall>;
/** `esimTranNo` (recommended) or `iccid`. */
export type SandboxEsimRef = RequestOf<typeof sandboxDisable>;
export type SandboxDeviceState = ResponseOf<typeof sandboxDisable>;
export type SandboxAttachResult = ResponseOf<typeof sandboxAttach>;
export type SandboxConsumeRequest = RequestOf<typeof sandboxConsume>;
export type SandboxConsumeResult = ResponseOf<typeof sandboxConsume>;
export type SandboxSmsReceiveRequest = RequestOf<typeof sandboxSmsReceive>;
export type SandboxSmsSendRequest = RequestOf<typeof sandboxSmsSend>;
export type SandboxFaultsRequest = RequestOf<typeof sandboxFaultsSet>;
export type SandboxFaultRule = NonNullable<SandboxFaultsRequest['rules']>[number];
export type SandboxFaultPlan = ResponseOf<typeof sandboxFaultsGet>;
/** `amount` in units of 1/10,000 USD, at most 100,000,000 ($10,000) a call. */
export type SandboxDepositRequest = RequestOf<typeof sandboxDeposit>;
export type SandboxDepositResult = ResponseOf<typeof sandboxDeposit>;
export type SandboxResetRequest = RequestOf<typeof sandboxReset>;
export type SandboxResetResult = ResponseOf<typeof sandboxReset>;
