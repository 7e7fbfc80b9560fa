// Builds the `esimkit` package's dist/: the CLI and, inlined, the workspaces it uses (server,
// contract, SDK) from their TypeScript sources, as ESM split into chunks so that a command
// loads only what it needs (`esimkit --help` never loads fastify). Pure-JS libraries listed
// in BUNDLED are inlined too (one file parses faster than hundreds); every other package
// stays an import and must be one of this package's dependencies. The catalogue shipped
// with esimkit is copied beside the code. docs/adr/0002-builds-and-packages.md says why.
//
//   node build.mjs            dist/ replaced by a fresh build (npm run build)
//   node build.mjs --out DIR  the same into DIR (the packaging test builds a package aside)
//   node build.mjs --merge    the new files moved into dist/ one by one, each by an atomic
//                             rename, chunks before main.js and nothing deleted: what the
//                             test suite runs first, safe while another process runs esimkit.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const merge = args.includes('--merge');
const distDir = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1] ?? '') : join(here, 'dist');
// Built aside, then moved in: nothing ever sees a half-written dist/.
const outDir = join(dirname(distDir), `.dist-tmp-${process.pid}`);
const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
/**
 * Inlined: pure JavaScript, no files read at run time, loaded by nearly every command (preact
 * only by `serve`, for the console, but small and with no files of its own).
 */
const BUNDLED = new Set(['commander', 'ioredis', 'kysely', 'pg', 'preact', 'preact-render-to-string', 'qrcode', 'zod']);
const builtins = new Set(builtinModules);

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const problems = [];
/** Workspaces are inlined from source; listed dependencies stay imports; anything else is an error. */
const resolvePackages = {
  name: 'esimkit-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(args.path)) return { path: args.path, external: true };
      const name = packageName(args.path);
      if (name.startsWith('@esimkit/') || BUNDLED.has(name)) return undefined;
      if (dependencies.has(name)) return { path: args.path, external: true };
      // pg's optional native binding and its Cloudflare socket, both required lazily.
      if (name === 'pg-native' || name === 'pg-cloudflare') return { path: args.path, external: true };
      // What an inlined library imports is inlined with it.
      if (args.importer.includes('/node_modules/')) return undefined;
      problems.push(`${args.path} (imported by ${args.importer.replace(`${resolve(here, '../..')}/`, '')}) is not in packages/cli/package.json dependencies`);
      return { path: args.path, external: true };
    });
  },
};

// The same range as the workspace that imports it, so the package runs what the tests ran.
for (const workspace of ['server', 'contract', 'sdk']) {
  const theirs = JSON.parse(readFileSync(join(here, `../${workspace}/package.json`), 'utf8')).dependencies ?? {};
  for (const [name, range] of Object.entries(theirs)) {
    const ours = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
    if (ours !== undefined && ours !== range) problems.push(`${name}: ${ours} here, ${range} in packages/${workspace}/package.json`);
  }
}

rmSync(outDir, { recursive: true, force: true });
let result;
try {
  result = await build({
    entryPoints: { main: join(here, 'src/main.ts') },
    outdir: join(outDir, 'lib'),
    // Chunks beside main.js: the server finds its price list at ../seed/ from any of them.
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@esimkit/source'],
    // The console's server-rendered TSX (as tsconfig.json says).
    jsx: 'automatic',
    jsxImportSource: 'preact',
    plugins: [resolvePackages],
    // Inlined CommonJS (commander) calls require() for Node built-ins.
    banner: { js: "import { createRequire as __esimkitCreateRequire } from 'node:module';\nconst require = __esimkitCreateRequire(import.meta.url);" },
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: here,
  });
} catch (error) {
  rmSync(outDir, { recursive: true, force: true });
  throw error;
}
if (problems.length) {
  const message = `packages/cli/package.json does not match what the code imports (add the dependency, or align its range):\n  ${[...new Set(problems)].join('\n  ')}`;
  // The test suite's build (--merge) runs in the repository, where every workspace's
  // dependencies are installed: it goes on, and the packaging test (a strict build) fails.
  if (merge) process.stderr.write(`warning: ${message}\n`);
  else {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(message);
  }
}

// The server reads its bundled price list at `../seed/` from its own module (runtime.ts):
// from dist/lib/ that is dist/seed/.
const seed = resolve(here, '../server/seed/esimaccess-pricelist.csv');
mkdirSync(join(outDir, 'seed'), { recursive: true });
copyFileSync(seed, join(outDir, 'seed/esimaccess-pricelist.csv'));
// The console's own static files (CSS, the chart script): its assets.ts reads them from
// ./assets/ beside its own module, a chunk in dist/lib/. htmx and uPlot come from their packages.
const consoleAssets = resolve(here, '../server/src/console/assets');
mkdirSync(join(outDir, 'lib/assets'), { recursive: true });
for (const name of readdirSync(consoleAssets)) copyFileSync(join(consoleAssets, name), join(outDir, 'lib/assets', name));
if (process.env.ESIMKIT_BUILD_META) writeFileSync(process.env.ESIMKIT_BUILD_META, JSON.stringify(result.metafile));

if (merge) {
  for (const sub of ['seed', 'lib/assets']) mkdirSync(join(distDir, sub), { recursive: true });
  const moveAll = (sub, last) => {
    const names = readdirSync(join(outDir, sub), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort((a, b) => Number(a.startsWith(last)) - Number(b.startsWith(last)));
    for (const name of names) renameSync(join(outDir, sub, name), join(distDir, sub, name));
  };
  moveAll('seed', '');
  moveAll('lib/assets', '');
  moveAll('lib', 'main.js');
  rmSync(outDir, { recursive: true, force: true });
} else {
  rmSync(distDir, { recursive: true, force: true });
  renameSync(outDir, distDir);
}
const outputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
console.log(`esimkit: ${outputs.length} files in ${distDir}/lib from ${Object.keys(result.metafile.inputs).length} modules`);
