import type { Config } from './config.js';
import { isPostgresUrl } from './db/errors.js';
import type { ServiceContext } from './domain/context.js';
import { es2PackagesWithoutSmdp, packagesWithoutSource } from './domain/catalog/profile-sources.js';

// ESIMKIT_MODE=production with settings that only make sense in the sandbox still starts
// (an operator may be trying it out), but says at start what to change, once per setting.

/** The sandbox defaults a production deployment should not keep (see config.ts). */
const SANDBOX_DEFAULTS = {
  allocationDelayMs: 100,
  smdpAddress: 'smdp.esimkit.dev',
  usageLagMs: 0,
} as const;

export function productionWarnings(config: Config): string[] {
  if (config.mode !== 'production') return [];
  const warnings: string[] = [];
  if (!isPostgresUrl(config.databaseUrl)) {
    warnings.push(`DATABASE_URL is a SQLite file (${config.databaseUrl}): one process, one machine; use PostgreSQL in production`);
  }
  if (isLoopbackUrl(config.publicUrl)) {
    warnings.push(`PUBLIC_URL is ${config.publicUrl}, a loopback address: QR code, install page and flag URLs handed to partners will not reach them; set PUBLIC_URL`);
  }
  if (config.seedCatalog === undefined) {
    warnings.push('SEED_CATALOG is unset: an empty catalogue is filled with the bundled sample price list; set it to your price list, or none');
  }
  if (config.smdpAddress === SANDBOX_DEFAULTS.smdpAddress) {
    warnings.push(`SMDP_ADDRESS is the sandbox default (${SANDBOX_DEFAULTS.smdpAddress}): activation codes would name an SM-DP+ that devices cannot reach`);
  }
  if (config.allocationDelayMs === SANDBOX_DEFAULTS.allocationDelayMs) {
    warnings.push(`ALLOCATION_DELAY_MS is the sandbox default (${SANDBOX_DEFAULTS.allocationDelayMs} ms); set the delay your SM-DP+ really takes`);
  }
  if (config.usageLagMs === SANDBOX_DEFAULTS.usageLagMs) {
    warnings.push('USAGE_LAG_SECONDS is the sandbox default (0): usage reaches orderUsage at once, which no network does; set the real lag');
  }
  if (config.metricsToken === undefined) {
    warnings.push('METRICS_TOKEN is unset: /metrics answers 401 to everyone; set a token for your Prometheus scraper');
  }
  if (config.webhookAllowPrivate) {
    warnings.push('WEBHOOK_ALLOW_PRIVATE is on: partners can point webhooks at loopback and private network addresses of this host');
  }
  return warnings;
}

/** Packages named in a start-up warning; the rest are counted (`esimkit catalog sources --missing` lists them all). */
const NAMED_PACKAGES = 20;

/**
 * Production, once the catalogue is there: the packages partners cannot order for want of a
 * profile source (200011), and ES2+ packages while ES2_SMDP_URL is unset.
 */
export async function profileSourceWarnings(ctx: ServiceContext): Promise<string[]> {
  if (ctx.config.mode !== 'production') return [];
  const warnings: string[] = [];
  const missing = await packagesWithoutSource(ctx);
  if (missing.length) {
    warnings.push(
      `${missing.length} package${missing.length === 1 ? ' has' : 's have'} no profile source and cannot be ordered (200011): ${nameSome(missing)}; name one with \`esimkit catalog source <code> --source es2plus --profile-type <type>\` or import inventory (\`esimkit catalog sources --missing\` lists them)`,
    );
  }
  const es2 = await es2PackagesWithoutSmdp(ctx);
  if (es2.length) warnings.push(`ES2_SMDP_URL is unset: ${es2.length} package${es2.length === 1 ? '' : 's'} served over ES2+ cannot be ordered (200011): ${nameSome(es2)}`);
  return warnings;
}

/** The first NAMED_PACKAGES codes, and how many more: a warning line stays readable. */
function nameSome(codes: string[]): string {
  return codes.slice(0, NAMED_PACKAGES).join(', ') + (codes.length > NAMED_PACKAGES ? ` and ${codes.length - NAMED_PACKAGES} more` : '');
}

/** A URL whose host is this machine: localhost, 127.0.0.0/8, ::1, or the unspecified address. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    host === '0.0.0.0' ||
    host === '::' ||
    /^::ffff:127\./.test(host) ||
    /^::ffff:7f/.test(host)
  );
}
