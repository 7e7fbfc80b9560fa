import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProfile } from '../src/index.js';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, submitForm } from './support/browser.js';
import { call, expectFailure, type TestServer } from './support/harness.js';
import { as, balanceOf, esimIdOf, esimPaths, expectSuccess, orderAndWait, orderOne, packageBySlug, queryEsim, startEsimServer, type Merchant } from './support/orders.js';

// The console's eSIM pages in a real browser: search, the detail (QR code, install link,
// timeline, usage plot, top-ups, SMS) and the actions, each through the API's verb and
// answering as the API would; another merchant's eSIM out of reach; no POST without CSRF.

let server: TestServer;
let browser: Browser;
let merchant: Merchant;
let other: Merchant;
let jp: any;
let topup: any;

beforeAll(async () => {
  server = await startEsimServer();
  browser = await launchBrowser();
  merchant = await server.merchant({ name: 'eSIM Travel', balance: 10_000_000 });
  other = await server.merchant({ name: 'Someone Else', balance: 10_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  topup = expectSuccess(await call(server, esimPaths.packageList, { type: 'TOPUP', packageCode: jp.packageCode }, as(merchant)), null).packageList[0];
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A new user of the merchant signed in (a user each: sign-ins are rate-limited per email); confirm dialogs are accepted. */
async function signedIn(viewport?: { width: number; height: number }): Promise<Page> {
  const { page } = await openPage(browser, viewport);
  page.on('dialog', (dialog) => void dialog.accept());
  await logIn(page, server, (await consoleUser(server, { merchantAccessCode: merchant.accessCode })).email);
  await expectHeading(page, 'Dashboard');
  return page;
}

/** An eSIM of the merchant installed on a device (IN_USE). */
async function installed(who: Merchant = merchant): Promise<any> {
  const esim = await orderOne(server, who, jp.packageCode);
  await installProfile(server.runtime.ctx, await esimIdOf(server, esim.esimTranNo));
  return esim;
}

async function openEsim(page: Page, esimTranNo: string): Promise<void> {
  await page.goto(`${server.baseUrl}/console/esims/${esimTranNo}`);
  await expectHeading(page, `eSIM ${esimTranNo}`);
}

const statusOnPage = (page: Page) => page.locator('.stats .stat').first().locator('.status').innerText();
const timelineRows = (page: Page) => page.locator('table.timeline tbody tr').count();

describe('the eSIM page', () => {
  it('shows the QR code (a real PNG from the install pages) and a working install link', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    const img = page.locator('img.qr');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const src = await img.getAttribute('src');
    expect(src).toBe(new URL(esim.qrCodeUrl).pathname);
    const png = await page.request.get(`${server.baseUrl}${src}`);
    expect(png.status()).toBe(200);
    expect(png.headers()['content-type']).toBe('image/png');
    const bytes = await png.body();
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(200);

    const link = page.getByRole('link', { name: 'Install page' });
    expect(await link.getAttribute('href')).toBe(esim.shortUrl);
    const install = await page.request.get(esim.shortUrl);
    expect(install.status()).toBe(200);
    expect(await install.text()).toContain(esim.ac);
    expect(await page.locator('main').innerText()).toContain(esim.iccid);
    await screenshot(page, 'esim-detail-desktop');

    const phone = await signedIn(PHONE);
    await openEsim(phone, esim.esimTranNo);
    // Nothing wider than the screen: the tables scroll inside their wrappers.
    const wide = await phone.evaluate((width) => [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > width && !el.closest('.table-wrap')).map((el) => el.tagName + '.' + el.className), PHONE.width);
    expect(wide).toEqual([]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, 'esim-detail-phone');
  });

  it('links to the sandbox panel with this eSIM picked', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    await page.getByRole('link', { name: 'this eSIM in the sandbox panel' }).click();
    await expectHeading(page, 'Sandbox');
    expect(new URL(page.url()).searchParams.get('esim')).toBe(esim.esimTranNo);
    await expect.poll(() => page.locator('main').innerText()).toContain(esim.iccid);
  });

  it('suspends and unsuspends through the API verbs, and the timeline grows', async () => {
    const esim = await installed();
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    expect(await statusOnPage(page)).toBe('IN_USE');
    const before = await timelineRows(page);

    await submitForm(page, 'Suspend');
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('The eSIM is suspended.');
    expect(await statusOnPage(page)).toBe('SUSPENDED');
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('SUSPENDED');
    expect(await timelineRows(page)).toBe(before + 1);
    expect(await page.locator('table.timeline tbody tr').last().innerText()).toMatch(/IN_USE\s*→\s*SUSPENDED\s+merchant/);

    await submitForm(page, 'Unsuspend');
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('The eSIM is resumed.');
    expect(await statusOnPage(page)).toBe('IN_USE');
    expect(await timelineRows(page)).toBe(before + 2);
    // The same webhook rows as the API writes: ESIM_STATUS events for both changes.
    const events = await server.runtime.ctx.db.kysely.selectFrom('webhook_events').select('body').where('merchant_id', '=', merchant.id).execute();
    const statuses = events.map((e) => JSON.parse(e.body)).filter((b) => b.content?.esimTranNo === esim.esimTranNo).map((b) => b.content.esimStatus);
    expect(statuses).toEqual(expect.arrayContaining(['SUSPENDED', 'IN_USE']));
  });

  it("shows the API's code and message when an action is refused, and changes nothing", async () => {
    const esim = await installed();
    // What the API answers for the same request.
    const api = await call(server, esimPaths.cancel, { esimTranNo: esim.esimTranNo }, as(merchant));
    expect(expectFailure(api)).toBe('200002');
    const balance = await balanceOf(server, merchant);

    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    const before = await timelineRows(page);
    await submitForm(page, 'Cancel');
    await expect.poll(() => page.getByRole('alert').innerText()).toBe(`200002 ${api.json.errorMsg}`);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('IN_USE');
    expect(await balanceOf(server, merchant)).toBe(balance);
    await page.reload();
    expect(await timelineRows(page)).toBe(before);
  });

  it('cancels a new eSIM: refunded, and its QR code is withdrawn', async () => {
    const esim = await orderOne(server, merchant, jp.packageCode);
    const balance = await balanceOf(server, merchant);
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    await submitForm(page, 'Cancel');
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('The eSIM is cancelled and its price refunded.');
    expect(await statusOnPage(page)).toBe('CANCEL');
    expect(await balanceOf(server, merchant)).toBe(balance + jp.price);
    expect(await page.locator('img.qr').count()).toBe(0);
    expect(await page.locator('.install').innerText()).toContain('withdrawn');
  });

  it('revokes an installed eSIM: not refunded, its QR code withdrawn', async () => {
    const esim = await installed();
    const balance = await balanceOf(server, merchant);
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    await submitForm(page, 'Revoke');
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('The eSIM is revoked.');
    expect(await statusOnPage(page)).toBe('REVOKE');
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('REVOKE');
    expect(await balanceOf(server, merchant)).toBe(balance);
    expect(await page.locator('.install').innerText()).toContain('revoked');
    expect((await page.request.get(`${server.baseUrl}${new URL(esim.qrCodeUrl).pathname}`)).status()).toBe(410);
  });

  it('tops up with a chosen top-up package, debiting the balance', async () => {
    const esim = await installed();
    const balance = await balanceOf(server, merchant);
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    await page.getByLabel('Top-up package').selectOption(topup.packageCode);
    await submitForm(page, 'Buy top-up');
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('Top-up added.');
    expect(await balanceOf(server, merchant)).toBe(balance - topup.price);
    const after = await queryEsim(server, merchant, esim.esimTranNo);
    expect(after.totalVolume).toBe(esim.totalVolume + topup.volume);
    expect(await page.locator('#plan ~ .table-wrap tbody').innerText()).toContain(topup.packageCode);
    // The usage plot's "bought" line rises with it.
    const chart = JSON.parse((await page.locator('.usage [data-chart]').getAttribute('data-chart'))!);
    expect(chart.series[1].values.at(-1)).toBeCloseTo((esim.totalVolume + topup.volume) / 1024 / 1024, 0);
  });

  it('sends an SMS and lists it; refuses one to an eSIM not on a device with the API code', async () => {
    const esim = await installed();
    const page = await signedIn();
    await openEsim(page, esim.esimTranNo);
    await page.getByLabel('Message').fill('Welcome to Japan');
    await submitForm(page, 'Send SMS');
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('SMS sent.');
    expect(await page.locator('table.sms tbody').innerText()).toContain('Welcome to Japan');
    const listed = expectSuccess(await call(server, esimPaths.smsList, { esimTranNo: esim.esimTranNo }, as(merchant)));
    expect(listed.smsList.map((m: any) => m.message)).toEqual(['Welcome to Japan']);

    const fresh = await orderOne(server, merchant, jp.packageCode);
    await openEsim(page, fresh.esimTranNo);
    await page.getByLabel('Message').fill('Too early');
    await submitForm(page, 'Send SMS');
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^200002 SMS can only be sent to an installed eSIM/);
  });

  it('plots data usage over time', async () => {
    // A merchant of its own, whose clock this test moves: the device works through the
    // sandbox API, on that clock.
    const traveller = await server.merchant({ balance: 10_000_000 });
    const esim = await orderOne(server, traveller, jp.packageCode);
    expectSuccess(await call(server, '/sandbox/v1/esim/install', { esimTranNo: esim.esimTranNo }, as(traveller)));
    expectSuccess(await call(server, '/sandbox/v1/clock/advance', { seconds: 3600 }, as(traveller)));
    // 60% of the plan: crosses the 50% threshold (a DATA_USAGE event) and is reported.
    const used = Math.floor(esim.totalVolume * 0.6);
    expectSuccess(await call(server, '/sandbox/v1/esim/consume', { esimTranNo: esim.esimTranNo, bytes: used }, as(traveller)));
    const { page } = await openPage(browser);
    await logIn(page, server, (await consoleUser(server, { merchantAccessCode: traveller.accessCode })).email);
    await openEsim(page, esim.esimTranNo);
    const chart = JSON.parse((await page.locator('.usage [data-chart]').getAttribute('data-chart'))!);
    expect(chart.x.every((t: number, i: number) => i === 0 || t >= chart.x[i - 1])).toBe(true);
    expect(chart.x.at(-1) - chart.x[0]).toBeGreaterThanOrEqual(3600);
    expect(chart.series[0].values[0]).toBe(0);
    expect(chart.series[0].values.at(-1)).toBeCloseTo(used / 1024 / 1024, 0);
    expect(chart.series[1].values.at(-1)).toBeCloseTo(esim.totalVolume / 1024 / 1024, 0);
    await expect.poll(() => page.locator('.usage canvas').count()).toBe(1);
    expect(await page.locator('.stats').innerText()).toContain('614.4 MB of 1 GB');
  });
});

describe('eSIM search', () => {
  it('finds eSIMs by ICCID, esimTranNo, orderNo and status', async () => {
    const { orderNo, esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] });
    const suspended = await installed();
    expectSuccess(await call(server, esimPaths.suspend, { esimTranNo: suspended.esimTranNo }, as(merchant)));
    const page = await signedIn();
    await page.getByRole('navigation', { name: 'Console', exact: true }).getByRole('link', { name: 'eSIMs' }).click();
    await expectHeading(page, 'eSIMs');
    const listed = () => page.locator('table.esims tbody th code').allInnerTexts();

    await page.getByLabel('ICCID').fill(esims[1].iccid);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('iccid')).toBe(esims[1].iccid);
    await expect.poll(listed).toEqual([esims[1].esimTranNo]);

    await page.goto(`${server.baseUrl}/console/esims?esimTranNo=${esims[0].esimTranNo}`);
    expect(await listed()).toEqual([esims[0].esimTranNo]);
    await page.goto(`${server.baseUrl}/console/esims?orderNo=${orderNo}`);
    expect((await listed()).sort()).toEqual(esims.map((e) => e.esimTranNo).sort());
    await page.goto(`${server.baseUrl}/console/esims?status=SUSPENDED`);
    expect(await listed()).toEqual([suspended.esimTranNo]);
    await page.goto(`${server.baseUrl}/console/esims?iccid=89000000000000000000`);
    expect(await listed()).toEqual([]);
    expect(await page.locator('table.esims').innerText()).toContain('No eSIM matches this search.');
  });
});

