import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, call, expectFailure, paths, startTestServer, type TestServer } from './support/harness.js';
import { probeRedis } from './support/redis.js';

// Asked once, at collection: without Redis the shared tests are skipped with the reason in
// their name (and fail under CI, where Redis is part of the set-up).
const redis = await probeRedis(REDIS_URL);

// field-notes §3: token bucket per access code, 8/s by default; rejection is HTTP 200,
// 900001 and Retry-After.
async function burst(server: TestServer, accessCode: string, count: number) {
  return Promise.all(Array.from({ length: count }, () => call(server, paths.balance, '{}', { accessCode })));
}

describe('rate limit in memory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('lets the default 8 through at once and answers the rest 900001 with Retry-After', async () => {
    const merchant = await server.merchant({ rateLimit: 8 });
    const started = performance.now();
    const results = await burst(server, merchant.accessCode, 12);
    // The bucket refills 8 tokens a second while the burst is in flight (slow CI machines).
    const refilled = Math.floor(((performance.now() - started) / 1000) * 8);
    const ok = results.filter((r) => r.json.success);
    const limited = results.filter((r) => !r.json.success);
    expect(ok.length).toBeGreaterThanOrEqual(8);
    expect(ok.length).toBeLessThanOrEqual(8 + refilled);
    expect(limited.length).toBeGreaterThanOrEqual(4 - refilled);
    for (const r of limited) {
      expect(expectFailure(r)).toBe('900001');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('refills over time', async () => {
    const merchant = await server.merchant({ rateLimit: 5, rateBurst: 1 });
    expect((await call(server, paths.balance, '{}', { accessCode: merchant.accessCode })).json.success).toBe(true);
    expect(expectFailure(await call(server, paths.balance, '{}', { accessCode: merchant.accessCode }))).toBe('900001');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await call(server, paths.balance, '{}', { accessCode: merchant.accessCode })).json.success).toBe(true);
  });

  it('keeps one merchant’s limit from touching another’s', async () => {
    const noisy = await server.merchant({ rateLimit: 1, rateBurst: 1 });
    const quiet = await server.merchant({ rateLimit: 1, rateBurst: 1 });
    await burst(server, noisy.accessCode, 5);
    expect((await call(server, paths.balance, '{}', { accessCode: quiet.accessCode })).json.success).toBe(true);
  });

  it('does not limit a merchant with rate 0', async () => {
    const unlimited = await server.merchant({ rateLimit: 0 });
    const results = await burst(server, unlimited.accessCode, 40);
    expect(results.every((r) => r.json.success)).toBe(true);
  });
});

describe.skipIf(redis.skip)(`rate limit shared through Redis${redis.reason ? ` (${redis.reason})` : ''}`, () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    if (!redis.up) return; // CI: the first test fails, saying why
    first = await startTestServer({ env: { REDIS_URL } });
    second = await startTestServer({ env: { REDIS_URL }, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('has Redis to share through (CI starts it: .ci/run)', () => {
    expect(redis.up, redis.reason).toBe(true);
  });

  it('counts requests to two instances against one bucket', async (ctx) => {
    if (!redis.up) ctx.skip();
    const merchant = await first.merchant({ rateLimit: 4, rateBurst: 4 });
    const started = performance.now();
    const results = (await Promise.all([burst(first, merchant.accessCode, 4), burst(second, merchant.accessCode, 4)])).flat();
    const refilled = Math.floor(((performance.now() - started) / 1000) * 4);
    const passed = results.filter((r) => r.json.success).length;
    // One bucket for both instances: separate buckets would let all 8 through.
    expect(passed).toBeGreaterThanOrEqual(4);
    expect(passed).toBeLessThanOrEqual(Math.min(7, 4 + refilled));
    const limited = results.filter((r) => !r.json.success);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const r of limited) expect(r.headers.get('retry-after')).toBeTruthy();
  });

  it('shares the replay window between instances', async (ctx) => {
    if (!redis.up) ctx.skip();
    const merchant = await first.merchant({ rateLimit: 0 });
    const requestId = crypto.randomUUID();
    const timestamp = String(Date.now());
    const once = await call(first, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId, timestamp });
    expect(once.json.success).toBe(true);
    const again = await call(second, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId, timestamp });
    expect(expectFailure(again)).toBe('101001');
  });
});

describe('rate limit with Redis down', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    server = await startTestServer({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(() => server?.close());

  it('lets requests through rather than failing every call, signed ones too', async () => {
    const merchant = await server.merchant({ rateLimit: 8 });
    const results = await burst(server, merchant.accessCode, 3);
    expect(results.map((r) => r.json.success)).toEqual([true, true, true]);
    const signed = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: merchant.secretKey });
    expect(signed.json.success).toBe(true);
    const forged = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode, secretKey: 'wrong' });
    expect(expectFailure(forged)).toBe('101003');
  });
});
