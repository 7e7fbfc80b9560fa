import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './url-policy.js';

export interface PostResult {
  statusCode: number | null;
  latencyMs: number;
  /** The first bytes of the answer (at most 512). */
  response: string;
  error: string | null;
}

const SNIPPET_BYTES = 512;

/**
 * POSTs a JSON body to a checked target, connecting to the address that was checked (the
 * host name still goes in Host and TLS SNI). Never throws: a timeout or refused connection
 * is a result with statusCode null and the error.
 */
export function postJson(target: CheckedTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
    };
    const request = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'esimkit-webhooks/1', ...headers },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < SNIPPET_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          finish({ statusCode: response.statusCode ?? null, response: Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8'), error: null }),
        );
        response.on('error', (error) => finish({ statusCode: response.statusCode ?? null, response: '', error: error.message }));
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => finish({ statusCode: null, response: '', error: error.message }));
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
