import { randomUUID } from 'node:crypto';
import type { Endpoint } from '@esimkit/contract';
import { expect } from 'vitest';
import type { CreatedMerchant } from '../../src/index.js';
import { call, expectFailure, type CallOptions, type CallResult, type TestServer } from './harness.js';
import { withLuhn } from './orders.js';

// The security checks every route gets, over real HTTP: the request-level refusals
// (access code, blocked IP, rate limit, signatures under `required`) and, for routes that
// name an eSIM, an order or a webhook event, that another merchant's gets exactly the answer
// a non-existent one gets and changes nothing. Each refusal is checked against the database:
// the merchants' balances and ledgers, orders, eSIMs and everything hanging off them.

type Merchant = CreatedMerchant;
type Body = Record<string, unknown>;

/** The request fields that name something a merchant owns, and what a missing one answers. */
export const REFERENCE_FIELDS = {
  esimTranNo: { kind: 'esim', missingCode: '310403' },
  iccid: { kind: 'esim', missingCode: '310403' },
  esimTranNoList: { kind: 'esim', missingCode: '310403' },
  orderNo: { kind: 'order', missingCode: '310272' },
  notifyId: { kind: 'event', missingCode: '310403' },
} as const;
export type ReferenceField = keyof typeof REFERENCE_FIELDS;

/** Values that name nothing in any merchant's data (well-formed, so validation passes). */
const MISSING: Record<ReferenceField, unknown> = {
  esimTranNo: '99999999999999999999',
  iccid: withLuhn('898524299999999999'),
  esimTranNoList: ['99999999999999999999'],
  orderNo: 'B99999999999999',
  notifyId: 'f'.repeat(32),
};

