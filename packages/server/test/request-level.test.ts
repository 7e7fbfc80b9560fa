import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, paths, startTestServer, type TestServer } from './support/harness.js';

// The outer shell every endpoint shares (field-notes §1-§3): envelope, methods, bodies,
// authentication and signatures.
let server: TestServer;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;

beforeAll(async () => {
  server = await startTestServer({ env: { BODY_LIMIT: '4096' } });
  merchant = await server.merchant({ balance: 50_000 });
});
afterAll(() => server?.close());

describe('envelope and transport', () => {
  it('answers success with both message spellings and the per-endpoint success code', async () => {
    const balance = await call(server, paths.balance, undefined, { accessCode: merchant.accessCode });
    expect(balance.status).toBe(200);
    expect(balance.headers.get('content-type')).toMatch(/^application\/json/);
    expect(balance.json).toEqual({
      success: true,
      errorCode: '0',
      errorMsg: null,
      errorMessage: null,
      obj: { balance: 50_000, lastUpdateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/) },
    });
    const packages = await call(server, paths.packageList, { locationCode: 'JP' }, { accessCode: merchant.accessCode });
    expect(packages.json.success).toBe(true);
    expect(packages.json.errorCode).toBeNull();
  });

  it('answers an unknown path with 000103, HTTP 200, whatever the method', async () => {
    for (const method of ['POST', 'GET', 'PUT']) {
      const result = await call(server, '/api/v1/open/nothing/here', {}, { accessCode: merchant.accessCode, method });
      expect(expectFailure(result)).toBe('000103');
    }
    expect(expectFailure(await call(server, '/somewhere', {}, { method: 'DELETE' }))).toBe('000103');
  });

  it('answers a wrong method on a known path with 000103', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const result = await call(server, paths.balance, undefined, { accessCode: merchant.accessCode, method });
      expect(expectFailure(result)).toBe('000103');
    }
  });

  it('treats a missing or blank body as {} (balance/query is documented with --data "")', async () => {
    for (const body of ['', '   ', '{}']) {
      const result = await call(server, paths.balance, body, { accessCode: merchant.accessCode });
      expect(result.json.success).toBe(true);
    }
  });

  it('accepts any content type, as curl --data sends form encoding', async () => {
    const result = await call(server, paths.balance, '', {
      accessCode: merchant.accessCode,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(result.json.success).toBe(true);
    const text = await call(server, paths.packageList, '{"locationCode":"FR"}', {
      accessCode: merchant.accessCode,
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.json.obj.packageList.length).toBeGreaterThan(0);
  });

  it('answers invalid JSON and non-object bodies with 000104', async () => {
    for (const body of ['{', '{"locationCode":', 'not json', '[]', '[1,2]', '"text"', '42', 'null', 'true']) {
      const result = await call(server, paths.packageList, body, { accessCode: merchant.accessCode });
      expect(expectFailure(result), `body ${body}`).toBe('000104');
    }
  });

  it('answers a body over the size limit with 000107, not a dropped connection', async () => {
    const big = JSON.stringify({ locationCode: 'JP', padding: 'x'.repeat(10_000) });
    const result = await call(server, paths.packageList, big, { accessCode: merchant.accessCode });
    expect(expectFailure(result)).toBe('000107');
    expect(result.json.errorMsg).toMatch(/4096 bytes/);
  });

  it('ignores unknown fields and treats empty strings as absent', async () => {
    const all = await call(server, paths.packageList, {}, { accessCode: merchant.accessCode });
    const blanks = await call(
      server,
      paths.packageList,
      { locationCode: '', type: '', slug: '', packageCode: '', iccid: '', esimTranNo: '', somethingElse: { deep: true } },
      { accessCode: merchant.accessCode },
    );
    expect(blanks.json.success).toBe(true);
    expect(blanks.json.obj.packageList.length).toBe(all.json.obj.packageList.length);
  });

  it('carries a request id on every answer', async () => {
    const result = await call(server, paths.balance, '', { accessCode: merchant.accessCode, headers: { 'x-request-id': 'trace-me-123' } });
    expect(result.headers.get('x-request-id')).toBe('trace-me-123');
    const generated = await call(server, paths.balance, '', { accessCode: merchant.accessCode });
    expect(generated.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('access code', () => {
  it('answers a missing access code with 000101', async () => {
    const result = await call(server, paths.balance, '');
    expect(expectFailure(result)).toBe('000101');
    expect(result.json.errorMsg).toContain('RT-AccessCode');
  });

  it('answers an unknown or blank access code with 000101', async () => {
    expect(expectFailure(await call(server, paths.balance, '', { accessCode: 'no-such-code' }))).toBe('000101');
    expect(expectFailure(await call(server, paths.balance, '', { accessCode: '   ' }))).toBe('000101');
  });

  it('checks the access code before the body', async () => {
    expect(expectFailure(await call(server, paths.packageList, '{broken', { accessCode: 'no-such-code' }))).toBe('000101');
  });
});

describe('signatures (optional policy: verified when present)', () => {
  it('accepts a correct signature with a millisecond timestamp', async () => {
    const result = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey });
    expect(result.json.success).toBe(true);
  });

  it('accepts a seconds timestamp, an upper-case signature and a dash-less RequestID', async () => {
    const seconds = String(Math.floor(Date.now() / 1000));
    const requestId = randomUUID().replaceAll('-', '');
    const { computeSignature } = await import('@esimkit/contract');
    const body = '{"locationCode":"JP"}';
    const signature = computeSignature(merchant.secretKey, { timestamp: seconds, requestId, accessCode: merchant.accessCode, body }).toUpperCase();
    const result = await call(server, paths.packageList, body, { accessCode: merchant.accessCode, timestamp: seconds, requestId, signature });
    expect(result.json.success).toBe(true);
  });

  it('answers a wrong signature with 101003', async () => {
    const result = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: 'not-the-secret' });
    expect(expectFailure(result)).toBe('101003');
  });

  it('answers a signature made with the access code as key (a common client bug) with 101003', async () => {
    const result = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.accessCode });
    expect(expectFailure(result)).toBe('101003');
  });

  it('verifies over the exact raw bytes: re-serialised JSON does not match', async () => {
    const { computeSignature } = await import('@esimkit/contract');
    const timestamp = String(Date.now());
    const requestId = randomUUID();
    const signature = computeSignature(merchant.secretKey, { timestamp, requestId, accessCode: merchant.accessCode, body: '{"locationCode":"JP"}' });
    const result = await call(server, paths.packageList, '{ "locationCode": "JP" }', { accessCode: merchant.accessCode, timestamp, requestId, signature });
    expect(expectFailure(result)).toBe('101003');
  });

  it('answers a stale or future timestamp with 101001', async () => {
    const stale = String(Date.now() - 10 * 60_000);
    expect(expectFailure(await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, timestamp: stale }))).toBe('101001');
    const future = String(Math.floor(Date.now() / 1000) + 600);
    expect(expectFailure(await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, timestamp: future }))).toBe('101001');
  });

  it('answers a malformed timestamp or RequestID with 000102', async () => {
    expect(
      expectFailure(await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, timestamp: '2024-01-01T00:00:00Z' })),
    ).toBe('000102');
    expect(expectFailure(await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId: 'not a uuid' }))).toBe(
      '000102',
    );
  });

  it('answers a signature without its timestamp or RequestID with 000101', async () => {
    const result = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, headers: { 'RT-Signature': 'ab'.repeat(32) } });
    expect(expectFailure(result)).toBe('000101');
  });

  it('refuses a replayed RequestID within the window', async () => {
    const requestId = randomUUID();
    const timestamp = String(Date.now());
    const first = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId, timestamp });
    expect(first.json.success).toBe(true);
    const replay = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId, timestamp });
    expect(expectFailure(replay)).toBe('101001');
    expect(replay.json.errorMsg).toMatch(/replay/i);
  });

  it('does not let a bad signature burn a RequestID', async () => {
    const requestId = randomUUID();
    const bad = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: 'wrong', requestId });
    expect(expectFailure(bad)).toBe('101003');
    const good = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId });
    expect(good.json.success).toBe(true);
  });
});

