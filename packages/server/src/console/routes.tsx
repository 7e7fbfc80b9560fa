import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { MerchantContext, ServiceContext } from '../domain/context.js';
import { ConsoleUserError } from '../domain/console-users/errors.js';
import { createSession, destroySession, findSession, SESSION_MAX_MS, type Session } from '../domain/console-users/sessions.js';
import { newToken } from '../domain/console-users/secrets.js';
import { ApiError } from '../domain/errors.js';
import { merchantClock } from '../domain/merchant-clock.js';
import type { MerchantCache } from '../http/merchant-cache.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { ErrorMessage } from './components.js';
import { pageHeaders, PRE_SESSION_COOKIE, readCookies, readForm, sameSecret, SESSION_COOKIE, setCookie } from './http.js';
import { Layout } from './layout.js';

// The console's route helper. A page author writes
//
//   page('/console/orders', { auth: 'merchant' }, async (c) => view('Orders', <Orders rows={await listOrders({ ctx: c.merchant, ... })} />))
//   action('/console/esims/:id/cancel', { auth: 'merchant' }, async (c) => { await cancelEsim({ ctx: c.merchant, input }); return redirect(`/console/esims/${c.params.id}`) })
//
// and this file does the rest, in one place: the session, who may see the page (signed out:
// to the login page; a partner on an operator page: 403), the CSRF token of every POST, the
// merchant's context (the same one the partner API builds: its settings and its clock), the
// layout, and errors: an ApiError is shown as the API would answer it (code and message).

export interface ConsoleDeps {
  ctx: ServiceContext;
  /** The partner API's merchant cache: a partner page sees the merchant exactly as the API does. */
  merchants: MerchantCache;
  rateLimiter: RateLimiter;
}

/** Who may open a route: anyone, any signed-in user, a merchant's user, an operator. */
export type Auth = 'none' | 'user' | 'merchant' | 'operator';

export interface ConsoleContext {
  ctx: ServiceContext;
  deps: ConsoleDeps;
  session: Session | undefined;
  /** The CSRF token forms must carry (`<CsrfField />` reads it from the layout; pass it where a form is built by hand). */
  csrf: string;
  /** The request's path (no query). */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The POSTed form (empty for GET). */
  form: URLSearchParams;
  /** True when htmx sent the request for a part of the page (not a whole-page boosted navigation). */
  partial: boolean;
  /** Signs a user in: ends the browser's current session if any and starts a new one (a new token: no session fixation). */
  signIn(userId: number): Promise<void>;
  /** Ends the browser's session. */
  signOut(): Promise<void>;
}
export interface SignedInContext extends ConsoleContext {
  session: Session;
}
export interface MerchantPageContext extends SignedInContext {
  /** The signed-in user's merchant as the partner API's verbs expect it, on the merchant's clock. */
  merchant: MerchantContext;
}
export type ContextFor<A extends Auth> = A extends 'merchant' ? MerchantPageContext : A extends 'none' ? ConsoleContext : SignedInContext;

export interface View {
  kind: 'view';
  title: string;
  body: ComponentChildren;
  status: number;
  /** Set by the route helper for a refusal or an error: the body is shown as an error message. */
  error?: boolean;
}
export interface Redirect {
  kind: 'redirect';
  to: string;
}
export interface Fragment {
  kind: 'fragment';
  body: VNode;
  status: number;
}
/** A download (a CSV export): sent as is, with its type and a file name to save it under. */
export interface FileDownload {
  kind: 'file';
  body: string;
  contentType: string;
  filename: string;
}
export type Rendered = View | Redirect | Fragment | FileDownload;

