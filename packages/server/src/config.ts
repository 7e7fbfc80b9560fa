import { z } from 'zod';

// Configuration comes from the environment, parsed once at start. Every problem is reported
// together so an operator fixes them in one go.
const Mode = z.enum(['sandbox', 'production']);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default('./data/esimkit.db'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  ESIMKIT_MODE: Mode.default('sandbox'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT: z.coerce.number().int().min(1024).default(64 * 1024),
  /** How far RT-Timestamp may be from now, and how long a RequestID is remembered. */
  SIGNATURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Price list imported on first start when the catalogue is empty; "none" to start empty. */
  SEED_CATALOG: z.string().optional(),
});

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
  signatureWindowMs: number;
  seedCatalog: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Empty variables count as unset, as a shell `FOO=` usually means. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const displayHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://${displayHost}:${e.PORT}`).replace(/\/+$/, ''),
    mode: e.ESIMKIT_MODE,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    signatureWindowMs: e.SIGNATURE_WINDOW_SECONDS * 1000,
    seedCatalog: e.SEED_CATALOG,
  };
}
