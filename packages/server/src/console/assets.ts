import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

// The console's static files, all served from this process (no CDN): htmx and uPlot from
// their packages (dependencies of the server and of the esimkit package, found the way
// flag-icons is), and our own files from ./assets/ beside this module. In the esimkit bundle
// this module is a chunk in dist/lib/, and packages/cli/build.mjs copies ./assets/ there.
// Pages link them as /console/assets/NAME?v=HASH: cached for a year (immutable); the hash
// changes when the file does.

const require = createRequire(import.meta.url);

function ownAsset(name: string): string {
  const beside = fileURLToPath(new URL(`./assets/${name}`, import.meta.url));
  // The server's tsc build (dist/console/) does not copy non-TS files: read the source's.
  return existsSync(beside) ? beside : fileURLToPath(new URL(`../../src/console/assets/${name}`, import.meta.url));
}

const FILES: Record<string, { path: () => string; type: string }> = {
  'htmx.min.js': { path: () => require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.min.js': { path: () => require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.min.css': { path: () => require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'console.css': { path: () => ownAsset('console.css'), type: 'text/css; charset=utf-8' },
  'charts.js': { path: () => ownAsset('charts.js'), type: 'text/javascript; charset=utf-8' },
};

interface Loaded {
  body: Buffer;
  type: string;
  etag: string;
}
const loaded = new Map<string, Loaded>();

function load(name: string): Loaded | undefined {
  const file = FILES[name];
  if (!file) return undefined;
  let asset = loaded.get(name);
  if (!asset) {
    const body = readFileSync(file.path());
    asset = { body, type: file.type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
    loaded.set(name, asset);
  }
  return asset;
}

/** The URL of an asset, with its content hash so that a new version is fetched at once. */
export function assetUrl(name: keyof typeof FILES & string): string {
  const asset = load(name);
  if (!asset) throw new Error(`no console asset ${name}`);
  return `/console/assets/${name}?v=${asset.etag.slice(1, 9)}`;
}

export const ASSET_NAMES = Object.keys(FILES);

export function registerAssets(app: FastifyInstance): void {
  app.get<{ Params: { name: string } }>('/console/assets/:name', async (request, reply) => {
    const asset = load(request.params.name);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    const versioned = typeof (request.query as Record<string, unknown>).v === 'string';
    reply
      .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
      .header('etag', asset.etag)
      .header('x-content-type-options', 'nosniff');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
}