/** A whole page: the layout around `body`, titled `title` (the <h1> and the tab). */
export const view = (title: string, body: ComponentChildren, status = 200): View => ({ kind: 'view', title, body, status });
/** 303 to another console URL (post/redirect/get; htmx follows it and shows the new URL). */
export const redirect = (to: string): Redirect => ({ kind: 'redirect', to });
/** Markup without the layout, for htmx requests that replace a part of a page. */
export const fragment = (body: VNode, status = 200): Fragment => ({ kind: 'fragment', body, status });
/** A file the browser saves (Content-Disposition: attachment) instead of showing. `filename`: letters, digits, `.-_` only. */
export const file = (filename: string, contentType: string, body: string): FileDownload => ({ kind: 'file', filename, contentType, body });

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  path: string;
  auth: Auth;
  /** A larger body than the partner API's BODY_LIMIT (file uploads), in bytes. */
  bodyLimit?: number;
  handle(c: ConsoleContext): Promise<Rendered>;
}

type Handler<A extends Auth> = (c: ContextFor<A>, request: FastifyRequest) => Promise<Rendered> | Rendered;

/** A GET page. */
export function page<A extends Auth>(path: string, options: { auth: A }, handler: Handler<A>): ConsoleRoute {
  return defineRoute('GET', path, options.auth, handler);
}

/** A POST action (a form's target); its CSRF token is checked before the handler runs. `bodyLimit`: for file uploads. */
export function action<A extends Auth>(path: string, options: { auth: A; bodyLimit?: number }, handler: Handler<A>): ConsoleRoute {
  const route = defineRoute('POST', path, options.auth, handler);
  return options.bodyLimit === undefined ? route : { ...route, bodyLimit: options.bodyLimit };
}

const REQUEST = Symbol('request');
function defineRoute<A extends Auth>(method: 'GET' | 'POST', path: string, auth: A, handler: Handler<A>): ConsoleRoute {
  if (!path.startsWith('/console')) throw new Error(`console routes live under /console: ${path}`);
  return { method, path, auth, handle: (c) => Promise.resolve(handler(c as ContextFor<A>, (c as unknown as { [REQUEST]: FastifyRequest })[REQUEST])) };
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs one console route for one request: everything around the handler. */
export async function serveRoute(route: ConsoleRoute, deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { ctx } = deps;
  const secure = ctx.publicUrl().startsWith('https:');
  const cookies = readCookies(request);
  let token = cookies.get(SESSION_COOKIE);
  let session = token ? await findSession({ ctx, input: { token } }) : undefined;
  // A stale session cookie is dropped, so the browser stops sending it.
  if (token && !session) setCookie(reply, SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 });
  let preToken = cookies.get(PRE_SESSION_COOKIE);
  if (!session && !preToken) {
    preToken = newToken();
    setCookie(reply, PRE_SESSION_COOKIE, preToken, { secure });
  }
  const url = new URL(request.url, 'http://console.invalid');
  const htmx = request.headers['hx-request'] === 'true';
  const c: ConsoleContext & { [REQUEST]: FastifyRequest } = {
    ctx,
    deps,
    session,
    csrf: session?.csrfToken ?? preToken ?? '',
    path: url.pathname,
    params: (request.params ?? {}) as Record<string, string>,
    query: url.searchParams,
    form: route.method === 'POST' ? await readForm(request) : new URLSearchParams(),
    partial: htmx && request.headers['hx-boosted'] !== 'true',
    [REQUEST]: request,
    async signIn(userId) {
      if (token) await destroySession({ ctx, input: { token } });
      const created = await createSession({ ctx, input: { userId } });
      token = created.token;
      setCookie(reply, SESSION_COOKIE, created.token, { secure, maxAgeSeconds: Math.floor(SESSION_MAX_MS / 1000) });
      session = await findSession({ ctx, input: { token } });
      c.session = session;
      c.csrf = created.csrfToken;
    },
    async signOut() {
      if (token) await destroySession({ ctx, input: { token } });
      setCookie(reply, SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 });
      token = undefined;
      session = undefined;
      c.session = undefined;
    },
  };

  let rendered: Rendered;
  try {
    // Signed out: to the login page (and back here after it). Nothing runs, so a POST goes too.
    if (route.auth !== 'none' && !session) {
      const next = route.method === 'GET' ? url.pathname + url.search : '/console';
      return sendRendered(reply, c, redirect(`/console/login?next=${encodeURIComponent(next)}`), htmx);
    }
    if (route.method === 'POST') {
      const sent = c.form.get('_csrf') ?? String(request.headers['x-csrf-token'] ?? '');
      if (!sameSecret(sent, c.csrf)) throw new Refusal(403, 'Form expired', 'This form is out of date or came from another site. Reload the page and try again.');
    }
    if (route.auth === 'operator' && !session!.operator) throw new Refusal(403, 'Operators only', 'This page is for operator accounts.');
    if (route.auth === 'merchant') {
      const merchant = session!.merchant && (await deps.merchants.get(session!.merchant.accessCode));
      if (!merchant) throw new Refusal(403, 'Partners only', 'This page is for the accounts of a merchant.');
      // A disabled merchant is refused by the partner API; its console users can do no more.
      if (merchant.row.disabled) throw new Refusal(403, 'Account disabled', 'This merchant account is disabled. Contact the operator.');
      const merchantCtx: MerchantContext = Object.freeze({ ...ctx, merchant: merchant.row, clock: merchantClock(Number(merchant.row.clock_offset_ms)) });
      (c as ConsoleContext & { merchant?: MerchantContext }).merchant = merchantCtx;
    }
    rendered = await route.handle(c);
  } catch (error) {
    rendered = errorView(error, request);
    // htmx keeps the page (and its URL: a refused boosted form must not leave the action's
    // URL in the address bar) and shows the error in its message area.
    if (htmx && !(error instanceof Refusal && error.status === 403 && route.method === 'GET')) {
      reply.header('hx-retarget', '#flash').header('hx-reswap', 'innerHTML').header('hx-push-url', 'false');
      return sendRendered(reply, c, fragment(<ErrorMessage error={rendered.kind === 'view' ? rendered.body : null} />, 200), htmx);
    }
  }
  return sendRendered(reply, c, rendered, htmx);
}

