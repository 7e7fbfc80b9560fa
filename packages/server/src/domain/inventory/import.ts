import { readFile } from 'node:fs/promises';
import { parseCsv } from '../../lib/csv.js';
import type { ServiceContext, Verb } from '../context.js';
import { newCatalogVersion } from '../catalog/import.js';
import { findOrderablePackage } from '../orders/orderable-packages.js';

export interface InventoryRow {
  packageCode: string;
  iccid: string;
  imsi: string;
  ac: string;
}

export interface InventoryImportResult {
  imported: number;
  /** Rows whose ICCID the package's inventory already held. */
  skipped: number;
  packages: string[];
}

const BATCH = 500;

/**
 * Reads an inventory CSV: columns iccid, imsi, ac (activation code `LPA:1$host$id`) and
 * either packageCode per row or one package for the whole file. Every row is checked before
 * anything is written; one bad row refuses the file with its row number.
 */
export async function readInventoryFile(path: string, defaultPackage?: string): Promise<InventoryRow[]> {
  return parseInventoryCsv(await readFile(path, 'utf8'), defaultPackage);
}

/** An inventory CSV's text (the CLI's file, the console's upload), checked as readInventoryFile says. */
export function parseInventoryCsv(text: string, defaultPackage?: string): InventoryRow[] {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new Error('inventory file has no rows');
  return rows.map((row, index) => {
    const where = `row ${index + 2}`;
    const get = (name: string) => (Object.entries(row).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? '').trim();
    const packageCode = get('packageCode') || defaultPackage || '';
    const iccid = get('iccid').replace(/[fF]$/, '');
    const imsi = get('imsi');
    const ac = get('ac') || get('activationCode');
    if (!packageCode) throw new Error(`${where}: no packageCode column and no --package given`);
    if (!/^\d{18,20}$/.test(iccid)) throw new Error(`${where}: iccid must be 18-20 digits`);
    if (!/^\d{6,15}$/.test(imsi)) throw new Error(`${where}: imsi must be at most 15 digits`);
    if (!/^LPA:1\$[^$]+\$[^$]+$/.test(ac)) throw new Error(`${where}: ac must look like LPA:1$<SM-DP+ address>$<matching id>`);
    return { packageCode, iccid, imsi, ac };
  });
}

/** Adds profiles to the inventory of their packages (which must exist as base plans), the source of those without one. */
export async function importInventory({ ctx, input }: Verb<InventoryRow[], ServiceContext>): Promise<InventoryImportResult> {
  const codes = new Map<string, string>();
  for (const reference of new Set(input.map((r) => r.packageCode))) {
    const pkg = await findOrderablePackage(ctx.db, reference);
    if (!pkg) throw new Error(`package ${reference} does not exist`);
    codes.set(reference, pkg.code);
  }
  const now = ctx.clock.now().getTime();
  let imported = 0;
  await ctx.db.kysely.transaction().execute(async (tx) => {
    for (let i = 0; i < input.length; i += BATCH) {
      const result = await tx
        .insertInto('profiles')
        .values(input.slice(i, i + BATCH).map((r) => ({ package_code: codes.get(r.packageCode)!, iccid: r.iccid, imsi: r.imsi, ac: r.ac, created_at: now })))
        .onConflict((oc) => oc.columns(['package_code', 'iccid']).doNothing())
        .executeTakeFirst();
      imported += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    // A package that had no profile source now has one: this inventory (a source named
    // before, say an SM-DP+, stays: the operator chose it).
    await tx.updateTable('packages').set({ profile_source: 'inventory' }).where('code', 'in', [...codes.values()]).where('profile_source', 'is', null).execute();
    // Orders read a plan's source and whether it has inventory from the cached plans.
    await newCatalogVersion(tx);
  });
  return { imported, skipped: input.length - imported, packages: [...new Set(codes.values())] };
}

/** Free and used profiles per package that has an inventory. */
export async function inventoryLevels(ctx: ServiceContext): Promise<{ packageCode: string; total: number; free: number }[]> {
  const rows = await ctx.db.kysely
    .selectFrom('profiles')
    .select((eb) => [
      'package_code',
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('order_id', 'is', null).then(1).else(0).end()).as('free'),
    ])
    .groupBy('package_code')
    .orderBy('package_code')
    .execute();
  return rows.map((r) => ({ packageCode: r.package_code, total: Number(r.total), free: Number(r.free) }));
}
