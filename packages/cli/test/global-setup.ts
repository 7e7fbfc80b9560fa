import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The CLI tests run the real `esimkit` command, which runs the compiled CLI in
// packages/cli/dist/. It is rebuilt here, once per run, from the sources of every workspace
// (about a second with esbuild), so the tests always see the code as it is now. --merge
// moves the new files in atomically: an esimkit started meanwhile elsewhere keeps working.
export function setup(): void {
  const build = fileURLToPath(new URL('../build.mjs', import.meta.url));
  execFileSync(process.execPath, [build, '--merge'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
}
