import { PackageItem } from '@esimkit/contract';
import { z } from 'zod';
import { importCatalog, parseCatalogText } from '../../domain/catalog/import.js';
import { listPackages } from '../../domain/catalog/list-packages.js';
import { setPackagePrice } from '../../domain/catalog/set-price.js';
import { IMPORT_BODY_LIMIT, operatorRoute } from './endpoint.js';
import { OperatorError } from './errors.js';
import { PageInfo, Paging, Units } from './fields.js';
import { refusedFileError } from './file-errors.js';

// The catalogue: import a price list (the file the CLI and the console import), list the
// packages as package/list answers them, change a package's price.

export const catalogRoutes = [
  operatorRoute({
    name: 'operator.catalog.import',
    path: '/api/v1/operator/catalog/import',
    summary: 'Import a catalogue: a CSV price list or a JSON package list (docs/file-formats.md); packages are added or updated by code, never deleted',
    scope: 'catalog:write',
    request: z.object({ content: z.string().min(1).describe('The file’s text: a CSV price list, or JSON (starts with [ or {)') }),
    response: z.object({ packages: z.number().int().describe('Packages added or updated'), locations: z.number().int() }),
    errors: ['800204'],
    bodyLimit: IMPORT_BODY_LIMIT,
    async handle(ctx, input) {
      // The file's own problems (a bad row, a slug clash) refuse it whole, with what is wrong.
      try {
        const catalog = parseCatalogText(input.content);
        if (catalog.packages.length === 0) throw new OperatorError('800204', 'The catalogue was refused: it lists no packages.');
        return await importCatalog({ ctx, input: catalog });
      } catch (error) {
        throw refusedFileError(error, '800204', 'The catalogue was refused');
      }
    },
  }),

  operatorRoute({
    name: 'operator.catalog.list',
    path: '/api/v1/operator/catalog/list',
    summary: 'Packages as package/list answers them, in the catalogue’s order, filtered and paged',
    scope: 'catalog:read',
    request: z.object({
      type: z.enum(['BASE', 'TOPUP']).default('BASE').describe('BASE: plans (default); TOPUP: top-ups'),
      locationCode: z.string().min(2).max(32).optional().describe('JP, EU-42, !RG (regional) or !GL (global)'),
      search: z.string().max(200).optional().describe('Part of the code, slug or name (any case)'),
      ...Paging,
    }),
    response: z.object({ packageList: z.array(PackageItem), ...PageInfo }),
    errors: [],
    async handle(ctx, input) {
      const all = await listPackages(ctx, { type: input.type, ...(input.locationCode ? { locationCode: input.locationCode } : {}) });
      const search = input.search?.trim().toLowerCase();
      const matching = search ? all.filter((p) => `${p.packageCode}\n${p.slug}\n${p.name}`.toLowerCase().includes(search)) : all;
      const start = (input.pageNum - 1) * input.pageSize;
      return { packageList: matching.slice(start, start + input.pageSize), total: matching.length, pageNum: input.pageNum, pageSize: input.pageSize };
    },
  }),

  operatorRoute({
    name: 'operator.catalog.price',
    path: '/api/v1/operator/catalog/price',
    summary: 'Change a package’s price (and retail price): new orders must quote it; orders placed keep what they paid',
    scope: 'catalog:write',
    request: z.object({
      packageCode: z.string().min(1).max(64).describe('A plan’s or a top-up’s code'),
      price: Units.min(1).describe('What merchants pay, more than 0'),
      retailPrice: Units.min(1).optional().describe('Suggested retail price; unchanged when absent'),
    }),
    response: z.object({ packageCode: z.string(), price: Units, retailPrice: Units }),
    errors: ['310241'],
    async handle(ctx, input) {
      const result = await setPackagePrice({
        ctx,
        input: { packageCode: input.packageCode, price: input.price, ...(input.retailPrice !== undefined ? { retailPrice: input.retailPrice } : {}) },
      });
      return { packageCode: input.packageCode, ...result };
    },
  }),
];
