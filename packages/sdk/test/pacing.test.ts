import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../server/test/support/harness.js';
import { backoffDelay, TokenBucket } from '../src/index.js';
import { clientFor, recordingFetch, startServer, type TestServer } from './support.js';

// Pacing under the account's rate limit, and retries on 900001 that honour Retry-After.
describe('the token bucket', () => {
  it('spaces calls 1/rate apart after the burst, in order of arrival', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 2, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 250, 500]);
    now = 2000; // idle: the burst is back
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 250]);
  });

  it('pause holds every call back', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 1, () => now);
    bucket.pause(1000);
    expect(bucket.reserve()).toBe(1000);
    expect(bucket.reserve()).toBe(1100);
  });

  it('backoff doubles up to the maximum, with jitter in the upper half', () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(750);
  });
});

describe('against a merchant limited to 2 requests a second', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('6 concurrent calls are paced: they take about 2 s and none is refused', async () => {
    const merchant = await server.merchant({ rateLimit: 2 });
    const recorder = recordingFetch();
    const client = clientFor(server, merchant, { rateLimitPerSecond: 2, fetch: recorder.fetch });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 6 }, () => client.balance()));
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.balance === 0)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(recorder.attempts.map((a) => a.errorCode)).toEqual(Array(6).fill('0'));
  });

  it('unpaced, the refused calls (900001) are retried after Retry-After and all succeed', async () => {
    const merchant = await server.merchant({ rateLimit: 2 });
    const recorder = recordingFetch();
    const client = clientFor(server, merchant, { rateLimitPerSecond: 0, fetch: recorder.fetch, retries: 6 });
    const results = await Promise.all(Array.from({ length: 5 }, () => client.balance()));
    expect(results).toHaveLength(5);
    const refused = recorder.attempts.filter((a) => a.errorCode === '900001');
    expect(refused.length).toBeGreaterThan(0);
    expect(recorder.attempts.filter((a) => a.errorCode === '0')).toHaveLength(5);
  });

  it('a 900001 that outlasts the retries is a retryable error with retryAfterMs', async () => {
    const merchant = await server.merchant({ rateLimit: 0.2, rateBurst: 1 });
    await call(server, '/api/v1/open/balance/query', {}, { accessCode: merchant.accessCode });
    const error = await clientFor(server, merchant, { retries: 0 }).balance().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '900001', retryable: true });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });
});
