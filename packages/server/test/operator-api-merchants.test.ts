import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedgers } from '../src/domain/merchants/verify-ledger.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { opCall, ok, operatorToken, refusal } from './support/operator.js';

// The operator API's merchant endpoints over real HTTP: create, list, read, API settings, IP
// block list, disable/enable, deposit and adjustment with a reason, the ledger statement;
// each change seen by the partner API, each bad input answered with its documented code.

let server: TestServer;
let token: string;
const post = (path: string, body: unknown) => opCall(server, path, body, token);
const balanceQuery = (accessCode: string) => call(server, '/api/v1/open/balance/query', '', { accessCode });

beforeAll(async () => {
  server = await startTestServer({ env: { SEED_CATALOG: 'none' } });
  token = await operatorToken(server, ['merchants:read', 'merchants:write', 'funds:write']);
});
afterAll(() => server?.close());

async function newMerchant(name = `Op ${Math.random().toString(36).slice(2, 8)}`, extra: Record<string, unknown> = {}) {
  return ok(await post('merchant/create', { name, rateLimit: 0, signaturePolicy: 'optional', ...extra }));
}

describe('merchant/create, list and get', () => {
  it('creates a merchant whose credentials work on the partner API, answered once', async () => {
    const created = await newMerchant('Travel Op', { rateLimit: 5, rateBurst: 9, ipBlocklist: ['203.0.113.0/24'] });
    expect(created).toMatchObject({ name: 'Travel Op', signaturePolicy: 'optional', rateLimit: 5, rateBurst: 9, ipBlocklist: ['203.0.113.0/24'], disabled: false, balance: 0, webhookUrl: null });
    expect(created.merchantId).toBeGreaterThan(0);
    expect(created.secretKey).toMatch(/^[0-9a-f]{32}$/);
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(ok(await balanceQuery(created.accessCode))).toMatchObject({ balance: 0 });

    const got = ok(await post('merchant/get', { merchantId: created.merchantId }));
    const { secretKey: _secret, ...withoutSecret } = created;
    expect(got).toEqual(withoutSecret);
    expect(JSON.stringify(got)).not.toContain(created.secretKey);

    const list = ok(await post('merchant/list', {})).merchantList;
    expect(list.map((m: any) => m.merchantId)).toContain(created.merchantId);
    const found = ok(await post('merchant/list', { search: 'travel op' })).merchantList;
    expect(found).toEqual([{ merchantId: created.merchantId, name: 'Travel Op', accessCode: created.accessCode, signaturePolicy: 'optional', rateLimit: 5, balance: 0, disabled: false, createdAt: created.createdAt }]);
    expect(ok(await post('merchant/list', { search: 'no such merchant' })).merchantList).toEqual([]);
  });

  it('defaults as the CLI does: rate 8, burst 8, the mode’s signature policy', async () => {
    const created = ok(await post('merchant/create', { name: 'Defaults' }));
    expect(created).toMatchObject({ rateLimit: 8, rateBurst: 8, signaturePolicy: 'warn', ipBlocklist: [] });
  });

  it('refuses bad input with its code and creates nothing', async () => {
    const count = async () => ok(await post('merchant/list', {})).merchantList.length;
    const before = await count();
    expect(refusal(await post('merchant/create', {}))).toBe('000105');
    expect(refusal(await post('merchant/create', { name: '   ' }))).toBe('000106');
    expect(refusal(await post('merchant/create', { name: 'x'.repeat(201) }))).toBe('000107');
    expect(refusal(await post('merchant/create', { name: 'A', rateLimit: -1 }))).toBe('000104');
    expect(refusal(await post('merchant/create', { name: 'A', rateLimit: 'fast' }))).toBe('000104');
    expect(refusal(await post('merchant/create', { name: 'A', signaturePolicy: 'sometimes' }))).toBe('000104');
    const badIp = await post('merchant/create', { name: 'A', ipBlocklist: ['not-an-ip'] });
    expect(refusal(badIp)).toBe('000107');
    expect(badIp.json.errorMsg).toContain('not-an-ip');
    expect(refusal(await post('merchant/create', '{"name":'))).toBe('000104');
    expect(refusal(await post('merchant/create', '["name"]'))).toBe('000104');
    expect(await count()).toBe(before);
  });

  it('answers 800201 for a merchant that does not exist, 000104 for an id that is none', async () => {
    expect(refusal(await post('merchant/get', { merchantId: 999_999 }))).toBe('800201');
    expect(refusal(await post('merchant/get', { merchantId: 'one' }))).toBe('000104');
    expect(refusal(await post('merchant/get', { merchantId: 0 }))).toBe('000104');
    expect(refusal(await post('merchant/get', {}))).toBe('000105');
    for (const path of ['merchant/settings', 'merchant/blocklist', 'merchant/disable', 'merchant/enable', 'merchant/deposit', 'merchant/adjust', 'merchant/statement']) {
      const body = { merchantId: 999_999, ipBlocklist: [], amount: 100, reason: 'r' };
      expect(refusal(await post(path, body)), path).toBe('800201');
    }
  });
});

