import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorRoutes } from '../src/console/pages/operator.js';
import { operatorAdminRoutes } from '../src/console/pages/operator-admin.js';
import { consoleUser, DESKTOP, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, sessionCookie, submitForm } from './support/browser.js';
import { call, expectFailure, startTestServer, type TestServer } from './support/harness.js';
import { as, esimPaths, expectSuccess, orderAndWait, packageBySlug, type Merchant } from './support/orders.js';
import { startReceiver, type Receiver } from './support/receiver.js';

// The operator pages in a real browser: merchants (create, deposit, adjust, policy, rate
// limit, block list, disable) checked through the real partner API; catalogue and inventory
// uploads; orders, eSIMs and webhook health across merchants. Then who may not: a partner's
// session on every operator route (403, nothing changed), a POST without CSRF, signed out.

let server: TestServer;
let browser: Browser;
const receivers: Receiver[] = [];

/** The merchant the operator makes in the first test, used by the next ones. */
const made = { id: 0, name: 'Harbour Travel', accessCode: '', secretKey: '' };

const example = (name: string) => readFileSync(new URL(`../../../examples/${name}`, import.meta.url));

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0', WEBHOOK_RETRY_SCHEDULE: '100ms,100ms', WEBHOOK_TIMEOUT_MS: '2000' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(receivers.map((r) => r.close()));
  await server?.close();
});

/**
 * An operator signed in, in a browser context of its own; confirmations are accepted. Each
 * is a new operator account: logins are rate-limited per email (5 a minute).
 */
async function operatorPage(viewport = DESKTOP) {
  const opened = await openPage(browser, viewport);
  opened.page.on('dialog', (dialog) => void dialog.accept());
  await logIn(opened.page, server, (await consoleUser(server, { operator: true })).email);
  await expectHeading(opened.page, 'Overview');
  return opened;
}

async function balanceThroughApi(accessCode: string): Promise<number> {
  return expectSuccess(await call(server, esimPaths.balance, {}, { accessCode })).balance;
}

async function notice(page: Page): Promise<string> {
  await expect.poll(() => page.getByRole('status').count()).toBeGreaterThan(0);
  return page.getByRole('status').first().innerText();
}

async function alertText(page: Page): Promise<string> {
  await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
  return page.getByRole('alert').first().innerText();
}

async function ledgerOf(merchantId: number) {
  return server.runtime.ctx.db.kysely.selectFrom('ledger_entries').selectAll().where('merchant_id', '=', merchantId).orderBy('id').execute();
}

