import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, sessionCookie } from './support/browser.js';
import { call, expectFailure, startTestServer, type TestServer } from './support/harness.js';
import { as, balanceOf, esimPaths, expectSuccess, orderOne, queryEsim, type Merchant } from './support/orders.js';
import { sb } from './support/sandbox.js';

// The sandbox panel (/console/sandbox) in a real browser: the merchant's clock, device and
// network actions on an eSIM ordered through the partner API, faults the API then honours,
// test funds, reset; and what keeps it to its merchant and to sandbox mode.

const PANEL = '/console/sandbox';
const MB = 1024 * 1024;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A merchant with funds, and a browser page signed in as one of its users (confirm dialogs accepted and recorded). */
async function signedInMerchant(target: TestServer = server, viewport?: { width: number; height: number }) {
  const merchant = await target.merchant({ balance: 100_000_000 });
  const user = await consoleUser(target, { merchantAccessCode: merchant.accessCode });
  const { context, page } = await openPage(browser, viewport);
  const confirms: string[] = [];
  page.on('dialog', (dialog) => {
    confirms.push(dialog.message());
    void dialog.accept();
  });
  await logIn(page, target, user.email);
  await expectHeading(page, 'Dashboard');
  return { merchant, context, page, confirms };
}

/** Clicks a submit button and waits for the panel to come back (or the action's refusal to be shown). */
async function press(page: Page, button: string, actionPath: string, scope = page.locator('main')) {
  const answered = page.waitForResponse((r) => {
    const path = new URL(r.url()).pathname;
    return (r.request().method() === 'GET' && path === PANEL) || (r.request().method() === 'POST' && path === actionPath && r.status() !== 303);
  });
  await scope.getByRole('button', { name: button, exact: true }).click();
  await answered;
  await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'));
}

const notice = (page: Page) => page.getByRole('status').first().innerText();
const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

async function clockOf(merchant: Merchant) {
  return expectSuccess(await call(server, sb('clock/get'), {}, as(merchant)));
}

