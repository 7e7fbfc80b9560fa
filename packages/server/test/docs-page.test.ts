import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApi, buildOpenApi, computeSignature, endpoints, errorCodes, extensionEndpoints, sandboxEndpoints, webhookEventSchemas } from '@esimkit/contract';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDocsPage } from '../src/http/docs/page.js';
import { startTestServer, type TestServer } from './support/harness.js';

// /docs as a reader sees it: a real server, opened in Debian's Chromium. The page must render
// (headings per endpoint and event, tables, no markdown left raw), every in-page link must
// land somewhere, and nothing may be fetched but the page itself. CI installs Chromium
// (.ci/run); without it this file fails rather than pass unseen.
// DOCS_SCREENSHOT_DIR=dir saves desktop and phone screenshots there, to look at.

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the /docs test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it)`);
  }
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(width: number, height: number): Promise<{ page: Page; requested: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: true });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  const response = await page.goto(`${server.baseUrl}/docs`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  return { page, requested };
}

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.DOCS_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

describe('/docs in Chromium', () => {
  let page: Page;
  let requested: string[];
  let text: string;

  beforeAll(async () => {
    ({ page, requested } = await open(1366, 900));
    text = await page.locator('body').innerText();
    await screenshot(page, 'desktop');
  });
  afterAll(() => page?.context().close());

  it('is self-contained: no script, nothing fetched but the page', async () => {
    expect(await page.locator('script').count()).toBe(0);
    expect(requested).toEqual([`${server.baseUrl}/docs`]);
  });

  it('has a heading for every endpoint, every webhook event and each part of the reference', async () => {
    const h3 = await page.locator('h3').allInnerTexts();
    for (const ep of [...endpoints, ...extensionEndpoints, ...sandboxEndpoints]) {
      expect(h3.map((h) => h.replace(/\s+/g, ' ').trim()), ep.path).toContain(`POST ${ep.path}`);
    }
    for (const type of Object.keys(webhookEventSchemas)) expect(h3).toContain(type);
    const h2 = await page.locator('h2').allInnerTexts();
    for (const title of ['Contents', 'Overview', 'Authentication and signing', 'Error codes', 'Partner API', 'esimkit additions', 'Sandbox API', 'Webhooks']) {
      expect(h2).toContain(title);
    }
  });

  it('renders tables, nested fields included, and no raw markdown', async () => {
    expect(await page.locator('table').count()).toBeGreaterThan(60);
    expect(text).not.toContain('|---');
    expect(text).not.toContain('| ---');
    expect(text).not.toContain('**');
    expect(text).not.toContain('`');
    expect(text).not.toMatch(/<\/?(code|table|td|p)>/);
    expect(text).not.toContain('9,007,199,254,740,991');
    const fields = await page.locator('table.fields td:first-child').allInnerTexts();
    for (const path of [
      'esimList[].packageList[].slug',
      'packageList[].locationNetworkList[].operatorList[].networkType',
      'locationList[].subLocationList[].code',
      'packageInfoList[].count',
      'eventList[].attemptList[].statusCode',
      'content.iccid',
    ]) {
      expect(fields, path).toContain(path);
    }
  });

  it('says what every field means', async () => {
    const rows = await page
      .locator('table.fields tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())));
    expect(rows.length).toBeGreaterThan(300);
    const unexplained = rows.filter((cells) => !cells.at(-1)).map((cells) => cells[0]);
    expect(unexplained).toEqual([]);
  });

  it('shows an example request and answer for every endpoint, as JSON', async () => {
    const count = endpoints.length + extensionEndpoints.length + sandboxEndpoints.length;
    const requests = page.locator('pre[aria-label^="example request for "]');
    const answers = page.locator('pre[aria-label^="example answer for "]');
    expect(await requests.count()).toBe(count);
    expect(await answers.count()).toBe(count);
    for (const block of await answers.allInnerTexts()) expect(JSON.parse(block)).toMatchObject({ success: true, errorMsg: null });
    const order = JSON.parse(await page.locator('pre[aria-label="example request for /api/v1/open/esim/order"]').innerText());
    expect(order.packageInfoList[0]).toMatchObject({ count: 1 });
  });

  it('lists every error code, and which endpoints answer it', async () => {
    const rows = await page.locator('table.errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText)));
    expect(rows.map((r) => r[0])).toEqual(Object.keys(errorCodes).sort());
    const byCode = new Map(rows.map((r) => [r[0], r[4]!]));
    expect(byCode.get('000101')).toBe('every endpoint');
    expect(byCode.get('200007')).toContain('esim/order');
    expect(byCode.get('200007')).toContain('esim/topup');
    expect(byCode.get('200007')).not.toContain('esim/query');
  });

  it('works the signing example through with the real signature function', async () => {
    const signature = computeSignature('1111', {
      timestamp: '1628670421',
      requestId: '4ce9d9cdac9e4e17b3a2c66c358c1ce2',
      accessCode: '11111',
      body: '{"imsi":"326543826"}',
    });
    expect(await page.locator('pre[aria-label="signature of the worked example"]').innerText()).toBe(signature);
    for (const policy of ['off', 'optional', 'warn', 'required']) expect(text).toMatch(new RegExp(`\\b${policy}\\b`));
    expect(text).toContain('X-Esimkit-Warning');
  });

  it('every in-page link, the contents first, lands on an element', async () => {
    const targets = await page.locator('a[href^="#"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!.slice(1)));
    const tocTargets = await page.locator('nav.toc a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(tocTargets.length).toBeGreaterThan(40);
    expect(tocTargets.every((href) => href?.startsWith('#'))).toBe(true);
    const missing = await page.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), [...new Set(targets)]);
    expect(missing).toEqual([]);
    const ids = await page.locator('[id]').evaluateAll((els) => els.map((el) => el.id));
    expect(ids.length).toBe(new Set(ids).size);

    await page.locator('nav.toc a[href="#ep-esim-topup"]').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#ep-esim-topup');
    const top = await page.locator('#ep-esim-topup').evaluate((el) => el.getBoundingClientRect().top);
    expect(Math.abs(top)).toBeLessThan(40);
  });
});

describe('/docs at phone width', () => {
  it('fits the screen: nothing wider than the viewport but scrollable code blocks', async () => {
    const { page } = await open(390, 844);
    try {
      await screenshot(page, 'phone');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // Tables stack their rows: a field row shows its column names.
      const cell = page.locator('table.fields td[data-label="type"]').first();
      expect(await cell.evaluate((td) => getComputedStyle(td).display)).toBe('block');
      await page.locator('#ep-esim-query').scrollIntoViewIfNeeded();
      await screenshot(page, 'phone-esim-query');
    } finally {
      await page.context().close();
    }
  });
});

describe('/docs of a production server', () => {
  it('leaves the sandbox API out, and says so', () => {
    const openApi = buildOpenApi([...endpoints, ...extensionEndpoints], { serverUrl: 'https://api.example.com', version: '1.0.0' });
    const html = renderDocsPage({ openApi, asyncApi: buildAsyncApi({ version: '1.0.0' }) });
    expect(html).toContain('<h3 id="ep-esim-order">');
    expect(html).not.toContain('/sandbox/v1/clock/get');
    expect(html).not.toContain('id="sandbox-api"');
    expect(html).toContain('production mode: the sandbox API is not served');
  });
});
