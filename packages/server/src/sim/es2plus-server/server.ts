import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ES2_PATH_PREFIX, es2Headers } from '../../es2plus/wire.js';
import { handleControl, isControlError } from './control.js';
import type { LaterAction } from './device.js';
import { handleEs2Call } from './es2-endpoint.js';
import { SMDP_FUNCTIONS, type SmdpFunction } from './functions.js';
import { ProfileStore, type StockPolicy } from './profiles.js';
import { SmdpState } from './state.js';

// The simulated SM-DP+ as its own ES2+ server (`esimkit smdp serve`): node:http, or
// node:https with a certificate (and, with a client CA, mutual TLS: a client without a
// certificate that CA signed is refused during the handshake). ES2+ under
// /gsma/rsp2/es2plus/, the control API under /simulator/. State in memory.

export interface SmdpServerOptions {
  port: number;
  host: string;
  /** Written into confirmOrder answers (smdpAddress) and so into activation codes. */
  smdpAddress: string;
  /** Where handleDownloadProgressInfo goes (esimkit's PUBLIC_URL) and the bearer token it presents. */
  operator?: { url: string; token?: string | undefined; requesterId?: string | undefined; timeoutMs?: number | undefined } | undefined;
  /** PEM texts: server certificate and key; clientCa makes it mutual TLS. */
  tls?: { cert: string; key: string; clientCa?: string | undefined } | undefined;
  stock?: StockPolicy;
  laterPoints?: Readonly<Record<LaterAction, number>>;
}

export interface RunningSmdp {
  url: string;
  state: SmdpState;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_LATER_POINTS: Readonly<Record<LaterAction, number>> = { enable: 5, disable: 6, delete: 7 };

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function serve(state: SmdpState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://smdp').pathname;
  if (path.startsWith(ES2_PATH_PREFIX)) {
    const fn = path.slice(ES2_PATH_PREFIX.length) as SmdpFunction;
    if (!SMDP_FUNCTIONS.includes(fn)) return sendJson(response, 404, { error: `no ES2+ function ${fn} here` });
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'ES2+ functions are POSTed' });
    const raw = await readBody(request);
    if (raw === undefined) return sendJson(response, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    const outcome = handleEs2Call(state, fn, request, raw);
    // Down: the call is dropped without an answer, as a crashed or unreachable SM-DP+ would.
    if (outcome.drop) return void request.socket.destroy();
    const answer = { header: { functionExecutionStatus: outcome.answer.status }, ...outcome.answer.fields };
    if (outcome.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, outcome.delayMs));
    if (!response.destroyed) sendJson(response, 200, answer, es2Headers());
    return;
  }
  if (path.startsWith('/simulator/')) {
    const raw = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return sendJson(response, 400, { error: 'the body must be a JSON object' });
    }
    try {
      const result = await handleControl(state, request.method ?? 'GET', path, body);
      return result === undefined ? sendJson(response, 404, { error: `no ${request.method} ${path} in the control API` }) : sendJson(response, 200, result);
    } catch (error) {
      if (isControlError(error)) return sendJson(response, 400, { error: error.message });
      throw error;
    }
  }
  if (path === '/healthz') return sendJson(response, 200, { status: 'ok', profiles: state.store.list().length });
  return sendJson(response, 404, { error: 'not found' });
}

export async function startSmdpServer(options: SmdpServerOptions): Promise<RunningSmdp> {
  const operator = options.operator
    ? { url: options.operator.url, token: options.operator.token, requesterId: options.operator.requesterId ?? 'esimkit-smdp', timeoutMs: options.operator.timeoutMs ?? 10_000 }
    : undefined;
  const store = new ProfileStore(options.stock ?? { kind: 'unlimited' });
  const state = new SmdpState(store, { store, operator, laterPoints: options.laterPoints ?? DEFAULT_LATER_POINTS }, options.smdpAddress);
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    serve(state, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
      else response.destroy();
    });
  };
  const server: Server = options.tls
    ? createHttpsServer(
        { cert: options.tls.cert, key: options.tls.key, ...(options.tls.clientCa ? { ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) },
        handler,
      )
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
