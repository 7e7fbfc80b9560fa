import { randomUUID } from 'node:crypto';
import { formatWireTime } from '@esimkit/contract/time';
import type { Endpoint, RequestOf, ResponseOf } from './endpoint.js';
import { EsimAccessError } from './errors.js';
import { orderAndWait, type OrderAndWaitOptions, type OrderedProfiles } from './order-and-wait.js';
import { OrderSignals } from './order-signals.js';
import { backoffDelay, sleep, TokenBucket, unpaced, type Pacer } from './pacing.js';
import { routes, type Route } from './routes.js';
import { SandboxApi } from './sandbox.js';
import { sendOnce } from './transport.js';
import type * as T from './types.js';

export const LIVE_BASE_URL = 'https://api.esimaccess.com';

export interface EsimAccessClientOptions {
  /** Default: the live service. An esimkit server: e.g. `http://127.0.0.1:8080`. */
  baseUrl?: string;
  accessCode: string;
  /** When set, every request is signed (RT-Timestamp, RT-RequestID, RT-Signature). */
  secretKey?: string | undefined;
  /** The account's rate limit, shared by every call of this client. Default 8; 0: no pacing. */
  rateLimitPerSecond?: number;
  /** Calls that may go at once before pacing starts. Default 1 (evenly spaced). */
  burst?: number;
  /** Extra attempts after a 900001, 000001 or network failure. Default 4. */
  retries?: number;
  /** First backoff delay (default 250 ms), doubling up to retryMaxDelayMs (10 s), with jitter. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** esim/query by order, or by allocation time (strings as the API takes them, or Dates). */
export type EsimFilter = { orderNo: string } | { startTime: string | Date; endTime?: string | Date } | { startTime?: string | Date; endTime: string | Date };

/** A client of the eSIM Access partner API (the live service or esimkit). */
export class EsimAccessClient {
  readonly baseUrl: string;
  private readonly credentials: { accessCode: string; secretKey?: string | undefined };
  private readonly pacer: Pacer;
  private readonly signals = new OrderSignals();
  /** esimkit's sandbox API (sandbox mode only): clock, simulated device and network, faults, test funds, reset. */
  readonly sandbox: SandboxApi;
  private readonly options: Required<Pick<EsimAccessClientOptions, 'retries' | 'retryBaseDelayMs' | 'retryMaxDelayMs' | 'timeoutMs'>> & {
    fetch: typeof fetch;
    userAgent: string | undefined;
  };

  constructor(options: EsimAccessClientOptions) {
    if (!options.accessCode) throw new TypeError('EsimAccessClient: accessCode is required');
    this.baseUrl = (options.baseUrl ?? LIVE_BASE_URL).replace(/\/+$/, '');
    this.credentials = { accessCode: options.accessCode, secretKey: options.secretKey };
    const rate = options.rateLimitPerSecond ?? 8;
    this.pacer = rate > 0 && Number.isFinite(rate) ? new TokenBucket(rate, options.burst ?? 1) : unpaced;
    this.options = {
      retries: options.retries ?? 4,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 250,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 10_000,
      timeoutMs: options.timeoutMs ?? 30_000,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      userAgent: options.userAgent,
    };
    this.sandbox = new SandboxApi((route, input, callOptions, once) => this.send(route, input, callOptions, once) as Promise<never>);
  }

  /**
   * Calls any endpoint: a route of `routes`, or one of the contract's endpoint objects.
   * Paced, retried on 900001 / 000001 / network failures with backoff; resolves to `obj`.
   */
  call<E extends Endpoint>(endpoint: E, input: RequestOf<E>, options?: CallOptions): Promise<ResponseOf<E>>;
  call<Req, Res>(route: Route<Req, Res>, input: Req, options?: CallOptions): Promise<Res>;
  call(route: { path: string }, input: unknown, options?: CallOptions): Promise<unknown> {
    return this.send(route, input, options, false);
  }

  /** `once`: the call must not be repeated after a lost answer (NETWORK, HTTP); API answers saying it was not carried out are retried. */
  private async send(route: { path: string }, input: unknown, options: CallOptions | undefined, once: boolean): Promise<unknown> {
    const body = JSON.stringify(input ?? {});
    const url = this.baseUrl + route.path;
    for (let attempt = 0; ; attempt++) {
      await this.pacer.take(options?.signal);
      try {
        return await sendOnce(url, route.path, body, this.credentials, { ...this.options, signal: options?.signal });
      } catch (error) {
        if (!(error instanceof EsimAccessError) || !error.retryable || error.code === '200010' || attempt >= this.options.retries) throw error;
        if (once && !error.isApiError) throw error;
        const delay = Math.max(error.retryAfterMs ?? 0, backoffDelay(attempt, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs));
        // The account is over its limit (another process shares it): hold every call back.
        if (error.code === '900001') this.pacer.pause(delay);
        await sleep(delay, options?.signal);
      }
    }
  }

  packageList(filter: T.PackageListRequest = {}, options?: CallOptions): Promise<T.PackageListResult> {
    return this.call(routes.packageList, filter, options);
  }

