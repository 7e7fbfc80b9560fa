import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support.js';

// The built package: an ESM bundle that needs nothing but Node (it runs from a directory
// with no node_modules), with type declarations beside it.
const run = promisify(execFile);
const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('npm run build', () => {
  let server: TestServer;
  let out: string;
  beforeAll(async () => {
    server = await startServer();
    out = mkdtempSync(join(tmpdir(), 'esimkit-sdk-dist-'));
  });
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await server?.close();
  });

  it('emits a self-contained bundle and declarations', async () => {
    await run(process.execPath, [join(SDK_DIR, 'build.mjs'), out], { cwd: SDK_DIR, timeout: 90_000 });
    const bundle = readFileSync(join(out, 'index.js'), 'utf8');
    const imported = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.every((specifier) => specifier!.startsWith('node:'))).toBe(true);
    expect(bundle).not.toMatch(/\bzod\b/);
    for (const file of ['index.d.ts', 'client.d.ts', 'webhooks/parse.d.ts']) expect(existsSync(join(out, file)), file).toBe(true);

    const merchant = await server.merchant({ balance: 123_400, signaturePolicy: 'required' });
    writeFileSync(
      join(out, 'check.mjs'),
      `import { EsimAccessClient, formatUnits } from './index.js';
const client = new EsimAccessClient({ baseUrl: process.argv[2], accessCode: process.argv[3], secretKey: process.argv[4] });
console.log(formatUnits((await client.balance()).balance));`,
    );
    const { stdout } = await run(process.execPath, [join(out, 'check.mjs'), server.baseUrl, merchant.accessCode, merchant.secretKey], { cwd: out });
    expect(stdout.trim()).toBe('$12.34');
  }, 120_000);
});
