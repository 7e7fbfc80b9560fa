import { endpoints, extensionEndpoints, packageList, sandboxEndpoints } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsimAccessClient, EsimAccessError, routes } from '../src/index.js';
import { clientFor, recordingFetch, startServer, type Merchant, type TestServer } from './support.js';

// Every endpoint through the client, typed errors, and signing.
let server: TestServer;
let merchant: Merchant;
let client: EsimAccessClient;

beforeAll(async () => {
  server = await startServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  client = clientFor(server, merchant);
});
afterAll(() => server?.close());

describe('the route table', () => {
  it('has a route for every partner, esimkit and sandbox endpoint of the contract, with its path', () => {
    const table = Object.values(routes).map((r) => `${r.name} ${r.path}`).sort();
    const contract = [...endpoints, ...extensionEndpoints, ...sandboxEndpoints].map((e) => `${e.name} ${e.path}`).sort();
    expect(table).toEqual(contract);
  });

  it('call() also takes the contract’s own endpoint objects', async () => {
    const result = await client.call(packageList, { locationCode: 'JP' });
    expect(result.packageList.length).toBeGreaterThan(0);
  });
});

describe('catalogue and account', () => {
  it('lists packages with integer prices and filters', async () => {
    const { packageList: jp } = await client.packageList({ locationCode: 'JP' });
    expect(jp.length).toBeGreaterThan(0);
    for (const pkg of jp) {
      expect(pkg.locationCode).toBe('JP');
      expect(Number.isInteger(pkg.price)).toBe(true);
    }
    const { packageList: bySlug } = await client.packageList({ slug: 'JP_1_7' });
    expect(bySlug.map((p) => p.slug)).toEqual(['JP_1_7']);
    const { packageList: topups } = await client.packageList({ type: 'TOPUP', packageCode: bySlug[0]!.packageCode });
    expect(topups.every((p) => p.packageCode.startsWith('TOPUP_'))).toBe(true);
  });

  it('lists locations and the balance', async () => {
    const { locationList } = await client.locations();
    expect(locationList.find((l) => l.code === 'JP')).toMatchObject({ type: 1, subLocationList: null });
    const balance = await client.balance();
    expect(balance.balance).toBe(10_000_000);
    expect(balance.lastUpdateTime).toMatch(/\+0000$/);
  });
});

describe('typed errors', () => {
  it('an unknown package is 310241, not retryable, sent once', async () => {
    const recorder = recordingFetch();
    const error = await clientFor(server, merchant, { fetch: recorder.fetch })
      .order({ packageInfoList: [{ packageCode: 'NOPE_1_1', count: 1 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsimAccessError);
    expect(error).toMatchObject({ code: '310241', retryable: false, httpStatus: 200, isApiError: true, endpoint: '/api/v1/open/esim/order' });
    expect((error as Error).message).not.toBe('');
    expect(recorder.attempts).toHaveLength(1);
  });

  it('a short balance is 200007', async () => {
    const poor = await server.merchant({ balance: 10 });
    const error = await clientFor(server, poor)
      .order({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'EsimAccessError', code: '200007', retryable: false });
  });

  it('an unknown access code is 000101', async () => {
    const error = await new EsimAccessClient({ baseUrl: server.baseUrl, accessCode: 'nobody' }).balance().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '000101', retryable: false });
  });

  it('no server is a retryable NETWORK error after the retries', async () => {
    const recorder = recordingFetch(async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    });
    const error = await clientFor(server, merchant, { fetch: recorder.fetch, retries: 2, retryBaseDelayMs: 1 }).balance().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true, httpStatus: undefined, isApiError: false });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(recorder.attempts).toHaveLength(3);
  });

  it('an answer without the envelope is an HTTP error (retried when 5xx)', async () => {
    const recorder = recordingFetch(async () => new Response('<html>bad gateway</html>', { status: 502 }));
    const error = await clientFor(server, merchant, { fetch: recorder.fetch, retries: 1, retryBaseDelayMs: 1 }).balance().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HTTP', httpStatus: 502, retryable: true });
    expect(recorder.attempts).toHaveLength(2);
  });

  it('a timeout is a NETWORK error; an abort is the caller’s own reason, never retried', async () => {
    let calls = 0;
    const fetchFn = ((_input: unknown, init?: RequestInit) => {
      calls += 1;
      return new Promise<Response>((_resolve, reject) => {
        if (init?.signal?.aborted) reject(init.signal.reason);
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      });
    }) as typeof fetch;
    const timedOut = await clientFor(server, merchant, { fetch: fetchFn, retries: 0, timeoutMs: 50 }).balance().catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: 'NETWORK', retryable: true });
    expect((timedOut as Error).message).toContain('no answer within 50 ms');
    const controller = new AbortController();
    const pending = clientFor(server, merchant, { fetch: fetchFn, retries: 3 }).balance({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 20);
    await expect(pending).rejects.toThrow('user gave up');
    expect(calls).toBe(2);
  });
});

describe('signing', () => {
  let signed: Merchant;
  beforeAll(async () => {
    signed = await server.merchant({ balance: 1_000_000, signaturePolicy: 'required' });
  });

  it('signs every request when a secret key is set (required policy)', async () => {
    const recorder = recordingFetch();
    const sdk = clientFor(server, signed, { secretKey: signed.secretKey, fetch: recorder.fetch });
    expect((await sdk.balance()).balance).toBe(1_000_000);
    expect((await sdk.packageList({ slug: 'JP_1_7' })).packageList).toHaveLength(1);
    const [first, second] = recorder.attempts;
    expect(first!.headers['rt-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(first!.headers['rt-timestamp'])).toBeGreaterThan(1e12);
    expect(first!.headers['rt-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.headers['rt-requestid']).not.toBe(first!.headers['rt-requestid']);
  });

  it('without the key the request is refused (000101); with a wrong one 101003', async () => {
    await expect(clientFor(server, signed).balance()).rejects.toMatchObject({ code: '000101' });
    await expect(clientFor(server, signed, { secretKey: 'wrong' }).balance()).rejects.toMatchObject({ code: '101003', retryable: false });
  });

  it('a retried signed request gets a fresh RequestID (a replay would be refused)', async () => {
    let first = true;
    const recorder = recordingFetch(async (_attempt, _index, send) => {
      const response = await send();
      if (first) {
        first = false;
        throw new TypeError('fetch failed');
      }
      return response;
    });
    const sdk = clientFor(server, signed, { secretKey: signed.secretKey, fetch: recorder.fetch });
    expect((await sdk.balance()).balance).toBe(1_000_000);
    expect(recorder.attempts).toHaveLength(2);
    expect(recorder.attempts[1]!.headers['rt-requestid']).not.toBe(recorder.attempts[0]!.headers['rt-requestid']);
    expect(recorder.attempts[1]!.errorCode).toBe('0');
  });
});
