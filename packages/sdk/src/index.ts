// @esimkit/sdk: a client of the eSIM Access partner API (the live service or esimkit).
export { EsimAccessClient, LIVE_BASE_URL, type CallOptions, type EsimAccessClientOptions, type EsimFilter } from './client.js';
export { EsimAccessError, OrderWaitTimeoutError, isRetryable, type TransportErrorCode } from './errors.js';
export type { OrderAndWaitOptions, OrderedProfiles } from './order-and-wait.js';
export { TokenBucket, backoffDelay, type Pacer } from './pacing.js';
export { route, routes, type Route, type RouteRequest, type RouteResult } from './routes.js';
export { SandboxApi, type SandboxCallOptions } from './sandbox.js';
export { authHeaders } from './transport.js';
export { parseWebhookEvent, notifyTypes, WebhookParseError } from './webhooks/parse.js';
export { verifyWebhook, type HeadersLike } from './webhooks/verify.js';
export { WebhookDeduper, LruDedupeStore, type DedupeStore } from './webhooks/dedupe.js';
export { formatBytes, supportsTopUp, unitsToDollars } from './format.js';
export { UNITS_PER_DOLLAR, dollarsToUnits, formatUnits } from '@esimkit/contract/money';
export { errorCodes, retryableCodes } from '@esimkit/contract/errors';
export { formatWireTime, parseWireTime } from '@esimkit/contract/time';
export type * from './types.js';
