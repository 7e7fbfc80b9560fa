import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhookSignature } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, freshDatabaseUrl, paths, startTestServer, TEST_DATABASE, type TestServer } from '../../server/test/support/harness.js';
import { startReceiver } from '../../server/test/support/receiver.js';
import { json, runCli } from './support.js';

// `esimkit secrets rotate`: every secret sealed again with a new key, in one transaction; the
// servers started with the new key serve every merchant as before; the old key opens nothing.

const SLOW = 120_000;
const keyHex = () => randomBytes(32).toString('hex');
const ext = (p: string) => `/api/v1/esimkit/${p}`;

describe('esimkit secrets rotate (production: the key in ESIMKIT_SECRET_KEY)', () => {
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  const oldKey = keyHex();
  const newKey = keyHex();
  let env: Record<string, string>;
  let merchants: { accessCode: string; secretKey: string }[];
  let webhookSecret: string;

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    env = { DATABASE_URL: database.url, ESIMKIT_MODE: 'production', LOG_LEVEL: 'silent', SEED_CATALOG: 'none' };
    const server = await startTestServer({ databaseUrl: database.url, env: { ...env, ESIMKIT_SECRET_KEY: oldKey, WEBHOOK_ALLOW_PRIVATE: 'on' } });
    try {
      merchants = [await server.merchant({ signaturePolicy: 'required' }), await server.merchant({ signaturePolicy: 'required' })];
      const receiver = await startReceiver();
      try {
        await call(server, '/api/v1/open/webhook/save', { webhook: receiver.url }, merchants[0]!);
        webhookSecret = (await call(server, ext('webhook/secret/rotate'), {}, merchants[0]!)).json.obj.secret;
      } finally {
        await receiver.close();
      }
    } finally {
      await server.close();
    }
  }, SLOW);
  afterAll(() => database?.drop());

  it('refuses without a new key, or with the key in use, and changes nothing', async () => {
    const none = await runCli(['secrets', 'rotate'], { ...env, ESIMKIT_SECRET_KEY: oldKey });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: no new key\nhint: set ESIMKIT_NEW_SECRET_KEY/);
    const same = await runCli(['secrets', 'rotate'], { ...env, ESIMKIT_SECRET_KEY: oldKey, ESIMKIT_NEW_SECRET_KEY: oldKey });
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/^error: the new key is the key in use/);
    const bad = await runCli(['secrets', 'rotate'], { ...env, ESIMKIT_SECRET_KEY: oldKey, ESIMKIT_NEW_SECRET_KEY: 'abc' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: ESIMKIT_NEW_SECRET_KEY is no key/);
    // Not with a key that is not the one in use either: that start is refused, naming both.
    const wrong = await runCli(['secrets', 'rotate'], { ...env, ESIMKIT_SECRET_KEY: keyHex(), ESIMKIT_NEW_SECRET_KEY: newKey });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: the merchants' secrets in the database are sealed with key [0-9a-f]{8}, but the secret key in hand is key [0-9a-f]{8}/);
  }, SLOW);

  it('seals everything again with the new key; requests and webhooks work with it; the old key no longer starts', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'esimkit-newkey-')), 'new.key');
    writeFileSync(keyFile, `${newKey}\n`, { mode: 0o600 });
    try {
      const rotated = json(await runCli(['secrets', 'rotate', '--new-key-file', keyFile, '--json'], { ...env, ESIMKIT_SECRET_KEY: oldKey }));
      expect(rotated).toMatchObject({ resealed: 2, unchanged: 0, keyFile: null });
      expect(rotated.from).not.toBe(rotated.to);
      // Run again (a rotation cut short is run again): the rows already under the new key stay.
      const again = json(await runCli(['secrets', 'rotate', '--json'], { ...env, ESIMKIT_SECRET_KEY: oldKey, ESIMKIT_NEW_SECRET_KEY: newKey }));
      expect(again).toMatchObject({ resealed: 0, unchanged: 2 });
    } finally {
      rmSync(join(keyFile, '..'), { recursive: true, force: true });
    }

    const refused = await startTestServer({ databaseUrl: database.url, env: { ...env, ESIMKIT_SECRET_KEY: oldKey } }).then(
      (server) => server.close().then(() => undefined),
      (error: unknown) => error as Error,
    );
    expect(refused?.message).toMatch(/sealed with key [0-9a-f]{8}, but the secret key in hand is key/);

    const server: TestServer = await startTestServer({ databaseUrl: database.url, env: { ...env, ESIMKIT_SECRET_KEY: newKey, WEBHOOK_ALLOW_PRIVATE: 'on' } });
    const receiver = await startReceiver();
    try {
      for (const merchant of merchants) {
        expect((await call(server, paths.balance, '', merchant)).json.success).toBe(true);
        expect(expectFailure(await call(server, paths.balance, '', { ...merchant, secretKey: 'f'.repeat(32) }))).toBe('101003');
      }
      // The webhook secret is the one handed out before the rotation.
      const saved = await call(server, '/api/v1/open/webhook/save', { webhook: receiver.url }, merchants[0]!);
      expect(saved.json.success).toBe(true);
      const check = receiver.received.at(-1)!;
      expect(verifyWebhookSignature(webhookSecret, check.headers as any, check.body)).toBe(true);
      // And the operator command reads it with the new key.
      const shown = json(await runCli(['webhook', 'secret', 'show', '--access-code', merchants[0]!.accessCode, '--json'], { ...env, ESIMKIT_SECRET_KEY: newKey }));
      expect(shown.secret).toBe(webhookSecret);
    } finally {
      await receiver.close();
      await server.close();
    }
  }, SLOW);
});

describe('esimkit secrets rotate (sandbox: the key in a file)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'esimkit-sandbox-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the key file, so the next start just works', async () => {
    // On PostgreSQL the sandbox's file is ./data/secret.key of the working folder; named here.
    const database = TEST_DATABASE === 'postgres' ? await freshDatabaseUrl() : { url: join(dir, 'esimkit.db'), drop: async () => {} };
    const keyFile = join(dir, 'secret.key');
    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'silent', SEED_CATALOG: 'none', ...(TEST_DATABASE === 'postgres' ? { ESIMKIT_SECRET_KEY_FILE: keyFile } : {}) };
    try {
      const first = await startTestServer({ databaseUrl: database.url, env });
      const merchant = await first.merchant({ signaturePolicy: 'required' });
      await first.close();
      const before = readFileSync(keyFile, 'utf8');
      const newKey = keyHex();
      const run = await runCli(['secrets', 'rotate'], { ...env, ESIMKIT_NEW_SECRET_KEY: newKey });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Sealed the secrets of 2 merchant\(s\) again with key [0-9a-f]{8} \(was key [0-9a-f]{8}; 0 already under it\)\.\n/);
      expect(run.stdout).toContain(`${keyFile} now holds the new key`);
      expect(readFileSync(keyFile, 'utf8')).toBe(`${newKey}\n`);
      expect(before).not.toBe(`${newKey}\n`);

      const next = await startTestServer({ databaseUrl: database.url, env });
      try {
        expect((await call(next, paths.balance, '', merchant)).json.success).toBe(true);
      } finally {
        await next.close();
      }
    } finally {
      await database.drop();
    }
  }, SLOW);
});
