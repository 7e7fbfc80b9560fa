import { z } from 'zod';
import { parseSecretKey } from './lib/secret-box.js';

// Configuration comes from the environment, parsed once at start. Every problem is reported
// together so an operator fixes them in one go.
const Mode = z.enum(['sandbox', 'production']);

/**
 * A whole number written in decimal digits. `z.coerce.number()` would take `0x50`, `1e3` and,
 * worse, a blank value as 0 (a random port).
 */
function wholeNumber(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number ${range}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be a whole number ${range}`).max(max, `must be a whole number ${range}`));
}

const EnvSchema = z.object({
  PORT: wholeNumber(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default('./data/esimkit.db'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  // z.url() alone takes any scheme, `localhost:8080` included (scheme "localhost:").
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  ESIMKIT_MODE: Mode.default('sandbox'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT: wholeNumber(1024).default(64 * 1024),
  /** Bearer token /metrics asks for; unset: open in sandbox mode, closed in production. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How long a request may take to arrive whole (headers and body); a slower one is answered 000104 and its connection closed. */
  REQUEST_TIMEOUT_SECONDS: wholeNumber(1).default(30),
  /** How far RT-Timestamp may be from now, and how long a RequestID is remembered. */
  SIGNATURE_WINDOW_SECONDS: wholeNumber(1).default(300),
  /** Price list imported on first start when the catalogue is empty; "none" to start empty. */
  SEED_CATALOG: z.string().optional(),
  /** Time from order to allocated profiles (the live service takes 3-30 s). */
  ALLOCATION_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(100),
  /** SM-DP+ address written into activation codes (`LPA:1$<address>$<matching id>`). */
  SMDP_ADDRESS: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'must be a host name')
    .default('smdp.esimkit.dev'),
  /** Run the background job runner in this process (allocation, webhooks, sweeps). */
  JOB_RUNNER: z.enum(['on', 'off']).default('on'),
  /** How long a webhook POST may take before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Delays between webhook attempts, e.g. `5s,5m,30m,2h,5h,10h,10h`; after the last, failed. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(ms|s|m|h|d)(\s*,\s*\d+(ms|s|m|h|d))*\s*$/, 'must be durations like 5s,5m,30m,2h')
    .default('5s,5m,30m,2h,5h,10h,10h'),
  /** Webhook URLs on loopback and private networks: allowed in sandbox mode unless set. */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['on', 'off']).optional(),
  /** Days the webhook log keeps finished events (delivered, failed, no endpoint). */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days the console's request log keeps each merchant's API requests. */
  REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** Which partner requests the console's request log keeps: all, failures only, or none (docs/benchmarks.md has the cost). */
  REQUEST_LOG: z.enum(['all', 'failures', 'off']).default('all'),
  /** How long used data takes to reach orderUsage (the live service: 2-3 h). */
  USAGE_LAG_SECONDS: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(0),
  /** DATA_USAGE fires when the remaining share falls to each of these. */
  DATA_USAGE_THRESHOLDS: z
    .string()
    .regex(/^\s*0?\.\d+(\s*,\s*0?\.\d+)*\s*$/, 'must be shares between 0 and 1, e.g. 0.5,0.25,0.1')
    .default('0.5,0.25,0.1'),
  /** Base URL of the SM-DP+'s ES2+ interface (its functions are POSTed to `<url>/gsma/rsp2/es2plus/<function>`). */
  ES2_SMDP_URL: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  /** functionRequesterIdentifier this operator is known by at the SM-DP+. */
  ES2_REQUESTER_ID: z.string().min(1).max(256).default('esimkit'),
  /** Mutual TLS towards the SM-DP+: PEM files of the client certificate, its key, and the CA bundle that signed the SM-DP+'s certificate. */
  ES2_CLIENT_CERT: z.string().min(1).optional(),
  ES2_CLIENT_KEY: z.string().min(1).optional(),
  ES2_CA_BUNDLE: z.string().min(1).optional(),
  /**
   * How long one ES2+ call may take before it counts as the SM-DP+ being unreachable. At most
   * 25 s, under the 30 s job lease, so no worker taking the job over resends a call in flight.
   */
  ES2_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(10_000),
  /** How long an order waits (ALLOCATING, retried with backoff) for an unreachable SM-DP+ before it fails and is refunded. */
  ES2_RETRY_FOR_SECONDS: wholeNumber(0).default(24 * 3600),
  /** Bearer token the SM-DP+ presents on handleDownloadProgressInfo; unset: the endpoint is closed (unless mutual TLS vouches). */
  ES2_NOTIFY_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** notificationPointId of the eUICC's later notifications, e.g. `5=ENABLE,6=DISABLE,7=DELETE` (SM-DP+ implementations differ). */
  ES2_NOTIFICATION_POINTS: z
    .string()
    .regex(/^\s*\d+=(ENABLE|DISABLE|DELETE)(\s*,\s*\d+=(ENABLE|DISABLE|DELETE))*\s*$/, 'must be pairs like 5=ENABLE,6=DISABLE,7=DELETE')
    .default('5=ENABLE,6=DISABLE,7=DELETE'),
  /**
   * A second listener, HTTPS with mutual TLS, serving only handleDownloadProgressInfo: a client
   * certificate signed by ES2_NOTIFY_CLIENT_CA authenticates the SM-DP+ there without the token.
   * The port, this listener's certificate and key, and that CA go together.
   */
  ES2_NOTIFY_PORT: wholeNumber(0, 65535).optional(),
  ES2_NOTIFY_HOST: z.string().min(1).optional(),
  ES2_NOTIFY_TLS_CERT: z.string().min(1).optional(),
  ES2_NOTIFY_TLS_KEY: z.string().min(1).optional(),
  ES2_NOTIFY_CLIENT_CA: z.string().min(1).optional(),
  /** The key secrets are sealed with at rest (docs/secrets.md): 32 random bytes, 64 hex characters or base64. Required in production; the sandbox makes one. */
  ESIMKIT_SECRET_KEY: z
    .string()
    .refine((text) => parseSecretKey(text) !== undefined, 'must be 32 random bytes written as 64 hex characters or base64 (e.g. `openssl rand -hex 32`); a merchant\'s API secret key (32 hex characters) is not one')
    .optional(),
  /** A file holding that key instead (e.g. a mounted secret); in sandbox mode made there when missing. */
  ESIMKIT_SECRET_KEY_FILE: z.string().min(1).optional(),
});

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5s,5m` to [5000, 300000]. */
export function parseDurations(text: string): number[] {
  return text.split(',').map((part) => {
    const [, amount, unit] = /^\s*(\d+)(ms|s|m|h|d)\s*$/.exec(part)!;
    return Number(amount) * UNIT_MS[unit!]!;
  });
}

export type Mode = z.infer<typeof Mode>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  publicUrl: string;
  mode: Mode;
  logLevel: string;
  bodyLimit: number;
  requestTimeoutMs: number;
  metricsToken: string | undefined;
  signatureWindowMs: number;
  seedCatalog: string | undefined;
  allocationDelayMs: number;
  smdpAddress: string;
  jobRunner: boolean;
  webhookTimeoutMs: number;
  webhookRetryScheduleMs: number[];
  webhookAllowPrivate: boolean;
  dataUsageThresholds: number[];
  usageLagMs: number;
  webhookRetentionMs: number;
  requestLogRetentionMs: number;
  requestLog: 'all' | 'failures' | 'off';
  es2: Es2Settings;
  /** Where the key secrets are sealed with comes from (secret-key.ts reads it); never put in the context. */
  secretKey: SecretKeySetting;
}

