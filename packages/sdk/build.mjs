// Builds dist/ (or the directory given as the first argument), what the published package
// holds:
//   index.js         ESM bundle: the SDK with the contract's zod-free helpers inlined;
//                    nothing imported at run time but node: built-ins
//   cjs/index.js     the same as CommonJS (cjs/package.json says so)
//   *.d.ts           type declarations, standing alone (build-types.mjs), also under cjs/
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildDeclarations } from './build-types.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outDir = resolve(process.argv[2] ?? join(here, 'dist'));
rmSync(outDir, { recursive: true, force: true });

const common = {
  entryPoints: [join(here, 'src/index.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  conditions: ['@esimkit/source'],
  packages: 'bundle',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: here,
};
const results = await Promise.all([
  build({ ...common, format: 'esm', outfile: join(outDir, 'index.js') }),
  build({ ...common, format: 'cjs', outfile: join(outDir, 'cjs/index.js') }),
]);
for (const result of results) {
  const inputs = Object.keys(result.metafile.inputs);
  const foreign = inputs.filter((file) => !/^(src|\.\.\/contract\/src)\//.test(file));
  if (foreign.length) throw new Error(`the bundle must hold only the SDK and zod-free contract modules, found: ${foreign.join(', ')}`);
}
writeFileSync(join(outDir, 'cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const declarations = buildDeclarations(here, root);
for (const [file, text] of declarations) {
  for (const dir of [outDir, join(outDir, 'cjs')]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}
console.log(`@esimkit/sdk: ${outDir}/index.js (ESM), cjs/index.js (CommonJS), ${declarations.size} declaration files`);
