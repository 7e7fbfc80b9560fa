import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The `esimkit` command as built from the sources of now: the CLI is rebuilt with
// `build.mjs --merge` (about a second; what the test suite does first), which moves each new
// file in atomically, so an esimkit running elsewhere in the tree keeps working.

export const esimkitBin = fileURLToPath(new URL('../../packages/cli/bin/esimkit.js', import.meta.url));
const buildScript = fileURLToPath(new URL('../../packages/cli/build.mjs', import.meta.url));

export function buildEsimkit(): void {
  execFileSync(process.execPath, [buildScript, '--merge'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
}

/** Runs an operator command (`esimkit ... --json`) and returns its JSON answer. */
export function esimkitJson<T>(args: string[], env: Record<string, string>): T {
  const output = execFileSync(process.execPath, [esimkitBin, ...args, '--json'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60_000,
  });
  return JSON.parse(output) as T;
}
