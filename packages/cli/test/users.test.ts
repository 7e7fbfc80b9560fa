import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, baseEnv, json, runCli } from './support.js';

// `esimkit user create`: console users made from the command line, with the password piped
// in (what a script does; a terminal gets a hidden prompt) or a set-password link; then a
// real server on the same database lets them in.

let dir: string;
let env: Record<string, string>;

/** The CLI with text on its standard input. */
function runWithStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv, ...env } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esimkit-users-'));
  env = { DATABASE_URL: join(dir, 'esimkit.db'), SEED_CATALOG: 'none', LOG_LEVEL: 'silent', PUBLIC_URL: 'https://console.example.com' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('esimkit user create', () => {
  it('never creates a database', async () => {
    const run = await runWithStdin(['user', 'create', '--email', 'a@example.com', '--operator'], 'a long passphrase\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no database at');
  });

  it('creates a merchant user with a piped password and an operator with a link; refuses what it should', async () => {
    json(await runCli(['migrate', '--json'], env));
    const merchant = json(await runCli(['merchant', 'create', '--name', 'CLI Travel', '--json'], env));

    const created = await runWithStdin(['user', 'create', '--email', 'Ana@Example.com', '--merchant', merchant.accessCode, '--json'], 'a long passphrase\n');
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout)).toMatchObject({ email: 'ana@example.com', merchantId: merchant.id, operator: false });

    const linked = json(await runCli(['user', 'create', '--email', 'ops@example.com', '--operator', '--link', '--json'], env));
    expect(linked).toMatchObject({ email: 'ops@example.com', operator: true, merchantId: null });
    expect(linked.link).toMatch(/^https:\/\/console\.example\.com\/console\/set-password\?token=[\w-]{43}$/);

    const plain = await runCli(['user', 'create', '--email', 'ben@example.com', '--merchant', merchant.accessCode, '--link'], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^Console user ben@example.com created \(merchant \w+\)\.\nSet-password link \(one use, valid 24 hours\):\n {2}https:\/\/console\.example\.com\/console\/set-password\?token=[\w-]{43}\n$/);

    const again = await runWithStdin(['user', 'create', '--email', 'ana@example.com', '--merchant', merchant.accessCode], 'another passphrase\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: a console user with email ana@example.com exists already\n');
    const short = await runWithStdin(['user', 'create', '--email', 'c@example.com', '--operator'], 'short\n');
    expect(short.stderr).toBe('error: The password must have at least 10 characters.\n');
    const both = await runWithStdin(['user', 'create', '--email', 'd@example.com', '--operator', '--merchant', merchant.accessCode], 'a long passphrase\n');
    expect(both.stderr).toBe('error: give exactly one of --merchant ACCESS_CODE or --operator\n');
    const unknown = await runWithStdin(['user', 'create', '--email', 'e@example.com', '--merchant', 'nope'], 'a long passphrase\n');
    expect(unknown.stderr).toBe('error: no merchant with access code nope\n');

    // A server on that database lets the user in with the piped password.
    const { startServer, loadConfig } = await import('@esimkit/server');
    const server = await startServer({ config: loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: undefined as unknown as string }), logger: false, print: () => {} });
    try {
      const page = await fetch(`${server.url}/console/login`);
      const csrfCookie = /esimkit_csrf=([^;]+)/.exec(page.headers.getSetCookie().join('\n'))![1]!;
      const login = (password: string) =>
        fetch(`${server.url}/console/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `esimkit_csrf=${csrfCookie}` },
          body: new URLSearchParams({ _csrf: csrfCookie, email: 'ana@example.com', password }).toString(),
        });
      expect((await login('wrong password')).status).toBe(401);
      const ok = await login('a long passphrase');
      expect(ok.status).toBe(303);
      expect(ok.headers.getSetCookie().join('\n')).toMatch(/esimkit_session=[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict/);
    } finally {
      await server.close();
    }
  });
});
