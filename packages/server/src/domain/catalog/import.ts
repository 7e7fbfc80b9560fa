import { readFile } from 'node:fs/promises';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { randomHex } from '../../lib/random.js';
import type { ServiceContext, Verb } from '../context.js';
import { catalogFromJson } from './json-catalog.js';
import { parsePriceList, type Catalog } from './price-list.js';
import type { LocationRow, PackageRow } from './rows.js';

const BATCH = 200;

/**
 * Writes a catalogue in one transaction: packages and locations are upserted by code (a
 * package that orders refer to is updated, never deleted), and the catalogue version is
 * bumped so every instance drops its cached package lists (this one at once, others within
 * a second). A partial catalogue (JSON) keeps existing locations and places (see Catalog).
 * Throws, changing nothing, when a slug would end up on two packages of the same type.
 */
export async function importCatalog({ ctx, input }: Verb<Catalog, ServiceContext>): Promise<{ packages: number; locations: number }> {
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('packages').select(['code', 'type', 'slug', 'sort_order']).execute();
    refuseSlugClashes(existing, input.packages);
    const packages = input.partial ? keepPlaces(existing, input.packages) : input.packages;
    for (let i = 0; i < packages.length; i += BATCH) {
      await tx
        .insertInto('packages')
        .values(packages.slice(i, i + BATCH))
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => {
            const columns = Object.keys(packages[0]!).filter((c) => c !== 'code') as (keyof PackageRow)[];
            return Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)]));
          }),
        )
        .execute();
    }
    if (input.partial) await addNewLocations(tx, input.locations);
    else await upsertLocations(tx, input.locations);
    await newCatalogVersion(tx);
  });
  ctx.services.packageLists.invalidate();
  return { packages: input.packages.length, locations: input.locations.length };
}

/**
 * Marks the catalogue changed, in the transaction that changed it: every instance drops its
 * cached package lists within a second (this one must call packageLists.invalidate() too), and
 * the next order anywhere reads its plans afresh (orders/orderable-packages.ts). Anything that
 * changes what package/list or esim/order reads of a package calls it.
 */
export async function newCatalogVersion(tx: Transaction<Database>): Promise<void> {
  const version = randomHex(8);
  await tx
    .insertInto('meta')
    .values({ key: 'catalog_version', value: version })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: version }))
    .execute();
}

interface StoredPackage {
  code: string;
  type: string;
  slug: string;
  sort_order: number;
}

/** The (type, slug) index is unique: check the catalogue as it would be after the import. */
function refuseSlugClashes(existing: StoredPackage[], incoming: PackageRow[]): void {
  const after = new Map<string, { type: string; slug: string }>(existing.map((p) => [p.code, p]));
  for (const p of incoming) after.set(p.code, p);
  const ownerOf = new Map<string, string>();
  for (const [code, p] of after) {
    const key = `${p.type} ${p.slug}`;
    const owner = ownerOf.get(key);
    if (owner !== undefined) {
      const [mine, theirs] = incoming.some((i) => i.code === code) ? [code, owner] : [owner, code];
      throw new Error(`package ${mine} cannot take the ${p.type} slug ${p.slug}: package ${theirs} already has it`);
    }
    ownerOf.set(key, code);
  }
}

/** Existing packages keep their place in the list; new ones go after every stored package. */
function keepPlaces(existing: StoredPackage[], incoming: PackageRow[]): PackageRow[] {
  const placeOf = new Map(existing.map((p) => [p.code, p.sort_order]));
  let next = existing.reduce((max, p) => Math.max(max, p.sort_order), -1) + 1;
  return incoming.map((p) => ({ ...p, sort_order: placeOf.get(p.code) ?? next++ }));
}

async function upsertLocations(tx: Transaction<Database>, locations: LocationRow[]): Promise<void> {
  for (let i = 0; i < locations.length; i += BATCH) {
    await tx
      .insertInto('locations')
      .values(locations.slice(i, i + BATCH))
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          type: eb.ref('excluded.type'),
          sub_locations: eb.ref('excluded.sub_locations'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }
}

/** Locations derived from a package list are guesses (a region is named by its code): add only new ones. */
async function addNewLocations(tx: Transaction<Database>, locations: LocationRow[]): Promise<void> {
  const stored = await tx.selectFrom('locations').select(['code', 'sort_order']).execute();
  const known = new Set(stored.map((l) => l.code));
  let next = stored.reduce((max, l) => Math.max(max, l.sort_order), -1) + 1;
  const fresh = locations.filter((l) => !known.has(l.code)).map((l) => ({ ...l, sort_order: next++ }));
  for (let i = 0; i < fresh.length; i += BATCH) {
    await tx
      .insertInto('locations')
      .values(fresh.slice(i, i + BATCH))
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
}

/** Reads a CSV price list (the shared price list's shape) or a JSON package list. */
export async function readCatalogFile(path: string): Promise<Catalog> {
  return parseCatalogText(await readFile(path, 'utf8'));
}

/** A catalogue file's text (the CLI's file, the console's upload): JSON when it starts with `[` or `{`, else a CSV price list. */
export function parseCatalogText(content: string): Catalog {
  const text = content.replace(/^\uFEFF/, '');
  if (!/^\s*[[{]/.test(text)) return parsePriceList(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`catalogue file is not valid JSON: ${(error as Error).message}`);
  }
  return catalogFromJson(json);
}

export async function catalogIsEmpty(ctx: ServiceContext): Promise<boolean> {
  const row = await ctx.db.kysely.selectFrom('packages').select('code').limit(1).executeTakeFirst();
  return row === undefined;
}
