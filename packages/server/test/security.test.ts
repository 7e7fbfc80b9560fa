import type { Endpoint } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedMerchant } from '../src/index.js';
import { partnerRoutes } from '../src/http/routes/index.js';
import { sandboxRoutes } from '../src/http/routes/sandbox.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import {
  expectAccessCodeRequired,
  expectBlockedIp,
  expectForeignReferencesHidden,
  expectRateLimited,
  expectSignatureRequired,
  referenceFields,
  signedCall,
  type PreparedCall,
} from './support/security.js';

// One security suite over every route the server registers (partner, esimkit and sandbox):
// each gets the checks of support/security.ts with a body that succeeds. The suite loops over
// the server's own route lists, so a new route without an entry in PREPARE fails here.

type Merchant = CreatedMerchant;
const PLAN = 'JP_1_7'; // reloadable, takes SMS

let server: TestServer;
let receiver: Receiver;
let caller: Merchant; // names the others' eSIMs and orders
let owner: Merchant; // owns them
let signer: Merchant; // signature policy `required`
let blocked: Merchant; // blocks the loopback address the tests call from
let topupCode: string;

/** A call that must succeed; signed, so it works under every policy. */
async function ok(m: Merchant, path: string, body: unknown = {}): Promise<any> {
  const result = await signedCall(server, m, path, body);
  if (!result.json?.success) throw new Error(`${path} failed for setup: ${result.text}`);
  return result.json.obj;
}

