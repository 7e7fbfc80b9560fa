import { describe, expect, it } from 'vitest';
import { loadConfig, productionWarnings, startServer } from '../src/index.js';
import { isLoopbackUrl } from '../src/production-warnings.js';
import { freshDatabaseUrl, productionSecretKey } from './support/harness.js';

// ESIMKIT_MODE=production says at start which settings only make sense in the sandbox.

/** A production deployment with every setting chosen. */
const CHOSEN = {
  ESIMKIT_MODE: 'production',
  DATABASE_URL: 'postgres://esimkit@db.internal:5432/esimkit',
  PUBLIC_URL: 'https://esim.example.com',
  SEED_CATALOG: 'none',
  SMDP_ADDRESS: 'smdp.example.com',
  ALLOCATION_DELAY_MS: '8000',
  USAGE_LAG_SECONDS: '7200',
  METRICS_TOKEN: 'a-long-enough-metrics-token',
};

const about = (warnings: string[]) => warnings.map((w) => /^[A-Z_]+/.exec(w)?.[0]);

describe('production warnings', () => {
  it('none in sandbox mode, whatever the settings', () => {
    expect(productionWarnings(loadConfig({}))).toEqual([]);
  });

  it('none for a production deployment whose settings are all chosen', () => {
    expect(productionWarnings(loadConfig(CHOSEN))).toEqual([]);
  });

  it('one per sandbox setting left in production, each naming the variable', () => {
    const warnings = productionWarnings(loadConfig({ ESIMKIT_MODE: 'production' }));
    expect(about(warnings)).toEqual(['DATABASE_URL', 'PUBLIC_URL', 'SEED_CATALOG', 'SMDP_ADDRESS', 'ALLOCATION_DELAY_MS', 'USAGE_LAG_SECONDS', 'METRICS_TOKEN']);
    expect(warnings[0]).toMatch(/SQLite file \(\.\/data\/esimkit\.db\).*PostgreSQL/);
    expect(warnings[1]).toMatch(/^PUBLIC_URL is http:\/\/127\.0\.0\.1:8080, a loopback address/);
    expect(warnings[3]).toContain('smdp.esimkit.dev');
    for (const w of warnings) expect(w).not.toContain('\n');
  });

  it('each setting on its own: SQLite, a loopback PUBLIC_URL, a sandbox default, private webhooks', () => {
    const only = (env: Record<string, string>) => about(productionWarnings(loadConfig({ ...CHOSEN, ...env })));
    expect(only({ DATABASE_URL: '/var/lib/esimkit/esimkit.db' })).toEqual(['DATABASE_URL']);
    expect(only({ PUBLIC_URL: 'http://localhost:8080' })).toEqual(['PUBLIC_URL']);
    expect(only({ PUBLIC_URL: 'http://[::1]:8080' })).toEqual(['PUBLIC_URL']);
    expect(only({ PUBLIC_URL: '' })).toEqual(['PUBLIC_URL']); // unset: http://127.0.0.1:8080
    expect(only({ PUBLIC_URL: '', HOST: '0.0.0.0' })).toEqual(['PUBLIC_URL']);
    expect(only({ SMDP_ADDRESS: 'smdp.esimkit.dev' })).toEqual(['SMDP_ADDRESS']);
    expect(only({ ALLOCATION_DELAY_MS: '100' })).toEqual(['ALLOCATION_DELAY_MS']);
    expect(only({ USAGE_LAG_SECONDS: '0' })).toEqual(['USAGE_LAG_SECONDS']);
    expect(only({ SEED_CATALOG: '' })).toEqual(['SEED_CATALOG']);
    expect(only({ WEBHOOK_ALLOW_PRIVATE: 'on' })).toEqual(['WEBHOOK_ALLOW_PRIVATE']);
    expect(only({ WEBHOOK_ALLOW_PRIVATE: 'off' })).toEqual([]);
    const { METRICS_TOKEN: _token, ...withoutToken } = CHOSEN;
    expect(about(productionWarnings(loadConfig(withoutToken)))).toEqual(['METRICS_TOKEN']);
  });

  it('knows loopback URLs', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://localhost', 'http://app.localhost:3000', 'http://[::1]:8080', 'http://0.0.0.0:8080']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of ['https://esim.example.com', 'http://10.0.0.5:8080', 'http://128.0.0.1', 'http://localhost.example.com']) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });

  it('are given once each when a production server starts, and not in sandbox mode', { timeout: 60_000 }, async () => {
    const database = await freshDatabaseUrl();
    const seen: string[] = [];
    const start = (mode: string) =>
      startServer({
        config: loadConfig({ ESIMKIT_MODE: mode, DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', SEED_CATALOG: 'none', ...productionSecretKey(database.url, { ESIMKIT_MODE: mode }) }),
        logger: false,
        print: () => {},
        warn: (line) => seen.push(line),
      });
    try {
      const production = await start('production');
      await production.close();
      const expected = productionWarnings(loadConfig({ ESIMKIT_MODE: 'production', DATABASE_URL: database.url, PORT: '0', SEED_CATALOG: 'none' }));
      expect(expected.length).toBeGreaterThanOrEqual(4);
      expect(seen).toEqual(expected);
      seen.length = 0;
      const sandbox = await start('sandbox');
      await sandbox.close();
      expect(seen).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
