import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSignature } from '@esimkit/contract';
import { inject } from 'vitest';
import { createMerchant, loadConfig, startServer, type CreateMerchantInput, type CreatedMerchant, type RunningServer } from '../../src/index.js';

// Test servers are real: a real HTTP listener on a random loopback port, a real database
// (TEST_DATABASE=postgres for PostgreSQL, SQLite otherwise) freshly made for each server.

export const TEST_DATABASE = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestServer extends RunningServer {
  baseUrl: string;
  databaseUrl: string;
  merchant(input?: Partial<CreateMerchantInput>): Promise<CreatedMerchant>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse a database made by another test server (two instances on one database). */
  databaseUrl?: string;
}

export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  if (TEST_DATABASE === 'postgres') {
    // Dropped by the global teardown (support/global-setup.ts), not here.
    const schema = `${inject('schemaPrefix')}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    return { url: `${POSTGRES_URL}?schema=${schema}`, drop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'esimkit-test-'));
  return { url: join(dir, 'esimkit.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Production mode needs ESIMKIT_SECRET_KEY (the sandbox keeps one in a file beside the
 * database): a test that does not choose one gets a key of its database's own, the same for
 * every server started on it.
 */
export function productionSecretKey(databaseUrl: string, env: Record<string, string> = {}): Record<string, string> {
  if (env.ESIMKIT_MODE !== 'production' || env.ESIMKIT_SECRET_KEY || env.ESIMKIT_SECRET_KEY_FILE) return {};
  return { ESIMKIT_SECRET_KEY: testSecretKey(databaseUrl) };
}

export function testSecretKey(databaseUrl: string): string {
  return createHash('sha256').update(`esimkit test key for ${databaseUrl}`).digest('hex');
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await freshDatabaseUrl();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    ...productionSecretKey(database.url, options.env),
    ...options.env,
  });
  // DEBUG_TEST_LOG=1 prints the servers' errors (with stacks) to find what answered 000001.
  const server = await startServer({ config, logger: process.env.DEBUG_TEST_LOG ? { level: 'error' } : false, print: () => {} });
  const baseUrl = server.url;
  return {
    ...server,
    baseUrl,
    databaseUrl: database.url,
    // Tests name the signature policy they exercise; `optional` (the production default)
    // unless they say otherwise, so a bad signature is refused rather than warned about.
    merchant: (input = {}) =>
      createMerchant({
        ctx: server.runtime.ctx,
        input: { name: `merchant-${randomUUID().slice(0, 8)}`, rateLimit: 0, signaturePolicy: 'optional', ...input },
      }),
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

export interface CallOptions {
  accessCode?: string;
  /** Sign the request with this secret (RT-Timestamp, RT-RequestID, RT-Signature). */
  secretKey?: string;
  timestamp?: string;
  requestId?: string;
  signature?: string;
  headers?: Record<string, string>;
  method?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One real HTTP request; the body is sent exactly as given (a string) or JSON-encoded. */
export async function call(server: { baseUrl: string }, path: string, body?: unknown, options: CallOptions = {}): Promise<CallResult> {
  const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.accessCode !== undefined) headers['RT-AccessCode'] = options.accessCode;
  if (options.secretKey !== undefined || options.signature !== undefined) {
    const timestamp = options.timestamp ?? String(Date.now());
    const requestId = options.requestId ?? randomUUID();
    headers['RT-Timestamp'] = timestamp;
    headers['RT-RequestID'] = requestId;
    headers['RT-Signature'] =
      options.signature ?? computeSignature(options.secretKey!, { timestamp, requestId, accessCode: options.accessCode ?? '', body: raw });
  }
  const method = options.method ?? 'POST';
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: raw }),
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Asserts the envelope shape of a failure and returns its code. */
export function expectFailure(result: CallResult): string {
  if (result.status !== 200) throw new Error(`expected HTTP 200, got ${result.status}: ${result.text}`);
  const body = result.json;
  if (!body || body.success !== false) throw new Error(`expected a failure envelope, got ${result.text}`);
  if (typeof body.errorCode !== 'string' || !/^\d{6}$/.test(body.errorCode)) throw new Error(`bad errorCode in ${result.text}`);
  if (!body.errorMsg || body.errorMsg !== body.errorMessage) throw new Error(`errorMsg/errorMessage missing or different in ${result.text}`);
  if (body.obj !== null) throw new Error(`obj must be null on failure: ${result.text}`);
  return body.errorCode;
}

export const paths = {
  packageList: '/api/v1/open/package/list',
  locationList: '/api/v1/open/location/list',
  balance: '/api/v1/open/balance/query',
} as const;
