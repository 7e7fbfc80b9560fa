import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparedStatement } from '../src/db/prepared.js';
import { loadConfig, migrate, openRuntime, type Runtime } from '../src/index.js';
import { freshDatabaseUrl } from './support/harness.js';

// A statement compiled once and run with new values each time (db/prepared.ts): the ledger,
// balance/query and esim/order's insert run this way, on SQLite and PostgreSQL alike.

let runtime: Runtime;
let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
beforeAll(async () => {
  database = await freshDatabaseUrl();
  runtime = await openRuntime(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', SEED_CATALOG: 'none' }));
  await migrate(runtime.ctx.db);
});
afterAll(async () => {
  await runtime?.close();
  await database?.drop();
});

describe('PreparedStatement', () => {
  it('runs with the values of each call, a value named twice given twice, in and out of transactions', async () => {
    const db = runtime.ctx.db;
    const upsert = new PreparedStatement<{ key: string; value: string }>((values) =>
      db.kysely
        .insertInto('meta')
        .values({ key: values.key, value: values.value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: values.value })),
    );
    const read = new PreparedStatement<{ key: string; suffix: string }, { value: string }>((values) =>
      db.kysely.selectFrom('meta').select(sql<string>`${sql.ref('value')} || ${values.suffix}`.as('value')).where('key', '=', values.key),
    );
    await upsert.run(db.kysely, { key: 'prepared-a', value: 'one' });
    await db.kysely.transaction().execute(async (tx) => {
      await upsert.run(tx, { key: 'prepared-b', value: 'two' });
      await upsert.run(tx, { key: 'prepared-a', value: 'three' });
    });
    expect((await read.run(db.kysely, { key: 'prepared-a', suffix: '!' })).rows).toEqual([{ value: 'three!' }]);
    expect((await read.run(db.kysely, { key: 'prepared-b', suffix: '?' })).rows).toEqual([{ value: 'two?' }]);
    expect((await read.run(db.kysely, { key: 'prepared-c', suffix: '?' })).rows).toEqual([]);
  });

  it('refuses a run without one of its values, before the database sees it', async () => {
    const db = runtime.ctx.db;
    const upsert = new PreparedStatement<{ key: string; value: string }>((values) => db.kysely.insertInto('meta').values({ key: values.key, value: values.value }));
    expect(() => upsert.run(db.kysely, { key: 'prepared-d' } as { key: string; value: string })).toThrow('no value for value');
    const row = await db.kysely.selectFrom('meta').select('key').where('key', '=', 'prepared-d').executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses, when it is made, a statement whose values were given as the row itself', () => {
    const db = runtime.ctx.db;
    expect(() => new PreparedStatement<{ key: string; value: string }>((values) => db.kysely.insertInto('meta').values(values))).toThrow('prepared statement without values');
  });
});
