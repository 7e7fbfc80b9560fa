import { RawJson } from '../../lib/raw-json.js';
import { LruCache } from '../../lib/lru.js';
import type { MerchantSettings, ServiceContext } from '../context.js';
import { listPackages, type PackageFilter } from './list-packages.js';

// package/list answers are the hottest read and change only when an operator imports a
// catalogue. Each distinct filter's serialised answer is kept per process and dropped when
// the catalogue version in the database changes (checked at most once a second, so every
// instance sees an import within a second).
const VERSION_CHECK_MS = 1000;

/** This process's package/list answers: one per runtime (`ctx.services.packageLists`). */
export class PackageListCache {
  private version: string | null = null;
  private checkedAt = 0;
  private readonly answers = new LruCache<string, RawJson>(512);

  async answer(ctx: ServiceContext & { merchant?: MerchantSettings }, filter: PackageFilter): Promise<RawJson> {
    // Filters naming an eSIM depend on that eSIM, not only on the catalogue.
    if (filter.iccid || filter.esimTranNo) return new RawJson(JSON.stringify({ packageList: await listPackages(ctx, filter) }));
    await this.checkVersion(ctx);
    const key = JSON.stringify([filter.locationCode?.toUpperCase(), filter.type, filter.packageCode, filter.slug]);
    let answer = this.answers.get(key);
    if (answer === undefined) {
      const version = this.version;
      answer = new RawJson(JSON.stringify({ packageList: await listPackages(ctx, filter) }));
      // An import may have been seen while this list was read: an answer read under the old
      // version must not outlive the clear that import caused.
      if (this.version === version) this.answers.set(key, answer);
    }
    // The same RawJson each time: the envelope around it is built once too (lib/raw-json.ts).
    return answer;
  }

  /** Forces the next read to re-check the catalogue version (after an import in this process). */
  invalidate(): void {
    this.checkedAt = 0;
  }

  private async checkVersion(ctx: ServiceContext): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < VERSION_CHECK_MS) return;
    const row = await ctx.db.kysely.selectFrom('meta').select('value').where('key', '=', 'catalog_version').executeTakeFirst();
    const version = row?.value ?? null;
    if (version !== this.version) this.answers.clear();
    this.version = version;
    this.checkedAt = now;
  }
}

/** package/list: the cached answer for the filter. */
export function cachedPackageList(ctx: ServiceContext & { merchant?: MerchantSettings }, filter: PackageFilter): Promise<RawJson> {
  return ctx.services.packageLists.answer(ctx, filter);
}
