import { readFile } from 'node:fs/promises';
import { randomHex } from '../../lib/random.js';
import type { ServiceContext, Verb } from '../context.js';
import { catalogFromJson } from './json-catalog.js';
import { parsePriceList, type Catalog } from './price-list.js';

const BATCH = 200;

/**
 * Writes a catalogue in one transaction: packages and locations are upserted by code (a
 * package that orders refer to is updated, never deleted), and the catalogue version is
 * bumped so every instance drops its cached package lists.
 */
export async function importCatalog({ ctx, input }: Verb<Catalog, ServiceContext>): Promise<{ packages: number; locations: number }> {
  const version = randomHex(8);
  await ctx.db.kysely.transaction().execute(async (tx) => {
    for (let i = 0; i < input.packages.length; i += BATCH) {
      await tx
        .insertInto('packages')
        .values(input.packages.slice(i, i + BATCH))
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => {
            const columns = Object.keys(input.packages[0]!).filter((c) => c !== 'code') as (keyof Catalog['packages'][number])[];
            return Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)]));
          }),
        )
        .execute();
    }
    for (let i = 0; i < input.locations.length; i += BATCH) {
      await tx
        .insertInto('locations')
        .values(input.locations.slice(i, i + BATCH))
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
    await tx
      .insertInto('meta')
      .values({ key: 'catalog_version', value: version })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: version }))
      .execute();
  });
  return { packages: input.packages.length, locations: input.locations.length };
}

/** Reads a CSV price list (the shared price list's shape) or a JSON package list. */
export async function readCatalogFile(path: string): Promise<Catalog> {
  const text = await readFile(path, 'utf8');
  return /^\s*[[{]/.test(text) ? catalogFromJson(JSON.parse(text)) : parsePriceList(text);
}

export async function catalogIsEmpty(ctx: ServiceContext): Promise<boolean> {
  const row = await ctx.db.kysely.selectFrom('packages').select('code').limit(1).executeTakeFirst();
  return row === undefined;
}
