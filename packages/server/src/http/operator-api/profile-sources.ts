import { z } from 'zod';
import { listProfileSources, setProfileSource } from '../../domain/catalog/profile-sources.js';
import { operatorRoute } from './endpoint.js';

// Where each plan's profiles come from: imported inventory, a real SM-DP+ over ES2+ (with the
// SM-DP+'s profileType), or the simulated SM-DP+ (sandbox only). Unset: the mode's default.

const Source = z.enum(['inventory', 'es2plus', 'simulator']);
const PackageSource = z.object({
  packageCode: z.string(),
  name: z.string(),
  source: Source.nullable().describe('null: the mode’s default (sandbox: inventory if any, else the simulator; production: none, so the plan cannot be ordered)'),
  profileType: z.string().nullable().describe('The SM-DP+ profileType, with es2plus'),
});

export const profileSourceRoutes = [
  operatorRoute({
    name: 'operator.catalog.sources',
    path: '/api/v1/operator/catalog/sources',
    summary: 'Every plan’s profile source, by package code',
    scope: 'catalog:read',
    request: z.object({}),
    response: z.object({ packageList: z.array(PackageSource) }),
    errors: [],
    handle: async (ctx) => ({ packageList: await listProfileSources(ctx) }),
  }),

  operatorRoute({
    name: 'operator.catalog.source',
    path: '/api/v1/operator/catalog/source',
    summary: 'Name a plan’s profile source (default: back to the mode’s default); es2plus needs the SM-DP+ profileType',
    scope: 'catalog:write',
    request: z.object({
      packageCode: z.string().min(1).max(64).describe('A plan’s code or slug'),
      // A JSON null reads as "not given" everywhere in this API, so clearing has its own word.
      source: z.enum([...Source.options, 'default']).describe('inventory, es2plus, simulator (sandbox only), or default (clears it)'),
      profileType: z.string().min(1).max(64).optional().describe('Required with es2plus, refused otherwise'),
    }),
    response: PackageSource,
    errors: ['310241'],
    handle: (ctx, input) =>
      setProfileSource({ ctx, input: { packageCode: input.packageCode, source: input.source === 'default' ? null : input.source, profileType: input.profileType } }),
  }),
];