describe('how the partner API treats a merchant', () => {
  it('merchant/settings changes the signature policy and the rate limit for the next request', async () => {
    const m = await newMerchant();
    const changed = ok(await post('merchant/settings', { merchantId: m.merchantId, signaturePolicy: 'required', rateLimit: 1, rateBurst: 1 }));
    expect(changed).toMatchObject({ signaturePolicy: 'required', rateLimit: 1, rateBurst: 1 });
    // Required: an unsigned request is refused now.
    expect((await balanceQuery(m.accessCode)).json.errorCode).toBe('000101');
    ok(await post('merchant/settings', { merchantId: m.merchantId, signaturePolicy: 'off', rateLimit: 0 }));
    expect(ok(await balanceQuery(m.accessCode))).toMatchObject({ balance: 0 });
    expect(ok(await post('merchant/get', { merchantId: m.merchantId }))).toMatchObject({ signaturePolicy: 'off', rateLimit: 0, rateBurst: 1 });

    expect(refusal(await post('merchant/settings', { merchantId: m.merchantId, rateBurst: 3 }))).toBe('000104');
    expect(refusal(await post('merchant/settings', { merchantId: m.merchantId, signaturePolicy: 'maybe' }))).toBe('000104');
    expect(refusal(await post('merchant/settings', { merchantId: m.merchantId, rateLimit: 2, rateBurst: 0 }))).toBe('000104');
  });

  it('merchant/blocklist replaces the block list; the partner API refuses a blocked address with 101002', async () => {
    const m = await newMerchant();
    expect(ok(await post('merchant/blocklist', { merchantId: m.merchantId, ipBlocklist: ['127.0.0.0/8', ' 10.0.0.1 '] })).ipBlocklist).toEqual(['127.0.0.0/8', '10.0.0.1']);
    expect((await balanceQuery(m.accessCode)).json.errorCode).toBe('101002');
    expect(refusal(await post('merchant/blocklist', { merchantId: m.merchantId, ipBlocklist: ['300.1.1.1'] }))).toBe('000107');
    expect(refusal(await post('merchant/blocklist', { merchantId: m.merchantId }))).toBe('000105');
    expect(ok(await post('merchant/blocklist', { merchantId: m.merchantId, ipBlocklist: [] })).ipBlocklist).toEqual([]);
    expect(ok(await balanceQuery(m.accessCode))).toMatchObject({ balance: 0 });
  });

  it('merchant/disable refuses the access code (000101) until merchant/enable', async () => {
    const m = await newMerchant();
    expect(ok(await post('merchant/disable', { merchantId: m.merchantId })).disabled).toBe(true);
    expect((await balanceQuery(m.accessCode)).json.errorCode).toBe('000101');
    expect(ok(await post('merchant/disable', { merchantId: m.merchantId })).disabled).toBe(true);
    expect(ok(await post('merchant/enable', { merchantId: m.merchantId })).disabled).toBe(false);
    expect(ok(await balanceQuery(m.accessCode))).toMatchObject({ balance: 0 });
  });
});

