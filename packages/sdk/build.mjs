// Builds dist/ (or the directory given as the first argument): one ESM bundle (the
// contract's zod-free helpers inlined, nothing imported at run time but node: built-ins) and
// the type declarations.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;
const outDir = resolve(process.argv[2] ?? `${here}dist`);
rmSync(outDir, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${here}src/index.ts`],
  outfile: `${outDir}/index.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'bundle',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: here,
});
const inputs = Object.keys(result.metafile.inputs);
const foreign = inputs.filter((file) => !/^(src|\.\.\/contract\/src)\//.test(file));
if (foreign.length) throw new Error(`the bundle must hold only the SDK and zod-free contract modules, found: ${foreign.join(', ')}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${here}tsconfig.build.json`, '--outDir', outDir], { stdio: 'inherit' });
console.log(`${outDir}/index.js from ${inputs.length} modules, and its .d.ts files`);
