import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, screenshot } from './support/browser.js';
import { type TestServer } from './support/harness.js';
import { balanceOf, merchantRow, packageBySlug, placeOrder, setMerchantFlags, startEsimServer, waitForOrder, type Merchant } from './support/orders.js';

// The console's orders in a real browser: placing an order from the form and watching it
// allocate without a reload, the list and its filters, an order's detail with its eSIMs,
// the dashboard's plots; refusals answered as the API answers them; another merchant's
// order out of reach; no POST without the CSRF token.

let server: TestServer;
let browser: Browser;
let merchant: Merchant;
let other: Merchant;
let jp: any;
let fr: any;

beforeAll(async () => {
  // Allocation takes 1.5 s, long enough to see the order ALLOCATING in the browser.
  server = await startEsimServer({ ALLOCATION_DELAY_MS: '1500' });
  browser = await launchBrowser();
  merchant = await server.merchant({ name: 'Orders Travel', balance: 10_000_000 });
  other = await server.merchant({ name: 'Someone Else', balance: 10_000_000 });
  jp = await packageBySlug(server, merchant, 'JP_1_7');
  fr = await packageBySlug(server, merchant, 'FR_1_7');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A new user of the merchant signed in (a user each: sign-ins are rate-limited per email). */
async function signedIn(viewport?: { width: number; height: number }): Promise<Page> {
  const { page } = await openPage(browser, viewport);
  await logIn(page, server, (await consoleUser(server, { merchantAccessCode: merchant.accessCode })).email);
  await expectHeading(page, 'Dashboard');
  return page;
}

async function orderCount(who: Merchant): Promise<number> {
  const row = await merchantRow(server, who);
  const rows = await server.runtime.ctx.db.kysely.selectFrom('orders').select('order_no').where('merchant_id', '=', row.id).execute();
  return rows.length;
}

/** The orderNos in the order list's table, top to bottom. */
async function listedOrders(page: Page): Promise<string[]> {
  return page.locator('table.orders tbody th code').allInnerTexts();
}

describe('placing an order', () => {
  it('orders from /console/orders/new (prefilled from ?packageCode=), shows it ALLOCATING, then its eSIMs without a reload', async () => {
    const page = await signedIn();
    const before = await balanceOf(server, merchant);
    await page.goto(`${server.baseUrl}/console/orders/new?packageCode=${jp.packageCode}`);
    await expectHeading(page, 'New order');
    expect(await page.getByLabel('Package code').inputValue()).toBe(jp.packageCode);
    await expect.poll(() => page.locator('.package-summary').innerText()).toContain(jp.name);
    await page.getByLabel('Number of eSIMs').fill('2');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toMatch(/^Order B\d+/);
    const orderNo = (await page.locator('h1').innerText()).replace('Order ', '');
    expect(new URL(page.url()).pathname).toBe(`/console/orders/${orderNo}`);
    // A marker on the window: it survives only if the page is never reloaded.
    await page.evaluate(() => ((window as any).notReloaded = true));
    expect(await page.locator('#order-live .status').first().innerText()).toBe('ALLOCATING');
    await expect.poll(() => page.locator('.allocating').innerText()).toContain('updates by itself');
    await screenshot(page, 'order-allocating-desktop');

    await expect.poll(() => page.locator('#order-live .status').first().innerText(), { timeout: 15_000 }).toBe('GOT_RESOURCE');
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
    const esims = (await waitForOrder(server, merchant, orderNo)).json.obj.esimList;
    expect(esims).toHaveLength(2);
    const rows = page.locator('table.order-esims tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    for (const esim of esims) {
      await expect.poll(() => page.locator('table.order-esims tbody').innerText()).toContain(esim.iccid);
      // Each eSIM links to its page.
      expect(await page.locator(`#order-live a[href="/console/esims/${esim.esimTranNo}"]`).count()).toBe(1);
    }
    // The same verb as esim/order: the price is debited from the balance.
    expect(await balanceOf(server, merchant)).toBe(before - 2 * jp.price);
    await screenshot(page, 'order-detail-desktop');

    await page.locator(`#order-live a[href="/console/esims/${esims[0].esimTranNo}"]`).click();
    await expectHeading(page, `eSIM ${esims[0].esimTranNo}`);
    // Its QR code is the install pages' PNG, loaded and drawn.
    await expect.poll(() => page.locator('img.qr').evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  });

  it('works without JavaScript: the form posts, and the Refresh link shows the allocated order', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await logIn(page, server, (await consoleUser(server, { merchantAccessCode: merchant.accessCode })).email);
    await page.goto(`${server.baseUrl}/console/orders/new?packageCode=${jp.packageCode}`);
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toMatch(/^Order B\d+/);
    const orderNo = (await page.locator('h1').innerText()).replace('Order ', '');
    expect(await page.locator('#order-live .status').first().innerText()).toBe('ALLOCATING');
    await waitForOrder(server, merchant, orderNo);
    await page.getByRole('link', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('#order-live .status').first().innerText()).toBe('GOT_RESOURCE');
    expect(await page.locator('table.order-esims tbody tr').count()).toBe(1);
    await context.close();
  });

  it('the same form sent twice places one order (its transactionId), as the API promises', async () => {
    const page = await signedIn();
    await page.goto(`${server.baseUrl}/console/orders/new?packageCode=${jp.packageCode}`);
    const form = Object.fromEntries(
      await page.locator('form[action="/console/orders/new"] input').evaluateAll((inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value])),
    );
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const send = () =>
      fetch(`${server.baseUrl}/console/orders/new`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams(form).toString(),
      });
    const before = await orderCount(merchant);
    const [first, second] = [await send(), await send()];
    expect(first.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await orderCount(merchant)).toBe(before + 1);
  });

  it("shows the API's code and message when the order is refused, and places nothing", async () => {
    const page = await signedIn();
    const before = await orderCount(merchant);
    await page.goto(`${server.baseUrl}/console/orders/new`);
    await page.getByLabel('Package code').fill('NO_SUCH_PLAN');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('310241');
    // The form stays, with what was typed.
    expect(await page.getByLabel('Package code').inputValue()).toBe('NO_SUCH_PLAN');
    await page.getByLabel('Package code').fill(jp.packageCode);
    await page.getByLabel('Number of eSIMs').fill('31');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^200008 .*count/);
    expect(await orderCount(merchant)).toBe(before);
  });
});