export interface SecretKeySetting {
  /** ESIMKIT_SECRET_KEY, parsed. */
  key: Buffer | undefined;
  /** ESIMKIT_SECRET_KEY_FILE. */
  file: string | undefined;
}

/** How esimkit talks to a real SM-DP+ over GSMA ES2+ (docs/production.md). */
export interface Es2Settings {
  smdpUrl: string | undefined;
  requesterId: string;
  clientCert: string | undefined;
  clientKey: string | undefined;
  caBundle: string | undefined;
  timeoutMs: number;
  retryForMs: number;
  notifyToken: string | undefined;
  /** notificationPointId -> lifecycle event, for the eUICC's later notifications. */
  notificationPoints: ReadonlyMap<number, 'ENABLE' | 'DISABLE' | 'DELETE'>;
  /** The mutual-TLS listener for handleDownloadProgressInfo; undefined: none. */
  notifyListener?: Es2NotifyListenerSettings | undefined;
}

/** ES2_NOTIFY_PORT and friends; the files are PEM paths, read when the server starts. */
export interface Es2NotifyListenerSettings {
  port: number;
  host: string;
  certFile: string;
  keyFile: string;
  clientCaFile: string;
}

/** All four settings, or none of them: half a listener is a mistake to report, not to ignore. */
function notifyListenerSettings(e: z.infer<typeof EnvSchema>): Es2NotifyListenerSettings | undefined {
  const { ES2_NOTIFY_PORT: port, ES2_NOTIFY_TLS_CERT: certFile, ES2_NOTIFY_TLS_KEY: keyFile, ES2_NOTIFY_CLIENT_CA: clientCaFile } = e;
  if (port !== undefined && certFile !== undefined && keyFile !== undefined && clientCaFile !== undefined) {
    return { port, host: e.ES2_NOTIFY_HOST ?? e.HOST, certFile, keyFile, clientCaFile };
  }
  const given = { ES2_NOTIFY_PORT: port, ES2_NOTIFY_TLS_CERT: certFile, ES2_NOTIFY_TLS_KEY: keyFile, ES2_NOTIFY_CLIENT_CA: clientCaFile, ES2_NOTIFY_HOST: e.ES2_NOTIFY_HOST };
  if (Object.values(given).every((value) => value === undefined)) return undefined;
  const missing = Object.entries(given).filter(([name, value]) => value === undefined && name !== 'ES2_NOTIFY_HOST');
  throw new ConfigError(missing.map(([name]) => `${name}: required by the mutual-TLS notification listener (ES2_NOTIFY_PORT, ES2_NOTIFY_TLS_CERT, ES2_NOTIFY_TLS_KEY and ES2_NOTIFY_CLIENT_CA go together)`));
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Empty variables count as unset, as a shell `FOO=` usually means; so do blank ones. Values
 * are trimmed (`PORT=" 8080"` from a quoted .env line is still port 8080).
 */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .map(([k, v]) => [k, v?.trim()] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  ) as Record<string, string>;
}