async function waitForAllocation(m: Merchant, orderNo: string): Promise<any> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await signedCall(server, m, '/api/v1/open/esim/query', { orderNo });
    if (result.json?.success) return result.json.obj.esimList[0];
    if (result.json?.errorCode !== '200010') throw new Error(`allocation of ${orderNo}: ${result.text}`);
    if (Date.now() > deadline) throw new Error(`${orderNo} still allocating`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let transactions = 0;
const newTransactionId = () => `sec-${process.pid}-${Date.now()}-${++transactions}`;

/** A new eSIM of PLAN: GOT_RESOURCE, RELEASED. */
async function newEsim(m: Merchant) {
  const { orderNo } = await ok(m, '/api/v1/open/esim/order', { transactionId: newTransactionId(), packageInfoList: [{ packageCode: PLAN, count: 1 }] });
  const esim = await waitForAllocation(m, orderNo);
  return { esimTranNo: esim.esimTranNo as string, iccid: esim.iccid as string, orderNo };
}

/** An eSIM installed on a simulated device: IN_USE, ENABLED. */
async function installedEsim(m: Merchant) {
  const esim = await newEsim(m);
  await ok(m, '/sandbox/v1/esim/install', { esimTranNo: esim.esimTranNo });
  return esim;
}

/** A new eSIM and the notifyId of its ORDER_STATUS event. */
async function orderStatusEvent(m: Merchant) {
  const esim = await newEsim(m);
  const event = await server.runtime.ctx.db.kysely
    .selectFrom('webhook_events')
    .select('notify_id')
    .where('merchant_id', '=', m.id)
    .where('notify_type', '=', 'ORDER_STATUS')
    .where('body', 'like', `%${esim.orderNo}%`)
    .executeTakeFirstOrThrow();
  return { esim, notifyId: event.notify_id };
}

const withEsim = (make: (m: Merchant) => Promise<PreparedCall['esim'] & {}>, body: (e: { esimTranNo: string }) => Record<string, unknown> = (e) => ({ esimTranNo: e.esimTranNo })) =>
  async (m: Merchant): Promise<PreparedCall> => {
    const esim = await make(m);
    return { body: body(esim), esim };
  };

/** For each route, by path: what a call needs to succeed for merchant `m`, and its body. */
const PREPARE: Record<string, (m: Merchant) => Promise<PreparedCall>> = {
  // partner API
  '/api/v1/open/package/list': withEsim(newEsim, (e) => ({ type: 'TOPUP', esimTranNo: e.esimTranNo })),
  '/api/v1/open/esim/order': async () => ({ body: { transactionId: newTransactionId(), packageInfoList: [{ packageCode: PLAN, count: 1 }] } }),
  '/api/v1/open/esim/query': async (m) => {
    const esim = await newEsim(m);
    return { body: { orderNo: esim.orderNo }, esim };
  },
  '/api/v1/open/esim/cancel': withEsim(newEsim),
  '/api/v1/open/esim/suspend': withEsim(installedEsim),
  '/api/v1/open/esim/unsuspend': withEsim(async (m) => {
    const esim = await installedEsim(m);
    await ok(m, '/api/v1/open/esim/suspend', { esimTranNo: esim.esimTranNo });
    return esim;
  }),
  '/api/v1/open/esim/revoke': withEsim(newEsim),
  '/api/v1/open/balance/query': async () => ({ body: {} }),
  '/api/v1/open/esim/topup': withEsim(newEsim, (e) => ({ esimTranNo: e.esimTranNo, packageCode: topupCode, transactionId: newTransactionId() })),
  '/api/v1/open/esim/sendSms': withEsim(installedEsim, (e) => ({ esimTranNo: e.esimTranNo, message: 'security suite' })),
  '/api/v1/open/esim/usage/query': withEsim(newEsim, (e) => ({ esimTranNoList: [e.esimTranNo] })),
  '/api/v1/open/location/list': async () => ({ body: {} }),
  '/api/v1/open/webhook/save': async () => ({ body: { webhook: receiver.url } }),
  '/api/v1/open/webhook/query': async () => ({ body: {} }),
  // esimkit extensions
  '/api/v1/esimkit/esim/sms/list': withEsim(newEsim),
  '/api/v1/esimkit/esim/events': withEsim(newEsim),
  '/api/v1/esimkit/webhook/log': async (m) => {
    const { esim, notifyId } = await orderStatusEvent(m);
    return { body: { notifyId }, esim, notifyId, filters: true };
  },
  '/api/v1/esimkit/webhook/redeliver': async (m) => {
    // Redelivery needs a webhook URL.
    await ok(m, '/api/v1/open/webhook/save', { webhook: receiver.url });
    const { esim, notifyId } = await orderStatusEvent(m);
    return { body: { notifyId }, esim, notifyId };
  },
  '/api/v1/esimkit/webhook/secret/rotate': async () => ({ body: {} }),
  '/api/v1/esimkit/webhook/secret/disable': async () => ({ body: {} }),
  // sandbox
  '/sandbox/v1/clock/get': async () => ({ body: {} }),
  '/sandbox/v1/clock/advance': async () => ({ body: { seconds: 1 } }),
  '/sandbox/v1/esim/install': withEsim(newEsim),
  '/sandbox/v1/esim/disable': withEsim(installedEsim),
  '/sandbox/v1/esim/enable': withEsim(async (m) => {
    const esim = await installedEsim(m);
    await ok(m, '/sandbox/v1/esim/disable', { esimTranNo: esim.esimTranNo });
    return esim;
  }),
  '/sandbox/v1/esim/delete': withEsim(installedEsim),
  '/sandbox/v1/esim/attach': withEsim(installedEsim),
  '/sandbox/v1/esim/consume': withEsim(installedEsim, (e) => ({ esimTranNo: e.esimTranNo, bytes: 1_000_000 })),
  '/sandbox/v1/esim/sms/receive': withEsim(installedEsim, (e) => ({ esimTranNo: e.esimTranNo, message: 'to the device' })),
  '/sandbox/v1/esim/sms/send': withEsim(installedEsim, (e) => ({ esimTranNo: e.esimTranNo, message: 'from the device', to: '+447700900123' })),
  // A rule for an endpoint the signer no longer calls (faults/clear, next, removes it).
  '/sandbox/v1/faults/set': async () => ({ body: { rules: [{ endpoint: 'esim.cancel', errorCode: '200002', count: 1 }] } }),
  '/sandbox/v1/faults/get': async () => ({ body: {} }),
  '/sandbox/v1/faults/clear': async () => ({ body: {} }),
  '/sandbox/v1/funds/deposit': async () => ({ body: { amount: 10_000 } }),
  // Last in the list: it empties the signer's sandbox, which no later route needs.
  '/sandbox/v1/reset': async () => ({ body: { balance: 100_000_000 } }),
};

const registered: Endpoint[] = [...partnerRoutes, ...sandboxRoutes].map((r) => r.endpoint);

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0', ESIMKIT_MODE: 'sandbox' } });
  caller = await server.merchant({ balance: 100_000_000 });
  owner = await server.merchant({ balance: 100_000_000 });
  signer = await server.merchant({ balance: 100_000_000, signaturePolicy: 'required' });
  blocked = await server.merchant({ balance: 100_000_000, ipBlocklist: ['127.0.0.1', '::1'] });
  // The caller has a webhook URL, so redeliver reaches its look-up of the notifyId.
  await ok(caller, '/api/v1/open/webhook/save', { webhook: receiver.url });
  const topups = await ok(caller, '/api/v1/open/package/list', { type: 'TOPUP', slug: PLAN });
  topupCode = topups.packageList[0].packageCode;
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('the suite covers every route', () => {
  it('has a prepared body for every route the server registers, and none for a route it does not', () => {
    expect(registered.length).toBeGreaterThan(30);
    const paths: string[] = registered.map((e) => e.path);
    expect(paths.filter((p) => !(p in PREPARE)), 'routes without an entry in PREPARE').toEqual([]);
    expect(Object.keys(PREPARE).filter((p) => !paths.includes(p)), 'entries for routes that do not exist').toEqual([]);
  });
});

describe.each(registered.map((e) => [e.path, e] as const))('%s', (path, endpoint) => {
  const prepare = PREPARE[path];
  const takesReferences = referenceFields(endpoint).length > 0;
  let theirs: PreparedCall;
  let signers: PreparedCall;

  beforeAll(async () => {
    if (!prepare) throw new Error(`no entry for ${path} in PREPARE`);
    theirs = await prepare(owner);
    signers = await prepare(signer);
  });

  it('answers 000101 without an access code or with an unknown one', async () => {
    await expectAccessCodeRequired(server, endpoint, owner, theirs.body);
  });

  it('answers 101002 to an IP the merchant blocks', async () => {
    await expectBlockedIp(server, endpoint, blocked, theirs.body);
  });

  it('answers 900001 with Retry-After past the rate limit', async () => {
    await expectRateLimited(server, endpoint, theirs.body);
  });

  it('under `required`: unsigned 000101, wrong signature 101003, stale 101001, replay 101001', async () => {
    const ok = await expectSignatureRequired(server, endpoint, signer, signers.body);
    // An order is allocated in the background: let it finish before the next route looks.
    if (ok.json.obj?.orderNo) await waitForAllocation(signer, ok.json.obj.orderNo);
  });

  if (takesReferences) {
    it('answers another merchant’s eSIM, order or event exactly as a missing one, changing nothing', async () => {
      await expectForeignReferencesHidden(server, endpoint, caller, owner, theirs);
    });
  }
});
