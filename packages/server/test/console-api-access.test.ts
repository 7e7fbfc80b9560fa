import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, sessionCookie, submitForm } from './support/browser.js';
import { call, startTestServer, type TestServer } from './support/harness.js';

// API access and the request log in a real browser, checked through the real partner API:
// a rotated secret key stops the old one at once, the signature policy and the IP block list
// hold for the very next request (the merchant cache is dropped), and the request log shows
// what the API answered with secrets masked, to this merchant only.

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const BALANCE = '/api/v1/open/balance/query';

function acceptConfirms(page: Page): void {
  page.on('dialog', (dialog) => void dialog.accept());
}

async function signedIn(accessCode: string) {
  const user = await consoleUser(server, { merchantAccessCode: accessCode });
  const opened = await openPage(browser);
  acceptConfirms(opened.page);
  await logIn(opened.page, server, user.email);
  return opened;
}

describe('console API access', () => {
  it('shows the access code, reveals the secret key on demand, and rotates it: the old key stops working at once', async () => {
    const merchant = await server.merchant({ name: 'Keys Travel' });
    const { context, page } = await signedIn(merchant.accessCode);
    await page.getByRole('link', { name: 'API access' }).click();
    await expectHeading(page, 'API access');
    expect(await page.getByTestId('access-code').innerText()).toBe(merchant.accessCode);
    expect(await page.getByTestId('secret-key').isVisible()).toBe(false);
    await page.getByText('Show the secret key').click();
    expect(await page.getByTestId('secret-key').innerText()).toBe(merchant.secretKey);
    await screenshot(page, 'api-access-desktop');

    const signed = (secretKey: string) => call(server, BALANCE, {}, { accessCode: merchant.accessCode, secretKey });
    expect((await signed(merchant.secretKey)).json.success).toBe(true);
    await page.getByRole('button', { name: 'Rotate the secret key' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('A new secret key is in use');
    await page.getByText('Show the secret key').click();
    const fresh = await page.getByTestId('secret-key').innerText();
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh).not.toBe(merchant.secretKey);
    // No wait: the next request already sees the new key.
    const old = await signed(merchant.secretKey);
    expect(old.json.success).toBe(false);
    expect(old.json.errorCode).toBe('101003');
    expect((await signed(fresh)).json.success).toBe(true);
    await context.close();
  });

  it('changes the signature policy and the IP block list, effective on the next API request', async () => {
    const merchant = await server.merchant({ name: 'Policy Travel', signaturePolicy: 'optional' });
    const { context, page } = await signedIn(merchant.accessCode);
    await page.goto(`${server.baseUrl}/console/api`);
    const unsigned = () => call(server, BALANCE, {}, { accessCode: merchant.accessCode });
    expect((await unsigned()).json.success).toBe(true);
    expect(await page.getByLabel('optional').isChecked()).toBe(true);

    await page.getByLabel('required').check();
    await submitForm(page, 'Save the policy');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Signature policy saved');
    expect(await page.getByLabel('required').isChecked()).toBe(true);
    const refused = await unsigned();
    expect(refused.json.errorCode).toBe('000101');
    expect((await call(server, BALANCE, {}, { accessCode: merchant.accessCode, secretKey: merchant.secretKey })).json.success).toBe(true);

    await page.getByLabel('off').check();
    await submitForm(page, 'Save the policy');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Signature policy saved');
    // Off: even a wrong signature is served.
    expect((await call(server, BALANCE, {}, { accessCode: merchant.accessCode, secretKey: 'not-the-key' })).json.success).toBe(true);

    // The block list: this test's own address is refused with 101002, the console still works.
    await page.getByLabel(/Addresses and CIDR blocks/).fill('198.51.100.0/24\n127.0.0.1');
    await submitForm(page, 'Save the block list');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Block list saved');
    expect(await page.getByLabel(/Addresses and CIDR blocks/).inputValue()).toBe('198.51.100.0/24\n127.0.0.1');
    expect((await unsigned()).json.errorCode).toBe('101002');
    await screenshot(page, 'api-access-policy-desktop');

    // A wrong entry is refused with the verb's code, and the list stays.
    await page.getByLabel(/Addresses and CIDR blocks/).fill('not-an-address');
    await submitForm(page, 'Save the block list');
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/\d{6}/);
    expect(await page.getByRole('alert').innerText()).toContain('not-an-address');
    expect((await unsigned()).json.errorCode).toBe('101002');

    await page.goto(`${server.baseUrl}/console/api`);
    await page.getByLabel(/Addresses and CIDR blocks/).fill('');
    await submitForm(page, 'Save the block list');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Block list saved');
    expect((await unsigned()).json.success).toBe(true);

    await page.setViewportSize(PHONE);
    await page.goto(`${server.baseUrl}/console/api`);
    await screenshot(page, 'api-access-phone');
    await context.close();
  });

  it('refuses setting changes without the CSRF token, and a policy that does not exist', async () => {
    const merchant = await server.merchant({ name: 'Forged Travel', signaturePolicy: 'optional' });
    const { context, page } = await signedIn(merchant.accessCode);
    await page.goto(`${server.baseUrl}/console/api`);
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const post = (path: string, body: Record<string, string>) =>
      fetch(`${server.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(body).toString() });
    expect((await post('/console/api/secret/rotate', {})).status).toBe(403);
    expect((await post('/console/api/signature-policy', { signaturePolicy: 'off' })).status).toBe(403);
    expect((await post('/console/api/blocklist', { blocklist: '127.0.0.1' })).status).toBe(403);
    expect((await call(server, BALANCE, {}, { accessCode: merchant.accessCode, secretKey: merchant.secretKey })).json.success).toBe(true);
    expect((await call(server, BALANCE, {}, { accessCode: merchant.accessCode, secretKey: 'wrong' })).json.errorCode).toBe('101003');

    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const bogus = await post('/console/api/signature-policy', { _csrf: csrf, signaturePolicy: 'sometimes' });
    expect(bogus.status).toBe(422);
    expect(await bogus.text()).toContain('signature policy must be one of');
    await context.close();
  });
});

describe('console request log', () => {
  it('lists the API requests with endpoint, code and latency, filters them, opens one with its bodies and no secret in sight', async () => {
    const merchant = await server.merchant({ name: 'Log Travel' });
    const other = await server.merchant({ name: 'Other Log' });
    const as = { accessCode: merchant.accessCode, secretKey: merchant.secretKey };
    expect((await call(server, BALANCE, {}, as)).json.success).toBe(true);
    const failed = await call(server, '/api/v1/open/esim/query', { orderNo: 'B00000000000000000' }, as);
    expect(failed.json.success).toBe(false);
    const rotated = await call(server, '/api/v1/esimkit/webhook/secret/rotate', {}, as);
    const webhookSecret = rotated.json.obj.secret as string;
    expect(webhookSecret).toMatch(/^whsec_/);
    await call(server, BALANCE, {}, { accessCode: other.accessCode });
    await server.runtime.ctx.services.requestLog.flush();

    const { context, page } = await signedIn(merchant.accessCode);
    await page.getByRole('link', { name: 'Request log' }).click();
    await expectHeading(page, 'Request log');
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.locator('th').allInnerTexts()).toEqual(['esimkit.webhook.secret.rotate', 'esim.query', 'balance.query']);
    expect(await rows.nth(1).locator('td').nth(1).innerText()).toContain(failed.json.errorCode);
    expect(await rows.nth(2).locator('td').nth(2).innerText()).toMatch(/^\d+\.\d ms$/);
    await screenshot(page, 'requests-desktop');

    await page.getByLabel('Failures only').check();
    await page.getByRole('button', { name: 'Show requests' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('th').innerText()).toBe('esim.query');
    await page.goto(`${server.baseUrl}/console/requests?endpoint=balance.query`);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByLabel('Endpoint').inputValue()).toBe('balance.query');

    // The rotate request: its answer held the new webhook secret, kept masked.
    await page.goto(`${server.baseUrl}/console/requests?endpoint=esimkit.webhook.secret.rotate`);
    await rows.first().locator('a').click();
    await expectHeading(page, 'esimkit.webhook.secret.rotate request');
    const text = await page.locator('main').innerText();
    expect(text).toContain('"secret": "••••"');
    expect(text).not.toContain(webhookSecret);
    expect(text).not.toContain(merchant.secretKey);
    expect(text).not.toContain(merchant.accessCode);
    await screenshot(page, 'request-detail-desktop');

    // Another merchant's request is not found.
    const theirs = await server.runtime.ctx.db.kysely.selectFrom('api_requests').select('id').where('merchant_id', '=', other.id).executeTakeFirstOrThrow();
    expect((await page.goto(`${server.baseUrl}/console/requests/${theirs.id}`))?.status()).toBe(404);
    expect((await page.goto(`${server.baseUrl}/console/requests/not-a-number`))?.status()).toBe(404);
    await context.close();
  });

  it('pages back with `before`, so new requests never shift a page', async () => {
    const merchant = await server.merchant({ name: 'Busy Travel' });
    for (let i = 0; i < 53; i++) await call(server, BALANCE, {}, { accessCode: merchant.accessCode });
    await server.runtime.ctx.services.requestLog.flush();
    const { context, page } = await signedIn(merchant.accessCode);
    await page.goto(`${server.baseUrl}/console/requests`);
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('link', { name: 'Older' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('before')).toMatch(/^\d+$/);
    await expect.poll(() => rows.count()).toBe(3);
    // New requests meanwhile: the older page is the same.
    await call(server, BALANCE, {}, { accessCode: merchant.accessCode });
    await server.runtime.ctx.services.requestLog.flush();
    await page.reload();
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByRole('link', { name: 'Newest' }).click();
    await expect.poll(() => rows.count()).toBe(50);
    await context.close();
  });
});
