import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv } from './support.js';

// The `esimkit` package as an operator gets it: built and packed with `npm pack`, installed
// into an empty folder from the npm cache (no network), and run from there with `npx`: the
// server on the embedded SQLite database with the bundled catalogue and flags, and an
// operator command on the same database.
const run = promisify(execFile);
const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];

describe('the packed esimkit', () => {
  let work: string;
  let project: string;
  let env: Record<string, string>;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'esimkit-pack-'));
    // Built and packed from a copy of the package, so packages/cli/dist is left alone.
    const stage = join(work, 'stage');
    mkdirSync(stage);
    for (const file of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(CLI_DIR, file), join(stage, file));
    cpSync(join(CLI_DIR, 'bin'), join(stage, 'bin'), { recursive: true });
    await run(process.execPath, [join(CLI_DIR, 'build.mjs'), '--out', join(stage, 'dist')], { timeout: 120_000 });
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, ...quiet], { cwd: stage, timeout: 120_000 });
    const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'operator', version: '1.0.0', private: true }));
    // From the npm cache `npm ci` filled (--prefer-offline: the network only for a package
    // the cache lacks). Install scripts are skipped: better-sqlite3's would download its
    // prebuilt binding or compile it (over a minute here); the binding this checkout built
    // for this Node stands in for the download.
    // Warnings shown: installing on Node 20 must not warn of an engine (fastify's test
    // helper light-my-request took cookie 2, which wants Node 22; esimkit pins the 6.6 line).
    const install = await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn', tarball], { cwd: project, timeout: 180_000 });
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/EBADENGINE|Unsupported engine/);
    const binding = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
    expect(version(project), 'better-sqlite3 installed = the one whose binding is borrowed').toBe(version(ROOT));
    mkdirSync(join(project, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
    copyFileSync(binding, join(project, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));

    env = { ...baseEnv, DATABASE_URL: join(project, 'data/esimkit.db'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', npm_config_offline: 'true' };
    delete env.REDIS_URL;
  }, 300_000);

  afterAll(() => {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {}
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs as a package of its own: bin, compiled code, catalogue, licence', () => {
    const installed = join(project, 'node_modules/esimkit');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('MIT');
    expect(manifest.bin).toEqual({ esimkit: 'bin/esimkit.js' });
    expect(manifest.engines.node).toMatch(/^>=20/);
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@esimkit/'))).toEqual([]);
    for (const file of ['LICENSE', 'README.md', 'bin/esimkit.js', 'dist/lib/main.js', 'dist/seed/esimaccess-pricelist.csv']) expect(existsSync(join(installed, file)), file).toBe(true);
    expect(readdirSync(installed)).not.toContain('src');
    expect(existsSync(join(project, 'node_modules/@esimkit')), 'no workspace package installed').toBe(false);
    expect(existsSync(join(project, 'node_modules/tsx')), 'no TypeScript loader').toBe(false);
  });

  it('serves the API with the bundled catalogue and flags (npx esimkit serve), and runs operator commands (npx esimkit merchant create)', async () => {
    server = spawn('npx', ['esimkit', 'serve'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = { stdout: '', stderr: '' };
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line in 60 s:\n${out.stdout}\n${out.stderr}`)), 60_000);
      server!.once('exit', (code) => reject(new Error(`esimkit serve exited (${code}):\n${out.stdout}\n${out.stderr}`)));
      server!.stdout!.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(out.stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(out.stdout).toMatch(/Catalogue seeded with \d+ packages/);
    const accessCode = /RT-AccessCode: (\S+)/.exec(out.stdout)?.[1];
    expect(accessCode).toBeDefined();

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const post = async (path: string, code: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'RT-AccessCode': code, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await response.json()) as { success: boolean; errorCode: string | null; obj: any };
    };
    const japan = await post('/api/v1/open/package/list', accessCode!, { locationCode: 'JP' });
    expect(japan.success).toBe(true);
    expect(japan.obj.packageList.length).toBeGreaterThan(0);
    expect(japan.obj.packageList.every((p: { locationCode: string }) => p.locationCode.includes('JP'))).toBe(true);
    const flag = await fetch(`${url}/img/flags/jp.svg`);
    expect(flag.status).toBe(200);
    expect(await flag.text()).toMatch(/<svg/);
    // The console, its own CSS (copied beside the bundle) and htmx (from the installed package).
    const login = await fetch(`${url}/console/login`);
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain('<h1>Log in</h1>');
    for (const asset of [...html.matchAll(/(?:href|src)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'))) {
      const response = await fetch(`${url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('cache-control'), asset).toContain('immutable');
    }
    expect(html).toContain('/console/assets/htmx.min.js?v=');
    expect(html).toContain('/console/assets/console.css?v=');
    const link = /Console for the demo merchant \(one-time link, valid 1 hour\): (\S+)/.exec(out.stdout)?.[1];
    expect((await fetch(link!, { redirect: 'manual' })).status).toBe(303);

    const created = await run('npx', ['esimkit', 'merchant', 'create', '--name', 'Installed Operator', '--balance', '250000', '--json'], { cwd: project, env, timeout: 60_000 });
    const merchant = JSON.parse(created.stdout);
    expect(merchant.accessCode).toMatch(/\S/);
    // The new merchant is in the database the server uses: it can call the API at once.
    const balance = await post('/api/v1/open/balance/query', merchant.accessCode, {});
    expect(balance.success).toBe(true);
    expect(balance.obj.balance).toBe(250_000);

    // SIGTERM to the process group (npx and the server under it): the server closes.
    const exited = new Promise<void>((resolve) => server!.once('exit', () => resolve()));
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
    server = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