/** The URL a server on host:port is reached at, when PUBLIC_URL does not say. */
export function defaultPublicUrl(host: string, port: number): string {
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    publicUrl: (e.PUBLIC_URL ?? defaultPublicUrl(e.HOST, e.PORT)).replace(/\/+$/, ''),
    mode: e.ESIMKIT_MODE,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    metricsToken: e.METRICS_TOKEN,
    signatureWindowMs: e.SIGNATURE_WINDOW_SECONDS * 1000,
    seedCatalog: e.SEED_CATALOG,
    allocationDelayMs: e.ALLOCATION_DELAY_MS,
    smdpAddress: e.SMDP_ADDRESS,
    jobRunner: e.JOB_RUNNER === 'on',
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryScheduleMs: parseDurations(e.WEBHOOK_RETRY_SCHEDULE),
    webhookAllowPrivate: (e.WEBHOOK_ALLOW_PRIVATE ?? (e.ESIMKIT_MODE === 'sandbox' ? 'on' : 'off')) === 'on',
    usageLagMs: e.USAGE_LAG_SECONDS * 1000,
    webhookRetentionMs: e.WEBHOOK_RETENTION_DAYS * 86_400_000,
    requestLogRetentionMs: e.REQUEST_LOG_RETENTION_DAYS * 86_400_000,
    requestLog: e.REQUEST_LOG,
    es2: {
      smdpUrl: e.ES2_SMDP_URL?.replace(/\/+$/, ''),
      requesterId: e.ES2_REQUESTER_ID,
      clientCert: e.ES2_CLIENT_CERT,
      clientKey: e.ES2_CLIENT_KEY,
      caBundle: e.ES2_CA_BUNDLE,
      timeoutMs: e.ES2_TIMEOUT_MS,
      retryForMs: e.ES2_RETRY_FOR_SECONDS * 1000,
      notifyToken: e.ES2_NOTIFY_TOKEN,
      notificationPoints: new Map(
        e.ES2_NOTIFICATION_POINTS.split(',').map((pair) => {
          const [id, event] = pair.trim().split('=') as [string, 'ENABLE' | 'DISABLE' | 'DELETE'];
          return [Number(id), event] as const;
        }),
      ),
      notifyListener: notifyListenerSettings(e),
    },
    secretKey: { key: e.ESIMKIT_SECRET_KEY === undefined ? undefined : parseSecretKey(e.ESIMKIT_SECRET_KEY), file: e.ESIMKIT_SECRET_KEY_FILE },
    dataUsageThresholds: e.DATA_USAGE_THRESHOLDS.split(',')
      .map(Number)
      .sort((a, b) => b - a),
  };
}
