import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorScopes } from '../src/domain/operator-tokens/scopes.js';
import { operatorErrorCodes } from '../src/http/operator-api/errors.js';
import { operatorRoutes } from '../src/http/operator-api/index.js';
import { revokeOperatorToken } from '../src/domain/operator-tokens/revoke.js';
import { newOperatorToken, operatorTokenHash } from '../src/domain/operator-tokens/secret.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { op, opCall, opCall as opCallFrom, ok, operatorToken, refusal, type OpCallOptions } from './support/operator.js';

// Who may call the operator API, for every route alike: no token, a malformed or unknown
// token, a revoked one, one without the route's scope, and a merchant's credentials are all
// refused before the body is read, and change nothing; an operator token opens nothing of
// the partner API. Too many wrong tokens lock an address out. The OpenAPI document lists
// exactly the routes served.

let server: TestServer;
let all: string;
let revoked: string;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;

beforeAll(async () => {
  server = await startTestServer({ env: { SEED_CATALOG: 'none' } });
  all = await operatorToken(server, ['*'], 'everything');
  revoked = await operatorToken(server, ['*'], 'gone');
  const ids = await server.runtime.ctx.db.kysely.selectFrom('operator_tokens').select(['id', 'name']).execute();
  await revokeOperatorToken({ ctx: server.runtime.ctx, input: { id: Number(ids.find((t) => t.name === 'gone')!.id) } });
  merchant = await server.merchant({ balance: 50_000 });
});
afterAll(() => server?.close());

const pathOf = (route: { path: string }) => route.path.replace('/api/v1/operator/', '');

async function stateOfTheWorld() {
  const db = server.runtime.ctx.db.kysely;
  const [merchants, ledger, packages] = await Promise.all([
    db.selectFrom('merchants').select(['id', 'name', 'balance', 'disabled', 'rate_limit', 'signature_policy', 'ip_blocklist']).orderBy('id').execute(),
    db.selectFrom('ledger_entries').select(['id', 'amount']).orderBy('id').execute(),
    db.selectFrom('packages').select(['code', 'price']).orderBy('code').execute(),
  ]);
  return { merchants, ledger, packages };
}

describe('every operator route refuses callers without a valid token of its scope', () => {
  // A body that would succeed (or be refused only for what it names), so refusals below are authentication's.
  const body = { merchantId: 1, name: 'Should not exist', amount: 10_000, reason: 'test', ipBlocklist: [], content: 'x', packageCode: 'NOPE', price: 1, orderNo: 'B1', esimTranNo: '1' };

  operatorRoutes.forEach((route, index) => {
    it(`${route.name} (${route.scope})`, async () => {
      const before = await stateOfTheWorld();
      // Each route's wrong tokens come from an address of its own (see the lockout below).
      const from = `127.0.1.${index + 1}`;
      const opCall = (server: TestServer, path: string, body: unknown, token: string | undefined, options: OpCallOptions = {}) => opCallFrom(server, path, body, token, { from, ...options });
      const path = pathOf(route);

      expect(refusal(await opCall(server, path, body, undefined))).toBe('800101');
      const missing = await opCall(server, path, body, undefined);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(refusal(await opCall(server, path, body, undefined, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }))).toBe('800101');
      expect(refusal(await opCall(server, path, body, 'esk_op_short'))).toBe('800101');
      // Right shape, one character off a real token: unknown.
      const last = all.at(-1) === 'A' ? 'B' : 'A';
      expect(refusal(await opCall(server, path, body, `${all.slice(0, -1)}${last}`))).toBe('800101');
      expect(refusal(await opCall(server, path, body, revoked))).toBe('800102');

      const partner = await opCall(server, route.path, body, undefined, { headers: { 'RT-AccessCode': merchant.accessCode } });
      expect(refusal(partner)).toBe('800101');
      expect(partner.json.errorMsg).toContain('not a merchant access code');

      // A token with every scope but this route's.
      const others = ['merchants:read', 'merchants:write', 'funds:write', 'catalog:read', 'catalog:write', 'inventory:read', 'inventory:write', 'usage:write', 'orders:read', 'webhooks:read'].filter((s) => s !== route.scope);
      const unscoped = await opCall(server, path, body, await operatorToken(server, others, `all-but-${route.scope}`));
      expect(refusal(unscoped)).toBe('800103');
      expect(unscoped.json.errorMsg).toContain(route.scope);

      // The route's own scope alone is enough: whatever it answers, it is no refusal of the token.
      const scoped = await opCall(server, path, {}, await operatorToken(server, [route.scope], `only-${route.scope}`));
      expect(['800101', '800102', '800103', '800104']).not.toContain(scoped.json.errorCode);

      // Other methods are not served.
      const get = await opCall(server, route.path, undefined, all, { method: 'GET' });
      expect(refusal(get)).toBe('000103');

      expect(await stateOfTheWorld()).toEqual(before);
    });
  });
});

