import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support.js';

// The README's complete example is run as it is written, in a child process (tsx), against
// a running esimkit, as a merchant that must sign its requests.
const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));

function example(): string {
  const readme = readFileSync(`${SDK_DIR}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## A complete example'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no ts block under "A complete example"');
  return match[1]!;
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: SDK_DIR, env: { ...process.env, ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('the README example', () => {
  let server: TestServer;
  // Inside the package, so that `@esimkit/sdk` resolves as it does for a user.
  const file = `${SDK_DIR}.readme-example-${process.pid}.ts`;
  const tsconfig = `${SDK_DIR}.readme-tsconfig-${process.pid}.json`;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    rmSync(file, { force: true });
    rmSync(tsconfig, { force: true });
    await server?.close();
  });

  it('type-checks and runs: orders, waits, shows the QR code, tops up, handles webhooks', async () => {
    const merchant = await server.merchant({ balance: 1_000_000, signaturePolicy: 'required' });
    writeFileSync(file, example());
    // tsx does not type-check: tsc does, at the same time.
    writeFileSync(tsconfig, JSON.stringify({ extends: '../../tsconfig.json', include: [file] }));
    const [result, typecheck] = await Promise.all([
      run(['--import', 'tsx', file], { ESIMKIT_BASE_URL: server.baseUrl, ESIMKIT_ACCESS_CODE: merchant.accessCode, ESIMKIT_MERCHANT_SECRET_KEY: merchant.secretKey }),
      run([createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', tsconfig]),
    ]);
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^webhook CHECK_HEALTH [0-9a-f]{32}$/m);
    expect(out).toMatch(/^plan \S+: .*, 1 GB, \$\d+\.\d\d$/m);
    const orderNo = /^order (B\d+): eSIM \d+, ICCID \d+$/m.exec(out)?.[1];
    expect(orderNo).toBeDefined();
    expect(out).toMatch(new RegExp(`^QR code: ${server.baseUrl}/qr/\\S+\\.png$`, 'm'));
    expect(out).toMatch(/^activation code: LPA:1\$/m);
    expect(out).toMatch(/^topped up with TOPUP_\S+: 2 GB for 14 days$/m);
    expect(out).toMatch(/^refused: 310241 .+ \(retryable: false\)$/m);
    expect(out).toMatch(/^balance: \$\d+\.\d\d$/m);
    // The ORDER_STATUS delivery went to the example's receiver, signed.
    const events = await server.runtime.ctx.db.kysely.selectFrom('webhook_events').select(['notify_type', 'status']).where('merchant_id', '=', merchant.id).execute();
    expect(events).toContainEqual({ notify_type: 'ORDER_STATUS', status: expect.any(String) });
  }, 120_000);
});
