import type { SignaturePolicy } from '@esimkit/contract';
import type { Generated } from 'kysely';
import type { EsimStatus, SmdpStatus } from '../domain/lifecycle/states.js';

// Row types of every table. Times are integer milliseconds since the epoch in both
// databases, so SQL compares them against a bound `now` from the injected clock and no
// dialect's time zone handling is involved. Money is integer 1/10,000 USD.

export type { SignaturePolicy };

export interface MerchantsTable {
  id: Generated<number>;
  name: string;
  /**
   * Sealed at rest (docs/secrets.md): the keyed hash the access code is looked up by
   * (`h1:<keyId>:...`), and sealed copies (`v1:<keyId>:...`) of the access code (for display;
   * null only before the first start after migration 0014) and of the API secret key.
   */
  access_code_hash: string;
  access_code_sealed: string | null;
  secret_key_sealed: string;
  signature_policy: SignaturePolicy;
  /** Requests per second; 0 = unlimited. */
  rate_limit: number;
  rate_burst: number;
  /** JSON array of IPs or CIDR blocks refused with 101002. */
  ip_blocklist: string;
  /** Cache of SUM(ledger_entries.amount), kept in the same transaction as each entry. */
  balance: number;
  balance_updated_at: number;
  created_at: number;
  /** Sandbox: allocation delay for this merchant's orders (null: the configured default). */
  allocation_delay_ms: number | null;
  /** Sandbox: allocation of this merchant's orders fails (and refunds) when 1. */
  fail_allocations: Generated<number>;
  webhook_url: string | null;
  /** Standard Webhooks secret (`whsec_...`), sealed; null: deliveries are not signed. */
  webhook_secret_sealed: string | null;
  /** A rotated-out secret, sealed, that still signs until `webhook_previous_secret_until`. */
  webhook_previous_secret_sealed: string | null;
  webhook_previous_secret_until: number | null;
  /** Sandbox: 1 while fault_rules holds rules for this merchant (saves a query per request). */
  faults_active: Generated<number>;
  /** Sandbox: share of requests (0-1) answered 900001. */
  busy_share: Generated<number>;
  /** Sandbox: how far the merchant's clock is ahead of real time (0 in production). */
  clock_offset_ms: Generated<number>;
  /** 1: disabled by an operator; the partner API refuses its access code (000101). */
  disabled: Generated<number>;
}

export type LedgerKind = 'deposit' | 'order' | 'refund' | 'topup' | 'adjustment';

export interface LedgerEntriesTable {
  id: Generated<number>;
  merchant_id: number;
  amount: number;
  kind: LedgerKind;
  reference: string | null;
  note: string | null;
  created_at: number;
}

export interface PackagesTable {
  code: string;
  slug: string;
  type: 'BASE' | 'TOPUP';
  /** For a top-up: the base plan it was derived from. */
  base_code: string | null;
  name: string;
  description: string;
  price: number;
  retail_price: number;
  volume: number;
  sms_status: number;
  data_type: number;
  unused_valid_time: number;
  duration: number;
  duration_unit: string;
  /** Comma-separated ISO-2 codes covered. */
  location: string;
  /** The plan's own location: an ISO-2 code or a region code such as `EU-42`. */
  location_code: string;
  /** `country`, `regional` or `global`: what `!RG` and `!GL` select. */
  scope: 'country' | 'regional' | 'global';
  active_type: number;
  favorite: number;
  speed: string;
  ip_export: string;
  support_topup_type: number;
  fup_policy: string;
  /** JSON: [{locationCode, operators: [{operatorName, networkType}]}] */
  networks: string;
  sort_order: number;
  /** Where its profiles come from; null: the mode's default (sandbox: simulator; production: none). */
  profile_source: ProfileSourceKind | null;
  /** The SM-DP+'s profileType for downloadOrder, when the source is `es2plus`. */
  es2_profile_type: string | null;
}

export type ProfileSourceKind = 'inventory' | 'es2plus' | 'simulator';