  /** Orders profiles. The transactionId (generated when absent) is the same on every retry. */
  order(order: T.OrderRequest, options?: CallOptions): Promise<T.OrderResult> {
    return this.call(routes.order, { ...order, transactionId: order.transactionId ?? randomUUID() }, options);
  }

  query(query: T.EsimQueryRequest, options?: CallOptions): Promise<T.EsimQueryResult> {
    return this.call(routes.query, query, options);
  }

  cancel(esim: T.EsimRef, options?: CallOptions): Promise<Record<string, never>> {
    return this.call(routes.cancel, esim, options);
  }

  suspend(esim: T.EsimRef, options?: CallOptions): Promise<Record<string, never>> {
    return this.call(routes.suspend, esim, options);
  }

  unsuspend(esim: T.EsimRef, options?: CallOptions): Promise<Record<string, never>> {
    return this.call(routes.unsuspend, esim, options);
  }

  revoke(esim: T.EsimRef, options?: CallOptions): Promise<Record<string, never>> {
    return this.call(routes.revoke, esim, options);
  }

  balance(options?: CallOptions): Promise<T.BalanceResult> {
    return this.call(routes.balance, {}, options);
  }

  /** Tops up an eSIM. The transactionId (generated when absent) is the same on every retry. */
  topup(topup: T.TopupRequest, options?: CallOptions): Promise<T.TopupResult> {
    return this.call(routes.topup, { ...topup, transactionId: topup.transactionId ?? randomUUID() }, options);
  }

  sendSms(sms: T.SendSmsRequest, options?: CallOptions): Promise<Record<string, never>> {
    return this.call(routes.sendSms, sms, options);
  }

  /** Data usage of up to 10 eSIMs. */
  usage(esimTranNoList: string[], options?: CallOptions): Promise<T.UsageResult> {
    return this.call(routes.usage, { esimTranNoList }, options);
  }

  locations(options?: CallOptions): Promise<T.LocationListResult> {
    return this.call(routes.locations, {}, options);
  }

  /** Sets the webhook URL (it must answer the CHECK_HEALTH event sent first with a 2xx). */
  webhookSave(webhook: string, options?: CallOptions): Promise<T.WebhookSaveResult> {
    return this.call(routes.webhookSave, { webhook }, options);
  }

  webhookQuery(options?: CallOptions): Promise<T.WebhookQueryResult> {
    return this.call(routes.webhookQuery, {}, options);
  }

  /** esimkit: SMS sent to and from an eSIM. */
  smsList(esim: T.EsimRef, options?: CallOptions): Promise<T.SmsListResult> {
    return this.call(routes.smsList, esim, options);
  }

  /** esimkit: every status change of an eSIM. */
  events(esim: T.EsimRef, options?: CallOptions): Promise<T.EsimEventsResult> {
    return this.call(routes.events, esim, options);
  }

  /** esimkit: the webhook delivery log, newest first. */
  webhookLog(filter: T.WebhookLogRequest = {}, options?: CallOptions): Promise<T.WebhookLogResult> {
    return this.call(routes.webhookLog, filter, options);
  }

  /** esimkit: send one event again, or every failed one since a time. */
  webhookRedeliver(which: T.WebhookRedeliverRequest, options?: CallOptions): Promise<T.WebhookRedeliverResult> {
    return this.call(routes.webhookRedeliver, which, options);
  }

  /** esimkit: turn on Standard Webhooks signing, or rotate its secret. */
  rotateWebhookSecret(input: { overlapSeconds?: number } = {}, options?: CallOptions): Promise<T.WebhookSecretResult> {
    return this.call(routes.rotateWebhookSecret, input, options);
  }

  /** esimkit: stop signing webhooks. */
  disableWebhookSigning(options?: CallOptions): Promise<Record<string, never>> {
    return this.call(routes.disableWebhookSigning, {}, options);
  }

  /** Orders, waits for allocation (polling, or an ORDER_STATUS event) and returns the profiles. */
  orderAndWait(order: T.OrderRequest, options?: OrderAndWaitOptions): Promise<OrderedProfiles> {
    return orderAndWait(this, this.signals, order, options);
  }

  /** Hands a received webhook event to the client: an ORDER_STATUS ends orderAndWait's wait. */
  notify(event: T.WebhookEvent | unknown): void {
    this.signals.notify(event);
  }

  /** Every eSIM of an order or a time range, page after page. */
  async *iterateEsims(filter: EsimFilter, options: { pageSize?: number; signal?: AbortSignal | undefined } = {}): AsyncGenerator<T.EsimItem> {
    const query = toQuery(filter);
    for (let pageNum = 1; ; pageNum++) {
      const { esimList, pager } = await this.query({ ...query, pager: { pageNum, pageSize: options.pageSize ?? 100 } }, options);
      yield* esimList;
      if (esimList.length === 0 || pageNum * pager.pageSize >= pager.total) return;
    }
  }
}

function toQuery(filter: EsimFilter): T.EsimQueryRequest {
  if ('orderNo' in filter) return { orderNo: filter.orderNo };
  const time = (t: string | Date | undefined) => (t instanceof Date ? formatWireTime(t) : t);
  const startTime = time(filter.startTime);
  const endTime = time(filter.endTime);
  return { ...(startTime ? { startTime } : {}), ...(endTime ? { endTime } : {}) };
}