describe('a token of nothing', () => {
  it('is refused by every route (800103); creating one is refused', async () => {
    // createOperatorToken refuses an empty scope list, so the row is written as a bad import would.
    const nothing = newOperatorToken();
    await server.runtime.ctx.db.kysely.insertInto('operator_tokens').values({ name: 'nothing', token_hash: operatorTokenHash(nothing), scopes: '', created_at: Date.now(), last_used_at: null, revoked_at: null }).execute();
    for (const route of operatorRoutes) expect(refusal(await opCall(server, pathOf(route), {}, nothing, { from: '127.0.3.1' })), route.name).toBe('800103');
    await expect(operatorToken(server, [], 'empty')).rejects.toThrow('needs scopes');
    await expect(operatorToken(server, [' ', ''], 'blank')).rejects.toThrow('needs scopes');
  });
});

describe('operator tokens and the partner API are apart', () => {
  it('an operator token opens nothing of the partner API', async () => {
    const result = await call(server, '/api/v1/open/balance/query', '', { headers: { authorization: `Bearer ${all}` } });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ success: false, errorCode: '000101' });
    const asAccessCode = await call(server, '/api/v1/open/balance/query', '', { accessCode: all });
    expect(asAccessCode.json).toMatchObject({ success: false, errorCode: '000101' });
  });

  it('a merchant access code or secret key as a bearer token is refused', async () => {
    for (const credential of [merchant.accessCode, merchant.secretKey]) {
      expect(refusal(await opCall(server, 'merchant/list', {}, credential, { from: '127.0.2.1' }))).toBe('800101');
    }
  });
});

describe('what is stored of a token and when it was used', () => {
  it('keeps only the SHA-256 of a token and records its use at most once a minute', async () => {
    const token = await operatorToken(server, ['merchants:read'], 'hash-check');
    const db = server.runtime.ctx.db.kysely;
    const row = await db.selectFrom('operator_tokens').selectAll().where('name', '=', 'hash-check').executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(operatorTokenHash(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(7));
    expect(row.last_used_at).toBeNull();

    const before = Date.now();
    ok(await opCall(server, 'merchant/list', {}, token));
    const used = await db.selectFrom('operator_tokens').select('last_used_at').where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(Number(used.last_used_at)).toBeGreaterThanOrEqual(before);
    // Within the minute, another use writes nothing.
    await db.updateTable('operator_tokens').set({ last_used_at: before - 30_000 }).where('id', '=', row.id).execute();
    ok(await opCall(server, 'merchant/list', {}, token));
    expect(Number((await db.selectFrom('operator_tokens').select('last_used_at').where('id', '=', row.id).executeTakeFirstOrThrow()).last_used_at)).toBe(before - 30_000);
    // A minute on, it is written again.
    await db.updateTable('operator_tokens').set({ last_used_at: before - 61_000 }).where('id', '=', row.id).execute();
    ok(await opCall(server, 'merchant/list', {}, token));
    expect(Number((await db.selectFrom('operator_tokens').select('last_used_at').where('id', '=', row.id).executeTakeFirstOrThrow()).last_used_at)).toBeGreaterThanOrEqual(before);
  });

  it('a token revoked while in use is refused from its next request', async () => {
    const token = await operatorToken(server, ['merchants:read'], 'to-revoke');
    ok(await opCall(server, 'merchant/list', {}, token));
    const { id } = await server.runtime.ctx.db.kysely.selectFrom('operator_tokens').select('id').where('name', '=', 'to-revoke').executeTakeFirstOrThrow();
    await revokeOperatorToken({ ctx: server.runtime.ctx, input: { id: Number(id) } });
    expect(refusal(await opCall(server, 'merchant/list', {}, token))).toBe('800102');
  });
});

/** Every path of fastify's route tree that answers `method` (printRoutes draws each node as its segment, indented under its parent). */
function servedPaths(tree: string, method: string): string[] {
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack[depth] = (depth > 0 ? stack[depth - 1]! : '') + match[2]!;
    stack.length = depth + 1;
    if (match[3]?.split(', ').includes(method)) paths.push(stack[depth]!);
  }
  return paths;
}

