import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, startServer, type TestServer } from './support.js';

// The package as a partner gets it: built, packed with `npm pack`, installed offline into an
// empty project that has nothing else of esimkit, then used from an ES module, from a
// CommonJS script (both against a running esimkit) and from TypeScript (checked by tsc).
const run = promisify(execFile);
const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 120_000 });

const filesOf = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesOf(join(dir, entry.name)).map((f) => `${entry.name}/${f}`) : [entry.name]));

describe('the packed @esimkit/sdk', () => {
  let server: TestServer;
  let work: string;
  let project: string;
  let installed: string;

  beforeAll(async () => {
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'esimkit-sdk-pack-'));
    // Built and packed from a copy of the package, so nothing here touches packages/sdk/dist.
    const stage = join(work, 'stage');
    mkdirSync(stage);
    for (const file of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(SDK_DIR, file), join(stage, file));
    await run(process.execPath, [join(SDK_DIR, 'build.mjs'), join(stage, 'dist')], { cwd: SDK_DIR, timeout: 120_000 });
    const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage);
    const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'partner-app', version: '1.0.0', private: true }));
    await npm(['install', '--offline', tarball], project);
    installed = join(project, 'node_modules/@esimkit/sdk');
  }, 240_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await server?.close();
  });

  it('is a publishable package with nothing to install beside it', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('MIT');
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.engines.node).toMatch(/^>=20/);
    // The project holds the SDK and nothing else.
    expect(readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['@esimkit']);
    expect(readdirSync(join(project, 'node_modules/@esimkit'))).toEqual(['sdk']);
    const files = filesOf(installed);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts']));
    expect(files.filter((file) => file.startsWith('src/') || file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('carries declarations that import nothing outside the package', () => {
    const declarations = filesOf(installed).filter((file) => file.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(10);
    for (const file of declarations) {
      const text = readFileSync(join(installed, file), 'utf8');
      const specifiers = [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\.?\//);
    }
    for (const bundle of ['dist/index.js', 'dist/cjs/index.js']) {
      const code = readFileSync(join(installed, bundle), 'utf8');
      const required = [...code.matchAll(/\b(?:from|import|require)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
      expect(required.length, bundle).toBeGreaterThan(0);
      expect(required.filter((specifier) => !specifier.startsWith('node:')), bundle).toEqual([]);
    }
  });

  it('works from an ES module and from CommonJS', async () => {
    const merchant = await server.merchant({ balance: 123_400, signaturePolicy: 'required' });
    writeFileSync(
      join(project, 'balance.mjs'),
      `import { EsimAccessClient, formatUnits } from '@esimkit/sdk';
const [baseUrl, accessCode, secretKey] = process.argv.slice(2);
const client = new EsimAccessClient({ baseUrl, accessCode, secretKey });
console.log(formatUnits((await client.balance()).balance));
`,
    );
    writeFileSync(
      join(project, 'packages.cjs'),
      `const { EsimAccessClient, EsimAccessError, formatUnits } = require('@esimkit/sdk');
const [baseUrl, accessCode, secretKey] = process.argv.slice(2);
(async () => {
  const client = new EsimAccessClient({ baseUrl, accessCode, secretKey });
  const { packageList } = await client.packageList({ locationCode: 'JP' });
  const bad = await new EsimAccessClient({ baseUrl, accessCode: 'nobody', retries: 0 }).balance().catch((error) => error);
  console.log(JSON.stringify({ count: packageList.length, first: packageList[0].packageCode, price: formatUnits(packageList[0].price), error: bad instanceof EsimAccessError ? bad.code : String(bad) }));
})();
`,
    );
    const args = [server.baseUrl, merchant.accessCode, merchant.secretKey];
    const esm = await run(process.execPath, [join(project, 'balance.mjs'), ...args], { cwd: project });
    expect(esm.stdout.trim()).toBe('$12.34');
    const cjs = await run(process.execPath, [join(project, 'packages.cjs'), ...args], { cwd: project });
    const result = JSON.parse(cjs.stdout);
    // The same call through the SDK's sources.
    const expected = await clientFor(server, merchant, { secretKey: merchant.secretKey }).packageList({ locationCode: 'JP' });
    expect(result.count).toBe(expected.packageList.length);
    expect(result.count).toBeGreaterThan(0);
    expect(result.first).toBe(expected.packageList[0]!.packageCode);
    expect(result.price).toMatch(/^\$\d+\.\d{2}/);
    expect(result.error).toMatch(/^\d{6}$/);
  });

  it('type-checks a TypeScript project against its declarations, under ESM and CommonJS', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
        files: ['app.mts', 'app.cts'],
      }),
    );
    const app = (importLine: string) => `${importLine}
const client = new EsimAccessClient({ baseUrl: 'http://127.0.0.1:8080', accessCode: 'code' });
async function main(): Promise<string> {
  const request: PackageListRequest = { locationCode: 'JP', type: 'BASE' };
  const { packageList } = await client.packageList(request);
  const first: PackageItem | undefined = packageList[0];
  const price: number = first?.price ?? 0;
  const order = await client.order({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
  const orderNo: string = order.orderNo;
  const code: ErrorCode = '200007';
  // @ts-expect-error: type is BASE or TOPUP
  const wrong: PackageListRequest = { type: 'DAILY' };
  // @ts-expect-error: not one of the error codes
  const notACode: ErrorCode = '123456';
  return [formatUnits(price), orderNo, code, String(wrong), notACode].join();
}
void main;
`;
    writeFileSync(join(project, 'app.mts'), app(`import { EsimAccessClient, formatUnits, type ErrorCode, type PackageItem, type PackageListRequest } from '@esimkit/sdk';`));
    writeFileSync(join(project, 'app.cts'), app(`import { EsimAccessClient, formatUnits, type ErrorCode, type PackageItem, type PackageListRequest } from '@esimkit/sdk';`));
    const check = await run(process.execPath, [TSC, '-p', join(project, 'tsconfig.json')], { cwd: project, timeout: 120_000 }).catch((error) => error);
    expect(`${check.stdout ?? ''}${check.stderr ?? ''}`).toBe('');
    expect(check.code ?? 0).toBe(0);

    // The two @ts-expect-error lines above must each meet an error: the declarations are real
    // types, not `any`.
  }, 120_000);
});
