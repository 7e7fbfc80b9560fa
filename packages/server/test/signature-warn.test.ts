import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, paths, startTestServer, type CallOptions, type TestServer } from './support/harness.js';

// The `warn` signature policy (docs/decisions.md): the live service does not enforce
// signatures, so a client that signs wrongly works there. Under `warn` esimkit serves such a
// request too, and says what was wrong in an X-Esimkit-Warning header.
let server: TestServer;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;

beforeAll(async () => {
  server = await startTestServer();
  merchant = await server.merchant({ balance: 70_000, signaturePolicy: 'warn' });
});
afterAll(() => server?.close());

const balance = (options: Omit<CallOptions, 'accessCode'>) => call(server, paths.balance, '{}', { accessCode: merchant.accessCode, ...options });

function servedWithWarning(result: Awaited<ReturnType<typeof call>>, code: string): string {
  expect(result.json).toMatchObject({ success: true, obj: { balance: 70_000 } });
  const warning = result.headers.get('x-esimkit-warning');
  expect(warning).not.toBeNull();
  expect(warning!.startsWith(`${code} `)).toBe(true);
  return warning!;
}

describe('warn policy: every signature problem is served, and named', () => {
  it('a wrong signature: 101003', async () => {
    expect(servedWithWarning(await balance({ secretKey: 'not-the-secret' }), '101003')).toMatch(/signature mismatch/i);
  });

  it('a signature keyed with the access code: 101003 saying so', async () => {
    const warning = servedWithWarning(await balance({ secretKey: merchant.accessCode }), '101003');
    expect(warning).toMatch(/access code as the key/);
  });

  it('a stale timestamp: 101001', async () => {
    const warning = servedWithWarning(await balance({ secretKey: merchant.secretKey, timestamp: String(Date.now() - 3_600_000) }), '101001');
    expect(warning).toMatch(/expired/);
  });

  it('a reused RequestID: 101001 naming the replay', async () => {
    const requestId = randomUUID();
    const timestamp = String(Date.now());
    const first = await balance({ secretKey: merchant.secretKey, requestId, timestamp });
    expect(first.json.success).toBe(true);
    expect(first.headers.get('x-esimkit-warning')).toBeNull();
    expect(servedWithWarning(await balance({ secretKey: merchant.secretKey, requestId, timestamp }), '101001')).toMatch(/replay/);
  });

  it('malformed headers: 000102 for a non-numeric timestamp or a RequestID that is no UUID', async () => {
    expect(servedWithWarning(await balance({ secretKey: merchant.secretKey, timestamp: 'yesterday' }), '000102')).toContain('RT-Timestamp');
    expect(servedWithWarning(await balance({ secretKey: merchant.secretKey, requestId: 'req-1' }), '000102')).toContain('RT-RequestID');
  });

  it('a signature without its RT-Timestamp: 000101 naming the header', async () => {
    const result = await balance({ headers: { 'RT-Signature': 'ab'.repeat(32), 'RT-RequestID': randomUUID() } });
    expect(servedWithWarning(result, '000101')).toContain('RT-Timestamp');
  });

  it('the warning rides on a refusal for another reason too', async () => {
    const result = await call(server, paths.packageList, '{"type":"NOPE"}', { accessCode: merchant.accessCode, secretKey: 'wrong' });
    expect(expectFailure(result)).toBe('000104');
    expect(result.headers.get('x-esimkit-warning')).toMatch(/^101003 /);
  });

  it('a correct signature, or none, carries no warning', async () => {
    for (const options of [{ secretKey: merchant.secretKey }, {}]) {
      const result = await balance(options);
      expect(result.json.success).toBe(true);
      expect(result.headers.get('x-esimkit-warning')).toBeNull();
    }
  });

  it('the other policies are unchanged by it: optional still refuses the same request', async () => {
    const strictish = await server.merchant({ signaturePolicy: 'optional' });
    const result = await call(server, paths.balance, '{}', { accessCode: strictish.accessCode, secretKey: 'not-the-secret' });
    expect(expectFailure(result)).toBe('101003');
    expect(result.headers.get('x-esimkit-warning')).toBeNull();
  });
});

describe('default policies', () => {
  it('a merchant created in sandbox mode without a policy gets warn; the demo merchant too', async () => {
    const { createMerchant } = await import('../src/index.js');
    const created = await createMerchant({ ctx: server.runtime.ctx, input: { name: 'defaulted' } });
    expect(created.signaturePolicy).toBe('warn');
    const db = server.runtime.ctx.db.kysely;
    const marker = await db.selectFrom('meta').select('value').where('key', '=', 'demo_merchant').executeTakeFirstOrThrow();
    const demo = await db.selectFrom('merchants').select('signature_policy').where('access_code_hash', '=', marker.value).executeTakeFirstOrThrow();
    expect(demo.signature_policy).toBe('warn');
  });

  it('in production mode the default stays optional', async () => {
    const production = await startTestServer({ env: { ESIMKIT_MODE: 'production' } });
    try {
      const { createMerchant } = await import('../src/index.js');
      const created = await createMerchant({ ctx: production.runtime.ctx, input: { name: 'defaulted' } });
      expect(created.signaturePolicy).toBe('optional');
      const result = await call(production, paths.balance, '{}', { accessCode: created.accessCode, secretKey: 'not-the-secret' });
      expect(expectFailure(result)).toBe('101003');
    } finally {
      await production.close();
    }
  });
});
