import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginToken } from '../src/domain/console-users/login-tokens.js';
import { consoleUser, DESKTOP, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, sessionCookie, TEST_PASSWORD } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';

// Signing in to the console in a real browser, and what keeps others out: passwords, the
// rate limit, sessions (logout, logout everywhere, a new session at sign-in), CSRF, roles,
// one-time links, cookie flags.

let server: TestServer;
let browser: Browser;
let accessCode: string;
let merchantName: string;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  const merchant = await server.merchant({ name: 'Console Travel' });
  accessCode = merchant.accessCode;
  merchantName = merchant.name;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A POST as a form would send it, with the cookies given. */
async function post(path: string, form: Record<string, string>, cookie: string, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

describe('console sign-in', () => {
  it('logs a merchant user in with the password, to the dashboard of their merchant', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await page.goto(`${server.baseUrl}/console/login`);
    await expectHeading(page, 'Log in');
    await screenshot(page, 'login-desktop');
    await logIn(page, server, user.email);
    await expectHeading(page, 'Dashboard');
    expect(new URL(page.url()).pathname).toBe('/console/dashboard');
    await expect.poll(() => page.locator('header').innerText()).toContain(merchantName);
    expect(await page.locator('.stats').innerText()).toContain('Balance');
    await screenshot(page, 'dashboard-desktop');
    await context.close();
  });

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email, 'not the password');
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Wrong email or password.');
    expect(await sessionCookie(context)).toBeUndefined();
    await logIn(page, server, 'nobody@example.com', TEST_PASSWORD);
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Wrong email or password.');
    expect(await sessionCookie(context)).toBeUndefined();
    await context.close();
  });

  it('limits login attempts per email: the 6th within a minute is refused, even with the right password', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    for (let i = 0; i < 5; i++) {
      await logIn(page, server, user.email, `wrong ${i}`);
      await expect.poll(() => page.getByRole('alert').innerText()).toBe('Wrong email or password.');
    }
    await logIn(page, server, user.email);
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^Too many login attempts\. Try again in \d+ seconds\.$/);
    expect(await sessionCookie(context)).toBeUndefined();
    await context.close();
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/console, and starts a new session at every sign-in', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    // A session id planted before sign-in (fixation) is never the one signed in.
    await context.addCookies([{ name: 'esimkit_session', value: 'planted-by-an-attacker', url: `${server.baseUrl}/console` }]);
    await logIn(page, server, user.email);
    await expectHeading(page, 'Dashboard');
    const first = await sessionCookie(context);
    expect(first).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console', secure: false });
    expect(first!.value).not.toBe('planted-by-an-attacker');
    // Signing in again from a signed-in browser replaces its session; the old token opens nothing.
    const csrf = await page.locator('aside input[name="_csrf"]').first().inputValue();
    const again = await post('/console/login', { _csrf: csrf, email: user.email, password: TEST_PASSWORD }, `esimkit_session=${first!.value}`);
    expect(again.status).toBe(303);
    const second = /esimkit_session=([^;]*)/.exec(again.headers.getSetCookie().join('\n'))?.[1];
    expect(second).toMatch(/^[\w-]{43}$/);
    expect(second).not.toBe(first!.value);
    const old = await fetch(`${server.baseUrl}/console/dashboard`, { redirect: 'manual', headers: { cookie: `esimkit_session=${first!.value}` } });
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fdashboard');
    await context.close();
  });

  it('logs out, and "log out everywhere" ends the sessions of other browsers too', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const a = await openPage(browser);
    const b = await openPage(browser);
    await logIn(a.page, server, user.email);
    await logIn(b.page, server, user.email);
    await expectHeading(b.page, 'Dashboard');

    await a.page.locator('aside').getByRole('button', { name: 'Log out', exact: true }).click();
    await expectHeading(a.page, 'Log in');
    await expect.poll(() => a.page.getByRole('status').first().innerText()).toBe('You are logged out.');
    await a.page.goto(`${server.baseUrl}/console/dashboard`);
    await expectHeading(a.page, 'Log in');
    // b is still in.
    await b.page.reload();
    await expectHeading(b.page, 'Dashboard');

    await logIn(a.page, server, user.email);
    await a.page.locator('aside').getByRole('button', { name: 'Log out everywhere' }).click();
    await expectHeading(a.page, 'Log in');
    await b.page.reload();
    await expectHeading(b.page, 'Log in');
    await a.context.close();
    await b.context.close();
  });

  it('refuses a POST without its CSRF token (403), and with a wrong one', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const without = await post('/console/logout-everywhere', {}, cookie);
    expect(without.status).toBe(403);
    expect(await without.text()).toContain('This form is out of date or came from another site.');
    const wrong = await post('/console/logout-everywhere', { _csrf: 'guessed' }, cookie, { 'x-csrf-token': 'guessed' });
    expect(wrong.status).toBe(403);
    // Still signed in: nothing ran.
    await page.reload();
    await expectHeading(page, 'Dashboard');
    // The token the page carries works, as a form field or as htmx's header.
    const token = await page.locator('aside input[name="_csrf"]').first().inputValue();
    const withHeader = await post('/console/logout', {}, cookie, { 'x-csrf-token': token });
    expect(withHeader.status).toBe(303);
    await context.close();
  });

  it('refuses a partner session on an operator page, and lets an operator in', async () => {
    const partner = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, partner.email);
    const response = await page.goto(`${server.baseUrl}/console/operator`);
    expect(response?.status()).toBe(403);
    await expectHeading(page, 'Operators only');
    await context.close();

    const operator = await consoleUser(server, { operator: true });
    const op = await openPage(browser);
    await logIn(op.page, server, operator.email);
    await expectHeading(op.page, 'Overview');
    expect(await op.page.locator('header .badge-operator').innerText()).toBe('Operator');
    expect(await op.page.locator('main table').innerText()).toContain('Console Travel');
    // An operator has no merchant: partner pages refuse it.
    expect((await op.page.goto(`${server.baseUrl}/console/dashboard`))?.status()).toBe(403);
    await op.context.close();
  });

  it('signs in with a one-time link once, and not twice', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode, password: undefined as unknown as string });
    const { token } = await createLoginToken({ ctx: server.runtime.ctx, input: { userId: user.id, purpose: 'login' } });
    const link = `${server.baseUrl}/console/login/link?token=${token}`;
    const first = await openPage(browser);
    await first.page.goto(link);
    await expectHeading(first.page, 'Dashboard');
    expect(first.page.url()).toBe(`${server.baseUrl}/console/dashboard`);
    const second = await openPage(browser);
    const again = await second.page.goto(link);
    expect(again?.status()).toBe(400);
    await expectHeading(second.page, 'Link not valid');
    expect(await sessionCookie(second.context)).toBeUndefined();
    await first.context.close();
    await second.context.close();
  });

  it('sets a password with a set-password link, which then works no more', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode, password: undefined as unknown as string });
    const { token } = await createLoginToken({ ctx: server.runtime.ctx, input: { userId: user.id, purpose: 'set-password' } });
    const { context, page } = await openPage(browser);
    await page.goto(`${server.baseUrl}/console/set-password?token=${token}`);
    await expectHeading(page, 'Choose a password');
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('The same again').fill('short');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('The password must have at least 10 characters.');
    await page.getByLabel('New password').fill('a much better password');
    await page.getByLabel('The same again').fill('a much better password');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await expectHeading(page, 'Dashboard');
    await context.close();

    const other = await openPage(browser);
    await logIn(other.page, server, user.email, 'a much better password');
    await expectHeading(other.page, 'Dashboard');
    expect((await other.page.goto(`${server.baseUrl}/console/set-password?token=${token}`))?.status()).toBe(400);
    await other.context.close();
  });

  it('works at phone width: the menu opens and holds the navigation and logout', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser, PHONE);
    await page.goto(`${server.baseUrl}/console/login`);
    await screenshot(page, 'login-phone');
    await logIn(page, server, user.email);
    await expectHeading(page, 'Dashboard');
    expect(await page.locator('aside').isVisible()).toBe(false);
    await screenshot(page, 'dashboard-phone');
    await page.getByText('Menu').click();
    await expect.poll(() => page.locator('.menu nav').getByRole('link', { name: 'Dashboard' }).isVisible()).toBe(true);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await context.close();
  });

  it('serves its assets locally with caching headers', async () => {
    for (const name of ['htmx.min.js', 'uplot.min.js', 'uplot.min.css', 'console.css', 'charts.js']) {
      const response = await fetch(`${server.baseUrl}/console/assets/${name}?v=1`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('cache-control'), name).toBe('public, max-age=31536000, immutable');
      const etag = response.headers.get('etag')!;
      expect((await response.text()).length, name).toBeGreaterThan(100);
      expect((await fetch(`${server.baseUrl}/console/assets/${name}`, { headers: { 'if-none-match': etag } })).status, name).toBe(304);
    }
    expect((await fetch(`${server.baseUrl}/console/assets/nothing.js`)).status).toBe(404);
  });

  it('is keyboard usable: the skip link is the first stop and leads to the main content', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser, DESKTOP);
    await logIn(page, server, user.email);
    await expectHeading(page, 'Dashboard');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });
});