describe('signature policies', () => {
  it('required: an unsigned request is 000101, a signed one passes', async () => {
    const strict = await server.merchant({ signaturePolicy: 'required' });
    const unsigned = await call(server, paths.balance, '{}', { accessCode: strict.accessCode });
    expect(expectFailure(unsigned)).toBe('000101');
    expect(unsigned.json.errorMsg).toContain('RT-Signature');
    const signed = await call(server, paths.balance, '{}', { accessCode: strict.accessCode, secretKey: strict.secretKey });
    expect(signed.json.success).toBe(true);
  });

  it('off: signatures are not checked at all', async () => {
    const lax = await server.merchant({ signaturePolicy: 'off' });
    const wrong = await call(server, paths.balance, '{}', { accessCode: lax.accessCode, secretKey: 'anything' });
    expect(wrong.json.success).toBe(true);
  });
});

describe('IP block list', () => {
  it('answers a blocked caller with 101002 (single address and CIDR block)', async () => {
    const single = await server.merchant({ ipBlocklist: ['127.0.0.1'] });
    expect(expectFailure(await call(server, paths.balance, '{}', { accessCode: single.accessCode }))).toBe('101002');
    const block = await server.merchant({ ipBlocklist: ['127.0.0.0/8'] });
    expect(expectFailure(await call(server, paths.balance, '{}', { accessCode: block.accessCode }))).toBe('101002');
  });

  it('lets through callers outside the list', async () => {
    const other = await server.merchant({ ipBlocklist: ['203.0.113.0/24', '2001:db8::/32'] });
    expect((await call(server, paths.balance, '{}', { accessCode: other.accessCode })).json.success).toBe(true);
  });
});
