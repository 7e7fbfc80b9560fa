import { randomUUID } from 'node:crypto';
import { computeSignature } from '@esimkit/contract/signature';
import { EsimAccessError } from './errors.js';

// One HTTP attempt: POST the exact body, signed when a secret key is set, and read the
// envelope. Every answer of the API is HTTP 200 with {success, errorCode, errorMsg, obj}:
// anything else is a transport failure.
export interface Credentials {
  accessCode: string;
  secretKey?: string | undefined;
}

export interface AttemptOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  userAgent?: string | undefined;
}

/** The RT-* headers of one request; a fresh RequestID and timestamp for every attempt. */
export function authHeaders(credentials: Credentials, body: string, now: number = Date.now()): Record<string, string> {
  const headers: Record<string, string> = { 'RT-AccessCode': credentials.accessCode };
  if (credentials.secretKey) {
    const timestamp = String(now);
    const requestId = randomUUID();
    headers['RT-Timestamp'] = timestamp;
    headers['RT-RequestID'] = requestId;
    headers['RT-Signature'] = computeSignature(credentials.secretKey, { timestamp, requestId, accessCode: credentials.accessCode, body });
  }
  return headers;
}

interface EnvelopeLike {
  success: boolean;
  errorCode?: unknown;
  errorMsg?: unknown;
  errorMessage?: unknown;
  obj?: unknown;
}

function isEnvelope(value: unknown): value is EnvelopeLike {
  return typeof value === 'object' && value !== null && typeof (value as EnvelopeLike).success === 'boolean';
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export async function sendOnce(url: string, path: string, body: string, credentials: Credentials, options: AttemptOptions): Promise<unknown> {
  options.signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
        ...authHeaders(credentials, body),
      },
      body,
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    throw new EsimAccessError({ code: 'NETWORK', message: `${path}: ${reason}`, endpoint: path, cause: error });
  }
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    envelope = undefined;
  }
  if (response.status !== 200 || !isEnvelope(envelope)) {
    const snippet = text.slice(0, 200).replace(/\s+/g, ' ');
    throw new EsimAccessError({ code: 'HTTP', message: `${path}: HTTP ${response.status} without the API envelope: ${snippet}`, httpStatus: response.status, endpoint: path, requestId });
  }
  if (envelope.success) return envelope.obj ?? {};
  const code = typeof envelope.errorCode === 'string' && envelope.errorCode ? envelope.errorCode : '000001';
  const message = [envelope.errorMsg, envelope.errorMessage].find((m): m is string => typeof m === 'string' && m !== '');
  throw new EsimAccessError({
    code,
    message,
    httpStatus: response.status,
    endpoint: path,
    requestId,
    retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
  });
}
