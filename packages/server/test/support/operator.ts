import { request } from 'node:http';
import { createOperatorToken } from '../../src/domain/operator-tokens/create.js';
import type { CallResult, TestServer } from './harness.js';

// Calling the operator API over real HTTP with a real operator token.

export const op = (path: string) => `/api/v1/operator/${path}`;

/** A token made the way `esimkit operator token create` makes it. */
export async function operatorToken(server: TestServer, scopes: string[] = ['*'], name = 'test'): Promise<string> {
  const created = await createOperatorToken({ ctx: server.runtime.ctx, input: { name, scopes } });
  return created.token;
}

export interface OpCallOptions {
  headers?: Record<string, string>;
  method?: string;
  /**
   * The loopback address to call from (127.0.0.0/8 all reach the server): wrong tokens lock
   * out the address they come from, so tests that make many use addresses of their own.
   */
  from?: string;
}

/** One real HTTP request to the operator API (`path` under /api/v1/operator/, or absolute). */
export function opCall(server: TestServer, path: string, body: unknown, token: string | undefined, options: OpCallOptions = {}): Promise<CallResult> {
  const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const url = new URL(path.startsWith('/') ? path : op(path), server.baseUrl);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(raw)),
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers, ...(options.from ? { localAddress: options.from } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json });
      });
    });
    req.on('error', reject);
    req.end(raw);
  });
}

/** The obj of a successful answer (HTTP 200, errorCode "0"). */
export function ok(result: CallResult): any {
  if (result.status !== 200 || result.json?.success !== true || result.json.errorCode !== '0') throw new Error(`expected success, got ${result.status}: ${result.text}`);
  return result.json.obj;
}

/** The code of a failure, checked to be the envelope with the HTTP status the code has. */
export function refusal(result: CallResult): string {
  const body = result.json;
  if (!body || body.success !== false || typeof body.errorCode !== 'string' || !/^\d{6}$/.test(body.errorCode)) throw new Error(`expected a failure envelope, got ${result.status}: ${result.text}`);
  if (!body.errorMsg || body.errorMsg !== body.errorMessage || body.obj !== null) throw new Error(`malformed failure envelope: ${result.text}`);
  const expected = { '800101': 401, '800102': 401, '800103': 403, '800104': 429 }[body.errorCode as string] ?? 200;
  if (result.status !== expected) throw new Error(`${body.errorCode} must be HTTP ${expected}, got ${result.status}`);
  return body.errorCode;
}

/** The obj of a successful partner API answer (its success code is null or "0", per endpoint). */
export function partnerOk(result: CallResult): any {
  if (result.status !== 200 || result.json?.success !== true) throw new Error(`expected success, got ${result.status}: ${result.text}`);
  return result.json.obj;
}