describe('operator: merchants', () => {
  it('creates a merchant (credentials shown once), deposits and adjusts with reasons; the partner API answers the balance', async () => {
    const { context, page } = await operatorPage();
    await page.goto(`${server.baseUrl}/console/operator/merchants`);
    await expectHeading(page, 'Merchants');
    await page.getByRole('link', { name: 'New merchant' }).click();
    await expectHeading(page, 'New merchant');
    // A balance that is no amount is refused with the verb's code, and makes no merchant.
    const before = (await server.runtime.ctx.db.kysely.selectFrom('merchants').select('id').execute()).length;
    await page.getByLabel('Name', { exact: true }).fill(made.name);
    await page.getByLabel('Opening balance (USD)').fill('lots');
    await submitForm(page, 'Create merchant');
    expect(await alertText(page)).toMatch(/^000107 the opening balance must be/);
    expect(await server.runtime.ctx.db.kysely.selectFrom('merchants').select('id').execute()).toHaveLength(before);
    await page.getByLabel('Opening balance (USD)').fill('0');
    await page.getByLabel('Rate limit (requests a second)').fill('0');
    await submitForm(page, 'Create merchant');
    await expectHeading(page, 'Merchant created');
    made.accessCode = await page.getByTestId('access-code').innerText();
    made.secretKey = await page.getByTestId('secret-key').innerText();
    expect(made.accessCode).toMatch(/^[0-9a-f]{32}$/);
    expect(made.secretKey).toMatch(/^[0-9a-f]{32}$/);
    expect(await notice(page)).toContain('shown only this once');
    // Made in sandbox mode: the sandbox's default policy.
    expect(await page.locator('.op-credentials').innerText()).toContain('warn');
    expect(await balanceThroughApi(made.accessCode)).toBe(0);

    await page.getByRole('link', { name: `Go to ${made.name}` }).click();
    await expectHeading(page, made.name);
    made.id = Number(new URL(page.url()).pathname.split('/').pop());
    expect(made.id).toBeGreaterThan(0);
    // The secret key is not on the merchant's page.
    expect(await page.content()).not.toContain(made.secretKey);

    await page.getByLabel('Deposit (USD)').fill('25');
    await page.getByLabel('Reason for the deposit').fill('wire 2026-12');
    await submitForm(page, 'Deposit');
    expect(await notice(page)).toBe('The deposit is on the ledger.');
    expect(await balanceThroughApi(made.accessCode)).toBe(250_000);

    await page.getByLabel('Adjustment (USD, negative to debit)').fill('-5');
    await page.getByLabel('Reason for the adjustment').fill('duplicate wire');
    await submitForm(page, 'Adjust');
    expect(await notice(page)).toBe('The adjustment is on the ledger.');
    expect(await balanceThroughApi(made.accessCode)).toBe(200_000);
    expect(await page.locator('section[aria-labelledby="ledger"]').innerText()).toMatch(/adjustment\s+duplicate wire\s+-\$5\.00/);

    const ledger = await ledgerOf(made.id);
    expect(ledger.map((e) => [e.kind, Number(e.amount), e.note])).toEqual([
      ['deposit', 250_000, 'wire 2026-12'],
      ['adjustment', -50_000, 'duplicate wire'],
    ]);

    // A debit below zero is refused as the ledger refuses it (200007), and changes nothing.
    await page.getByLabel('Adjustment (USD, negative to debit)').fill('-100');
    await page.getByLabel('Reason for the adjustment').fill('too much');
    await submitForm(page, 'Adjust');
    expect(await alertText(page)).toMatch(/^200007 Insufficient account balance/);
    // A deposit without a reason is refused too.
    const noReason = await page.evaluate(async (id) => {
      const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
      const r = await fetch(`/console/operator/merchants/${id}/deposit`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, amount: '10', reason: ' ' }) });
      return { status: r.status, text: await r.text() };
    }, made.id);
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('A deposit needs a reason');
    expect(await balanceThroughApi(made.accessCode)).toBe(200_000);
    expect(await ledgerOf(made.id)).toHaveLength(2);

    await page.goto(`${server.baseUrl}/console/operator/merchants/${made.id}`);
    await expectHeading(page, made.name);
    await screenshot(page, 'operator-merchant-desktop');

    // The list finds it by name and by access code; a search for nothing says so.
    await page.goto(`${server.baseUrl}/console/operator/merchants`);
    await page.getByLabel('Name or access code').fill('harbour');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?q=harbour');
    expect(await page.locator('tbody').innerText()).toContain(made.name);
    await page.goto(`${server.baseUrl}/console/operator/merchants?q=${made.accessCode.slice(4, 20)}`);
    expect(await page.locator('tbody').innerText()).toContain(made.name);
    await page.goto(`${server.baseUrl}/console/operator/merchants?q=no-such-merchant`);
    expect(await page.locator('tbody').innerText()).toBe('No merchant matches this search.');
    await page.goto(`${server.baseUrl}/console/operator/merchants`);
    await screenshot(page, 'operator-merchants-desktop');
    await context.close();

    const phone = await operatorPage(PHONE);
    await phone.page.goto(`${server.baseUrl}/console/operator/merchants`);
    await expectHeading(phone.page, 'Merchants');
    await screenshot(phone.page, 'operator-merchants-phone');
    await phone.page.goto(`${server.baseUrl}/console/operator/merchants/${made.id}`);
    await expectHeading(phone.page, made.name);
    // Nothing wider than the phone but the tables' own scrolling boxes.
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'operator-merchant-phone');
    await phone.context.close();
  });

  it('changes the signature policy, rate limit and IP block list, and the partner API honours each at once', async () => {
    const { context, page } = await operatorPage();
    const merchantUrl = `${server.baseUrl}/console/operator/merchants/${made.id}`;
    const unsigned = () => call(server, esimPaths.balance, {}, { accessCode: made.accessCode });
    const signed = () => call(server, esimPaths.balance, {}, { accessCode: made.accessCode, secretKey: made.secretKey });
    // Unlimited: a burst of requests all pass.
    for (const r of await Promise.all([signed(), signed(), signed()])) expectSuccess(r);

    await page.goto(merchantUrl);
    await page.getByLabel('Signature policy').selectOption('required');
    await page.getByLabel('Rate limit (requests a second)').fill('1');
    await page.getByLabel('Burst (requests)').fill('1');
    await submitForm(page, 'Save');
    expect(await notice(page)).toContain('The API settings are saved');
    expect(await page.locator('.op-facts').innerText()).toMatch(/required[\s\S]*1 a second \(bursts of 1\)/);

    expect(expectFailure(await unsigned())).toBe('000101');
    const burst = await Promise.all([signed(), signed(), signed()]);
    const codes = burst.map((r) => (r.json.success ? 'ok' : r.json.errorCode));
    expect(codes.filter((c) => c === '900001').length).toBeGreaterThanOrEqual(2);

    // A bad rate is refused with the verb's code, and the settings stay.
    await page.getByLabel('Rate limit (requests a second)').fill('-2');
    await submitForm(page, 'Save');
    expect(await alertText(page)).toMatch(/^000107 the rate limit must be/);

    await page.goto(merchantUrl);
    await page.getByLabel('Blocked IPs').fill('203.0.113.0/24\n127.0.0.1');
    await submitForm(page, 'Save block list');
    expect(await notice(page)).toContain('The IP block list is saved');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a fresh token in the bucket
    expect(expectFailure(await signed())).toBe('101002');
    await page.getByLabel('Blocked IPs').fill('not-an-ip');
    await submitForm(page, 'Save block list');
    expect(await alertText(page)).toBe('000107 not an IP or CIDR block: not-an-ip');

    // Back to open: no block list, optional signatures, unlimited.
    await page.goto(merchantUrl);
    await page.getByLabel('Blocked IPs').fill('');
    await submitForm(page, 'Save block list');
    expect(await notice(page)).toContain('The IP block list is saved');
    await page.getByLabel('Signature policy').selectOption('optional');
    await page.getByLabel('Rate limit (requests a second)').fill('0');
    await page.getByLabel('Burst (requests)').fill('1');
    await submitForm(page, 'Save');
    expect(await notice(page)).toContain('The API settings are saved');
    for (const r of await Promise.all([unsigned(), unsigned(), signed()])) expectSuccess(r);
    await context.close();
  });

  it('disables a merchant: the API refuses its access code as unknown (000101) and its console user is refused; enabling restores both', async () => {
    const partner = await consoleUser(server, { merchantAccessCode: made.accessCode });
    const p = await openPage(browser);
    await logIn(p.page, server, partner.email);
    await expectHeading(p.page, 'Dashboard');

    const { context, page } = await operatorPage();
    await page.goto(`${server.baseUrl}/console/operator/merchants/${made.id}`);
    await submitForm(page, 'Disable merchant');
    expect(await notice(page)).toContain('The merchant is disabled');
    const refused = await call(server, esimPaths.balance, {}, { accessCode: made.accessCode });
    expect(expectFailure(refused)).toBe('000101');
    expect(refused.json.errorMsg).toBe('Req Header:[RT-AccessCode] is invalid');
    const response = await p.page.goto(`${server.baseUrl}/console/dashboard`);
    expect(response?.status()).toBe(403);
    await expectHeading(p.page, 'Account disabled');
    await page.goto(`${server.baseUrl}/console/operator/merchants?q=harbour`);
    expect(await page.locator('tbody').innerText()).toContain('Disabled');

    await page.goto(`${server.baseUrl}/console/operator/merchants/${made.id}`);
    await submitForm(page, 'Enable merchant');
    expect(await notice(page)).toBe('The merchant is enabled again.');
    expect(await balanceThroughApi(made.accessCode)).toBe(200_000);
    await p.page.goto(`${server.baseUrl}/console/dashboard`);
    await expectHeading(p.page, 'Dashboard');
    await context.close();
    await p.context.close();
  });
});