export interface LocationsTable {
  code: string;
  name: string;
  type: number;
  /** JSON array of {code, name}, or null for a single country. */
  sub_locations: string | null;
  sort_order: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export type OrderStatus = 'ALLOCATING' | 'GOT_RESOURCE' | 'FAILED';

export interface OrdersTable {
  id: Generated<number>;
  order_no: string;
  merchant_id: number;
  transaction_id: string;
  /** Hash of the normalised request: a reused transactionId must carry the same order. */
  request_hash: string;
  status: OrderStatus;
  /** JSON: OrderItem[] (package, count, unit price, periodNum). */
  items: string;
  amount: number;
  esim_count: number;
  failure_reason: string | null;
  created_at: number;
  completed_at: number | null;
}

export interface EsimsTable {
  id: Generated<number>;
  esim_tran_no: string;
  order_id: number;
  merchant_id: number;
  package_code: string;
  iccid: string;
  imsi: string;
  msisdn: string;
  ac: string;
  /** Unguessable token naming the public QR image and install page. */
  public_token: string;
  pin: string;
  puk: string;
  apn: string;
  esim_status: EsimStatus;
  smdp_status: SmdpStatus;
  eid: string;
  active_type: number;
  data_type: number;
  sms_status: number;
  /** What the merchant paid for this eSIM (refunded on cancel). */
  price: number;
  period_num: number | null;
  total_volume: number;
  total_duration: number;
  order_usage: number;
  usage_updated_at: number | null;
  expired_time: number;
  activated_at: number | null;
  /** First time the profile was installed on a device (esim/query `installationTime`). */
  installed_at: number | null;
  /** JSON array of DATA_USAGE thresholds already announced (reset by a top-up). */
  usage_alerts_sent: string;
  created_at: number;
  /** Bytes the network has metered; orderUsage (order_usage) follows after the reporting lag. */
  network_usage: Generated<number>;
  /** Bytes used since the last daily reset (daily plans). */
  daily_usage: Generated<number>;
  /** Next daily allowance reset (daily plans, once activated). */
  daily_reset_at: number | null;
  /** When VALIDITY_USAGE is due (one day before expiry, once activated); null once sent. */
  validity_warn_at: number | null;
}

export interface EsimPackagesTable {
  id: Generated<number>;
  esim_id: number;
  package_code: string;
  kind: 'BASE' | 'TOPUP';
  volume: number;
  duration: number;
  price: number;
  /** esimTranNo for the base package, topUpEsimTranNo for a top-up. */
  tran_no: string;
  created_at: number;
}

export interface EsimEventsTable {
  id: Generated<number>;
  esim_id: number;
  merchant_id: number;
  field: 'esimStatus' | 'smdpStatus';
  from_value: string | null;
  to_value: string;
  /** `merchant` (API call), `system` (allocation, expiry), `device` (sandbox simulator). */
  actor: string;
  at: number;
}

export interface TopupsTable {
  id: Generated<number>;
  merchant_id: number;
  transaction_id: string;
  request_hash: string;
  esim_id: number;
  /** JSON of the top-up answer, returned again for a retried transactionId. */
  result: string;
  created_at: number;
}

export interface SmsMessagesTable {
  id: Generated<number>;
  esim_id: number;
  merchant_id: number;
  /** `MT` sent to the device (sendSms), `MO` sent from it. */
  direction: 'MT' | 'MO';
  message: string;
  created_at: number;
  /** The other side's number: the sender of an MT from a phone, the recipient of an MO. */
  party: string | null;
}

export interface FaultRulesTable {
  id: Generated<number>;
  merchant_id: number;
  /** Endpoint name (`esim.order`) or path; null: any endpoint. */
  endpoint: string | null;
  /** Only requests naming this package; null: any. */
  package_code: string | null;
  error_code: string;
  /** Calls still to fail. */
  remaining: number;
  created_at: number;
}

export interface ProfilesTable {
  id: Generated<number>;
  package_code: string;
  iccid: string;
  imsi: string;
  ac: string;
  /** Reserved by this order (set when the order is accepted). */
  order_id: number | null;
  /** Given to this eSIM (set by allocation). */
  esim_id: number | null;
  created_at: number;
}

export interface SequencesTable {
  name: string;
  value: number;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  /** Due time on the wall clock (a sandbox advance moves the due times of the merchant's jobs). */
  run_at: number;
  attempts: Generated<number>;
  locked_by: string | null;
  /** Lease end on the wall clock: a worker that dies loses its jobs when this passes. */
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  /** A job that must exist at most once (recurring sweeps). */
  dedupe_key: string | null;
  /** The merchant whose clock the work runs on; null for housekeeping. */
  merchant_id: number | null;
  /** Set when the job ran out of attempts: failed, never due again. */
  failed_at: number | null;
}

export interface ClockAdvancesTable {
  merchant_id: number;
  /** Wall-clock end of the advance's lease (renewed while it runs). */
  until: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'no_endpoint';

/** A merchant's API request, for the console's request log. */
/** RT-RequestIDs seen within the replay window (key: merchant id and RequestID). */
export interface SeenRequestIdsTable {
  key: string;
  expires_at: number;
}

export interface ApiRequestsTable {
  id: Generated<number>;
  merchant_id: number;
  request_id: string;
  endpoint: string;
  /** The answer's errorCode ('0' or 'null' on success). */
  code: string;
  latency_us: number;
  ip: string;
  /** First 4 KB, secrets masked (domain/request-log/mask.ts). */
  request_body: string;
  /** Empty when the answer is a shared one (shared_answer_id). */
  response_body: string;
  /** A large shared answer (a cached package list), logged once in api_shared_answers. */
  shared_answer_id: string | null;
  /** Real time. */
  created_at: number;
}

/** Logged forms of answers many requests were sent as one Buffer (domain/request-log/recorder.ts). */
export interface ApiSharedAnswersTable {
  id: string;
  /** As response_body: first 4 KB, secrets masked. */
  body: string;
  /** Real time: pruned with the log (sweeps/prune-requests.ts). */
  created_at: number;
}

/** The outbox: one row per event, written in the transaction of the change it reports. */
export interface WebhookEventsTable {
  id: Generated<number>;
  merchant_id: number;
  notify_id: string;
  notify_type: string;
  /** The exact JSON body, so every retry sends the same bytes. */
  body: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  event_id: number;
  attempt: number;
  url: string;
  at: number;
  status_code: number | null;
  latency_ms: number;
  /** The first bytes of the answer. */
  response: string;
  error: string | null;
}

/** A person who signs in to the console: a merchant's user, or an operator. */
export interface ConsoleUsersTable {
  id: Generated<number>;
  email: string;
  /** `scrypt$N$r$p$salt$hash` (domain/console-users/password.ts); null: none set yet. */
  password_hash: string | null;
  /** Null for operators. */
  merchant_id: number | null;
  is_operator: Generated<number>;
  disabled: Generated<number>;
  created_at: number;
}

/** A signed-in browser; the cookie's token is stored as its SHA-256 only. Real time. */
export interface ConsoleSessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export type ConsoleTokenPurpose = 'login' | 'set-password';

/** A one-time link (sign in, set a password), stored as its SHA-256. Real time. */
export interface ConsoleLoginTokensTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  purpose: ConsoleTokenPurpose;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A plan a merchant marked as a favourite in the console. */
export interface MerchantFavouritesTable {
  merchant_id: number;
  package_code: string;
  created_at: number;
}

/**
 * One profile an order needs from an SM-DP+ over ES2+, advanced one persisted step at a time:
 * reserving (downloadOrder sent with call_id) -> reserved (iccid known) -> released
 * (confirmOrder answered: matching id and address) -> allocated to esim_id; or failed;
 * cancelling -> cancelled when its eSIM is cancelled before installation.
 */
export interface Es2ProfilesTable {
  id: Generated<number>;
  order_id: number;
  /** 0-based position among the order's eSIMs from this source. */
  slot: number;
  package_code: string;
  profile_type: string | null;
  /** Reserve this ICCID rather than any profile of profile_type. */
  requested_iccid: string | null;
  /** functionCallIdentifier of the downloadOrder, kept so a retry after a crash sends the same one. */
  call_id: string;
  state: 'reserving' | 'reserved' | 'released' | 'failed' | 'cancelling' | 'cancelled';
  iccid: string | null;
  matching_id: string | null;
  smdp_address: string | null;
  esim_id: number | null;
  /** The SM-DP+'s refusal (function, subject and reason codes, message). */
  failure: string | null;
  created_at: number;
  updated_at: number;
}

/** A handleDownloadProgressInfo call taken in, kept so that a replay changes nothing. */
export interface Es2NotificationsTable {
  call_id: string;
  iccid: string;
  notification_point: number;
  status: string;
  esim_id: number | null;
  /** What it did: applied, ignored (not allowed now), unknown-iccid. */
  outcome: string;
  received_at: number;
}

/** Usage the network reported for a profile over a period. */
export interface UsageRecordsTable {
  record_id: string;
  iccid: string;
  esim_id: number | null;
  bytes: number;
  period_start: number;
  period_end: number;
  received_at: number;
}

/** A bearer token of the operator API (only its hash is kept). */
export interface OperatorTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  /** Comma-separated scopes, e.g. `merchants:read,merchants:write`, or `*`. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface Database {
  es2_profiles: Es2ProfilesTable;
  es2_notifications: Es2NotificationsTable;
  usage_records: UsageRecordsTable;
  operator_tokens: OperatorTokensTable;
  merchant_favourites: MerchantFavouritesTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  console_login_tokens: ConsoleLoginTokensTable;
  fault_rules: FaultRulesTable;
  webhook_events: WebhookEventsTable;
  api_requests: ApiRequestsTable;
  api_shared_answers: ApiSharedAnswersTable;
  seen_request_ids: SeenRequestIdsTable;
  webhook_attempts: WebhookAttemptsTable;
  orders: OrdersTable;
  esims: EsimsTable;
  esim_packages: EsimPackagesTable;
  esim_events: EsimEventsTable;
  topups: TopupsTable;
  sms_messages: SmsMessagesTable;
  profiles: ProfilesTable;
  sequences: SequencesTable;
  jobs: JobsTable;
  clock_advances: ClockAdvancesTable;
  merchants: MerchantsTable;
  ledger_entries: LedgerEntriesTable;
  packages: PackagesTable;
  locations: LocationsTable;
  meta: MetaTable;
}
