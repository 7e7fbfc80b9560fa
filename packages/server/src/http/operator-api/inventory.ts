import { z } from 'zod';
import { importInventory, inventoryLevels, parseInventoryCsv } from '../../domain/inventory/import.js';
import { IMPORT_BODY_LIMIT, operatorRoute } from './endpoint.js';
import { refusedFileError } from './file-errors.js';

// Inventory: real profiles imported for packages (the CSV the CLI and the console import),
// and the stock per package. A package with an inventory is allocated from it.

export const inventoryRoutes = [
  operatorRoute({
    name: 'operator.inventory.import',
    path: '/api/v1/operator/inventory/import',
    summary: 'Import profiles: a CSV with columns iccid, imsi, ac and packageCode (docs/file-formats.md); profiles already held are skipped',
    scope: 'inventory:write',
    request: z.object({
      content: z.string().min(1).describe('The CSV file’s text'),
      packageCode: z.string().min(1).max(64).optional().describe('A plan’s code or slug for rows without packageCode'),
    }),
    response: z.object({
      imported: z.number().int(),
      skipped: z.number().int().describe('Rows whose ICCID the package’s inventory held already'),
      packages: z.array(z.string()).describe('The packages the profiles went to'),
    }),
    errors: ['800205'],
    bodyLimit: IMPORT_BODY_LIMIT,
    async handle(ctx, input) {
      try {
        return await importInventory({ ctx, input: parseInventoryCsv(input.content, input.packageCode) });
      } catch (error) {
        throw refusedFileError(error, '800205', 'The inventory was refused');
      }
    },
  }),

  operatorRoute({
    name: 'operator.inventory.stock',
    path: '/api/v1/operator/inventory/stock',
    summary: 'Free and used profiles of each package that has an inventory (free 0: orders answer 200011)',
    scope: 'inventory:read',
    request: z.object({}),
    response: z.object({ stockList: z.array(z.object({ packageCode: z.string(), total: z.number().int(), free: z.number().int(), used: z.number().int() })) }),
    errors: [],
    async handle(ctx) {
      const levels = await inventoryLevels(ctx);
      return { stockList: levels.map((l) => ({ ...l, used: l.total - l.free })) };
    },
  }),
];
