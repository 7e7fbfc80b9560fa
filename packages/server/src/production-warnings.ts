import type { Config } from './config.js';
import { isPostgresUrl } from './db/errors.js';

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
