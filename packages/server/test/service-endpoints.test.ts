import { endpoints, extensionEndpoints, sandboxEndpoints } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, paths, startTestServer, TEST_DATABASE, type TestServer } from './support/harness.js';

// What esimkit serves besides the partner API: the OpenAPI document, the docs page, the
// health check, Prometheus metrics and country flags.

let server: TestServer;
let accessCode: string;

beforeAll(async () => {
  server = await startTestServer();
  accessCode = (await server.merchant({ balance: 10_000 })).accessCode;
});
afterAll(() => server?.close());

const get = (path: string) => fetch(`${server.baseUrl}${path}`);

describe('GET /openapi.json', () => {
  let doc: any;
  beforeAll(async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await response.json();
  });

  const requestSchema = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;
  const envelopeSchema = (path: string) => doc.paths[path].post.responses['200'].content['application/json'].schema;
  /** The non-null branch of the envelope's obj. */
  const objSchema = (path: string) => envelopeSchema(path).properties.obj.anyOf.find((s: any) => s.type !== 'null');

  it('is an OpenAPI 3.1.0 document describing every endpoint of the contract as POST', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
    const contractPaths = [...endpoints, ...extensionEndpoints, ...sandboxEndpoints].map((e) => e.path);
    expect(Object.keys(doc.paths).sort()).toEqual([...contractPaths].sort());
    for (const path of [...Object.values(paths), ...contractPaths]) {
      expect(doc.paths, path).toHaveProperty([path]);
      expect(Object.keys(doc.paths[path])).toEqual(['post']);
    }
    // Every documented operation is a POST answering the envelope.
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path).toMatch(/^\/(api|sandbox)\/v1\//);
      expect(item.post.responses['200'].content['application/json'].schema.required, path).toContain('success');
    }
  });

  it('documents the RT-AccessCode header and the signature headers', () => {
    expect(doc.components.securitySchemes.accessCode).toEqual({ type: 'apiKey', in: 'header', name: 'RT-AccessCode' });
    expect(doc.components.securitySchemes.signature).toMatchObject({ type: 'apiKey', in: 'header', name: 'RT-Signature' });
    expect(doc.paths[paths.balance].post.security).toContainEqual({ accessCode: [] });
  });

  it('describes the package/list request: filters, the type enum and length limits', () => {
    const schema = requestSchema(paths.packageList);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual(['esimTranNo', 'iccid', 'locationCode', 'packageCode', 'slug', 'type']);
    expect(schema.properties.type.enum).toEqual(['BASE', 'TOPUP']);
    expect(schema.properties.locationCode).toMatchObject({ type: 'string', minLength: 2 });
    expect(schema.properties.packageCode).toMatchObject({ type: 'string', maxLength: 64 });
    expect(schema.required ?? []).toEqual([]);
  });

  it('describes balance/query and location/list as taking no parameters', () => {
    for (const path of [paths.balance, paths.locationList]) {
      const schema = requestSchema(path);
      expect(schema.type, path).toBe('object');
      expect(Object.keys(schema.properties ?? {}), path).toEqual([]);
    }
  });

  it('wraps every response in the envelope with a nullable obj', () => {
    for (const path of Object.values(paths)) {
      const envelope = envelopeSchema(path);
      expect(envelope.required.sort(), path).toEqual(['errorCode', 'errorMessage', 'errorMsg', 'obj', 'success']);
      expect(envelope.properties.success, path).toEqual({ type: 'boolean' });
      expect(envelope.properties.errorCode.type, path).toEqual(['string', 'null']);
      expect(envelope.properties.errorMsg.type, path).toEqual(['string', 'null']);
      expect(envelope.properties.errorMessage.type, path).toEqual(['string', 'null']);
      expect(envelope.properties.obj.anyOf, path).toContainEqual({ type: 'null' });
    }
  });

  it('describes each obj: packageList items, balance, locationList', () => {
    const item = objSchema(paths.packageList).properties.packageList.items;
    expect(item.required).toEqual(expect.arrayContaining(['packageCode', 'slug', 'price', 'volume', 'favorite', 'supportTopUpType', 'locationNetworkList']));
    expect(item.properties.price.type).toBe('integer');
    expect(item.properties.favorite.type).toBe('boolean');
    expect(item.properties.currencyCode).toMatchObject({ const: 'USD' });
    expect(item.properties.locationNetworkList.items.properties.operatorList.type).toBe('array');

    const balance = objSchema(paths.balance);
    expect(balance.required.sort()).toEqual(['balance', 'lastUpdateTime']);
    expect(balance.properties.balance.type).toBe('integer');
    expect(balance.properties.lastUpdateTime.type).toBe('string');

    const location = objSchema(paths.locationList).properties.locationList.items;
    expect(location.required.sort()).toEqual(['code', 'name', 'subLocationList', 'type']);
    expect(location.properties.type.type).toBe('integer');
  });

  it('agrees with what the server actually answers', async () => {
    const answer = (await call(server, paths.balance, '', { accessCode })).json;
    const schema = envelopeSchema(paths.balance);
    expect(Object.keys(answer).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(Object.keys(answer.obj).sort()).toEqual(Object.keys(objSchema(paths.balance).properties).sort());
  });
});

