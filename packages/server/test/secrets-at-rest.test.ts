import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { verifyWebhookSignature } from '@esimkit/contract';
import { Migrator, sql, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ConfigError, loadConfig, SecretKeyMismatch, startServer, type Db } from '../src/index.js';
import { call, expectFailure, freshDatabaseUrl, paths, startTestServer, TEST_DATABASE, type TestServer } from './support/harness.js';
import { startReceiver } from './support/receiver.js';

// Secrets at rest (issue 14, docs/secrets.md): merchants' API secret keys, webhook signing
// secrets and access codes are stored sealed (AES-256-GCM) or as a keyed hash, with a key
// from ESIMKIT_SECRET_KEY (kept in a file by the sandbox). Every test on a real database.

const ext = (p: string) => `/api/v1/esimkit/${p}`;
const open = (p: string) => `/api/v1/open/${p}`;
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
// tsx by its path: the child runs in a temporary folder (its ./data), where no node_modules is.
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const keyHex = () => randomBytes(32).toString('hex');

/** Everything the merchants and meta tables hold, as text. */
async function storedText(db: Db): Promise<string> {
  const merchants = await db.kysely.selectFrom('merchants').selectAll().execute();
  const meta = await db.kysely.selectFrom('meta').selectAll().execute();
  return JSON.stringify([merchants, meta]);
}

