import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCsv } from '../src/console/pages/account/balance.js';
import { depositFunds } from '../src/domain/merchants/deposit.js';
import { consoleUser, expectHeading, launchBrowser, logIn, openPage, PHONE, screenshot, sessionCookie } from './support/browser.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { client, DAY } from './support/sandbox.js';

// The balance statement in a real browser: the ledger with a running balance, a date range,
// and the CSV export downloaded through the page's link, whose running balance ends at what
// balance/query answers.

let server: TestServer;
let browser: Browser;
let merchant: { accessCode: string; id: number };
let orderNos: string[] = [];
let cheapest: string;
let othersOrderNo: string;

/** The CSV as rows of fields (no field of these tests holds a comma or a quote). */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

const units = (usd: string) => Math.round(Number(usd) * 10_000);

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  browser = await launchBrowser();
  merchant = await server.merchant({ name: 'Ledger Travel', balance: 1_000_000 });
  const plan = await server.runtime.ctx.db.kysely.selectFrom('packages').select('code').where('type', '=', 'BASE').orderBy('price').executeTakeFirstOrThrow();
  cheapest = plan.code;
  // Entries on two days of the merchant's clock: a deposit and an order today, an order three days on.
  const api = client(server, merchant.accessCode);
  await depositFunds({ ctx: server.runtime.ctx, input: { accessCode: merchant.accessCode, amount: 123_456, note: 'wire March' } });
  orderNos.push((await api.order(cheapest)).orderNo);
  await api.advance(3 * DAY);
  orderNos.push((await api.order(cheapest)).orderNo);
  // Another merchant's entries must never show.
  const other = await server.merchant({ name: 'Other Ledger', balance: 500_000 });
  othersOrderNo = (await client(server, other.accessCode).order(cheapest)).orderNo;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('console balance statement', () => {
  it('shows the ledger newest first with a running balance, and exports it as CSV whose running balance ends at balance/query', async () => {
    const user = await consoleUser(server, { merchantAccessCode: merchant.accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    await page.getByRole('link', { name: 'Balance' }).click();
    await expectHeading(page, 'Balance');
    const balance = (await call(server, '/api/v1/open/balance/query', {}, { accessCode: merchant.accessCode })).json.obj.balance as number;

    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    // Newest first: the second order is on top, its balance is the balance.
    const top = await rows.first().locator('td').allInnerTexts();
    expect(top[1]).toBe('order');
    expect(top[2]).toBe(orderNos[1]);
    expect(top[5]).toBe(formatUsd(balance));
    expect(await page.locator('main').innerText()).not.toContain(othersOrderNo);
    await screenshot(page, 'balance-desktop');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^ledger-[0-9a-f]{8}-start-to-\d{4}-\d\d-\d\d\.csv$/);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(csv[0]).toEqual(['id', 'time_utc', 'kind', 'reference', 'note', 'amount_usd', 'balance_usd']);
    const lines = csv.slice(1);
    expect(lines.some((l) => l.includes(othersOrderNo))).toBe(false);
    expect(lines.map((l) => l[2])).toEqual(['deposit', 'deposit', 'order', 'order']);
    expect(lines[0]![5]).toBe('100.0000');
    expect(lines[1]![5]).toBe('12.3456');
    expect(lines[1]![4]).toBe('wire March');
    let running = 0;
    for (const line of lines) {
      expect(line[5]).toMatch(/^-?\d+\.\d{4}$/);
      running += units(line[5]!);
      expect(units(line[6]!)).toBe(running);
    }
    expect(running).toBe(balance);
    await context.close();
  });

  it('filters by a date range (page and CSV alike), pages, and answers the CSV with its type and file name', async () => {
    const user = await consoleUser(server, { merchantAccessCode: merchant.accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    await page.goto(`${server.baseUrl}/console/balance`);
    const later = new Date(Date.now() + 3 * DAY * 1000).toISOString().slice(0, 10);
    await page.getByLabel('From (UTC day)').fill(later);
    await page.getByRole('button', { name: 'Show entries' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe(later);
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(1);
    expect(await page.locator('table tbody tr td').nth(2).innerText()).toBe(orderNos[1]);

    // The CSV link carries the same filter and gives the same rows; the running balance still counts every earlier entry.
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toBe(`/console/balance.csv?from=${later}`);
    const cookie = `esimkit_session=${(await sessionCookie(context))!.value}`;
    const answer = await fetch(`${server.baseUrl}${href}`, { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="ledger-[0-9a-f]{8}-${later}-to-\\d{4}-\\d\\d-\\d\\d\\.csv"$`));
    const csv = parseCsv(await answer.text());
    expect(csv).toHaveLength(2);
    expect(csv[1]![3]).toBe(orderNos[1]);
    const balance = (await call(server, '/api/v1/open/balance/query', {}, { accessCode: merchant.accessCode })).json.obj.balance as number;
    expect(units(csv[1]![6]!)).toBe(balance);

    // Before that day: the other three; an empty range says so.
    await page.goto(`${server.baseUrl}/console/balance?to=${new Date().toISOString().slice(0, 10)}`);
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(3);
    await page.goto(`${server.baseUrl}/console/balance?from=2001-01-01&to=2001-01-02`);
    await expect.poll(() => page.locator('main').innerText()).toContain('No ledger entry in this period.');

    // Signed out: the CSV is not served.
    const anonymous = await fetch(`${server.baseUrl}/console/balance.csv`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);

    await page.setViewportSize(PHONE);
    await page.goto(`${server.baseUrl}/console/balance`);
    await expectHeading(page, 'Balance');
    await screenshot(page, 'balance-phone');
    await context.close();
  });

  it('quotes CSV fields that need it and defuses text a spreadsheet would run as a formula', () => {
    const line = { id: 1, at: new Date('2026-03-01T10:00:00Z'), kind: 'adjustment', reference: '=HYPERLINK("x")', note: 'refund, "late"', amount: -5, balance: 123_456_789 };
    expect(statementCsv([line]).split('\r\n')[1]).toBe(`1,2026-03-01T10:00:00.000Z,adjustment,"'=HYPERLINK(""x"")","refund, ""late""",-0.0005,12345.6789`);
  });

  it('pages through a long statement, newest first, each page continuing the running balance', async () => {
    const many = await server.merchant({ name: 'Many Entries' });
    for (let i = 1; i <= 55; i++) await depositFunds({ ctx: server.runtime.ctx, input: { accessCode: many.accessCode, amount: i * 100 } });
    const user = await consoleUser(server, { merchantAccessCode: many.accessCode });
    const { context, page } = await openPage(browser);
    await logIn(page, server, user.email);
    await page.goto(`${server.baseUrl}/console/balance`);
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(50);
    const total = (55 * 56 * 100) / 2;
    expect(await page.locator('table tbody tr').first().locator('td').nth(5).innerText()).toBe(formatUsd(total));
    await page.getByRole('link', { name: 'Older' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe('2');
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(5);
    // The oldest entry (100 units) ends the statement with a balance of 100.
    expect(await page.locator('table tbody tr').last().locator('td').nth(5).innerText()).toBe(formatUsd(100));
    // The top of page 2 is the balance after the 5th deposit.
    expect(await page.locator('table tbody tr').first().locator('td').nth(5).innerText()).toBe(formatUsd((5 * 6 * 100) / 2));
    await context.close();
  });
});

/** As the page shows money (formatUnits). */
function formatUsd(units: number): string {
  const whole = Math.floor(units / 10_000);
  let fraction = String(units % 10_000).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `$${whole}.${fraction}`;
}