describe('operator: catalogue and inventory', () => {
  it('imports a CSV price list through the upload form, and changes a price that package/list then answers', async () => {
    const { context, page } = await operatorPage();
    await page.goto(`${server.baseUrl}/console/operator/catalogue`);
    await expectHeading(page, 'Catalogue');
    await page.getByLabel('Catalogue file').setInputFiles({ name: 'catalog.csv', mimeType: 'text/csv', buffer: example('catalog.csv') });
    await submitForm(page, 'Import catalogue');
    expect(await notice(page)).toMatch(/^Imported 9 packages and \d+ locations\./);

    await page.getByLabel('Code, slug or name').fill('EX-JP');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody').innerText()).toMatch(/EX-JP-1-7\s+Japan 1GB 7Days\s+JP\s+\$4\.50/);
    await screenshot(page, 'operator-catalogue-desktop');

    await page.getByRole('link', { name: 'EX-JP-1-7' }).click();
    await expectHeading(page, 'Japan 1GB 7Days');
    await page.getByLabel('Price (USD)', { exact: true }).fill('5');
    await submitForm(page, 'Save price');
    expect(await notice(page)).toContain('The price is saved');
    const probe = await server.merchant({ name: 'Catalogue probe' });
    const listed = expectSuccess(await call(server, esimPaths.packageList, { packageCode: 'EX-JP-1-7', type: 'BASE' }, as(probe)), null);
    expect(listed.packageList.map((p: any) => [p.packageCode, p.price])).toEqual([['EX-JP-1-7', 50_000]]);

    // A broken file is refused with its row, and imports nothing.
    await page.goto(`${server.baseUrl}/console/operator/catalogue`);
    await page.getByLabel('Catalogue file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(example('catalog.csv').toString().replace('EX_US_3_15,EX-US-3-15', 'EX_US_3_15,EX-US-X').replace(',15,', ',-1,')) });
    await submitForm(page, 'Import catalogue');
    expect(await alertText(page)).toMatch(/^Cannot import bad\.csv: row \d+: /);
    const stored = await server.runtime.ctx.db.kysely.selectFrom('packages').select('code').where('code', '=', 'EX-US-X').execute();
    expect(stored).toEqual([]);
    await context.close();
  });

  it('imports profiles through the upload form and shows the stock per package', async () => {
    const { context, page } = await operatorPage();
    await page.goto(`${server.baseUrl}/console/operator/inventory`);
    await expectHeading(page, 'Inventory');
    expect(await page.locator('tbody').innerText()).toContain('No inventory');
    await page.getByLabel('Inventory file').setInputFiles({ name: 'inventory.csv', mimeType: 'text/csv', buffer: example('inventory.csv') });
    await page.getByLabel('Package (for rows without packageCode)').fill('EX-JP-1-7');
    await submitForm(page, 'Import profiles');
    expect(await notice(page)).toBe('Imported 3 profiles (0 already present) for EX-JP-1-7.');
    expect(await page.locator('tbody').innerText()).toMatch(/EX-JP-1-7\s+3\s+0\s+3/);

    // An order of that plan takes a profile from the stock.
    const buyer = await server.merchant({ name: 'Stock buyer', balance: 1_000_000 });
    const { esims } = await orderAndWait(server, buyer, { packageInfoList: [{ packageCode: 'EX-JP-1-7', count: 1, price: 50_000 }] });
    expect(esims[0].iccid).toMatch(/^898100000000001/);
    await page.reload();
    expect(await page.locator('tbody').innerText()).toMatch(/EX-JP-1-7\s+2\s+1\s+3/);
    await screenshot(page, 'operator-inventory-desktop');

    // A bad row refuses the file with its row number.
    await page.getByLabel('Inventory file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('iccid,imsi,ac,packageCode\n123,440101000001009,LPA:1$x$y,EX-JP-1-7\n') });
    await submitForm(page, 'Import profiles');
    expect(await alertText(page)).toBe('Cannot import broken.csv: row 2: iccid must be 18-20 digits');
    await context.close();
  });
});

describe('operator: orders, eSIMs and webhooks across merchants', () => {
  let north: Merchant;
  let south: Merchant;
  let northOrder: { orderNo: string; esims: any[] };
  let southOrder: { orderNo: string; esims: any[] };

  it('lists the orders and eSIMs of two merchants, filters them, and opens read-only details', async () => {
    north = await server.merchant({ name: 'North Shop', balance: 10_000_000 });
    south = await server.merchant({ name: 'South Shop', balance: 10_000_000 });
    // North's webhooks arrive; South's endpoint fails every delivery after its health check.
    const good = await startReceiver();
    const bad = await startReceiver();
    receivers.push(good, bad);
    expectSuccess(await call(server, '/api/v1/open/webhook/save', { webhook: good.url }, as(north)));
    expectSuccess(await call(server, '/api/v1/open/webhook/save', { webhook: bad.url }, as(south)));
    bad.failNext(1000);
    const jp = await packageBySlug(server, north, 'JP_1_7');
    northOrder = await orderAndWait(server, north, { packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] });
    southOrder = await orderAndWait(server, south, { packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] });

    const { context, page } = await operatorPage();
    await page.goto(`${server.baseUrl}/console/operator/orders`);
    await expectHeading(page, 'Orders');
    const all = await page.locator('tbody').innerText();
    expect(all).toContain(northOrder.orderNo);
    expect(all).toContain(southOrder.orderNo);
    expect(all).toContain('North Shop');
    expect(all).toContain('South Shop');

    await page.getByLabel('Merchant').selectOption({ label: 'South Shop' });
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain(southOrder.orderNo);
    expect(new URL(page.url()).searchParams.get('merchant')).toBe(String(south.id));

    await page.getByRole('link', { name: southOrder.orderNo }).click();
    await expectHeading(page, `Order ${southOrder.orderNo}`);
    expect(await page.locator('.op-facts').innerText()).toContain('South Shop');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    const esim = southOrder.esims[0];
    await page.getByRole('link', { name: esim.esimTranNo }).click();
    await expectHeading(page, `eSIM ${esim.esimTranNo}`);
    expect(await page.locator('.op-facts').innerText()).toContain(esim.iccid);
    expect(await page.locator('tbody').innerText()).toContain('GOT_RESOURCE');
    // Read only: no form on the page but the sign-out ones.
    expect(await page.locator('main form').count()).toBe(0);

    await page.goto(`${server.baseUrl}/console/operator/esims?q=${northOrder.esims[0].iccid}`);
    await expectHeading(page, 'eSIMs');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain('North Shop');
    await page.goto(`${server.baseUrl}/console/operator/esims?merchant=${south.id}&status=GOT_RESOURCE`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.goto(`${server.baseUrl}/console/operator/esims?status=REVOKE`);
    expect(await page.locator('tbody').innerText()).toBe('No eSIM matches these filters.');
    await context.close();
  });

  it('shows webhook delivery health per merchant and the recent failures', async () => {
    const { context, page } = await operatorPage();
    const row = (name: string) => page.locator('table.op-health tbody tr', { hasText: name });
    // Columns: merchant, URL, pending, oldest pending, delivered, failed, no URL.
    const cells = async (name: string) => (await row(name).locator('td').allInnerTexts()).map((t) => t.trim());
    await expect
      .poll(
        async () => {
          await page.goto(`${server.baseUrl}/console/operator/webhooks`);
          const [north, south] = [await cells('North Shop'), await cells('South Shop')];
          return Number(north[3]) > 0 && Number(south[4]) > 0;
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(true);
    await expectHeading(page, 'Webhook delivery');
    const south = await cells('South Shop');
    expect(south[0]).toContain('/hook');
    expect(await row('South Shop').getAttribute('class')).toContain('op-attention');
    const failures = await page.locator('section[aria-labelledby="failures"] tbody').innerText();
    expect(failures).toContain('South Shop');
    expect(failures).toContain('HTTP 500');
    expect(failures).not.toContain('North Shop');

    // A slow endpoint: its event waits (each attempt times out after 2 s), pending with an age.
    const slowShop = await server.merchant({ name: 'Slow Shop', balance: 1_000_000 });
    const slow = await startReceiver();
    receivers.push(slow);
    expectSuccess(await call(server, '/api/v1/open/webhook/save', { webhook: slow.url }, as(slowShop)));
    slow.delayMs = 5_000;
    await orderAndWait(server, slowShop, { packageInfoList: [{ packageCode: (await packageBySlug(server, slowShop, 'JP_1_7')).packageCode, count: 1 }] });
    await expect
      .poll(
        async () => {
          await page.goto(`${server.baseUrl}/console/operator/webhooks`);
          const cellsNow = await cells('Slow Shop');
          return `${cellsNow[1]} ${cellsNow[2]}`;
        },
        { timeout: 5_000, interval: 200 },
      )
      .toMatch(/^1 \d+ s$/);
    await screenshot(page, 'operator-webhooks-desktop');

    // The overview counts them too.
    await page.goto(`${server.baseUrl}/console/operator`);
    await expectHeading(page, 'Overview');
    const figures = await page.locator('.stats').innerText();
    expect(figures).toMatch(/Webhooks failed\s+[1-9]/);
    expect(figures).toContain('Balances held');

    await page.goto(`${server.baseUrl}/console/operator/webhooks?merchant=${north.id}`);
    await expect.poll(() => page.locator('table.op-health tbody tr').count()).toBe(1);
    expect(await page.locator('section[aria-labelledby="failures"] tbody').innerText()).toBe('No delivery has failed.');
    await context.close();

    const phone = await operatorPage(PHONE);
    await phone.page.goto(`${server.baseUrl}/console/operator/webhooks`);
    await expectHeading(phone.page, 'Webhook delivery');
    await screenshot(phone.page, 'operator-webhooks-phone');
    await phone.context.close();
  });
});

describe('operator pages: who may not', () => {
  /** Every operator route with real values for its parameters. */
  function concretePaths() {
    const values: Record<string, string> = { id: String(made.id), code: 'EX-JP-1-7' };
    return [...operatorRoutes, ...operatorAdminRoutes].map((r) => ({
      method: r.method,
      path: r.path.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? 'x'),
    }));
  }
  /** What a form would send to each action: enough that the operator's own POST would change something. */
  const FORM: Record<string, string> = {
    name: 'Intruder',
    amount: '1000',
    reason: 'intrusion',
    adjustAmount: '1000',
    adjustReason: 'intrusion',
    signaturePolicy: 'off',
    rateLimit: '0',
    ipBlocklist: '10.0.0.1',
    price: '0.01',
    file: 'iccid,imsi,ac\n898100000000009999,440101000009999,LPA:1$x$y\n',
    package: 'EX-JP-1-7',
  };

  async function snapshot() {
    const db = server.runtime.ctx.db.kysely;
    const [merchants, ledger, price, profiles, row] = await Promise.all([
      db.selectFrom('merchants').select(['id']).execute(),
      db.selectFrom('ledger_entries').select(['id']).execute(),
      db.selectFrom('packages').select(['price']).where('code', '=', 'EX-JP-1-7').executeTakeFirstOrThrow(),
      db.selectFrom('profiles').select(['id']).execute(),
      db.selectFrom('merchants').select(['signature_policy', 'rate_limit', 'ip_blocklist', 'disabled']).where('id', '=', made.id).executeTakeFirstOrThrow(),
    ]);
    return { merchants: merchants.length, ledger: ledger.length, price: price.price, profiles: profiles.length, row };
  }

  async function send(method: string, path: string, cookie: string | undefined, form?: Record<string, string>) {
    return fetch(`${server.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
  }

  it('refuses a partner session on every operator page and action (403), changing nothing', async () => {
    const partner = await consoleUser(server, { merchantAccessCode: made.accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, partner.email);
    await expectHeading(page, 'Dashboard');
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const csrf = await page.locator('aside input[name="_csrf"]').first().inputValue();
    const before = await snapshot();
    const routes = concretePaths();
    expect(routes.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(9);
    expect(routes.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(11);
    for (const route of routes) {
      const response = route.method === 'GET' ? await send('GET', route.path, cookie) : await send('POST', route.path, cookie, { _csrf: csrf, ...FORM });
      expect(response.status, `${route.method} ${route.path}`).toBe(403);
      expect(await response.text(), `${route.method} ${route.path}`).toContain('This page is for operator accounts.');
    }
    expect(await snapshot()).toEqual(before);
    // And in the browser: the page says so.
    await page.goto(`${server.baseUrl}/console/operator/merchants`);
    await expectHeading(page, 'Operators only');
    await context.close();
  });

  it('refuses an operator POST without its CSRF token, and sends the signed-out to the login page', async () => {
    const { context, page } = await operatorPage();
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const before = await snapshot();
    for (const route of concretePaths().filter((r) => r.method === 'POST')) {
      const response = await send('POST', route.path, cookie, FORM);
      expect(response.status, route.path).toBe(403);
      expect(await response.text()).toContain('This form is out of date or came from another site.');
    }
    expect(await snapshot()).toEqual(before);

    for (const route of concretePaths()) {
      const response = route.method === 'GET' ? await send('GET', route.path, undefined) : await send('POST', route.path, undefined, FORM);
      expect(response.status, `${route.method} ${route.path}`).toBe(303);
      const location = response.headers.get('location');
      expect(location).toBe(route.method === 'GET' ? `/console/login?next=${encodeURIComponent(route.path)}` : '/console/login?next=%2Fconsole');
    }
    expect(await snapshot()).toEqual(before);
    // A stale link is a 404 page, not an error.
    for (const path of ['/console/operator/merchants/999999', '/console/operator/orders/NOPE', '/console/operator/esims/NOPE', '/console/operator/catalogue/NOPE']) {
      const response = await send('GET', path, cookie);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('Not found');
    }
    // The operator's own token works (the same form, with it, is done).
    const csrf = await page.locator('aside input[name="_csrf"]').first().inputValue();
    const deposit = await send('POST', `/console/operator/merchants/${made.id}/deposit`, cookie, { _csrf: csrf, amount: '1', reason: 'token check' });
    expect(deposit.status).toBe(303);
    expect(await balanceThroughApi(made.accessCode)).toBe(210_000);
    await context.close();
  });
});
