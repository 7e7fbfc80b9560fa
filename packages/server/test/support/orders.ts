import { expect } from 'vitest';
import { ledgerSum, type CreatedMerchant } from '../../src/index.js';
import { openMerchantSecrets } from '../../src/domain/merchants/secrets.js';
import { call, paths, startTestServer, type CallOptions, type CallResult, type TestServer } from './harness.js';

// Shared helpers of the order and eSIM lifecycle tests: paths, a server with fast allocation,
// ordering with a poll (with a deadline) for the asynchronous allocation, and DB look-ups.

export const esimPaths = {
  ...paths,
  order: '/api/v1/open/esim/order',
  query: '/api/v1/open/esim/query',
  cancel: '/api/v1/open/esim/cancel',
  suspend: '/api/v1/open/esim/suspend',
  unsuspend: '/api/v1/open/esim/unsuspend',
  revoke: '/api/v1/open/esim/revoke',
  topup: '/api/v1/open/esim/topup',
  usage: '/api/v1/open/esim/usage/query',
  sendSms: '/api/v1/open/esim/sendSms',
  smsList: '/api/v1/esimkit/esim/sms/list',
  events: '/api/v1/esimkit/esim/events',
} as const;

export type Merchant = CreatedMerchant;

/** Response time format: `YYYY-MM-DDTHH:mm:ss+0000`. */
export const WIRE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/;
export const DAY_MS = 24 * 3600_000;

/** A test server on a fresh database, allocating at once unless `env` says otherwise. */
export async function startEsimServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ env: { ALLOCATION_DELAY_MS: '0', ...env } });
}

export function as(merchant: Merchant, extra: CallOptions = {}): CallOptions {
  return { accessCode: merchant.accessCode, ...extra };
}

/** Asserts a successful envelope with the endpoint's success code and returns obj. */
export function expectSuccess(result: CallResult, successCode: string | null = '0'): any {
  if (result.status !== 200 || !result.json || result.json.success !== true) throw new Error(`expected success, got ${result.status}: ${result.text}`);
  expect(result.json.errorCode).toBe(successCode);
  expect(result.json.errorMsg).toBeNull();
  expect(result.json.errorMessage).toBeNull();
  return result.json.obj;
}

export interface PackageInfo {
  packageCode?: string;
  slug?: string;
  count: number;
  price?: number;
  periodNum?: number;
}

let transactionCounter = 0;
export function newTransactionId(prefix = 'txn'): string {
  transactionCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${transactionCounter}`;
}

/** Places an order that must be accepted; returns its orderNo. */
export async function placeOrder(server: TestServer, merchant: Merchant, body: { transactionId?: string; amount?: number; packageInfoList: PackageInfo[] }): Promise<string> {
  const result = await call(server, esimPaths.order, { transactionId: newTransactionId(), ...body }, as(merchant));
  const obj = expectSuccess(result, null);
  return obj.orderNo as string;
}

/** Polls esim/query by orderNo until allocation is over (anything but 200010), with a deadline. */
export async function waitForOrder(server: TestServer, merchant: Merchant, orderNo: string, timeoutMs = 10_000): Promise<CallResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await call(server, esimPaths.query, { orderNo, pager: { pageNum: 1, pageSize: 500 } }, as(merchant));
    if (result.json?.errorCode !== '200010') return result;
    if (Date.now() > deadline) throw new Error(`order ${orderNo} still allocating after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Orders and waits for the eSIMs; returns the orderNo and the allocated eSIM items. */
export async function orderAndWait(
  server: TestServer,
  merchant: Merchant,
  body: { transactionId?: string; amount?: number; packageInfoList: PackageInfo[] },
): Promise<{ orderNo: string; esims: any[] }> {
  const orderNo = await placeOrder(server, merchant, body);
  const result = await waitForOrder(server, merchant, orderNo);
  const obj = expectSuccess(result);
  return { orderNo, esims: obj.esimList };
}

/** One allocated eSIM of `packageCode` (a code or slug). */
export async function orderOne(server: TestServer, merchant: Merchant, packageCode: string, extra: Omit<PackageInfo, 'count' | 'packageCode'> = {}): Promise<any> {
  const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode, count: 1, ...extra }] });
  expect(esims).toHaveLength(1);
  return esims[0];
}

/** esim/query by esimTranNo: the eSIM as the merchant sees it now. */
export async function queryEsim(server: TestServer, merchant: Merchant, esimTranNo: string): Promise<any> {
  const obj = expectSuccess(await call(server, esimPaths.query, { esimTranNo }, as(merchant)));
  expect(obj.esimList).toHaveLength(1);
  return obj.esimList[0];
}

/** A package as package/list shows it (base plans; `type: 'TOPUP'` for top-ups). */
export async function packageBySlug(server: TestServer, merchant: Merchant, slug: string, type: 'BASE' | 'TOPUP' = 'BASE'): Promise<any> {
  const obj = expectSuccess(await call(server, esimPaths.packageList, { slug, type }, as(merchant)), null);
  const found = obj.packageList.find((p: any) => p.slug === slug);
  if (!found) throw new Error(`${type} package ${slug} not listed`);
  return found;
}

export async function esimIdOf(server: TestServer, esimTranNo: string): Promise<number> {
  const row = await server.runtime.ctx.db.kysely.selectFrom('esims').select('id').where('esim_tran_no', '=', esimTranNo).executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The merchant's row as stored, with its secrets opened beside the sealed columns. */
export async function merchantRow(server: TestServer, merchant: Merchant) {
  const ctx = server.runtime.ctx;
  const row = await ctx.db.kysely.selectFrom('merchants').selectAll().where('access_code_hash', '=', ctx.secrets.hashAccessCode(merchant.accessCode)).executeTakeFirstOrThrow();
  return { ...row, ...openMerchantSecrets(ctx.secrets, row) };
}

/** The balance as balance/query answers it. */
export async function balanceOf(server: TestServer, merchant: Merchant): Promise<number> {
  return expectSuccess(await call(server, esimPaths.balance, {}, as(merchant))).balance;
}

/** Asserts the merchant's cached balance equals the sum of its ledger, and returns it. */
export async function expectLedgerConsistent(server: TestServer, merchant: Merchant): Promise<number> {
  const row = await merchantRow(server, merchant);
  expect(await ledgerSum(server.runtime.ctx.db.kysely, Number(row.id))).toBe(row.balance);
  return row.balance;
}

export async function ledgerEntries(server: TestServer, merchant: Merchant) {
  return server.runtime.ctx.db.kysely.selectFrom('ledger_entries').selectAll().where('merchant_id', '=', merchant.id).orderBy('id').execute();
}

export async function setMerchantFlags(server: TestServer, merchant: Merchant, set: { fail_allocations?: number; allocation_delay_ms?: number | null }): Promise<void> {
  await server.runtime.ctx.db.kysely.updateTable('merchants').set(set).where('access_code_hash', '=', server.runtime.ctx.secrets.hashAccessCode(merchant.accessCode)).execute();
}

/** ITU-T E.118 check digit. Written here independently of the server's implementation. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** `body` completed with its Luhn check digit. */
export function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (isLuhnValid(body + d)) return body + d;
  throw new Error(`not digits: ${body}`);
}

/** `yyMMddHHmm` of a UTC time. */
export function minuteStampOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
}

export function parseWire(text: string): number {
  return Date.parse(text.replace(/\+0000$/, 'Z'));
}
