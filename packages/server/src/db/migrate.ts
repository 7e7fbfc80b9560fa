import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './connect.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_orders.js';
import * as m0003 from './migrations/0003_webhooks.js';
import * as m0004 from './migrations/0004_sandbox.js';
import * as m0005 from './migrations/0005_webhook_retention.js';
import * as m0006 from './migrations/0006_installation_time.js';
import * as m0007 from './migrations/0007_merchant_clocks.js';
import * as m0008 from './migrations/0008_console.js';
import * as m0009 from './migrations/0009_request_log.js';
import * as m0010 from './migrations/0010_favourites.js';
import * as m0011 from './migrations/0011_merchant_disabled.js';
import * as m0012 from './migrations/0012_replay_window.js';
import * as m0013 from './migrations/0013_production_sources.js';
import * as m0014 from './migrations/0014_secrets_at_rest.js';
import * as m0015 from './migrations/0015_esims_by_order.js';
import * as m0016 from './migrations/0016_request_log_shared_answers.js';

// Numbered, frozen migrations, the same files for SQLite and PostgreSQL. Each receives the
// dialect so that the few type differences stay in db/dialect.ts.
const migrations = {
  '0001_initial': m0001,
  '0002_orders': m0002,
  '0003_webhooks': m0003,
  '0004_sandbox': m0004,
  '0005_webhook_retention': m0005,
  '0006_installation_time': m0006,
  '0007_merchant_clocks': m0007,
  '0008_console': m0008,
  '0009_request_log': m0009,
  '0010_favourites': m0010,
  '0011_merchant_disabled': m0011,
  '0012_replay_window': m0012,
  '0013_production_sources': m0013,
  '0014_secrets_at_rest': m0014,
  '0015_esims_by_order': m0015,
  '0016_request_log_shared_answers': m0016,
};

export async function migrate(db: Db): Promise<string[]> {
  if (db.schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(db.schema)}`.execute(db.kysely);
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, module] of Object.entries(migrations)) {
        out[name] = { up: (k) => module.up(k, db.dialect) };
      }
      return out;
    },
  };
  // Kysely looks for its own bookkeeping tables across every schema; naming ours keeps
  // databases that hold several esimkit schemas (tests, staging) apart.
  const migrationTableSchema = db.schema ?? (db.dialect.name === 'postgres' ? 'public' : undefined);
  const migrator = new Migrator({ db: db.kysely, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