/** A POST as a form sends it, outside the browser, with a session's cookie. */
async function postForm(target: TestServer, path: string, form: Record<string, string>, cookie: string) {
  return fetch(`${target.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(form).toString(),
  });
}

describe('the sandbox panel', () => {
  it('installs an ordered eSIM, attaches it, uses data, sends SMS both ways, and watches it expire when the clock passes its validity', async () => {
    const { merchant, context, page, confirms } = await signedInMerchant();
    const esim = await orderOne(server, merchant, 'JP_1_7');
    expect(esim.esimStatus).toBe('GOT_RESOURCE');

    // The nav has the panel; the eSIM detail page's link form (?esim=) picks the eSIM.
    await page.locator('aside').getByRole('link', { name: 'Sandbox' }).click();
    await expectHeading(page, 'Sandbox');
    await page.getByLabel('eSIM (esimTranNo or ICCID)').fill(esim.iccid);
    await press(page, 'Show', PANEL);
    expect(await text(page, 'esim-status')).toBe('GOT_RESOURCE');
    expect(await text(page, 'smdp-status')).toBe('RELEASED');
    await page.goto(`${server.baseUrl}${PANEL}?esim=${esim.esimTranNo}`);
    expect(await text(page, 'esim-status')).toBe('GOT_RESOURCE');

    await press(page, 'Install', '/console/sandbox/esim/install');
    expect(await notice(page)).toBe('Installed on the device. Profile ENABLED, plan IN_USE.');
    expect(await text(page, 'smdp-status')).toBe('ENABLED');
    expect(await text(page, 'esim-status')).toBe('IN_USE');
    const installed = await queryEsim(server, merchant, esim.esimTranNo);
    expect(installed).toMatchObject({ smdpStatus: 'ENABLED', esimStatus: 'IN_USE', activateTime: null });
    expect(installed.eid).toMatch(/^\d{32}$/);

    await press(page, 'Attach to network', '/console/sandbox/esim/attach');
    const attached = await queryEsim(server, merchant, esim.esimTranNo);
    expect(attached.activateTime).not.toBeNull();

    await page.getByLabel('Amount (MB)').fill('100');
    await press(page, 'Consume data', '/console/sandbox/esim/consume');
    expect(await notice(page)).toBe('Used 100 MB of data.');
    // The answer shows its notice in the eSIM's section and scrolls back to it, not to the top.
    expect(await page.locator('#device').getByRole('status').innerText()).toBe('Used 100 MB of data.');
    await expect.poll(() => page.evaluate(() => Math.abs(document.getElementById('device')!.getBoundingClientRect().top))).toBeLessThan(2);

    // This plan takes SMS through the API's path only: one from a phone is refused as the API refuses it.
    await page.locator('#sms-in-message').fill('Welcome to Japan');
    await page.locator('#sms-in-from').fill('+447700900123');
    await press(page, 'Send to the device', '/console/sandbox/esim/sms/receive');
    await expect.poll(() => page.locator('#flash').innerText()).toContain('200002');
    expect(new URL(page.url()).pathname).toBe(PANEL);
    await page.locator('#sms-in-from').fill('');
    await press(page, 'Send to the device', '/console/sandbox/esim/sms/receive');
    expect(await notice(page)).toBe('SMS delivered to the device.');
    await page.locator('#sms-out-message').fill('Arrived!');
    await page.locator('#sms-out-to').fill('+447700900123');
    await press(page, 'Send from the device', '/console/sandbox/esim/sms/send');
    const sms = expectSuccess(await call(server, esimPaths.smsList, { esimTranNo: esim.esimTranNo }, as(merchant)));
    expect(sms.smsList.map((m: any) => [m.direction, m.message])).toEqual([
      ['MT', 'Welcome to Japan'],
      ['MO', 'Arrived!'],
    ]);

    await press(page, 'Disable profile', '/console/sandbox/esim/disable');
    expect(confirms).toContain('Disable this profile on the device?');
    expect(await text(page, 'smdp-status')).toBe('DISABLED');
    await press(page, 'Enable profile', '/console/sandbox/esim/enable');
    expect(await text(page, 'smdp-status')).toBe('ENABLED');
    // Enabling twice is refused as the API refuses it: 200002, and nothing changes.
    await press(page, 'Enable profile', '/console/sandbox/esim/enable');
    await expect.poll(() => page.locator('#flash').innerText()).toContain('200002');
    expect((await queryEsim(server, merchant, esim.esimTranNo)).smdpStatus).toBe('ENABLED');
    await page.reload();
    await screenshot(page, 'sandbox-desktop');

    // Past its 7 days of validity: the plan expires (used), seen in the panel and by the API.
    const before = await clockOf(merchant);
    await press(page, '+7 days', '/console/sandbox/clock/advance');
    expect(await notice(page)).toMatch(/^Clock advanced: \d+ background jobs? run, \d+ validity warnings?, \d+ daily allowances? reset, 1 eSIM expired\.$/);
    await press(page, '+1 day', '/console/sandbox/clock/advance');
    expect(await text(page, 'esim-status')).toBe('USED_EXPIRED');
    const expired = await queryEsim(server, merchant, esim.esimTranNo);
    expect(expired).toMatchObject({ esimStatus: 'USED_EXPIRED', orderUsage: 100 * MB });
    const after = await clockOf(merchant);
    // The clock runs on while it moves: a few milliseconds short of 8 days, rounded to seconds.
    expect(after.offsetSeconds - before.offsetSeconds).toBeGreaterThanOrEqual(8 * 86_400 - 2);
    expect(await text(page, 'sandbox-offset')).toBe('8 d');
    await screenshot(page, 'sandbox-expired-desktop');
    await context.close();
  });

  it('advances the clock to a date and time, and moves no other merchant’s clock', async () => {
    const { merchant, context, page } = await signedInMerchant();
    const other = await server.merchant();
    const start = await clockOf(merchant);
    await page.goto(`${server.baseUrl}${PANEL}`);
    const target = new Date(Date.parse(start.now.replace('+0000', 'Z')) + 3 * 86_400_000);
    const local = target.toISOString().slice(0, 16);
    await page.getByLabel('Advance to (UTC)').fill(local);
    await press(page, 'Advance to this time', '/console/sandbox/clock/advance');
    expect(await notice(page)).toMatch(/^Clock advanced:/);
    expect(await text(page, 'sandbox-now')).toBe(`${local.replace('T', ' ')}:00 UTC`);
    expect((await clockOf(merchant)).now).toBe(`${local}:00+0000`);
    expect((await clockOf(other)).offsetSeconds).toBe(0);

    // Backward is refused as the API refuses it.
    const csrf = await page.locator('main input[name="_csrf"]').first().inputValue();
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const back = await postForm(server, '/console/sandbox/clock/advance', { _csrf: csrf, to: '2020-01-01T00:00' }, cookie);
    expect(back.status).toBe(422);
    expect(await back.text()).toContain('000104');
    await context.close();
  });

  it('sets faults the partner API then honours, and clears them', async () => {
    const { merchant, context, page, confirms } = await signedInMerchant();
    await page.goto(`${server.baseUrl}${PANEL}#faults`);
    await page.getByLabel('Endpoint').selectOption('esim.order');
    await page.getByLabel('Answer with').selectOption('200011');
    await page.getByLabel('For the next N calls').fill('1');
    await press(page, 'Add rule', '/console/sandbox/faults/rules');
    expect(await notice(page)).toBe('Fault rule added.');
    expect(await text(page, 'fault-rules')).toContain('esim.order');
    const order = () => call(server, esimPaths.order, { transactionId: `f-${Math.random()}`, packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, as(merchant));
    expect(expectFailure(await order())).toBe('200011');
    expect((await order()).json.success).toBe(true);

    await page.getByLabel('Busy answers (% of requests)').fill('100');
    await press(page, 'Save', '/console/sandbox/faults/settings');
    expect(await text(page, 'fault-settings')).toContain('100% of requests');
    expect(expectFailure(await call(server, esimPaths.balance, {}, as(merchant)))).toBe('900001');
    await screenshot(page, 'sandbox-faults-desktop');

    // Allocation that fails: the order is refunded (200009), as the API's fault plan does it.
    await page.getByLabel('Busy answers (% of requests)').fill('0');
    await page.getByLabel('Fail allocations (the order is refunded)').check();
    await press(page, 'Save', '/console/sandbox/faults/settings');
    expect(await text(page, 'fault-settings')).toContain('Allocation: fails (refunded)');
    const balanceBefore = expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance;
    const doomed = expectSuccess(await order(), null);
    await expect
      .poll(async () => (await call(server, esimPaths.query, { orderNo: doomed.orderNo }, as(merchant))).json.errorCode, { timeout: 10_000 })
      .toBe('200009');
    expect(expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance).toBe(balanceBefore);
    // A delay typed in seconds is the API's delayMs; emptied, the server's usual delay again.
    await page.getByLabel('Fail allocations (the order is refunded)').uncheck();
    await page.getByLabel('Allocation delay (seconds)').fill('90');
    await press(page, 'Save', '/console/sandbox/faults/settings');
    expect(expectSuccess(await call(server, sb('faults/get'), {}, as(merchant))).allocation).toEqual({ delayMs: 90_000, fail: false });
    await page.getByLabel('Allocation delay (seconds)').fill('');
    await press(page, 'Save', '/console/sandbox/faults/settings');
    expect(expectSuccess(await call(server, sb('faults/get'), {}, as(merchant))).allocation).toEqual({ delayMs: null, fail: false });
    await page.getByLabel('Busy answers (% of requests)').fill('100');
    await press(page, 'Save', '/console/sandbox/faults/settings');

    await press(page, 'Clear all faults', '/console/sandbox/faults/clear');
    expect(confirms).toContain('Remove every fault rule and setting?');
    expect(await notice(page)).toBe('Every fault is cleared.');
    expect(expectSuccess(await call(server, sb('faults/get'), {}, as(merchant)))).toEqual({ rules: [], busyShare: 0, allocation: { delayMs: null, fail: false } });
    expectSuccess(await call(server, esimPaths.balance, {}, as(merchant)));
    await context.close();
  });

  it('adds test funds, seen in the balance through the API', async () => {
    const { merchant, context, page } = await signedInMerchant();
    const before = await balanceOf(server, merchant);
    await page.goto(`${server.baseUrl}${PANEL}`);
    await page.getByLabel('Add (USD)').fill('25.50');
    await press(page, 'Add test funds', '/console/sandbox/funds');
    expect(await balanceOf(server, merchant)).toBe(before + 255_000);
    expect(await notice(page)).toContain('Added $25.50 of test funds.');
    // Over the API's limit: its own refusal.
    await page.getByLabel('Add (USD)').fill('20000');
    await press(page, 'Add test funds', '/console/sandbox/funds');
    await expect.poll(() => page.locator('#flash').innerText()).toContain('000104');
    expect(await balanceOf(server, merchant)).toBe(before + 255_000);
    await context.close();
  });

  it('resets the sandbox once confirmed: eSIMs gone, clock at real time, balance as asked', async () => {
    const { merchant, context, page, confirms } = await signedInMerchant();
    const esim = await orderOne(server, merchant, 'JP_1_7');
    expectSuccess(await call(server, sb('clock/advance'), { seconds: 86_400 }, as(merchant)));
    await page.goto(`${server.baseUrl}${PANEL}`);
    await page.getByLabel('Balance after the reset (USD)').fill('12');
    await press(page, 'Reset the sandbox', '/console/sandbox/reset');
    expect(confirms.some((m) => m.startsWith('Reset the sandbox?'))).toBe(true);
    expect(await notice(page)).toBe('Sandbox reset: 1 eSIM removed, the clock is back to real time. Balance: $12.00.');
    expect(expectFailure(await call(server, esimPaths.query, { esimTranNo: esim.esimTranNo }, as(merchant)))).toBe('310403');
    expect((await clockOf(merchant)).offsetSeconds).toBe(0);
    expect(await balanceOf(server, merchant)).toBe(120_000);
    await context.close();
  });

  it('can make a download fail, leaving the profile RELEASED', async () => {
    const { merchant, context, page } = await signedInMerchant();
    const esim = await orderOne(server, merchant, 'JP_1_7');
    await page.goto(`${server.baseUrl}${PANEL}?esim=${esim.esimTranNo}`);
    await page.getByLabel('Make the download fail').check();
    await press(page, 'Install', '/console/sandbox/esim/install');
    expect(await notice(page)).toBe('The download broke off. Profile RELEASED, plan GOT_RESOURCE.');
    expect(await queryEsim(server, merchant, esim.esimTranNo)).toMatchObject({ smdpStatus: 'RELEASED', esimStatus: 'GOT_RESOURCE' });
    // An EID that fails the mod-97 check: the API's 000104.
    await page.getByLabel('EID (optional)').fill('89049032007108882600137544319617');
    await press(page, 'Install', '/console/sandbox/esim/install');
    await expect.poll(() => page.locator('#flash').innerText()).toContain('000104');
    await context.close();
  });

  it('is usable at phone width', async () => {
    const { merchant, context, page, confirms } = await signedInMerchant(server, PHONE);
    const esim = await orderOne(server, merchant, 'JP_1_7');
    await page.goto(`${server.baseUrl}${PANEL}`);
    await expectHeading(page, 'Sandbox');
    // Picked from the list of the merchant's latest eSIMs.
    const picked = page.waitForResponse((r) => new URL(r.url()).pathname === PANEL);
    await page.getByRole('link', { name: esim.esimTranNo }).click();
    await picked;
    await expect.poll(() => text(page, 'esim-status')).toBe('GOT_RESOURCE');
    await press(page, 'Install', '/console/sandbox/esim/install');
    expect(await text(page, 'esim-status')).toBe('IN_USE');
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'sandbox-phone');
    await press(page, 'Delete profile', '/console/sandbox/esim/delete');
    expect(confirms).toContain('Delete this profile from the device? It cannot be enabled again.');
    expect(await text(page, 'smdp-status')).toBe('DELETED');
    expect((await queryEsim(server, merchant, esim.esimTranNo)).smdpStatus).toBe('DELETED');
    await context.close();
  });
});

