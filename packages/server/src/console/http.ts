import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

// Small HTTP pieces of the console: cookies, form bodies, security headers. Every body
// reaches routes as raw bytes (http/app.ts), so forms are parsed here.

export const SESSION_COOKIE = 'esimkit_session';
/** Before sign-in there is no session to hold a CSRF token: the login forms use this cookie's value (double submit). */
export const PRE_SESSION_COOKIE = 'esimkit_csrf';
export const COOKIE_PATH = '/console';

export function readCookies(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** HttpOnly, SameSite=Strict, Path=/console; Secure when the public URL is https. `maxAgeSeconds` 0 deletes it. */
export function setCookie(reply: FastifyReply, name: string, value: string, options: { secure: boolean; maxAgeSeconds?: number }): void {
  const parts = [`${name}=${value}`, `Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  const previous = reply.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

/**
 * A form body as browsers and htmx send it: urlencoded, or multipart (a form with a file
 * input), where each file's content is read as UTF-8 text under the input's name and its
 * file name under `<name>.filename`. Anything else reads as an empty form.
 */
export async function readForm(request: FastifyRequest): Promise<URLSearchParams> {
  const type = String(request.headers['content-type'] ?? '');
  const body = request.body;
  if (!Buffer.isBuffer(body)) return new URLSearchParams();
  if (type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(body.toString('utf8'));
  if (!type.startsWith('multipart/form-data')) return new URLSearchParams();
  const form = new URLSearchParams();
  // Node's own multipart parser (undici's Response.formData); a malformed body reads as empty.
  const parts = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData().catch(() => undefined);
  for (const [name, value] of parts ?? []) {
    if (typeof value === 'string') form.append(name, value);
    else {
      form.append(name, await value.text());
      form.append(`${name}.filename`, value.name);
    }
  }
  return form;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length > 0 && x.length === y.length && timingSafeEqual(x, y);
}

/** A path inside the console to go back to after sign-in; anything else (another site, //host) becomes /console. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/console(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/console';
}

// Pages are never cached (they show private data); no framing; tokens in URLs (one-time
// links) are not sent on as a Referer. Scripts only from our own assets (no inline script).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}
