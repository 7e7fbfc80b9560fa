import { consumeLoginToken, loginTokenValid } from '../../domain/console-users/login-tokens.js';
import { passwordProblem } from '../../domain/console-users/password.js';
import { setConsolePassword } from '../../domain/console-users/set-password.js';
import { destroyAllSessions } from '../../domain/console-users/sessions.js';
import { verifyLogin } from '../../domain/console-users/verify-login.js';
import { normalizeEmail } from '../../domain/console-users/create.js';
import { CsrfField, ErrorMessage, Field, Notice } from '../components.js';
import { safeNext } from '../http.js';
import { action, page, redirect, view, type ConsoleContext } from '../routes.js';

// Signing in and out: the login form, one-time sign-in links (the sandbox's printed link),
// set-password links (`esimkit user create --link`), logout and logout everywhere.

/** Login attempts: 5 a minute per email, and 30 a minute per address (an office behind one NAT). */
const PER_EMAIL = { rate: 5 / 60, burst: 5 };
const PER_IP = { rate: 30 / 60, burst: 30 };

function LoginForm(props: { email?: string; next: string; error?: string; notice?: string }) {
  return (
    <>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.error && <ErrorMessage error={props.error} />}
      <form method="post" action="/console/login" class="card form-narrow">
        <CsrfField />
        <input type="hidden" name="next" value={props.next} />
        <Field label="Email" name="email" type="email" value={props.email} autocomplete="username" required autofocus={!props.email} />
        <Field label="Password" name="password" type="password" autocomplete="current-password" required autofocus={Boolean(props.email)} />
        <button type="submit">Log in</button>
      </form>
      <p class="hint">No password yet? Ask an operator for a set-password link.</p>
    </>
  );
}

const NOTICES: Record<string, string> = {
  out: 'You are logged out.',
  everywhere: 'You are logged out on every device.',
};

export const authRoutes = [
  page('/console/login', { auth: 'none' }, (c) => {
    if (c.session) return redirect(safeNext(c.query.get('next')));
    return view('Log in', <LoginForm next={safeNext(c.query.get('next'))} notice={NOTICES[c.query.get('signed-out') ?? '']} />);
  }),

  action('/console/login', { auth: 'none' }, async (c, request) => {
    const email = normalizeEmail(c.form.get('email') ?? '');
    const password = c.form.get('password') ?? '';
    const next = safeNext(c.form.get('next'));
    const limiter = c.deps.rateLimiter;
    const [byEmail, byIp] = await Promise.all([
      limiter.take(`console-login:email:${email}`, PER_EMAIL.rate, PER_EMAIL.burst),
      limiter.take(`console-login:ip:${request.ip}`, PER_IP.rate, PER_IP.burst),
    ]);
    if (!byEmail.allowed || !byIp.allowed) {
      const seconds = Math.ceil(Math.max(byEmail.retryAfterMs, byIp.retryAfterMs) / 1000);
      return view('Log in', <LoginForm email={email} next={next} error={`Too many login attempts. Try again in ${seconds} seconds.`} />, 429);
    }
    const userId = await verifyLogin({ ctx: c.ctx, input: { email, password } });
    if (userId === undefined) return view('Log in', <LoginForm email={email} next={next} error="Wrong email or password." />, 401);
    await c.signIn(userId);
    return redirect(next);
  }),

  // The one-click link: signs in once. A GET, so that a click in a terminal works; the token
  // is used up by the first request and the page sends no Referer.
  page('/console/login/link', { auth: 'none' }, async (c) => {
    const userId = await consumeLoginToken({ ctx: c.ctx, input: { token: c.query.get('token') ?? '', purpose: 'login' } });
    if (userId === undefined) return view('Link not valid', <LinkExpired />, 400);
    await c.signIn(userId);
    return redirect('/console');
  }),

  page('/console/set-password', { auth: 'none' }, async (c) => {
    const token = c.query.get('token') ?? '';
    if (!(await loginTokenValid({ ctx: c.ctx, input: { token, purpose: 'set-password' } }))) return view('Link not valid', <LinkExpired />, 400);
    return view('Choose a password', <SetPasswordForm token={token} />);
  }),

  action('/console/set-password', { auth: 'none' }, async (c) => {
    const token = c.form.get('token') ?? '';
    const password = c.form.get('password') ?? '';
    const problem = password === c.form.get('confirm') ? passwordProblem(password) : 'The two passwords differ.';
    if (problem) return view('Choose a password', <SetPasswordForm token={token} error={problem} />, 422);
    const userId = await consumeLoginToken({ ctx: c.ctx, input: { token, purpose: 'set-password' } });
    if (userId === undefined) return view('Link not valid', <LinkExpired />, 400);
    await setConsolePassword({ ctx: c.ctx, input: { userId, password } });
    await c.signIn(userId);
    return redirect('/console');
  }),

  action('/console/logout', { auth: 'user' }, async (c) => {
    await c.signOut();
    return redirect('/console/login?signed-out=out');
  }),

  action('/console/logout-everywhere', { auth: 'user' }, async (c: ConsoleContext) => {
    await destroyAllSessions({ ctx: c.ctx, input: { userId: c.session!.userId } });
    await c.signOut();
    return redirect('/console/login?signed-out=everywhere');
  }),
];

function LinkExpired() {
  return (
    <p>
      This link was used already or has expired. <a href="/console/login">Log in</a>, or ask for a new link.
    </p>
  );
}

function SetPasswordForm(props: { token: string; error?: string }) {
  return (
    <>
      {props.error && <ErrorMessage error={props.error} />}
      <form method="post" action="/console/set-password" class="card form-narrow">
        <CsrfField />
        <input type="hidden" name="token" value={props.token} />
        <Field label="New password" name="password" type="password" autocomplete="new-password" required autofocus hint="At least 10 characters." />
        <Field label="The same again" name="confirm" type="password" autocomplete="new-password" required />
        <button type="submit">Set password and log in</button>
      </form>
    </>
  );
}
