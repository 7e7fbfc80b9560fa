import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { processesCpuMs } from './db-cpu.js';
import type { CpuSample } from './shared.js';

// The peer row of `npm run bench:http` (issue 15): Prism, the mock server a partner would
// otherwise run as a sandbox, serving esimkit's own OpenAPI document. Prism is large, so it
// is not a dependency of the workspace (`npm ci` stays lean): it is installed on first use
// into a cache folder outside the repository and reused from there.

const PACKAGE = '@stoplight/prism-cli';
const MAJOR = '5';
/** Overridable so a run can use another cache (or a copy prepared offline). */
export const PRISM_DIR = process.env.ESIMKIT_PRISM_DIR ?? join(homedir(), '.cache', 'esimkit-bench', 'prism');

export interface PrismInstall {
  /** Prism's CLI script, run with this Node. */
  entry: string;
  version: string;
}

function installed(): PrismInstall | undefined {
  const manifest = join(PRISM_DIR, 'node_modules', ...PACKAGE.split('/'), 'package.json');
  if (!existsSync(manifest)) return undefined;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.prism;
  if (!bin || !pkg.version.startsWith(`${MAJOR}.`)) return undefined;
  const entry = join(dirname(manifest), bin);
  return existsSync(entry) ? { entry, version: pkg.version } : undefined;
}

/** Prism from the cache, installing it there first when missing; a reason instead when that fails. */
export function ensurePrism(log: (line: string) => void): PrismInstall | { failed: string } {
  const found = installed();
  if (found) return found;
  log(`bench: Prism is not installed; installing ${PACKAGE}@${MAJOR} into ${PRISM_DIR} (outside the repository, not in package.json)`);
  mkdirSync(PRISM_DIR, { recursive: true });
  // npm's own output goes to stderr, so that stdout keeps only the report.
  const result = spawnSync('npm', ['install', '--prefix', PRISM_DIR, '--no-audit', '--no-fund', `${PACKAGE}@${MAJOR}`], {
    stdio: ['ignore', 2, 2],
    timeout: 10 * 60_000,
  });
  if (result.error) return { failed: `npm install could not run: ${result.error.message}` };
  if (result.status !== 0) return { failed: `npm install ${PACKAGE}@${MAJOR} exited with ${result.status ?? result.signal} (no network?)` };
  return installed() ?? { failed: `npm install succeeded but ${PACKAGE} is not in ${PRISM_DIR}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface PrismServer {
  url: string;
  process: ChildProcess;
  /** CPU time of the Prism process so far, read from /proc (Linux). */
  cpu(): CpuSample;
  stop(): Promise<void>;
}

/**
 * Starts `prism mock` on `document` (esimkit's /openapi.json as served), pinned to `cpu` the
 * way startChild pins the other servers. Prism logs every request at info level, which is
 * part of its cost as a partner would run it: the log goes to a file, not through this
 * process (reading it here would count as outside disturbance).
 */
export async function startPrism(install: PrismInstall, document: string, options: { cpu: number | undefined }): Promise<PrismServer> {
  const dir = mkdtempSync(join(tmpdir(), 'esimkit-bench-prism-'));
  const file = join(dir, 'openapi.json');
  const logFile = join(dir, 'prism.log');
  writeFileSync(file, document);
  const port = await freePort();
  // Single process (no forked HTTP server), so its CPU is this one PID's.
  const prism = [process.execPath, install.entry, 'mock', file, '--host', '127.0.0.1', '--port', String(port), '--multiprocess=false'];
  const [command, ...args] = options.cpu === undefined ? prism : ['taskset', '-c', String(options.cpu), ...prism];
  const logFd = openSync(logFile, 'w');
  const child = spawn(command!, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!gone) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const logTail = () => readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');

  // Ready once it answers anything over HTTP (it takes a few seconds to load the document).
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (gone) {
      const tail = logTail();
      await stop();
      throw new Error(`Prism exited during start-up:\n${tail}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (performance.now() > deadline) {
        const tail = logTail();
        await stop();
        throw new Error(`Prism did not listen within 60 s:\n${tail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    url,
    process: child,
    cpu: () => ({ cpuMicros: processesCpuMs([child.pid!]) * 1000, atMs: performance.now() }),
    stop,
  };
}