describe('what the database holds', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  });
  afterAll(() => server?.close());

  it('no plain access code, secret key or webhook secret; sealed values with the key id; requests and webhooks work', async () => {
    const receiver = await startReceiver();
    try {
      const merchant = await server.merchant({ balance: 10_000_000, signaturePolicy: 'required' });
      const signed = { accessCode: merchant.accessCode, secretKey: merchant.secretKey };
      expect((await call(server, open('webhook/save'), { webhook: receiver.url }, signed)).json.success).toBe(true);
      const rotated = await call(server, ext('webhook/secret/rotate'), {}, signed);
      const first = rotated.json.obj.secret as string;
      const next = await call(server, ext('webhook/secret/rotate'), { overlapSeconds: 600 }, signed);
      const second = next.json.obj.secret as string;

      const text = await storedText(server.runtime.ctx.db);
      for (const secret of [merchant.accessCode, merchant.secretKey, first, second, first.slice(6), second.slice(6)]) expect(text).not.toContain(secret);
      const keyId = server.runtime.ctx.secrets.keyId;
      const row = await server.runtime.ctx.db.kysely.selectFrom('merchants').selectAll().where('id', '=', merchant.id).executeTakeFirstOrThrow();
      expect(row.access_code_hash).toMatch(new RegExp(`^h1:${keyId}:[A-Za-z0-9_-]{43}$`));
      for (const sealed of [row.access_code_sealed, row.secret_key_sealed, row.webhook_secret_sealed, row.webhook_previous_secret_sealed]) {
        expect(sealed).toMatch(new RegExp(`^v1:${keyId}:`));
      }
      // The demo merchant's marker names it by the hash too.
      const marker = await server.runtime.ctx.db.kysely.selectFrom('meta').select('value').where('key', '=', 'demo_merchant').executeTakeFirstOrThrow();
      expect(marker.value).toMatch(/^h1:/);

      // Signed requests verify against the sealed key; a wrong key or a wrong code is refused.
      expect((await call(server, paths.balance, '', signed)).json.obj.balance).toBe(10_000_000);
      expect(expectFailure(await call(server, paths.balance, '', { ...signed, secretKey: 'f'.repeat(32) }))).toBe('101003');
      expect(expectFailure(await call(server, paths.balance, '', { accessCode: row.access_code_hash }))).toBe('000101');

      // Webhooks carry both signatures during the overlap, made with the secrets handed out.
      const placed = await call(server, open('esim/order'), { transactionId: 'sealed-1', packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, signed);
      const orderNo = placed.json.obj.orderNo as string;
      await receiver.waitFor(() => receiver.events('ORDER_STATUS').some((e) => e.content.orderNo === orderNo));
      const delivery = receiver.received.find((r) => r.json?.content?.orderNo === orderNo)!;
      expect(verifyWebhookSignature(second, delivery.headers as any, delivery.body)).toBe(true);
      expect(verifyWebhookSignature(first, delivery.headers as any, delivery.body)).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});

/** Migrates a new database to 0013 (the schema before secrets were sealed). */
async function databaseBefore0014(url: string): Promise<Db> {
  const db = connect(url);
  if (db.schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(db.schema)}`.execute(db.kysely);
  const folder = join(SRC, 'db/migrations');
  const migrations: Record<string, Migration> = {};
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts')).sort()) {
    const name = file.replace(/\.ts$/, '');
    if (name > '0013_production_sources') continue;
    const module = (await import(pathToFileURL(join(folder, file)).href)) as { up: (k: unknown, d: unknown) => Promise<void> };
    migrations[name] = { up: (k) => module.up(k, db.dialect) };
  }
  const migrationTableSchema = db.schema ?? (db.dialect.name === 'postgres' ? 'public' : undefined);
  const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations }, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  return db;
}

describe('a database from before sealing', () => {
  it('is sealed at the next start (by two instances at once), and the old credentials keep working', async () => {
    const database = await freshDatabaseUrl();
    const plain = { accessCode: 'a'.repeat(8) + randomBytes(12).toString('hex'), secretKey: randomBytes(16).toString('hex'), webhook: `whsec_${randomBytes(24).toString('base64')}` };
    const db = await databaseBefore0014(database.url);
    try {
      const now = Date.now();
      await sql`INSERT INTO merchants (name, access_code, secret_key, signature_policy, rate_limit, rate_burst, ip_blocklist, balance, balance_updated_at, created_at, webhook_secret)
        VALUES ('Old shop', ${plain.accessCode}, ${plain.secretKey}, 'optional', 0, 1, '[]', 0, ${now}, ${now}, ${plain.webhook})`.execute(db.kysely);
      // The demo merchant of that sandbox, named by its plain access code.
      await sql`INSERT INTO meta (key, value) VALUES ('demo_merchant', ${plain.accessCode})`.execute(db.kysely);
    } finally {
      await db.close();
    }
    const printed: string[][] = [[], []];
    const env = { ESIMKIT_SECRET_KEY: keyHex(), SEED_CATALOG: 'none', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database.url };
    const start = (i: number) => startServer({ config: loadConfig(env), logger: false, print: (line) => printed[i]!.push(line) });
    // SQLite serves one instance; PostgreSQL several, which may start together.
    const servers = TEST_DATABASE === 'postgres' ? await Promise.all([start(0), start(1)]) : [await start(0)];
    try {
      const [server] = servers;
      const text = await storedText(server!.runtime.ctx.db);
      for (const secret of Object.values(plain)) expect(text).not.toContain(secret);
      // Every instance found the demo merchant and printed its credentials as before.
      for (let i = 0; i < servers.length; i++) {
        expect(printed[i]).toContain(`  RT-AccessCode: ${plain.accessCode}`);
        expect(printed[i]).toContain(`  SecretKey:     ${plain.secretKey}`);
      }
      for (const [i, running] of servers.entries()) {
        const base = { baseUrl: running.url };
        // The old secret key still signs (a wrong one is refused). Signed on the first instance
        // only: without Redis each instance keeps its own replay window, and one that starts
        // beside another refuses requests signed before its first (http/replay-guard.ts).
        if (i === 0) expect((await call(base, paths.balance, '', plain)).json.success).toBe(true);
        expect(expectFailure(await call(base, paths.balance, '', { ...plain, secretKey: 'f'.repeat(32) }))).toBe('101003');
        expect((await call(base, ext('webhook/log'), {}, { accessCode: plain.accessCode })).json.success).toBe(true);
      }
      const row = await server!.runtime.ctx.db.kysely.selectFrom('merchants').selectAll().executeTakeFirstOrThrow();
      expect(server!.runtime.ctx.secrets.open(row.webhook_secret_sealed!)).toBe(plain.webhook);
      expect(server!.runtime.ctx.secrets.open(row.access_code_sealed!)).toBe(plain.accessCode);
    } finally {
      for (const running of servers) await running.close();
      await database.drop();
    }
  });
});

describe('the key', () => {
  it('is made on the first sandbox start beside the SQLite database (0600), logged as generated, and used again at the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esimkit-key-'));
    // PostgreSQL: the sandbox keeps it in ./data of the working folder unless told; here a file named by ESIMKIT_SECRET_KEY_FILE.
    const database = TEST_DATABASE === 'postgres' ? await freshDatabaseUrl() : { url: join(dir, 'esimkit.db'), drop: async () => {} };
    const keyFile = join(dir, 'secret.key');
    const env = { DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', SEED_CATALOG: 'none', ...(TEST_DATABASE === 'postgres' ? { ESIMKIT_SECRET_KEY_FILE: keyFile } : {}) };
    const demo: string[] = [];
    try {
      const first = await startServer({ config: loadConfig(env), logger: false, print: (line) => demo.push(line) });
      const keyId = first.runtime.ctx.secrets.keyId;
      expect(first.runtime.secretKey).toMatchObject({ generated: true, file: keyFile });
      await first.close();
      expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);

      const second = await startServer({ config: loadConfig(env), logger: false, print: (line) => demo.push(line) });
      try {
        expect(second.runtime.secretKey).toMatchObject({ generated: false, file: keyFile });
        expect(second.runtime.ctx.secrets.keyId).toBe(keyId);
        const accessCode = demo.find((l) => l.includes('RT-AccessCode:'))!.split(': ')[1]!.trim();
        const base = { baseUrl: second.url };
        expect((await call(base, paths.balance, '', { accessCode })).json.success).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('production without ESIMKIT_SECRET_KEY refuses to start, naming it; a malformed key is a configuration problem', async () => {
    const database = await freshDatabaseUrl();
    try {
      const refused = await startServer({ config: loadConfig({ DATABASE_URL: database.url, ESIMKIT_MODE: 'production', PORT: '0', SEED_CATALOG: 'none' }), logger: false, print: () => {}, warn: () => {} }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).problems.join('\n')).toMatch(/^ESIMKIT_SECRET_KEY: required in production mode/);
      // A merchant's API secret key (16 bytes) put there by mistake is not taken for one.
      const problems = (() => {
        try {
          loadConfig({ ESIMKIT_SECRET_KEY: randomBytes(16).toString('hex') });
        } catch (error) {
          return (error as ConfigError).problems;
        }
        return [];
      })();
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ESIMKIT_SECRET_KEY: must be 32 random bytes/);
      expect(loadConfig({ ESIMKIT_SECRET_KEY: randomBytes(32).toString('base64') }).secretKey.key).toHaveLength(32);
    } finally {
      await database.drop();
    }
  });

  it('a start with another key than the one the secrets were sealed with fails, naming both keys', async () => {
    const database = await freshDatabaseUrl();
    const env = { DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', SEED_CATALOG: 'none', ESIMKIT_MODE: 'production' };
    try {
      const right = await startServer({ config: loadConfig({ ...env, ESIMKIT_SECRET_KEY: keyHex() }), logger: false, print: () => {}, warn: () => {} });
      const sealedWith = right.runtime.ctx.secrets.keyId;
      const { createMerchant } = await import('../src/index.js');
      await createMerchant({ ctx: right.runtime.ctx, input: { name: 'sealed' } });
      await right.close();
      const refused = await startServer({ config: loadConfig({ ...env, ESIMKIT_SECRET_KEY: keyHex() }), logger: false, print: () => {}, warn: () => {} }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(SecretKeyMismatch);
      expect((refused as Error).message).toContain(`sealed with key ${sealedWith}`);
      expect((refused as SecretKeyMismatch).keyId).not.toBe(sealedWith);
    } finally {
      await database.drop();
    }
  });
});

describe('the log', () => {
  it('never holds a secret: credentials, webhook secrets or the key (a real server at LOG_LEVEL=trace)', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esimkit-log-'));
    const database = TEST_DATABASE === 'postgres' ? await freshDatabaseUrl() : { url: join(dir, 'esimkit.db'), drop: async () => {} };
    const receiver = await startReceiver();
    // The server from its sources in a child process, as `esimkit serve` runs it: everything
    // it writes is kept.
    const script = `const { startServer } = await import(${JSON.stringify(pathToFileURL(join(SRC, 'index.ts')).href)});
      const server = await startServer();
      process.on('SIGTERM', async () => { await server.close(); process.exit(0); });`;
    const child = spawn(process.execPath, ['--conditions=@esimkit/source', '--import', TSX, '--input-type=module', '-e', script], {
      cwd: dir,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ESIMKIT_'))),
        DATABASE_URL: database.url,
        ESIMKIT_SECRET_KEY_FILE: join(dir, 'secret.key'),
        PORT: '0',
        LOG_LEVEL: 'trace',
        SEED_CATALOG: 'none',
        ALLOCATION_DELAY_MS: '0',
        WEBHOOK_RETRY_SCHEDULE: '100ms',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 40_000;
      while (!/listening on (http:\/\/\S+)/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no start: ${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const baseUrl = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
      const accessCode = /RT-AccessCode: (\S+)/.exec(stdout)![1]!;
      const secretKey = /SecretKey: +(\S+)/.exec(stdout)![1]!;
      const server = { baseUrl };
      const signed = { accessCode, secretKey };
      // Requests that succeed, that are refused for their signature or their code, webhooks
      // signed with a secret, deliveries that fail and are retried.
      expect((await call(server, paths.balance, '', signed)).json.success).toBe(true);
      await call(server, paths.balance, '', { accessCode, secretKey: 'f'.repeat(32) });
      await call(server, paths.balance, '', { accessCode: accessCode.slice(0, 31) });
      await call(server, paths.balance, '{"secretKey":"' + secretKey + '"', signed);
      await call(server, open('webhook/save'), { webhook: receiver.url }, signed);
      const webhookSecret = (await call(server, ext('webhook/secret/rotate'), {}, signed)).json.obj.secret as string;
      receiver.failNext(1);
      await call(server, open('webhook/save'), { webhook: receiver.url }, signed);
      await call(server, open('webhook/save'), { webhook: 'http://127.0.0.1:9/closed' }, signed);
      await call(server, open('esim/order'), { transactionId: 'log-1', packageInfoList: [{ packageCode: 'NONE_1_7', count: 1 }] }, signed);
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const key = readFileSync(join(dir, 'secret.key'), 'utf8').trim();
      // Log lines are pino's JSON; the start's own lines for people (the demo credentials, in
      // sandbox mode by design) are not log lines.
      const logLines = [...stdout.split('\n'), ...stderr.split('\n')].filter((line) => line.startsWith('{'));
      expect(logLines.some((line) => /secret key generated/.test(line))).toBe(true);
      const log = logLines.join("\n");
      for (const secret of [accessCode, secretKey, webhookSecret, webhookSecret.slice(6), key, Buffer.from(key, 'hex').toString('base64')]) {
        expect(log).not.toContain(secret);
      }
      expect(stderr).not.toContain(secretKey);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await receiver.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
