import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createConsoleUser, type CreateConsoleUserInput } from '../../src/domain/console-users/create.js';
import type { TestServer } from './harness.js';

// A real browser for console tests: Debian's Chromium (apt-get install -y chromium; .ci/run
// installs it) driven by playwright-core, against a real test server (harness.ts). A test
// file launches one browser and opens a fresh context (its own cookies) per person.

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the console tests need Debian's Chromium (apt-get install -y chromium; .ci/run does it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A browser context (cookies of its own) and its page, at a viewport size. */
export async function openPage(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page };
}

export const TEST_PASSWORD = 'correct horse battery';

/** A console user made through the domain verb (the CLI's path is tested by the CLI tests); password TEST_PASSWORD unless given. */
export async function consoleUser(server: TestServer, input: Partial<CreateConsoleUserInput> & ({ merchantAccessCode: string } | { operator: true })) {
  const email = input.email ?? `user-${Math.random().toString(36).slice(2, 10)}@example.com`;
  return createConsoleUser({ ctx: server.runtime.ctx, input: { password: TEST_PASSWORD, ...input, email } });
}

/** Signs in through the login form, as a person would. */
export async function logIn(page: Page, server: TestServer, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  // htmx submits the form in place: wait for the answer and for the page it shows.
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/console/login');
  await page.getByRole('button', { name: 'Log in' }).click();
  await answered;
  await page.waitForFunction(() => !document.body.classList.contains('htmx-request') && !document.querySelector('.htmx-request'));
}

/**
 * Clicks a form's submit button and waits until htmx has swapped the answer in. Waiting on the
 * POST itself, not on the text it shows: a second save answers with the same notice as the first,
 * so polling for that text would pass before the second request has even been sent.
 */
export async function submitForm(page: Page, button: string, scope: Locator | Page = page): Promise<void> {
  const answered = page.waitForResponse((r) => r.request().method() === 'POST');
  await scope.getByRole('button', { name: button, exact: true }).click();
  await answered;
  await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'));
}

/** The console's session cookie in a context, if any. */
export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === 'esimkit_session');
}

/** CONSOLE_SCREENSHOT_DIR=dir saves screenshots there (docs/console/ holds the committed ones). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Waits for the page to show a heading. */
export async function expectHeading(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.locator('h1').innerText(), { timeout: 10_000 }).toBe(text);
}