describe('money: deposit, adjust, statement', () => {
  it('deposits and adjusts through the ledger, each with its reason, and the statement shows them with running balances', async () => {
    const m = await newMerchant();
    expect(ok(await post('merchant/deposit', { merchantId: m.merchantId, amount: 500_000, reason: 'wire 2026-12' }))).toEqual({ merchantId: m.merchantId, balance: 500_000 });
    expect(ok(await post('merchant/adjust', { merchantId: m.merchantId, amount: -120_000, reason: 'refund of a top-up' }))).toEqual({ merchantId: m.merchantId, balance: 380_000 });
    expect(ok(await post('merchant/adjust', { merchantId: m.merchantId, amount: 1, reason: 'rounding' })).balance).toBe(380_001);
    expect(ok(await balanceQuery(m.accessCode))).toMatchObject({ balance: 380_001 });

    const statement = ok(await post('merchant/statement', { merchantId: m.merchantId }));
    expect(statement).toMatchObject({ total: 3, pageNum: 1, pageSize: 50 });
    expect(statement.entryList.map((e: any) => [e.kind, e.amount, e.balance, e.note])).toEqual([
      ['adjustment', 1, 380_001, 'rounding'],
      ['adjustment', -120_000, 380_000, 'refund of a top-up'],
      ['deposit', 500_000, 500_000, 'wire 2026-12'],
    ]);
    expect(new Date(statement.entryList[0].time).toISOString()).toBe(statement.entryList[0].time);

    const second = ok(await post('merchant/statement', { merchantId: m.merchantId, pageNum: 2, pageSize: 1 }));
    expect(second).toMatchObject({ total: 3, pageNum: 2, pageSize: 1 });
    expect(second.entryList.map((e: any) => e.balance)).toEqual([380_000]);
    const future = ok(await post('merchant/statement', { merchantId: m.merchantId, from: new Date(Date.now() + 3_600_000).toISOString() }));
    expect(future).toMatchObject({ total: 0, entryList: [] });
    const past = ok(await post('merchant/statement', { merchantId: m.merchantId, to: '2000-01-01T00:00:00Z' }));
    expect(past.total).toBe(0);
    expect(refusal(await post('merchant/statement', { merchantId: m.merchantId, from: 'yesterday' }))).toBe('000104');
    expect(refusal(await post('merchant/statement', { merchantId: m.merchantId, pageSize: 501 }))).toBe('000104');
    expect((await verifyLedgers({ ctx: server.runtime.ctx })).every((c) => c.ok)).toBe(true);
  });

  it('refuses a debit past zero (200007), amounts of 0 or less, and entries without a reason, changing nothing', async () => {
    const m = await newMerchant();
    ok(await post('merchant/deposit', { merchantId: m.merchantId, amount: 10_000, reason: 'start' }));
    const overdraw = await post('merchant/adjust', { merchantId: m.merchantId, amount: -10_001, reason: 'too much' });
    expect(refusal(overdraw)).toBe('200007');
    expect(refusal(await post('merchant/adjust', { merchantId: m.merchantId, amount: 0, reason: 'nothing' }))).toBe('000104');
    expect(refusal(await post('merchant/adjust', { merchantId: m.merchantId, amount: 1.5, reason: 'half' }))).toBe('000104');
    expect(refusal(await post('merchant/adjust', { merchantId: m.merchantId, amount: 5 }))).toBe('000105');
    expect(refusal(await post('merchant/deposit', { merchantId: m.merchantId, amount: 0, reason: 'zero' }))).toBe('000104');
    expect(refusal(await post('merchant/deposit', { merchantId: m.merchantId, amount: -5, reason: 'negative' }))).toBe('000104');
    expect(refusal(await post('merchant/deposit', { merchantId: m.merchantId, amount: 5, reason: '' }))).toBe('000106');
    expect(refusal(await post('merchant/deposit', { merchantId: m.merchantId, amount: 5, reason: 'x'.repeat(501) }))).toBe('000107');
    const statement = ok(await post('merchant/statement', { merchantId: m.merchantId }));
    expect(statement.total).toBe(1);
    expect(ok(await balanceQuery(m.accessCode))).toMatchObject({ balance: 10_000 });
  });

  it('a token without funds:write cannot move money', async () => {
    const m = await newMerchant();
    const readOnly = await operatorToken(server, ['merchants:read', 'merchants:write']);
    expect(refusal(await opCall(server, 'merchant/deposit', { merchantId: m.merchantId, amount: 100, reason: 'r' }, readOnly))).toBe('800103');
    expect(ok(await opCall(server, 'merchant/statement', { merchantId: m.merchantId }, readOnly)).total).toBe(0);
  });
});
