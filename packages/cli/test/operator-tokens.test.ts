import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { opCall, ok, refusal } from '../../server/test/support/operator.js';
import { json, runCli, table } from './support.js';

// `esimkit operator token create | list | revoke` on a fresh database (SQLite file, or a
// PostgreSQL schema with TEST_DATABASE=postgres), and a real server on the same database
// that the tokens open, or no longer open once revoked.

let env: Record<string, string>;
let drop: () => Promise<void>;
let server: TestServer | undefined;

beforeAll(async () => {
  const database = await freshDatabaseUrl();
  drop = database.drop;
  env = { DATABASE_URL: database.url, SEED_CATALOG: 'none', LOG_LEVEL: 'silent' };
  json(await runCli(['migrate', '--json'], env));
});
afterAll(async () => {
  await server?.close();
  await drop();
});

describe('esimkit operator token', () => {
  it('creates a token shown once, lists tokens without them, and revokes one', async () => {
    const created = json(await runCli(['operator', 'token', 'create', '--name', 'billing-sync', '--scopes', 'merchants:read, funds:write', '--json'], env));
    expect(created).toMatchObject({ id: expect.any(Number), name: 'billing-sync', scopes: ['merchants:read', 'funds:write'] });
    expect(created.token).toMatch(/^esk_op_[\w-]{43}$/);
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);

    const plain = await runCli(['operator', 'token', 'create', '--name', 'ops', '--scopes', '*'], env);
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    const printed = /^Operator token (\d+) "ops" \(\*\):\n {2}(esk_op_[\w-]{43})\nIt is shown this once: /.exec(plain.stdout);
    expect(printed).not.toBeNull();
    const opsToken = printed![2]!;

    const listed = json(await runCli(['operator', 'token', 'list', '--json'], env));
    expect(listed).toEqual([
      { id: created.id, name: 'billing-sync', scopes: ['merchants:read', 'funds:write'], createdAt: created.createdAt, lastUsedAt: null, revokedAt: null },
      { id: Number(printed![1]), name: 'ops', scopes: ['*'], createdAt: expect.any(String), lastUsedAt: null, revokedAt: null },
    ]);
    const shown = await runCli(['operator', 'token', 'list'], env);
    expect(shown.stdout).not.toContain(created.token);
    expect(shown.stdout).not.toContain(opsToken);
    expect(table(shown.stdout).map((r) => [r.name, r.scopes, r.lastUsedAt])).toEqual([
      ['billing-sync', 'merchants:read,funds:write', 'never'],
      ['ops', '*', 'never'],
    ]);

    // A server on the same database takes the tokens, each for its scopes.
    server = await startTestServer({ databaseUrl: env.DATABASE_URL!, env: { SEED_CATALOG: 'none' } });
    // (The sandbox's demo merchant was made when the server started.)
    const merchants = ok(await opCall(server, 'merchant/list', {}, created.token)).merchantList.length;
    expect(refusal(await opCall(server, 'merchant/create', { name: 'Nope' }, created.token))).toBe('800103');
    expect(ok(await opCall(server, 'merchant/create', { name: 'Yes' }, opsToken)).name).toBe('Yes');
    const used = json(await runCli(['operator', 'token', 'list', '--json'], env));
    expect(used.every((t: any) => typeof t.lastUsedAt === 'string')).toBe(true);

    const revoked = json(await runCli(['operator', 'token', 'revoke', String(created.id), '--json'], env));
    expect(revoked).toMatchObject({ id: created.id, alreadyRevoked: false, revokedAt: expect.any(String) });
    expect(refusal(await opCall(server, 'merchant/list', {}, created.token))).toBe('800102');
    const again = await runCli(['operator', 'token', 'revoke', String(created.id)], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Operator token ${created.id} was revoked already (${revoked.revokedAt}).\n`);
    expect(json(await runCli(['operator', 'token', 'list', '--json'], env))[0].revokedAt).toBe(revoked.revokedAt);
    expect(ok(await opCall(server, 'merchant/list', {}, opsToken)).merchantList).toHaveLength(merchants + 1);
  });

  it('refuses bad names, scopes and ids with a one-line error and makes nothing', async () => {
    const before = json(await runCli(['operator', 'token', 'list', '--json'], env)).length;
    const unknown = await runCli(['operator', 'token', 'create', '--name', 'x', '--scopes', 'merchants:read,root'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown scope root: use \* or some of merchants:read, /);
    const mixed = await runCli(['operator', 'token', 'create', '--name', 'x', '--scopes', '*,orders:read'], env);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('give it alone');
    const empty = await runCli(['operator', 'token', 'create', '--name', '  ', '--scopes', '*'], env);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('error: an operator token needs a name\n');
    const noScopes = await runCli(['operator', 'token', 'create', '--name', 'x'], env);
    expect(noScopes.code).toBe(1);
    expect(noScopes.stderr).toContain("required option '--scopes <list>' not specified");
    expect(json(await runCli(['operator', 'token', 'list', '--json'], env))).toHaveLength(before);

    const missing = await runCli(['operator', 'token', 'revoke', '999'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: there is no operator token 999\n');
    const notAnId = await runCli(['operator', 'token', 'revoke', 'abc'], env);
    expect(notAnId.code).toBe(1);
    expect(notAnId.stderr).toContain('must be a token id');
  });
});
