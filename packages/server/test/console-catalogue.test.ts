import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browsePackages } from '../src/domain/catalog/browse-packages.js';
import { favouritePackageCodes } from '../src/domain/catalog/favourites.js';
import type { MerchantContext } from '../src/domain/context.js';
import { findMerchantByAccessCode } from '../src/domain/merchants/find.js';
import { systemClock } from '../src/lib/clock.js';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, sessionCookie } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';

// The console's catalogue in a real browser: browse by country, filters, a plan's page,
// favourites (a merchant's own), and what keeps other merchants and other sites out.

let server: TestServer;
let browser: Browser;
let accessCode: string;
let country: { code: string; name: string };

/** The merchant as domain reads see it, to compare the page with the verbs. */
async function merchantCtx(code: string): Promise<MerchantContext> {
  const merchant = (await findMerchantByAccessCode(server.runtime.ctx, code))!;
  return { ...server.runtime.ctx, merchant, clock: systemClock };
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  accessCode = (await server.merchant({ name: 'Catalogue Travel' })).accessCode;
  // A country with several plans of its own, found in the seeded catalogue.
  const db = server.runtime.ctx.db.kysely;
  const busiest = await db
    .selectFrom('packages')
    .select((eb) => ['location_code', eb.fn.countAll<number>().as('n')])
    .where('scope', '=', 'country')
    .where('type', '=', 'BASE')
    .groupBy('location_code')
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow();
  const location = await db.selectFrom('locations').select(['code', 'name']).where('code', '=', busiest.location_code).executeTakeFirstOrThrow();
  country = { code: location.code, name: location.name };
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('console catalogue', () => {
  it('browses by country, opens a plan, favourites and unfavourites it', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    await page.getByRole('link', { name: 'Catalogue' }).click();
    await expectHeading(page, 'Catalogue');
    await screenshot(page, 'catalogue-desktop');

    await page.getByText('Browse by country or region').click();
    await page.getByRole('link', { name: country.name, exact: true }).first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('location')).toBe(country.code);
    const ctx = await merchantCtx(accessCode);
    const expected = await browsePackages({ ctx, input: { locationCode: country.code, pageSize: 50 } });
    expect(expected.total).toBeGreaterThan(1);
    await expect.poll(() => page.locator('h2#plans').innerText()).toContain(`${expected.total} plans`);
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(Math.min(50, expected.total));
    for (const text of await page.locator('table tbody tr td:nth-child(2)').allInnerTexts()) expect(text).toBe(country.code);

    const plan = expected.rows[0]!;
    await page.getByRole('link', { name: plan.name, exact: true }).first().click();
    await expectHeading(page, plan.name);
    expect(new URL(page.url()).pathname).toBe(`/console/catalogue/${plan.packageCode}`);
    expect(await page.locator('.acct-facts').innerText()).toContain(plan.packageCode);
    expect(await page.getByRole('link', { name: 'Order this plan' }).getAttribute('href')).toBe(`/console/orders/new?packageCode=${plan.packageCode}`);

    await page.getByRole('button', { name: `Add ${plan.name} to favourites` }).click();
    await expect.poll(() => page.getByRole('button', { name: `Remove ${plan.name} from favourites` }).count()).toBe(1);
    expect([...(await favouritePackageCodes({ ctx }))]).toEqual([plan.packageCode]);
    await screenshot(page, 'catalogue-plan-desktop');

    // Favourites only: just this plan.
    await page.goto(`${server.baseUrl}/console/catalogue?favourites=1`);
    await expect.poll(() => page.locator('h2#plans').innerText()).toContain('1 plan');
    expect(await page.locator('table tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: `Remove ${plan.name} from favourites` }).click();
    await expect.poll(() => page.locator('h2#plans').innerText()).toContain('0 plans');
    expect(new URL(page.url()).searchParams.get('favourites')).toBe('1');
    expect((await favouritePackageCodes({ ctx })).size).toBe(0);
    await context.close();
  });

  it('filters by type, data, days, price and words, all in the query string', async () => {
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    await page.goto(`${server.baseUrl}/console/catalogue`);
    await page.getByLabel('Country or region').selectOption(country.code);
    await page.getByLabel('Data from (GB)').fill('1');
    await page.getByLabel('Days up to').fill('30');
    await page.getByLabel('Price up to (USD)').fill('20');
    await page.getByRole('button', { name: 'Show plans' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('maxPrice')).toBe('20');
    const ctx = await merchantCtx(accessCode);
    const expected = await browsePackages({ ctx, input: { locationCode: country.code, minVolume: 1024 ** 3, maxDuration: 30, maxPrice: 200_000 } });
    await expect.poll(() => page.locator('h2#plans').innerText()).toMatch(new RegExp(`^${expected.total} plans?`));
    for (const p of expected.rows) {
      expect(p.price).toBeLessThanOrEqual(200_000);
      expect(p.duration).toBeLessThanOrEqual(30);
      expect(p.volume).toBeGreaterThanOrEqual(1024 ** 3);
    }
    // The same list again from its link.
    await page.goto(page.url());
    await expect.poll(() => page.locator('h2#plans').innerText()).toMatch(new RegExp(`^${expected.total} plans?`));
    expect(await page.getByLabel('Price up to (USD)').inputValue()).toBe('20');

    // Sorted by price, lowest first: the page's prices never go down.
    await page.getByLabel('Sort').selectOption('price');
    await page.getByRole('button', { name: 'Show plans' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('price');
    const prices = (await page.locator('table tbody tr td:nth-child(5)').allInnerTexts()).map((t) => Number(t.replace('$', '')));
    expect(prices.length).toBe(Math.min(50, expected.total));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));

    // Top-ups, and words.
    await page.goto(`${server.baseUrl}/console/catalogue?type=TOPUP&q=${encodeURIComponent(country.code)}`);
    const topups = await browsePackages({ ctx, input: { type: 'TOPUP', text: country.code } });
    await expect.poll(() => page.locator('h2#plans').innerText()).toMatch(new RegExp(`^${topups.total} plans?`));
    expect(await page.getByLabel('Type').inputValue()).toBe('TOPUP');

    // Phone width: the same page, usable.
    await page.setViewportSize(PHONE);
    await page.goto(`${server.baseUrl}/console/catalogue?location=${country.code}`);
    await expectHeading(page, 'Catalogue');
    await screenshot(page, 'catalogue-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });

  it("keeps favourites per merchant, refuses a favourite POST without CSRF, and answers an unknown plan with 404", async () => {
    const mine = await merchantCtx(accessCode);
    const other = await server.merchant({ name: 'Other Travel' });
    const plan = (await browsePackages({ ctx: mine, input: { locationCode: country.code } })).rows[0]!;
    const user = await consoleUser(server, { merchantAccessCode: accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    await page.goto(`${server.baseUrl}/console/catalogue/${plan.packageCode}`);
    await page.getByRole('button', { name: `Add ${plan.name} to favourites` }).click();
    await expect.poll(async () => (await favouritePackageCodes({ ctx: mine })).has(plan.packageCode)).toBe(true);

    // The other merchant's user sees no favourite.
    const otherUser = await consoleUser(server, { merchantAccessCode: other.accessCode });
    const second = await openPage(browser);
    await logIn(second.page, server, otherUser.email);
    await second.page.goto(`${server.baseUrl}/console/catalogue?favourites=1`);
    await expect.poll(() => second.page.locator('h2#plans').innerText()).toContain('0 plans');
    await second.context.close();

    // A POST without the form's token changes nothing.
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const forged = await fetch(`${server.baseUrl}/console/catalogue/${plan.packageCode}/unfavourite`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'back=%2Fconsole',
    });
    expect(forged.status).toBe(403);
    expect((await favouritePackageCodes({ ctx: mine })).has(plan.packageCode)).toBe(true);

    // Favouriting an unknown plan answers as the API would (310241); its page is a 404.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const unknown = await fetch(`${server.baseUrl}/console/catalogue/NOPE-0/favourite`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, back: '/console/catalogue' }).toString(),
    });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('310241');
    const missing = await page.goto(`${server.baseUrl}/console/catalogue/NOPE-0`);
    expect(missing?.status()).toBe(404);
    await context.close();
  });
});
