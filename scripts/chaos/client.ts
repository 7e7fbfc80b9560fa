import { randomUUID } from 'node:crypto';
import { computeSignature } from '@esimkit/contract';

// One signed partner request, as a partner's client sends it: a fresh RT-Timestamp and
// RT-RequestID for every attempt (a retry is a new request carrying the same transactionId).

export interface Credentials {
  accessCode: string;
  secretKey: string;
}

export type Answer =
  | { kind: 'envelope'; status: number; success: boolean; code: string | null; obj: any }
  | { kind: 'http-error'; status: number; text: string }
  | { kind: 'network-error'; message: string }
  | { kind: 'timeout' };

export async function signedPost(baseUrl: string, path: string, body: unknown, credentials: Credentials, timeoutMs: number): Promise<Answer> {
  const raw = JSON.stringify(body);
  const timestamp = String(Date.now());
  const requestId = randomUUID();
  const headers = {
    'content-type': 'application/json',
    'RT-AccessCode': credentials.accessCode,
    'RT-Timestamp': timestamp,
    'RT-RequestID': requestId,
    'RT-Signature': computeSignature(credentials.secretKey, { timestamp, requestId, accessCode: credentials.accessCode, body: raw }),
  };
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'timeout' };
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { kind: 'network-error', message: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
  try {
    const json = JSON.parse(text);
    if (response.status === 200 && json && typeof json.success === 'boolean') {
      return { kind: 'envelope', status: 200, success: json.success, code: json.errorCode ?? null, obj: json.obj };
    }
  } catch {
    // not JSON: reported below
  }
  return { kind: 'http-error', status: response.status, text: text.slice(0, 300) };
}