describe('GET /docs', () => {
  it('is a self-contained HTML page naming each endpoint and its fields', async () => {
    const response = await get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/i);
    for (const path of Object.values(paths)) expect(html).toContain(`<span class="verb">POST</span> ${path}`);
    expect(html).toContain('<code>locationCode</code>');
    expect(html).toContain('one of &#34;BASE&#34;, &#34;TOPUP&#34;');
    expect(html).toContain('href="/openapi.json"');
    expect(html).not.toMatch(/<script|<link /i);
  });
});

describe('GET /healthz', () => {
  it('reports ok with the database in use', async () => {
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: TEST_DATABASE, mode: 'sandbox' });
  });

  it('needs no access code and is not part of the partner API', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`, { headers: { 'RT-AccessCode': 'nobody' } });
    expect((await response.json()).status).toBe('ok');
  });
});

describe('GET /metrics', () => {
  /** `esimkit_requests_total{endpoint="x",code="y"} 3` lines as {"x y": 3}. */
  async function requestCounts(): Promise<Map<string, number>> {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const counts = new Map<string, number>();
    for (const line of (await response.text()).split('\n')) {
      const match = /^esimkit_requests_total\{([^}]*)\} (\d+)$/.exec(line);
      if (!match) continue;
      const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      counts.set(`${labels.endpoint} ${labels.code}`, Number(match[2]));
    }
    return counts;
  }
  const delta = (before: Map<string, number>, after: Map<string, number>, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

  it('is Prometheus text declaring esimkit_requests_total as a counter', async () => {
    const text = await (await get('/metrics')).text();
    expect(text).toContain('# TYPE esimkit_requests_total counter');
    expect(text).toContain('# TYPE esimkit_request_duration_seconds histogram');
  });

  it('counts each request by endpoint and answer code', async () => {
    const before = await requestCounts();
    for (let i = 0; i < 3; i++) expect((await call(server, paths.balance, '', { accessCode })).json.success).toBe(true);
    expect(expectFailure(await call(server, paths.balance, '', { accessCode: 'not-a-merchant' }))).toBe('000101');
    expect(expectFailure(await call(server, paths.packageList, { type: 'FOO' }, { accessCode }))).toBe('000104');
    expect((await call(server, paths.packageList, { locationCode: 'JP' }, { accessCode })).json.success).toBe(true);
    expect((await call(server, paths.locationList, {}, { accessCode })).json.success).toBe(true);
    const after = await requestCounts();
    expect(delta(before, after, 'balance.query 0')).toBe(3);
    expect(delta(before, after, 'balance.query 000101')).toBe(1);
    expect(delta(before, after, 'package.list 000104')).toBe(1);
    expect(delta(before, after, 'package.list null')).toBe(1);
    expect(delta(before, after, 'location.list 0')).toBe(1);
  });

  it('records latency under the same labels', async () => {
    const before = await (await get('/metrics')).text();
    await call(server, paths.balance, '', { accessCode });
    const after = await (await get('/metrics')).text();
    const count = (text: string) => Number(/^esimkit_request_duration_seconds_count\{endpoint="balance\.query",code="0"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    expect(count(after) - count(before)).toBe(1);
  });
});

describe('GET /img/flags/:code.svg', () => {
  async function flag(path: string): Promise<string> {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type'), path).toMatch(/^image\/svg\+xml/);
    const svg = await response.text();
    expect(svg, path).toMatch(/^\s*<svg[\s>]/);
    return svg;
  }

  it('serves a country flag as SVG', async () => {
    expect(await flag('/img/flags/jp.svg')).toContain('id="flag-icons-jp"');
    expect(await flag('/img/flags/JP.svg')).toContain('id="flag-icons-jp"');
    expect(await flag('/img/flags/xk.svg')).toContain('id="flag-icons-xk"');
  });

  it('lets browsers cache flags', async () => {
    expect((await get('/img/flags/fr.svg')).headers.get('cache-control')).toMatch(/max-age=\d+/);
  });

  it('falls back to a neutral flag for unknown codes, never to an error or a file outside the flags', async () => {
    for (const path of ['/img/flags/zz.svg', '/img/flags/an.svg', '/img/flags/nothing', '/img/flags/..%2F..%2Fpackage.json']) {
      const svg = await flag(path);
      expect(svg, path).toContain('id="flag-icons-xx"');
    }
  });
});

describe('/metrics access', () => {
  it('asks for METRICS_TOKEN as a bearer token when one is set', async () => {
    const guarded = await startTestServer({ env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    try {
      const bare = await fetch(`${guarded.baseUrl}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await fetch(`${guarded.baseUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-9876543210' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${guarded.baseUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('esimkit_requests_total');
    } finally {
      await guarded.close();
    }
  });

  it('is closed in production until a token is set', async () => {
    const production = await startTestServer({ env: { ESIMKIT_MODE: 'production' } });
    try {
      const refused = await fetch(`${production.baseUrl}/metrics`);
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain('METRICS_TOKEN');
    } finally {
      await production.close();
    }
  });
});

describe('request ids', () => {
  it("keeps a client's short plain X-Request-Id and replaces anything else", async () => {
    const id = async (given: string) => (await call(server, paths.balance, '', { accessCode, headers: { 'x-request-id': given } })).headers.get('x-request-id');
    expect(await id('trace-me-123')).toBe('trace-me-123');
    expect(await id('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    for (const odd of ['<script>alert(1)</script>', 'x'.repeat(65), 'two words', '"quoted"']) {
      const answered = await id(odd);
      expect(answered, odd).toMatch(/^req-[0-9a-z]+$/);
    }
  });
});
