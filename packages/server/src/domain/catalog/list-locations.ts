import type { LocationItem } from '@esimkit/contract';
import type { z } from 'zod';
import type { ServiceContext } from '../context.js';

export async function listLocations(ctx: ServiceContext): Promise<z.infer<typeof LocationItem>[]> {
  const rows = await ctx.db.kysely.selectFrom('locations').selectAll().orderBy('sort_order').orderBy('code').execute();
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    type: row.type,
    subLocationList: row.sub_locations === null ? null : (JSON.parse(row.sub_locations) as { code: string; name: string }[]),
  }));
}