/** The reference fields an endpoint's request takes. */
export function referenceFields(endpoint: Endpoint): ReferenceField[] {
  const shape = (endpoint.request as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.keys(shape).filter((k): k is ReferenceField => k in REFERENCE_FIELDS);
}

/** A body that succeeds for its merchant, and the values of what it names. */
export interface PreparedCall {
  body: Body;
  esim?: { esimTranNo: string; iccid: string; orderNo: string };
  notifyId?: string;
  /** The references filter a list (webhook/log's notifyId): a missing one is an empty list, not a refusal. */
  filters?: boolean;
}

/** A request signed with the merchant's secret (verified under `optional`, needed under `required`). */
export function signedCall(server: TestServer, merchant: Merchant, path: string, body: unknown, extra: CallOptions = {}): Promise<CallResult> {
  return call(server, path, body, { accessCode: merchant.accessCode, secretKey: merchant.secretKey, ...extra });
}

/** What a refusal must leave untouched: the merchants' money and everything they own. */
export async function snapshot(server: TestServer, merchantIds: number[]) {
  const db = server.runtime.ctx.db.kysely;
  await settleWebhooks(server, merchantIds);
  const [merchants, ledger, orders, esims, esimPackages, events, topups, sms, webhooks, faults] = await Promise.all([
    db.selectFrom('merchants').select(['id', 'balance', 'webhook_url', 'webhook_secret_sealed', 'faults_active', 'busy_share']).where('id', 'in', merchantIds).orderBy('id').execute(),
    db.selectFrom('ledger_entries').select(['id', 'merchant_id', 'amount', 'kind', 'reference']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
    db.selectFrom('orders').select(['id', 'merchant_id', 'status', 'amount']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
    db
      .selectFrom('esims')
      .select(['id', 'merchant_id', 'esim_status', 'smdp_status', 'eid', 'total_volume', 'total_duration', 'network_usage', 'expired_time', 'activated_at', 'installed_at'])
      .where('merchant_id', 'in', merchantIds)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('esim_packages')
      .innerJoin('esims', 'esims.id', 'esim_packages.esim_id')
      .select(['esim_packages.id', 'esim_packages.package_code'])
      .where('esims.merchant_id', 'in', merchantIds)
      .orderBy('esim_packages.id')
      .execute(),
    db.selectFrom('esim_events').select(['id', 'esim_id', 'to_value']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
    db.selectFrom('topups').select(['id', 'esim_id']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
    db.selectFrom('sms_messages').select(['id', 'esim_id']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
    db.selectFrom('webhook_events').select(['id', 'notify_id', 'status', 'delivered_at']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
    db.selectFrom('fault_rules').select(['id', 'remaining']).where('merchant_id', 'in', merchantIds).orderBy('id').execute(),
  ]);
  return { merchants, ledger, orders, esims, esimPackages, events, topups, sms, webhooks, faults };
}

/** Waits for webhook deliveries in flight, so that a snapshot sees only what requests did. */
async function settleWebhooks(server: TestServer, merchantIds: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pending = await server.runtime.ctx.db.kysely
      .selectFrom('webhook_events')
      .select('id')
      .where('merchant_id', 'in', merchantIds)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (!pending) return;
    if (Date.now() > deadline) throw new Error('webhook deliveries still pending after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `act` and asserts that nothing the merchants own changed. */
export async function expectNoChange(server: TestServer, merchantIds: number[], what: string, act: () => Promise<void>): Promise<void> {
  const before = await snapshot(server, merchantIds);
  await act();
  expect(await snapshot(server, merchantIds), `${what} changed the database`).toEqual(before);
}

function expectCode(result: CallResult, code: string, what: string): void {
  let actual: string;
  try {
    actual = expectFailure(result);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
  expect(actual, `${what}: ${result.text}`).toBe(code);
}

/** No RT-AccessCode, or one no merchant has: 000101, before anything else. */
export async function expectAccessCodeRequired(server: TestServer, endpoint: Endpoint, owner: Merchant, body: Body): Promise<void> {
  await expectNoChange(server, [owner.id], `${endpoint.path} without a valid access code`, async () => {
    expectCode(await call(server, endpoint.path, body), '000101', `${endpoint.path} without RT-AccessCode`);
    expectCode(await call(server, endpoint.path, body, { accessCode: `unknown-${randomUUID()}` }), '000101', `${endpoint.path} with an unknown access code`);
    // A well-formed signature over the body does not stand in for a known access code.
    expectCode(await call(server, endpoint.path, body, { accessCode: `unknown-${randomUUID()}`, secretKey: owner.secretKey }), '000101', `${endpoint.path} signed, unknown access code`);
  });
}

/** A caller whose IP the merchant blocks: 101002, even with a valid signature. */
export async function expectBlockedIp(server: TestServer, endpoint: Endpoint, blocked: Merchant, body: Body): Promise<void> {
  await expectNoChange(server, [blocked.id], `${endpoint.path} from a blocked IP`, async () => {
    expectCode(await signedCall(server, blocked, endpoint.path, body), '101002', `${endpoint.path} from a blocked IP`);
  });
}

/** Past the merchant's rate: 900001 with Retry-After, before the body is read. */
export async function expectRateLimited(server: TestServer, endpoint: Endpoint, body: Body): Promise<void> {
  const limited = await server.merchant({ rateLimit: 1, rateBurst: 1 });
  // The one token goes to a request whose body cannot be parsed: it passes the limit and stops at 000104.
  expectCode(await call(server, endpoint.path, '{', { accessCode: limited.accessCode }), '000104', `${endpoint.path} first request of the second`);
  await expectNoChange(server, [limited.id], `${endpoint.path} past the rate limit`, async () => {
    const result = await call(server, endpoint.path, body, { accessCode: limited.accessCode });
    expectCode(result, '900001', `${endpoint.path} past the rate limit`);
    expect(Number(result.headers.get('retry-after')), `${endpoint.path} Retry-After`).toBeGreaterThanOrEqual(1);
  });
}

/**
 * Under `required`: unsigned 000101, wrong signature 101003, stale timestamp 101001, none of
 * which changes anything; then the same body correctly signed succeeds (so the refusals were
 * the signature's doing), and that exact request sent again is a replay, 101001.
 * Returns the successful answer.
 */
export async function expectSignatureRequired(server: TestServer, endpoint: Endpoint, signer: Merchant, body: Body): Promise<CallResult> {
  expect(signer.signaturePolicy).toBe('required');
  const path = endpoint.path;
  await expectNoChange(server, [signer.id], `${path} with a bad signature`, async () => {
    const unsigned = await call(server, path, body, { accessCode: signer.accessCode });
    expectCode(unsigned, '000101', `${path} unsigned under required`);
    expect(unsigned.json.errorMsg).toMatch(/RT-Signature/);
    expectCode(await signedCall(server, signer, path, body, { secretKey: `not-${signer.secretKey}` }), '101003', `${path} wrongly signed`);
    expectCode(await signedCall(server, signer, path, body, { secretKey: signer.accessCode }), '101003', `${path} signed with the access code`);
    const stale = String(Date.now() - 10 * 60_000);
    expectCode(await signedCall(server, signer, path, body, { timestamp: stale }), '101001', `${path} with a stale timestamp`);
    const future = String(Math.floor((Date.now() + 10 * 60_000) / 1000));
    expectCode(await signedCall(server, signer, path, body, { timestamp: future }), '101001', `${path} with a timestamp from the future`);
  });
  const timestamp = String(Date.now());
  const requestId = randomUUID();
  const ok = await signedCall(server, signer, path, body, { timestamp, requestId });
  expect(ok.json?.success, `${path} correctly signed: ${ok.text}`).toBe(true);
  const replay = await signedCall(server, signer, path, body, { timestamp, requestId });
  expectCode(replay, '101001', `${path} replayed`);
  expect(replay.json.errorMsg).toMatch(/already used|replay/i);
  return ok;
}

/** The message with the reference's value blanked, so answers about two values compare. */
function normalised(result: CallResult, value: unknown): unknown {
  const values = (Array.isArray(value) ? value : [value]).map(String);
  let text = result.text;
  for (const v of values) text = text.split(v).join('<ref>');
  return JSON.parse(text);
}

/**
 * For each reference field the endpoint takes: `caller` naming `owner`'s eSIM, order or
 * event (one the owner could act on: `foreign` succeeds for the owner) gets exactly the answer
 * a non-existent one gets, the documented code, and nothing of either merchant changes.
 */
export async function expectForeignReferencesHidden(
  server: TestServer,
  endpoint: Endpoint,
  caller: Merchant,
  owner: Merchant,
  foreign: PreparedCall,
): Promise<void> {
  const fields = referenceFields(endpoint);
  expect(fields.length, `${endpoint.path} takes no reference`).toBeGreaterThan(0);
  const base = Object.fromEntries(Object.entries(foreign.body).filter(([k]) => !(k in REFERENCE_FIELDS)));
  for (const field of fields) {
    const value = foreignValue(foreign, field);
    expect(value, `${endpoint.path}: the prepared call gives no ${field}`).toBeDefined();
    const { missingCode } = REFERENCE_FIELDS[field];
    await expectNoChange(server, [caller.id, owner.id], `${endpoint.path} naming another merchant's ${field}`, async () => {
      const theirs = await signedCall(server, caller, endpoint.path, { ...base, [field]: value });
      const missing = await signedCall(server, caller, endpoint.path, { ...base, [field]: MISSING[field] });
      if (foreign.filters) {
        expect(missing.json?.success, `${endpoint.path} filtered by a non-existent ${field}: ${missing.text}`).toBe(true);
        expect(JSON.stringify(theirs.json?.obj), `${endpoint.path} shows another merchant's ${field}`).not.toContain(String(value));
      } else {
        expectCode(missing, missingCode, `${endpoint.path} naming a non-existent ${field}`);
        expectCode(theirs, missingCode, `${endpoint.path} naming another merchant's ${field}`);
      }
      expect(normalised(theirs, value), `${endpoint.path}: another merchant's ${field} is told apart from a missing one`).toEqual(
        normalised(missing, MISSING[field]),
      );
    });
  }
}

function foreignValue(prepared: PreparedCall, field: ReferenceField): unknown {
  switch (field) {
    case 'esimTranNo':
      return prepared.esim?.esimTranNo;
    case 'iccid':
      return prepared.esim?.iccid;
    case 'esimTranNoList':
      return prepared.esim ? [prepared.esim.esimTranNo] : undefined;
    case 'orderNo':
      return prepared.esim?.orderNo;
    case 'notifyId':
      return prepared.notifyId;
  }
}