describe('metrics', () => {
  it('counts operator requests by endpoint and code, refusals included', async () => {
    ok(await opCall(server, 'merchant/list', {}, all));
    const metrics = await call(server, '/metrics', undefined, { method: 'GET' });
    expect(metrics.text).toMatch(/esimkit_requests_total\{endpoint="operator\.merchant\.list",code="0"\} [1-9]/);
    expect(metrics.text).toMatch(/esimkit_requests_total\{endpoint="operator\.merchant\.list",code="800101"\} [1-9]/);
  });
});

describe('the OpenAPI document', () => {
  it('lists exactly the operator routes served, each with its scope and schemas', async () => {
    const result = await call(server, op('openapi.json'), undefined, { method: 'GET' });
    expect(result.status).toBe(200);
    const doc = result.json;
    expect(doc.openapi).toBe('3.1.0');
    const served = servedPaths(server.app.printRoutes({ commonPrefix: false }), 'POST').filter((path) => path.startsWith('/api/v1/operator/'));
    expect(served.length).toBe(operatorRoutes.length);
    expect(Object.keys(doc.paths).sort()).toEqual([...served].sort());
    for (const route of operatorRoutes) {
      const operation = doc.paths[route.path].post;
      expect(operation.operationId).toBe(route.name);
      expect(operation.security).toEqual([{ operatorToken: [route.scope] }]);
      expect(operation.requestBody.content['application/json'].schema.type).toBe('object');
      expect(operation.responses['200'].content['application/json'].schema.properties.obj.anyOf[0]).toBeTypeOf('object');
      expect(operation.responses['401']).toBeDefined();
      expect(operation.responses['403']).toBeDefined();
    }
    expect(doc.components.securitySchemes.operatorToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('docs/operator-api.md describes every endpoint with its scope, every scope and every code', () => {
    const docs = readFileSync(new URL('../../../docs/operator-api.md', import.meta.url), 'utf8');
    for (const route of operatorRoutes) expect(docs, route.path).toContain(`**\`${pathOf(route)}\`** (\`${route.scope}\`)`.replace('** (', route.name.endsWith('.disable') ? '**, **`merchant/enable`** (' : '** ('));
    for (const scope of Object.keys(operatorScopes)) expect(docs).toContain(`| \`${scope}\` |`);
    for (const code of Object.keys(operatorErrorCodes)) expect(docs).toContain(`| \`${code}\` |`);
  });
});

describe('too many wrong tokens from one address', () => {
  let locked: TestServer;
  afterAll(() => locked?.close());

  it('locks the address out, right tokens included, with Retry-After', async () => {
    locked = await startTestServer({ env: { SEED_CATALOG: 'none' } });
    const token = await operatorToken(locked, ['merchants:read']);
    ok(await opCall(locked, 'merchant/list', {}, token));
    // Requests without a token are not guesses and do not count.
    for (let i = 0; i < 12; i++) expect(refusal(await opCall(locked, 'merchant/list', {}, undefined))).toBe('800101');
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) codes.push(refusal(await opCall(locked, 'merchant/list', {}, `esk_op_${'x'.repeat(43)}`)));
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('800101'));
    expect(codes[10]).toBe('800104');
    const refused = await opCall(locked, 'merchant/list', {}, token);
    expect(refusal(refused)).toBe('800104');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