describe('the order list', () => {
  it('lists newest first and finds orders by status, package, orderNo and date range', async () => {
    const jpOrder = await placeOrder(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const frOrder = await placeOrder(server, merchant, { packageInfoList: [{ packageCode: fr.packageCode, count: 1 }] });
    await waitForOrder(server, merchant, jpOrder);
    await waitForOrder(server, merchant, frOrder);
    await setMerchantFlags(server, merchant, { fail_allocations: 1 });
    const failed = await placeOrder(server, merchant, { packageInfoList: [{ packageCode: fr.packageCode, count: 1 }] });
    await waitForOrder(server, merchant, failed);
    await setMerchantFlags(server, merchant, { fail_allocations: 0 });

    const page = await signedIn();
    await page.getByRole('navigation', { name: 'Console', exact: true }).getByRole('link', { name: 'Orders' }).click();
    await expectHeading(page, 'Orders');
    const all = await listedOrders(page);
    expect(all.slice(0, 3)).toEqual([failed, frOrder, jpOrder]);
    await screenshot(page, 'orders-desktop');

    // The filter form is a GET form: the filters are the URL.
    await page.getByLabel('Status').selectOption('FAILED');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('FAILED');
    await expect.poll(() => listedOrders(page)).toEqual([failed]);
    expect(await page.locator('table.orders').innerText()).toContain('FAILED');

    await page.goto(`${server.baseUrl}/console/orders?package=${fr.packageCode}`);
    expect(await listedOrders(page)).toEqual([failed, frOrder]);
    // A % typed in the filter is itself, not a LIKE wildcard that would match every order.
    await page.goto(`${server.baseUrl}/console/orders?package=${encodeURIComponent('%')}`);
    expect(await listedOrders(page)).toEqual([]);
    await page.goto(`${server.baseUrl}/console/orders?orderNo=${jpOrder.slice(-6)}`);
    expect(await listedOrders(page)).toContain(jpOrder);
    expect(await listedOrders(page)).not.toContain(frOrder);

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${server.baseUrl}/console/orders?from=${today}&to=${today}`);
    expect(await listedOrders(page)).toContain(jpOrder);
    await page.goto(`${server.baseUrl}/console/orders?from=${tomorrow}`);
    expect(await listedOrders(page)).toEqual([]);
    expect(await page.locator('table.orders').innerText()).toContain('No order matches these filters.');

    // The failed order's page says so: refunded, no eSIMs.
    await page.goto(`${server.baseUrl}/console/orders/${failed}`);
    await expect.poll(() => page.locator('#order-live').innerText()).toContain('refunded');
    expect(await page.locator('#order-live').innerText()).toContain('Allocation failed: no eSIMs.');
  });

  it('pages through the orders, keeping the filters', async () => {
    for (let i = 0; i < 26; i++) await placeOrder(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const page = await signedIn();
    await page.goto(`${server.baseUrl}/console/orders?package=${jp.packageCode}`);
    expect(await listedOrders(page)).toHaveLength(25);
    await page.getByRole('link', { name: 'Next' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(new URL(page.url()).searchParams.get('package')).toBe(jp.packageCode);
    expect((await listedOrders(page)).length).toBeGreaterThan(0);
    expect(await page.locator('.pager').innerText()).toMatch(/Page 2 of \d+/);
  });
});

describe('the dashboard', () => {
  it("plots orders and spend per day over the merchant's last 30 days", async () => {
    const page = await signedIn();
    const charts = page.locator('.dashboard-charts [data-chart]');
    expect(await charts.count()).toBe(2);
    const [orders, spend] = await charts.evaluateAll((els) => els.map((el) => JSON.parse(el.getAttribute('data-chart')!)));
    expect(orders.x).toHaveLength(30);
    // x in unix seconds, one a day, ending today.
    expect(orders.x[29] - orders.x[28]).toBe(86_400);
    expect(orders.x[29]).toBe(Math.floor(Date.now() / 86_400_000) * 86_400);
    expect(orders.series[0].values[29]).toBe(await orderCount(merchant));
    expect(spend.series[0].values[29]).toBeGreaterThan(0);
    // uPlot drew them.
    await expect.poll(() => page.locator('.dashboard-charts canvas').count()).toBe(2);
    await screenshot(page, 'dashboard-desktop');
    // A status row leads to the eSIMs in that status.
    await page.locator('#by-status ~ .table-wrap').getByRole('link', { name: 'GOT_RESOURCE' }).click();
    await expectHeading(page, 'eSIMs');
    expect(new URL(page.url()).searchParams.get('status')).toBe('GOT_RESOURCE');
    expect(await page.getByLabel('Status').inputValue()).toBe('GOT_RESOURCE');
  });
});

describe('security', () => {
  it("answers another merchant's order as not found", async () => {
    const theirs = await placeOrder(server, other, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    const page = await signedIn();
    const response = await page.goto(`${server.baseUrl}/console/orders/${theirs}`);
    expect(response!.status()).toBe(404);
    await expectHeading(page, 'Order not found');
    expect(await page.getByRole('alert').innerText()).toContain('310272');
    expect(await page.locator('main').innerText()).not.toContain(jp.packageCode);
    const live = await page.request.get(`${server.baseUrl}/console/orders/${theirs}/live`);
    expect(live.status()).toBe(404);
    await page.goto(`${server.baseUrl}/console/orders`);
    expect(await listedOrders(page)).not.toContain(theirs);
  });

  it('refuses a POST without the CSRF token, placing nothing', async () => {
    const page = await signedIn();
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const before = await orderCount(merchant);
    const response = await fetch(`${server.baseUrl}/console/orders/new`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ transactionId: 'csrf-less', packageCode: jp.packageCode, count: '1' }).toString(),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Form expired');
    expect(await orderCount(merchant)).toBe(before);
  });
});
