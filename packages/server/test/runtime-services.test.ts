import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, loadConfig, migrate, openRuntime, type Runtime } from '../src/index.js';
import { freshDatabaseUrl } from './support/harness.js';

// The context is built once by the runtime and never changed, and every cache or counter of a
// process belongs to a runtime: two runtimes in one process (two instances on one database)
// share nothing but the database.

describe('services owned by the runtime', () => {
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let a: Runtime;
  let b: Runtime;
  beforeAll(async () => {
    database = await freshDatabaseUrl();
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', SEED_CATALOG: 'none' });
    a = await openRuntime(config);
    await migrate(a.ctx.db);
    b = await openRuntime(config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('the context is frozen: an assignment to it fails', () => {
    for (const frozen of [a.ctx, a.ctx.config, a.ctx.services]) expect(Object.isFrozen(frozen)).toBe(true);
    const ctx = a.ctx as unknown as Record<string, unknown>;
    expect(() => {
      ctx.log = console;
    }).toThrow(TypeError);
    expect(() => {
      ctx.merchantChanged = () => {};
    }).toThrow(TypeError);
  });

  it('two runtimes on one database take their own blocks of sequence numbers', async () => {
    const first = await a.ctx.services.sequences.next('probe');
    // A shared block would hand b the next number of a's block.
    const other = await b.ctx.services.sequences.next('probe');
    expect(await a.ctx.services.sequences.next('probe')).toBe(first + 1);
    expect(other).toBeGreaterThanOrEqual(first + 50);
  });

  it('two runtimes keep their own package/list answers', async () => {
    const filter = { locationCode: 'JP' };
    const fromA = await a.ctx.services.packageLists.answer(a.ctx, filter);
    expect(await a.ctx.services.packageLists.answer(a.ctx, filter)).toBe(fromA);
    expect(await b.ctx.services.packageLists.answer(b.ctx, filter)).not.toBe(fromA);
  });

  it('a cached merchant has no balance to be mistaken for a fresh one', async () => {
    const merchant = await createMerchant({ ctx: a.ctx, input: { name: 'cached', balance: 5 } });
    const cached = await a.merchants.get(merchant.accessCode);
    expect(cached?.row.id).toBe(merchant.id);
    expect(cached?.row).not.toHaveProperty('balance');
    expect(cached?.row).not.toHaveProperty('balance_updated_at');
  });
});

describe('no per-process state at module level', () => {
  // Module-level collections of the server's sources, each named with why it may stay: the
  // rest of a process's state is made by the runtime (domain/context.ts, Services).
  const allowed: Record<string, string> = {
    'domain/catalog/countries.ts namesByCode': 'a constant lookup table',
    'domain/catalog/countries.ts flagCodes': 'a constant lookup table',
    'domain/webhooks/url-policy.ts never': 'a constant address list',
    'domain/webhooks/url-policy.ts privateRanges': 'a constant address list',
    'domain/webhooks/url-policy.ts METADATA_HOSTS': 'a constant set of names',
    'http/install-pages.ts WITHDRAWN': 'a constant set of statuses',
    'console/assets.ts loaded': 'the bytes of files shipped with the package, read once: they cannot change while the process runs',
    'jobs/queue.ts deliveryJobOfTransaction': "remembered with a transaction object and gone with it: the transaction's, not the process's",
    'db/insert-rows.ts built': "statements remembered with a database connection's dialect adapter and gone with it: the runtime's, not the process's",
    'lib/random.ts taken': "how much of the pool of CSPRNG bytes is handed out: bytes drawn ahead, no state of the service (node's randomUUID pools the same way)",
  };

  it('only the named constants and the transaction-scoped association', () => {
    const src = fileURLToPath(new URL('../src', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const found = files(src).flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      const declarations = [
        ...text.matchAll(/^(?:export\s+)?(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=\s*new\s+(?:Map|WeakMap|Set|WeakSet|LruCache|BlockList)\b/gm),
        ...text.matchAll(/^(?:export\s+)?(?:let|var)\s+(\w+)/gm),
      ];
      return declarations.map((m) => `${relative(src, path)} ${m[1]}`);
    });
    expect(found.filter((name) => !(name in allowed))).toEqual([]);
  });
});
