import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/db/connect.js';
import { migrate } from '../src/db/migrate.js';

// A PostgreSQL database may hold several esimkit schemas (tests, staging); one being dropped
// while another instance migrates must not stop that instance's start (db/migrate.ts).
const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

describe.runIf(process.env.TEST_DATABASE === 'postgres')('migrating while other schemas come and go', () => {
  it('every start migrates its own schema although other schemas are dropped meanwhile', async () => {
    const churn = new pg.Client({ connectionString: POSTGRES_URL });
    await churn.connect();
    let stop = false;
    const prefix = `churn${randomUUID().slice(0, 6)}`;
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        // Separate statements: one multi-statement query is one transaction no one else sees.
        await churn.query(`CREATE SCHEMA ${prefix}_${i}`);
        for (const table of ['a', 'b', 'c']) await churn.query(`CREATE TABLE ${prefix}_${i}.${table} (a int, b text, c int)`);
        await churn.query(`DROP SCHEMA ${prefix}_${i} CASCADE`);
      }
    })();
    const schemas: string[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const schema = `mig${randomUUID().replaceAll('-', '').slice(0, 10)}`;
        schemas.push(schema);
        const db = connect(`${POSTGRES_URL}?schema=${schema}`);
        try {
          expect((await migrate(db)).length).toBeGreaterThan(10);
        } finally {
          await db.close();
        }
      }
    } finally {
      stop = true;
      await churning;
      for (const schema of schemas) await churn.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await churn.end();
    }
  }, 120_000);
});
