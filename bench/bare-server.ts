import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeSignature, headerNames } from '@esimkit/contract';
import { cpuSample, serveParent, type Credentials } from './shared.js';

// Child process: the baseline. A bare node:http server doing the unavoidable per-request
// work of the partner API and nothing else: read the body, JSON.parse it, check the access
// code and the HMAC signature (same algorithm as esimkit), answer a precomputed body with
// the same bytes as esimkit's answer to the same request. Whatever esimkit costs beyond
// this is framework, database and bookkeeping.

let credentials: Credentials | undefined;
const answers = new Map<string, Buffer>();
const counts = { ok: 0, rejected: 0 };

function reject(res: ServerResponse, status: number): void {
  counts.rejected++;
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(String(status));
}

function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const answer = req.method === 'POST' && req.url ? answers.get(req.url) : undefined;
  if (!answer || !credentials) return reject(res, 404);
  const text = raw.toString('utf8');
  try {
    const input: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (input === null || typeof input !== 'object') return reject(res, 400);
  } catch {
    return reject(res, 400);
  }
  const accessCode = req.headers[headerNames.accessCode];
  if (accessCode !== credentials.accessCode) return reject(res, 401);
  const signature = req.headers[headerNames.signature];
  if (typeof signature === 'string') {
    const timestamp = req.headers[headerNames.timestamp];
    const requestId = req.headers[headerNames.requestId];
    if (typeof timestamp !== 'string' || typeof requestId !== 'string') return reject(res, 401);
    const expected = Buffer.from(computeSignature(credentials.secretKey, { timestamp, requestId, accessCode, body: raw }), 'latin1');
    const given = Buffer.from(signature.toLowerCase(), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reject(res, 401);
  }
  counts.ok++;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
  res.end(answer);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent(
    {
      configure(message) {
        credentials = message.credentials as Credentials;
        for (const [path, body] of Object.entries(message.answers as Record<string, string>)) answers.set(path, Buffer.from(body, 'utf8'));
        return {};
      },
      cpu: () => cpuSample(),
      counts: () => ({ ...counts }),
    },
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