describe('what keeps the panel to its merchant and to sandbox mode', () => {
  it('acts on no other merchant’s eSIM: answers 310403 as the API does, and changes nothing', async () => {
    const { context, page } = await signedInMerchant();
    const owner = await server.merchant({ balance: 10_000_000 });
    const theirs = await orderOne(server, owner, 'JP_1_7');
    await page.goto(`${server.baseUrl}${PANEL}?esim=${theirs.esimTranNo}`);
    expect(await page.locator('main').innerText()).toContain('310403');
    expect(await page.getByTestId('esim-status').count()).toBe(0);

    const csrf = await page.locator('main input[name="_csrf"]').first().inputValue();
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    for (const action of ['install', 'attach', 'disable', 'delete']) {
      const answer = await postForm(server, `/console/sandbox/esim/${action}`, { _csrf: csrf, esim: theirs.esimTranNo }, cookie);
      expect(answer.status).toBe(422);
      expect(await answer.text()).toContain('310403');
    }
    const consumed = await postForm(server, '/console/sandbox/esim/consume', { _csrf: csrf, esim: theirs.iccid, mb: '5' }, cookie);
    expect(await consumed.text()).toContain('310403');
    expect(await queryEsim(server, owner, theirs.esimTranNo)).toMatchObject({ smdpStatus: 'RELEASED', esimStatus: 'GOT_RESOURCE', eid: '', orderUsage: 0 });
    await context.close();
  });

  it('refuses a POST without its CSRF token, and nothing runs', async () => {
    const { merchant, context, page } = await signedInMerchant();
    await page.goto(`${server.baseUrl}${PANEL}`);
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const before = await balanceOf(server, merchant);
    const funds = await postForm(server, '/console/sandbox/funds', { amount: '10' }, cookie);
    expect(funds.status).toBe(403);
    const advance = await postForm(server, '/console/sandbox/clock/advance', { _csrf: 'guessed', seconds: '3600' }, cookie);
    expect(advance.status).toBe(403);
    expect(await balanceOf(server, merchant)).toBe(before);
    expect((await clockOf(merchant)).offsetSeconds).toBe(0);
    await context.close();
  });

  describe('in production mode', () => {
    let production: TestServer;
    beforeAll(async () => {
      production = await startTestServer({ env: { ESIMKIT_MODE: 'production' } });
    });
    afterAll(() => production?.close());

    it('has no Sandbox entry in the nav and refuses every panel route with 000103, as the sandbox API does', async () => {
      const { merchant, context, page } = await signedInMerchant(production);
      expect(await page.locator('aside nav').innerText()).not.toContain('Sandbox');
      const csrf = await page.locator('aside input[name="_csrf"]').first().inputValue();
      const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;

      const panel = await fetch(`${production.baseUrl}${PANEL}`, { headers: { cookie } });
      expect(panel.status).toBe(422);
      expect(await panel.text()).toContain('000103');
      const before = expectSuccess(await call(production, esimPaths.balance, {}, as(merchant))).balance;
      for (const [path, form] of [
        ['/console/sandbox/funds', { amount: '10' }],
        ['/console/sandbox/clock/advance', { seconds: '3600' }],
        ['/console/sandbox/faults/rules', { errorCode: '900001', count: '1' }],
        ['/console/sandbox/faults/clear', {}],
        ['/console/sandbox/reset', {}],
        ['/console/sandbox/esim/install', { esim: '123' }],
      ] as const) {
        const answer = await postForm(production, path, { _csrf: csrf, ...form }, cookie);
        expect(answer.status, path).toBe(422);
        expect(await answer.text(), path).toContain('000103');
      }
      expect(expectSuccess(await call(production, esimPaths.balance, {}, as(merchant))).balance).toBe(before);
      await context.close();
    });
  });
});