describe('security', () => {
  it("answers another merchant's eSIM as not found, and its actions change nothing", async () => {
    const theirs = await installed(other);
    const page = await signedIn();
    const response = await page.goto(`${server.baseUrl}/console/esims/${theirs.esimTranNo}`);
    expect(response!.status()).toBe(404);
    await expectHeading(page, 'eSIM not found');
    expect(await page.locator('main').innerText()).not.toContain(theirs.iccid);

    // A form aimed at their eSIM, with this user's valid token.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    for (const op of ['suspend', 'revoke', 'sms', 'topup']) {
      const answer = await fetch(`${server.baseUrl}/console/esims/${theirs.esimTranNo}/${op}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: csrf, message: 'hi', packageCode: topup.packageCode, transactionId: `x-${op}` }).toString(),
      });
      expect(answer.status).toBe(422);
      expect(await answer.text()).toContain('310403');
    }
    expect(await queryEsim(server, other, theirs.esimTranNo)).toMatchObject({ esimStatus: 'IN_USE', totalVolume: theirs.totalVolume });
    const sms = expectSuccess(await call(server, esimPaths.smsList, { esimTranNo: theirs.esimTranNo }, as(other)));
    expect(sms.smsList).toEqual([]);
    await page.goto(`${server.baseUrl}/console/esims?iccid=${theirs.iccid}`);
    expect(await page.locator('table.esims').innerText()).toContain('No eSIM matches this search.');
  });

  it('refuses an action POSTed without the CSRF token', async () => {
    const esim = await installed();
    const page = await signedIn();
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const answer = await fetch(`${server.baseUrl}/console/esims/${esim.esimTranNo}/suspend`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: '',
    });
    expect(answer.status).toBe(403);
    expect((await queryEsim(server, merchant, esim.esimTranNo)).esimStatus).toBe('IN_USE');
  });
});