function errorView(error: unknown, request: FastifyRequest): View {
  if (error instanceof Refusal) return { ...view(error.title, error.message, error.status), error: true };
  if (error instanceof ApiError) return { ...view('Refused', <ApiErrorText code={error.code} message={error.message} />, 422), error: true };
  if (error instanceof ConsoleUserError) return { ...view('Refused', error.message, 422), error: true };
  request.log.error({ err: error, reqId: request.id }, 'console error');
  return { ...view('Server error', `Something went wrong (request id ${request.id}).`, 500), error: true };
}

/** An API error as the API answers it: the six-digit code and its message. */
export function ApiErrorText({ code, message }: { code: string; message: string }) {
  return (
    <>
      <code class="code">{code}</code> {message}
    </>
  );
}

function sendRendered(reply: FastifyReply, c: ConsoleContext, rendered: Rendered, htmx: boolean): FastifyReply {
  pageHeaders(reply);
  if (rendered.kind === 'redirect') {
    // An htmx request follows the 303 itself and shows the final URL.
    return reply.code(303).header('location', rendered.to).send(htmx ? '' : `See ${rendered.to}`);
  }
  if (rendered.kind === 'fragment') return reply.code(rendered.status).send(renderToString(rendered.body));
  if (rendered.kind === 'file') {
    const filename = rendered.filename.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply.code(200).header('content-type', rendered.contentType).header('content-disposition', `attachment; filename="${filename}"`).send(rendered.body);
  }
  const html = renderToString(
    <Layout title={rendered.title} session={c.session} csrf={c.csrf} path={c.path} sandbox={c.ctx.config.mode === 'sandbox'}>
      {rendered.error ? <ErrorMessage error={rendered.body} /> : rendered.body}
    </Layout>,
  );
  return reply.code(rendered.status).send(`<!doctype html>${html}`);
}
