import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.js';

// loadConfig reads the environment once at start; every problem is reported together.

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

/** The variable each problem is about (`PORT: must be ...` -> `PORT`). */
function names(problems: string[]): string[] {
  return problems.map((p) => p.split(':')[0]!).sort();
}

describe('defaults', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('runs a local sandbox on SQLite when nothing is set', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: './data/esimkit.db',
      redisUrl: undefined,
      publicUrl: 'http://127.0.0.1:8080',
      mode: 'sandbox',
      logLevel: 'info',
      bodyLimit: 64 * 1024,
      signatureWindowMs: 300_000,
      seedCatalog: undefined,
    });
  });

  it('counts empty and blank variables as unset', () => {
    const blank = {
      PORT: '',
      HOST: '',
      DATABASE_URL: '',
      REDIS_URL: '',
      PUBLIC_URL: '',
      ESIMKIT_MODE: '',
      LOG_LEVEL: ' ',
      BODY_LIMIT: '   ',
      SIGNATURE_WINDOW_SECONDS: '',
      SEED_CATALOG: '',
    };
    expect(loadConfig(blank)).toEqual(loadConfig({}));
    // A blank PORT is not port 0 (a random port).
    expect(loadConfig({ PORT: ' ' }).port).toBe(8080);
  });

  it('reads process.env when no environment is given', () => {
    for (const name of ['HOST', 'PUBLIC_URL', 'REDIS_URL', 'LOG_LEVEL', 'BODY_LIMIT', 'SIGNATURE_WINDOW_SECONDS', 'SEED_CATALOG']) vi.stubEnv(name, '');
    vi.stubEnv('PORT', '9191');
    vi.stubEnv('ESIMKIT_MODE', 'production');
    vi.stubEnv('DATABASE_URL', 'postgres://user@db.internal:5432/esim?schema=esimkit');
    expect(loadConfig()).toMatchObject({
      port: 9191,
      mode: 'production',
      databaseUrl: 'postgres://user@db.internal:5432/esim?schema=esimkit',
      publicUrl: 'http://127.0.0.1:9191',
    });
  });
});

describe('values', () => {
  it('takes every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://esim@127.0.0.1:5432/esim?schema=sandbox',
      REDIS_URL: 'rediss://cache.example.com:6380',
      PUBLIC_URL: 'https://esim.example.com',
      ESIMKIT_MODE: 'production',
      LOG_LEVEL: 'warn',
      BODY_LIMIT: '2048',
      SIGNATURE_WINDOW_SECONDS: '60',
      SEED_CATALOG: 'none',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://esim@127.0.0.1:5432/esim?schema=sandbox',
      redisUrl: 'rediss://cache.example.com:6380',
      publicUrl: 'https://esim.example.com',
      mode: 'production',
      logLevel: 'warn',
      bodyLimit: 2048,
      signatureWindowMs: 60_000,
      seedCatalog: 'none',
    });
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ SEED_CATALOG: './my-prices.csv' }).seedCatalog).toBe('./my-prices.csv');
  });

  it('trims the trailing slash of PUBLIC_URL, keeping its path', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://esim.example.com/' }).publicUrl).toBe('https://esim.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://example.com:8443/esim//' }).publicUrl).toBe('http://example.com:8443/esim');
  });

  it('derives the public URL from HOST and PORT, reachable even on a wildcard or IPv6 host', () => {
    expect(loadConfig({ PORT: '3000' }).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '3000' }).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ HOST: '::' }).publicUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ HOST: 'esim.local' }).publicUrl).toBe('http://esim.local:8080');
    const ipv6 = loadConfig({ HOST: '::1', PORT: '3000' }).publicUrl;
    expect(ipv6).toBe('http://[::1]:3000');
    expect(new URL(ipv6).port).toBe('3000');
  });

  it('trims values', () => {
    expect(loadConfig({ PORT: ' 3000 ', ESIMKIT_MODE: 'production ' })).toMatchObject({ port: 3000, mode: 'production' });
  });
});

describe('problems', () => {
  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'abc', ESIMKIT_MODE: 'staging', REDIS_URL: 'http://x', PUBLIC_URL: 'not-a-url' });
    expect(problems).toHaveLength(4);
    expect(names(problems)).toEqual(['ESIMKIT_MODE', 'PORT', 'PUBLIC_URL', 'REDIS_URL']);
    expect(problems.find((p) => p.startsWith('REDIS_URL'))).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(problems.find((p) => p.startsWith('PUBLIC_URL'))).toMatch(/absolute http\(s\) URL/);
    expect(problems.find((p) => p.startsWith('ESIMKIT_MODE'))).toMatch(/sandbox.*production/);
    expect(problems.find((p) => p.startsWith('PORT'))).toMatch(/whole number/);
  });

  it('puts every problem in the message, one a line', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', BODY_LIMIT: '10', SIGNATURE_WINDOW_SECONDS: '0', HOST: 'ok' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(Error);
    expect(names(error.problems)).toEqual(['BODY_LIMIT', 'LOG_LEVEL', 'PORT', 'SIGNATURE_WINDOW_SECONDS']);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('invalid configuration:');
    expect(lines.slice(1)).toEqual(error.problems.map((p) => `  - ${p}`));
  });

  it('refuses numbers that are not plain whole numbers in range', () => {
    for (const port of ['abc', '-1', '65536', '80.5', '0x50', '1e3', '8080abc']) {
      expect(names(problemsOf({ PORT: port })), `PORT=${port}`).toEqual(['PORT']);
    }
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(names(problemsOf({ BODY_LIMIT: '1023' }))).toEqual(['BODY_LIMIT']);
    expect(loadConfig({ BODY_LIMIT: '1024' }).bodyLimit).toBe(1024);
    expect(names(problemsOf({ SIGNATURE_WINDOW_SECONDS: '0' }))).toEqual(['SIGNATURE_WINDOW_SECONDS']);
    expect(names(problemsOf({ SIGNATURE_WINDOW_SECONDS: '1.5' }))).toEqual(['SIGNATURE_WINDOW_SECONDS']);
  });

  it('refuses an ES2_TIMEOUT_MS the 30 s job lease could not outlast', () => {
    expect(names(problemsOf({ ES2_TIMEOUT_MS: '25001' }))).toEqual(['ES2_TIMEOUT_MS']);
    expect(names(problemsOf({ ES2_TIMEOUT_MS: '120000' }))).toEqual(['ES2_TIMEOUT_MS']);
    expect(loadConfig({ ES2_TIMEOUT_MS: '25000' }).es2.timeoutMs).toBe(25_000);
  });

  it('refuses a PUBLIC_URL that is not an absolute http(s) URL', () => {
    for (const url of ['not-a-url', 'localhost:8080', 'ftp://files.example.com', 'javascript:alert(1)', '/relative/path', 'esim.example.com']) {
      expect(names(problemsOf({ PUBLIC_URL: url })), `PUBLIC_URL=${url}`).toEqual(['PUBLIC_URL']);
    }
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('refuses a REDIS_URL of another scheme and an unknown mode or log level', () => {
    expect(names(problemsOf({ REDIS_URL: 'localhost:6379' }))).toEqual(['REDIS_URL']);
    expect(names(problemsOf({ ESIMKIT_MODE: 'Sandbox' }))).toEqual(['ESIMKIT_MODE']);
    expect(names(problemsOf({ LOG_LEVEL: 'verbose' }))).toEqual(['LOG_LEVEL']);
  });
});
