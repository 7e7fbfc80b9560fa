import { verifyWebhookSignature } from '@esimkit/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSigningState } from '../src/domain/webhooks/secret.js';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, screenshot, sessionCookie } from './support/browser.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { client } from './support/sandbox.js';

// The webhooks page in a real browser, against a real receiver: saving a URL runs
// CHECK_HEALTH (as webhook/save does), the delivery log shows each attempt's request and
// answer, redelivery sends the event again, the signing secret is shown on demand and
// rotated; another merchant's events stay out of reach.

let server: TestServer;
let receiver: Receiver;
let browser: Browser;
let merchant: { accessCode: string };
let cheapest: string;

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0', WEBHOOK_RETRY_SCHEDULE: '100ms,100ms', WEBHOOK_TIMEOUT_MS: '2000' } });
  receiver = await startReceiver();
  browser = await launchBrowser();
  merchant = await server.merchant({ name: 'Hook Travel', balance: 1_000_000 });
  cheapest = (await server.runtime.ctx.db.kysely.selectFrom('packages').select('code').where('type', '=', 'BASE').orderBy('price').executeTakeFirstOrThrow()).code;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await receiver?.close();
});

/** Accepts the confirm() of a destructive action's form (htmx's hx-confirm). */
function acceptConfirms(page: Page): void {
  page.on('dialog', (dialog) => void dialog.accept());
}

