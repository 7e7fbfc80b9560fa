import type { ProfileSourceKind } from '../../db/schema.js';
import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { findOrderablePackage } from '../orders/orderable-packages.js';
import { newCatalogVersion } from './import.js';

// Where each package's profiles come from (issue 13): imported inventory, a real SM-DP+ over
// ES2+ (with the SM-DP+'s profileType), or the simulated SM-DP+ (sandbox only). Unset means
// the mode's default: in the sandbox, inventory when the package has some, else the
// simulator (what esimkit always did); in production, nothing: the package cannot be ordered.

export interface SetProfileSourceInput {
  /** A base plan's code or slug. */
  packageCode: string;
  /** null clears it (back to the mode's default). */
  source: ProfileSourceKind | null;
  /** The SM-DP+'s profileType for downloadOrder; required with `es2plus`, refused otherwise. */
  profileType?: string | undefined;
}

export interface PackageProfileSource {
  packageCode: string;
  name: string;
  source: ProfileSourceKind | null;
  profileType: string | null;
}

/** Profile types are operator-defined names; this keeps them printable and bounded. */
const PROFILE_TYPE = /^[\x21-\x7e]{1,64}$/;

/** Names a package's profile source (a catalogue operation: CLI, operator API). */
export async function setProfileSource({ ctx, input }: Verb<SetProfileSourceInput, ServiceContext>): Promise<PackageProfileSource> {
  if (input.source === 'es2plus') {
    if (input.profileType === undefined || !PROFILE_TYPE.test(input.profileType)) {
      throw new ApiError('000107', 'the es2plus source needs the SM-DP+ profileType (1-64 printable characters, no spaces)');
    }
  } else if (input.profileType !== undefined) {
    throw new ApiError('000107', 'a profileType goes only with the es2plus source');
  }
  if (input.source === 'simulator' && ctx.config.mode === 'production') {
    throw new ApiError('000107', 'the simulated SM-DP+ cannot be a profile source in production mode: its activation codes reach no real SM-DP+');
  }
  const pkg = await findOrderablePackage(ctx.db, input.packageCode);
  if (!pkg) throw new ApiError('310241', `The packageCode ${input.packageCode} does not exist.`);
  const profileType = input.source === 'es2plus' ? input.profileType! : null;
  await ctx.db.kysely.transaction().execute(async (tx) => {
    await tx.updateTable('packages').set({ profile_source: input.source, es2_profile_type: profileType }).where('code', '=', pkg.code).execute();
    // Orders read the source from the cached plans (orders/orderable-packages.ts).
    await newCatalogVersion(tx);
  });
  return { packageCode: pkg.code, name: pkg.name, source: input.source, profileType };
}

/** Every base plan's profile source, by code. */
export async function listProfileSources(ctx: ServiceContext): Promise<PackageProfileSource[]> {
  const rows = await ctx.db.kysely
    .selectFrom('packages')
    .select(['code', 'name', 'profile_source', 'es2_profile_type'])
    .where('type', '=', 'BASE')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ packageCode: r.code, name: r.name, source: r.profile_source, profileType: r.es2_profile_type }));
}

/**
 * Production: the base plans that cannot be ordered because nothing supplies their profiles
 * (no source, or the simulator, which production refuses). Empty in the sandbox.
 */
export async function packagesWithoutSource(ctx: ServiceContext): Promise<string[]> {
  if (ctx.config.mode !== 'production') return [];
  const rows = await ctx.db.kysely
    .selectFrom('packages')
    .select('code')
    .where('type', '=', 'BASE')
    .where((eb) => eb.or([eb('profile_source', 'is', null), eb('profile_source', '=', 'simulator')]))
    .orderBy('code')
    .execute();
  return rows.map((r) => r.code);
}

/**
 * Production with ES2_SMDP_URL unset: the base plans served over ES2+, which cannot be
 * ordered either (200011 naming the setting). With packagesWithoutSource, every base plan
 * production cannot sell. Empty in the sandbox or once the URL is set.
 */
export async function es2PackagesWithoutSmdp(ctx: ServiceContext): Promise<string[]> {
  if (ctx.config.mode !== 'production' || ctx.config.es2.smdpUrl) return [];
  const rows = await ctx.db.kysely.selectFrom('packages').select('code').where('type', '=', 'BASE').where('profile_source', '=', 'es2plus').orderBy('code').execute();
  return rows.map((r) => r.code);
}

/** How an order line gets its profiles, decided when the order is placed. */
export type ResolvedSource = { kind: 'inventory' } | { kind: 'simulator' } | { kind: 'es2plus'; profileType: string };

/**
 * The source an order of this package uses now, or 200011 when production has none for it.
 * Sandbox: the source named, else inventory when the package has any, else the simulator.
 */
export function resolveProfileSource(
  ctx: ServiceContext,
  pkg: { code: string; profile_source: ProfileSourceKind | null; es2_profile_type: string | null; has_inventory: boolean },
): ResolvedSource {
  const production = ctx.config.mode === 'production';
  switch (pkg.profile_source) {
    case 'inventory':
      return { kind: 'inventory' };
    case 'es2plus':
      if (!ctx.config.es2.smdpUrl) {
        throw new ApiError('200011', `The package ${pkg.code} has no profile source: it is served by an SM-DP+ over ES2+ and ES2_SMDP_URL is not set.`);
      }
      return { kind: 'es2plus', profileType: pkg.es2_profile_type ?? '' };
    case 'simulator':
      if (production) throw new ApiError('200011', `The package ${pkg.code} has no profile source: the simulated SM-DP+ serves only the sandbox.`);
      return { kind: 'simulator' };
    case null:
      if (production) throw new ApiError('200011', `The package ${pkg.code} has no profile source: no inventory and no SM-DP+ is configured for it.`);
      return pkg.has_inventory ? { kind: 'inventory' } : { kind: 'simulator' };
  }
}
