import { errorCodes, isErrorCode, retryableCodes } from '@esimkit/contract/errors';

/**
 * `NETWORK`: no answer (connection refused or reset, timeout). `HTTP`: an answer that is not
 * HTTP 200 with the API's envelope (a proxy error page, a wrong base URL). Every other code is
 * the API's own six-digit `errorCode`.
 */
export type TransportErrorCode = 'NETWORK' | 'HTTP';

export interface EsimAccessErrorInit {
  code: string;
  message?: string | null | undefined;
  httpStatus?: number | undefined;
  retryAfterMs?: number | undefined;
  endpoint?: string | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/** Every failure of a call: an API answer with `success: false`, or a transport failure. */
export class EsimAccessError extends Error {
  override readonly name: string = 'EsimAccessError';
  /** The six-digit `errorCode` (`'200007'`), or `NETWORK` / `HTTP` (see TransportErrorCode). */
  readonly code: string;
  /** True when sending the same request again may succeed: 900001, 000001, 200010, network failures. */
  readonly retryable: boolean;
  /** HTTP status of the answer (200 for API errors); undefined when no answer came. */
  readonly httpStatus: number | undefined;
  /** From a `Retry-After` header (900001). */
  readonly retryAfterMs: number | undefined;
  /** Endpoint path the call went to. */
  readonly endpoint: string | undefined;
  /** The server's `X-Request-Id`, when it sent one. */
  readonly requestId: string | undefined;

  constructor(init: EsimAccessErrorInit) {
    const known = isErrorCode(init.code) ? errorCodes[init.code] : undefined;
    super(init.message || known || `error ${init.code}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.endpoint = init.endpoint;
    this.requestId = init.requestId;
    this.retryable = isRetryable(init.code, init.httpStatus);
  }

  /** True for an answer of the API (a six-digit code), false for a transport failure. */
  get isApiError(): boolean {
    return /^\d{6}$/.test(this.code);
  }
}

export function isRetryable(code: string, httpStatus?: number): boolean {
  if (code === 'NETWORK') return true;
  if (code === 'HTTP') return httpStatus === undefined || httpStatus >= 500 || httpStatus === 429;
  return isErrorCode(code) && retryableCodes.has(code);
}

/** Thrown by orderAndWait when the profiles are not allocated in time; the order stands. */
export class OrderWaitTimeoutError extends EsimAccessError {
  override readonly name: string = 'OrderWaitTimeoutError';

  constructor(
    readonly orderNo: string,
    readonly transactionId: string,
    timeoutMs: number,
  ) {
    super({ code: '200010', message: `Order ${orderNo} is still being allocated after ${timeoutMs} ms; query it again later.` });
  }
}