describe('console webhooks', () => {
  it('saves a URL after CHECK_HEALTH, shows deliveries with their attempts, redelivers one, shows and rotates the signing secret', async () => {
    const user = await consoleUser(server, { merchantAccessCode: merchant.accessCode });
    const { context, page } = await openPage(browser);
    acceptConfirms(page);
    await logIn(page, server, user.email);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expectHeading(page, 'Webhooks');

    // A URL whose CHECK_HEALTH fails is refused as webhook/save refuses it, and nothing is saved.
    receiver.failNext(1, 503);
    await page.getByLabel('Webhook URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Save and check' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('000104');
    expect(await page.getByRole('alert').innerText()).toContain('HTTP 503');
    expect((await call(server, '/api/v1/open/webhook/query', {}, { accessCode: merchant.accessCode })).json.obj.webhook).toBeNull();

    // Then it answers: saved, and CHECK_HEALTH arrived.
    await page.getByRole('button', { name: 'Save and check' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Saved');
    expect(receiver.events('CHECK_HEALTH')).toHaveLength(1);
    expect(await page.locator('#endpoint ~ p code, section:has(#endpoint) p code').first().innerText()).toBe(receiver.url);
    expect((await call(server, '/api/v1/open/webhook/query', {}, { accessCode: merchant.accessCode })).json.obj.webhook).toBe(receiver.url);

    // An order through the API: its events are delivered and logged.
    await client(server, merchant.accessCode).order(cheapest);
    await receiver.waitFor(() => receiver.events('ORDER_STATUS').length >= 1);
    const event = receiver.events('ORDER_STATUS')[0];
    await page.goto(`${server.baseUrl}/console/webhooks?type=ORDER_STATUS`);
    await expect.poll(() => page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByLabel('Event type').inputValue()).toBe('ORDER_STATUS');
    await screenshot(page, 'webhooks-desktop');
    await page.locator(`a[href="/console/webhooks/events/${event.notifyId}"]`).click();
    await expectHeading(page, 'ORDER_STATUS event');
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('Attempt 1');
    const text = await main.innerText();
    expect(text).toContain(receiver.url);
    expect(text).toContain('HTTP 200');
    expect(await page.locator('pre.acct-body').first().innerText()).toContain(event.notifyId);
    expect(await page.locator('pre.acct-body').nth(1).innerText()).toBe('ok');
    await screenshot(page, 'webhook-event-desktop');

    // Signing: on, the secret shown behind a click, then rotated.
    await page.goto(`${server.baseUrl}/console/webhooks`);
    await page.getByRole('button', { name: 'Sign deliveries with a new secret' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('new signing secret');
    const secretCode = page.getByTestId('webhook-secret');
    expect(await secretCode.isVisible()).toBe(false);
    await page.getByText('Show the signing secret').click();
    expect(await secretCode.isVisible()).toBe(true);
    const first = await secretCode.innerText();
    expect(first).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    await expect.poll(async () => (await webhookSigningState({ ctx: server.runtime.ctx, input: { accessCode: merchant.accessCode } })).secret).not.toBe(first);
    // The page after the rotation carries the same notice as the one before it, so wait for
    // the new secret in the page itself before opening it: a click on the old page is lost.
    await expect.poll(async () => (await secretCode.textContent())?.trim()).not.toBe(first);
    await page.getByText('Show the signing secret').click();
    const second = await secretCode.innerText();
    expect(second).not.toBe(first);
    expect(await page.locator('.acct-secret').innerText()).toContain(first); // the previous one, still signing for a while
    await screenshot(page, 'webhooks-secret-desktop');

    // Redeliver: the receiver gets the same event again, signed with the new secret.
    await page.goto(`${server.baseUrl}/console/webhooks/events/${event.notifyId}`);
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Queued for delivery again');
    await receiver.waitFor((all) => all.filter((r) => r.json?.notifyId === event.notifyId).length === 2);
    const again = receiver.received.filter((r) => r.json?.notifyId === event.notifyId)[1]!;
    expect(again.body).toBe(receiver.received.find((r) => r.json?.notifyId === event.notifyId)!.body);
    expect(verifyWebhookSignature(second, again.headers as Record<string, string>, again.body)).toBe(true);
    await page.reload();
    await expect.poll(() => page.locator('.acct-attempts > li').count()).toBe(2);
    expect(await page.locator('.acct-attempts > li h3').nth(1).innerText()).toBe('Attempt 2 (attempt 1 of a redelivery)');
    await context.close();
  });

  it('redelivers every failed event since a day, through webhook/redeliver', async () => {
    const log = (status: string) => call(server, '/api/v1/esimkit/webhook/log', { status }, { accessCode: merchant.accessCode });
    // Every delivery fails until the events are out of attempts.
    receiver.failNext(1000);
    await client(server, merchant.accessCode).order(cheapest);
    await expect.poll(async () => (await log('failed')).json.obj.pager.total, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await log('pending')).json.obj.pager.total, { timeout: 10_000 }).toBe(0);
    receiver.failNext(0);
    const failed = ((await log('failed')).json.obj.eventList as { notifyId: string; notifyType: string }[]).filter((e) => e.notifyType !== 'CHECK_HEALTH');
    expect(failed.length).toBeGreaterThanOrEqual(1);

    const user = await consoleUser(server, { merchantAccessCode: merchant.accessCode });
    const { context, page } = await openPage(browser);
    acceptConfirms(page);
    await logIn(page, server, user.email);
    await page.goto(`${server.baseUrl}/console/webhooks?status=failed`);
    await expect.poll(() => page.locator('table tbody tr').count()).toBe((await log('failed')).json.obj.pager.total);
    await page.getByLabel('Failed since (UTC day)').fill(new Date().toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Redeliver failed events' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain(`Queued for delivery again: ${failed.length} failed`);
    await receiver.waitFor((all) => failed.every((e) => all.some((r) => r.json?.notifyId === e.notifyId)));
    await expect.poll(async () => (await log('failed')).json.obj.eventList.filter((e: { notifyType: string }) => e.notifyType !== 'CHECK_HEALTH').length).toBe(0);
    await context.close();
  });

  it("never shows or redelivers another merchant's events, and refuses a POST without its CSRF token", async () => {
    const other = await server.merchant({ name: 'Other Hooks', balance: 1_000_000 });
    expect((await call(server, '/api/v1/open/webhook/save', { webhook: receiver.url }, { accessCode: other.accessCode })).json.success).toBe(true);
    await client(server, other.accessCode).order(cheapest);
    const log = await call(server, '/api/v1/esimkit/webhook/log', { notifyType: 'ORDER_STATUS' }, { accessCode: other.accessCode });
    const theirs = log.json.obj.eventList[0].notifyId as string;

    const user = await consoleUser(server, { merchantAccessCode: merchant.accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    const opened = await page.goto(`${server.baseUrl}/console/webhooks/events/${theirs}`);
    expect(opened?.status()).toBe(404);
    await page.goto(`${server.baseUrl}/console/webhooks`);
    expect(await page.locator('main').innerText()).not.toContain(theirs);

    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const form = (body: Record<string, string>) => ({
      method: 'POST',
      redirect: 'manual' as const,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams(body).toString(),
    });
    const redeliver = await fetch(`${server.baseUrl}/console/webhooks/events/${theirs}/redeliver`, form({ _csrf: csrf }));
    expect(redeliver.status).toBe(422);
    expect(await redeliver.text()).toContain('310403');

    const before = (await call(server, '/api/v1/open/webhook/query', {}, { accessCode: merchant.accessCode })).json.obj.webhook;
    const forged = await fetch(`${server.baseUrl}/console/webhooks/url`, form({ webhook: 'http://127.0.0.1:9/elsewhere' }));
    expect(forged.status).toBe(403);
    const rotate = await fetch(`${server.baseUrl}/console/webhooks/secret/rotate`, form({}));
    expect(rotate.status).toBe(403);
    expect((await call(server, '/api/v1/open/webhook/query', {}, { accessCode: merchant.accessCode })).json.obj.webhook).toBe(before);
    await context.close();
  });
});
