import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type Config } from './config.js';
import { isPostgresUrl, sqlitePath } from './db/errors.js';
import { parseSecretKey, SecretBox } from './lib/secret-box.js';

// Where the key that seals secrets at rest comes from (docs/secrets.md):
// 1. ESIMKIT_SECRET_KEY;
// 2. else the file ESIMKIT_SECRET_KEY_FILE names;
// 3. else, in sandbox mode only, `secret.key` in the SQLite database's folder (./data for
//    PostgreSQL), made on first start. Production without 1 or 2 refuses to start: a key
//    lying beside the database protects nothing the database's own permissions do not.

export interface ResolvedSecretKey {
  box: SecretBox;
  /** Where it came from, for messages (never the key itself). */
  source: string;
  /** The file it was read from or made in (rotation writes the new key there). */
  file?: string;
  /** Made just now (first sandbox start). */
  generated: boolean;
}

export function resolveSecretKey(config: Pick<Config, 'mode' | 'databaseUrl' | 'secretKey'>): ResolvedSecretKey {
  const { key, file } = config.secretKey;
  if (key && file) throw new ConfigError(['ESIMKIT_SECRET_KEY and ESIMKIT_SECRET_KEY_FILE: set one of them, not both']);
  if (key) return { box: new SecretBox(key), source: 'ESIMKIT_SECRET_KEY', generated: false };
  if (file) {
    const read = readKeyFile(resolve(file));
    if (read) return { box: new SecretBox(read), source: `ESIMKIT_SECRET_KEY_FILE (${resolve(file)})`, file: resolve(file), generated: false };
    if (config.mode === 'production') throw new ConfigError([`ESIMKIT_SECRET_KEY_FILE: ${resolve(file)} does not exist`]);
    return generateKeyFile(resolve(file));
  }
  if (config.mode === 'production') {
    throw new ConfigError([
      'ESIMKIT_SECRET_KEY: required in production mode: 32 random bytes as 64 hex characters (`openssl rand -hex 32`), or ESIMKIT_SECRET_KEY_FILE naming a file that holds them (docs/secrets.md)',
    ]);
  }
  const path = defaultKeyFile(config.databaseUrl);
  // A throwaway in-memory database needs a key no longer than itself lives.
  if (path === undefined) return { box: new SecretBox(SecretBox.generateKey()), source: 'made for this in-memory database', generated: true };
  const read = readKeyFile(path);
  if (read) return { box: new SecretBox(read), source: path, file: path, generated: false };
  return generateKeyFile(path);
}

/** The sandbox's key file: beside the SQLite database, or ./data/secret.key for PostgreSQL; none for `:memory:`. */
export function defaultKeyFile(databaseUrl: string): string | undefined {
  if (isPostgresUrl(databaseUrl)) return resolve('data', 'secret.key');
  const path = sqlitePath(databaseUrl);
  return path === ':memory:' ? undefined : join(dirname(resolve(path)), 'secret.key');
}

/** The key in a file; undefined when there is no file; a ConfigError when the file holds no key. */
export function readKeyFile(path: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`secret key file ${path}: ${(error as Error).message}`]);
  }
  const key = parseSecretKey(text);
  if (!key) throw new ConfigError([`secret key file ${path}: does not hold a key (32 random bytes as 64 hex characters or base64)`]);
  return key;
}

/**
 * Makes a new key in `path` (0600). Several processes may start at once on a new sandbox:
 * each writes its own temporary file and links it to the name, which only the first manages
 * (link never replaces), so every process reads the one key that won, never a half-written file.
 */
function generateKeyFile(path: string): ResolvedSecretKey {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, `${SecretBox.generateKey().toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  let won = true;
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError([`secret key file ${path}: cannot be made: ${(error as Error).message}`]);
    won = false;
  } finally {
    unlinkSync(temporary);
  }
  const key = readKeyFile(path)!;
  return { box: new SecretBox(key), source: path, file: path, generated: won };
}

/** Replaces a key file's key (after a rotation): written beside it, then renamed over it. */
export function replaceKeyFile(path: string, key: Buffer): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  // rename replaces the name atomically: a reader sees the old key or the new one.
  renameSync(temporary, path);
}
