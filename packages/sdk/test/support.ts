import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreatedMerchant } from '@esimkit/server';
import { startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { EsimAccessClient, type EsimAccessClientOptions } from '../src/index.js';

// The SDK's end-to-end tests run against a real esimkit (test harness: fresh database,
// random port). Helpers: a client for a merchant, a fetch that records every attempt, and
// a local webhook receiver.

export type { TestServer };
export type Merchant = CreatedMerchant;

/** A test server that allocates orders at once unless told otherwise. */
export function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ env: { ALLOCATION_DELAY_MS: '0', ...env } });
}

export function clientFor(server: TestServer, merchant: Merchant, options: Partial<EsimAccessClientOptions> = {}): EsimAccessClient {
  return new EsimAccessClient({ baseUrl: server.baseUrl, accessCode: merchant.accessCode, rateLimitPerSecond: 0, retryBaseDelayMs: 20, ...options });
}

export interface Attempt {
  path: string;
  body: any;
  headers: Record<string, string>;
  errorCode?: string | null;
}

/** A fetch that passes through and records each attempt; `intercept` may replace the answer. */
export function recordingFetch(intercept?: (attempt: Attempt, index: number, send: () => Promise<Response>) => Promise<Response>) {
  const attempts: Attempt[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const attempt: Attempt = { path: url.pathname, body: JSON.parse(String(init?.body ?? '{}')), headers: Object.fromEntries(new Headers(init?.headers).entries()) };
    attempts.push(attempt);
    const send = async () => {
      const response = await fetch(input, init);
      const text = await response.text();
      try {
        attempt.errorCode = JSON.parse(text).errorCode;
      } catch {
        attempt.errorCode = undefined;
      }
      return new Response(text, { status: response.status, headers: response.headers });
    };
    return intercept ? intercept(attempt, attempts.length - 1, send) : send();
  }) as typeof fetch;
  return { fetch: fetchFn, attempts };
}

export interface Hook {
  url: string;
  received: { body: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback that answers 200 and hands each raw body to `onBody`. */
export async function startHook(onBody: (body: string, headers: IncomingHttpHeaders) => void = () => {}): Promise<Hook> {
  const received: Hook['received'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ body, headers: request.headers });
      response.end('ok');
      onBody(body, request.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function setMerchantFlags(server: TestServer, merchant: Merchant, set: { fail_allocations?: number; allocation_delay_ms?: number | null }): Promise<void> {
  await server.runtime.ctx.db.kysely.updateTable('merchants').set(set).where('id', '=', merchant.id).execute();
}

export async function esimIdOf(server: TestServer, esimTranNo: string): Promise<number> {
  const row = await server.runtime.ctx.db.kysely.selectFrom('esims').select('id').where('esim_tran_no', '=', esimTranNo).executeTakeFirstOrThrow();
  return Number(row.id);
}
