import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { PreparedStatement } from '../../db/prepared.js';
import { LruCache } from '../../lib/lru.js';
import type { PackageRecord } from './items.js';

/**
 * A base plan as an order reads it: with whether inventory was ever imported for it, which
 * decides where a plan with no named profile source gets its profiles
 * (catalog/profile-sources.ts).
 */
export type OrderablePackage = Readonly<PackageRecord & { has_inventory: boolean }>;

export type PackageLookup = (reference: string) => Promise<OrderablePackage | undefined>;

/**
 * esim/order's base-plan look-ups, answered from memory while the catalogue is unchanged (one
 * per runtime: `ctx.services.orderablePackages`).
 *
 * Each order reads the catalogue version fresh (one small statement, compiled once) and then
 * finds its plans here. Everything an order reads of a plan (an import, a price, a profile
 * source, imported inventory) writes a new version in the same transaction
 * (newCatalogVersion), and a new version empties the cache: an order sees what it would have
 * read from the tables at that moment (before its transaction, as the look-ups always were).
 * Measured on the order path: two selects with an EXISTS, built by kysely each time, were a
 * tenth of the server's CPU per order (docs/benchmarks.md).
 */
export class OrderablePackageCache {
  private version: string | null | undefined;
  /** By code or slug as the order named it; a name that matches nothing is kept too (undefined). */
  private readonly plans = new LruCache<string, Promise<OrderablePackage | undefined>>(4096);
  private readonly versionQuery: PreparedStatement<{ key: string }, { value: string }>;

  constructor(private readonly db: Db) {
    this.versionQuery = new PreparedStatement((values) => db.kysely.selectFrom('meta').select('value').where('key', '=', values.key));
  }

  /** A look-up for one order, on the catalogue as it is now. */
  async lookup(): Promise<PackageLookup> {
    const { rows } = await this.versionQuery.run(this.db.kysely, { key: 'catalog_version' });
    const version = rows[0]?.value ?? null;
    if (version !== this.version) {
      this.plans.clear();
      this.version = version;
    }
    return (reference) => {
      let found = this.plans.get(reference);
      if (!found) {
        found = findOrderablePackage(this.db, reference);
        this.plans.set(reference, found);
        // A failed read (the database was unreachable) is not an answer to keep.
        found.catch(() => this.plans.delete(reference));
      }
      return found;
    };
  }
}

/**
 * A base plan by code or slug (the vendor lets packageCode carry a slug; a code wins), and
 * whether it has inventory: read fresh, for orders through the cache above and for the
 * catalogue and inventory commands directly. PostgreSQL answers both halves in one statement
 * (a UNION ALL, each half on its index): one round trip instead of two. SQLite has no round trip to save, and it
 * runs that UNION ALL ordered by preference four times as slowly as the code look-up and then
 * the slug one (75-88 µs against 19-22 µs; docs/benchmarks.md).
 */
export async function findOrderablePackage(db: Db, reference: string): Promise<OrderablePackage | undefined> {
  const half = (column: 'code' | 'slug', preference: number) =>
    db.kysely
      .selectFrom('packages')
      .selectAll('packages')
      .select((eb) => [
        eb.exists(eb.selectFrom('profiles').select('profiles.id').whereRef('profiles.package_code', '=', 'packages.code')).as('has_inventory'),
        sql<number>`${sql.lit(preference)}`.as('preference'),
      ])
      .where('type', '=', 'BASE')
      .where(column, '=', reference);
  const row =
    db.dialect.combinesStatements
      ? await half('code', 0).unionAll(half('slug', 1)).orderBy('preference').limit(1).executeTakeFirst()
      : ((await half('code', 0).executeTakeFirst()) ?? (await half('slug', 1).executeTakeFirst()));
  if (!row) return undefined;
  const { preference: _, ...pkg } = row;
  // Shared by every order that names the plan until the catalogue changes: read-only.
  return Object.freeze({ ...pkg, has_inventory: Boolean(pkg.has_inventory) });
}
