import { RawJson } from '../../lib/raw-json.js';
import { LruCache } from '../../lib/lru.js';
import type { MerchantRow, ServiceContext } from '../context.js';
import { listPackages, type PackageFilter } from './list-packages.js';

// package/list answers are the hottest read and change only when an operator imports a
// catalogue. Each distinct filter's serialised answer is kept per process and dropped when
// the catalogue version in the database changes (checked at most once a second, so every
// instance sees an import within a second).
const VERSION_CHECK_MS = 1000;

interface CacheState {
  version: string | null;
  checkedAt: number;
  answers: LruCache<string, RawJson>;
}

const states = new WeakMap<object, CacheState>();

async function currentState(ctx: ServiceContext): Promise<CacheState> {
  let state = states.get(ctx.db);
  if (!state) {
    state = { version: null, checkedAt: 0, answers: new LruCache(512) };
    states.set(ctx.db, state);
  }
  const now = Date.now();
  if (now - state.checkedAt >= VERSION_CHECK_MS) {
    const row = await ctx.db.kysely.selectFrom('meta').select('value').where('key', '=', 'catalog_version').executeTakeFirst();
    const version = row?.value ?? null;
    if (version !== state.version) state.answers.clear();
    state.version = version;
    state.checkedAt = now;
  }
  return state;
}

/** Forces the next read to re-check the catalogue version (after an import in this process). */
export function invalidatePackageListCache(ctx: ServiceContext): void {
  const state = states.get(ctx.db);
  if (state) state.checkedAt = 0;
}

export async function cachedPackageList(ctx: ServiceContext & { merchant?: MerchantRow }, filter: PackageFilter): Promise<RawJson> {
  // Filters naming an eSIM depend on that eSIM, not only on the catalogue.
  if (filter.iccid || filter.esimTranNo) return new RawJson(JSON.stringify({ packageList: await listPackages(ctx, filter) }));
  const state = await currentState(ctx);
  const key = JSON.stringify([filter.locationCode?.toUpperCase(), filter.type, filter.packageCode, filter.slug]);
  let answer = state.answers.get(key);
  if (answer === undefined) {
    const version = state.version;
    answer = new RawJson(JSON.stringify({ packageList: await listPackages(ctx, filter) }));
    // An import may have been seen while this list was read: an answer read under the old
    // version must not outlive the clear that import caused.
    if (state.version === version) state.answers.set(key, answer);
  }
  // The same RawJson each time: the envelope around it is built once too (http/envelope.ts).
  return answer;
}