describe('the sandbox one-click console link', () => {
  it('is printed at start for the demo merchant, and signs in once', async () => {
    const { freshDatabaseUrl } = await import('./support/harness.js');
    const { loadConfig, startServer } = await import('../src/index.js');
    const database = await freshDatabaseUrl();
    const lines: string[] = [];
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, LOG_LEVEL: 'silent', SEED_CATALOG: 'none' });
    const demo = await startServer({ config, logger: false, print: (line) => lines.push(line) });
    try {
      const line = lines.find((l) => l.startsWith('Console for the demo merchant (one-time link, valid 1 hour): '));
      expect(line, lines.join('\n')).toBeDefined();
      const link = line!.split(': ')[1]!;
      expect(link).toMatch(new RegExp(`^${demo.url}/console/login/link\\?token=[\\w-]{43}$`));
      const first = await openPage(browser);
      await first.page.goto(link);
      await expectHeading(first.page, 'Dashboard');
      expect(await first.page.locator('header').innerText()).toContain('Demo merchant');
      expect(await first.page.locator('header').innerText()).toContain('demo@esimkit.local');
      const again = await fetch(link, { redirect: 'manual' });
      expect(again.status).toBe(400);
      expect(again.headers.getSetCookie().some((c) => c.startsWith('esimkit_session=') && !c.startsWith('esimkit_session=;'))).toBe(false);
      await first.context.close();
    } finally {
      await demo.close();
      await database.drop();
    }
  });
});
