import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientNamingStatements, StatementNames } from '../src/db/postgres-named-statements.js';
import { connect, type Db } from '../src/index.js';
import { POSTGRES_URL, TEST_DATABASE } from './support/harness.js';

// PostgreSQL runs esimkit's repeated statements by name, parsed and planned once per
// connection (db/postgres-named-statements.ts); `?prepare=false` turns that off.

describe('StatementNames', () => {
  it('says a text has repeated from its second run on, and gives a new name each time it is asked', () => {
    const names = new StatementNames();
    expect(names.hasRepeated('select $1')).toBe(false);
    expect(names.hasRepeated('select $1')).toBe(true);
    expect(names.hasRepeated('select $1')).toBe(true);
    expect(names.hasRepeated('select $2')).toBe(false);
    const given = new Set(Array.from({ length: 50 }, () => names.newName()));
    expect(given.size).toBe(50);
    for (const name of given) expect(name).toMatch(/^esimkit_\d+$/);
  });
});

describe.runIf(TEST_DATABASE === 'postgres')('named statements on PostgreSQL', () => {
  const schema = `named_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  const opened: Db[] = [];
  const open = (query = '') => {
    const db = connect(`${POSTGRES_URL}?schema=${schema}${query}`, { poolSize: 1 });
    opened.push(db);
    return db;
  };
  const prepared = async (db: Db) =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements where ${1} = 1`.execute(db.kysely)).rows.map((r) => r.statement);

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create schema ${schema}; create table ${schema}.things (id int primary key, label text)`);
    await admin.query(`insert into ${schema}.things values (1, 'one'), (2, 'two')`);
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('parses a repeated statement once per connection and runs it by name, with each run\'s values', async () => {
    const db = open();
    const label = (id: number) => db.kysely.selectFrom('things' as never).select('label' as never).where('id' as never, '=', id as never).execute();
    expect(await label(1)).toEqual([{ label: 'one' }]);
    expect(await label(2)).toEqual([{ label: 'two' }]);
    expect(await label(1)).toEqual([{ label: 'one' }]);
    expect((await prepared(db)).filter((text) => text.includes('"things"'))).toHaveLength(1);
  });

  it('names nothing with ?prepare=false, and refuses any other setting', async () => {
    const db = open('&prepare=false');
    for (const id of [1, 2, 1]) await db.kysely.selectFrom('things' as never).select('label' as never).where('id' as never, '=', id as never).execute();
    expect(await prepared(db)).toEqual([]);
    expect(() => connect(`${POSTGRES_URL}?prepare=maybe`)).toThrow('invalid prepare setting');
  });

  it('keeps a named statement working after it failed inside a transaction that was rolled back', async () => {
    const db = open();
    const insert = (id: number) => sql`insert into things (id, label) values (${id}, ${'x'})`.execute(db.kysely);
    await admin.query(`delete from ${schema}.things where id >= 10`);
    await insert(10);
    await insert(11); // named from here
    const failed = await db.kysely
      .transaction()
      .execute(async (tx) => {
        await sql`insert into things (id, label) values (${12}, ${'x'})`.execute(tx);
        await sql`insert into things (id, label) values (${10}, ${'x'})`.execute(tx); // duplicate key
      })
      .catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('23505');
    await insert(13);
    const { rows } = await admin.query(`select id from ${schema}.things where id >= 10 order by id`);
    expect(rows.map((r) => r.id)).toEqual([10, 11, 13]);
  });

  it('keeps at most its capacity of statements per connection, deallocating the least recently used', async () => {
    // kysely's form of query (text, values; no callback) on one connection.
    const NamingClient = clientNamingStatements(new StatementNames(2));
    const client = new NamingClient({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const label = async (column: string, id: number) => (await client.query(`select ${column} from things where id = $1`, [id])).rows[0];
      const onServer = async () => (await client.query('select statement from pg_prepared_statements where $1 = 1', [1])).rows.map((r) => r.statement as string).filter((text) => !text.includes('pg_prepared_statements'));
      for (const round of [1, 2]) {
        expect(await label('label', round)).toEqual({ label: round === 1 ? 'one' : 'two' });
        expect(await label('id', round)).toEqual({ id: round });
      }
      // Two named (label, id); a third text evicts the least recently used (label).
      await label('label || id', 1);
      expect(await label('label || id', 2)).toEqual({ '?column?': 'two2' });
      const texts = await onServer();
      expect(texts).toHaveLength(2);
      expect(texts.some((text) => text.startsWith('select label from'))).toBe(false);
      // The evicted text is prepared again, under a new name, and still answers.
      expect(await label('label', 1)).toEqual({ label: 'one' });
      expect((await onServer()).some((text) => text.startsWith('select label from'))).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('parses a statement again when its table changed under it (another instance migrating)', async () => {
    const db = open();
    const all = () => sql<Record<string, unknown>>`select * from things where id = ${1}`.execute(db.kysely);
    await all();
    await all(); // named and parsed
    await admin.query(`alter table ${schema}.things add column note text default 'added'`);
    // Outside a transaction the stale statement is run again under a new name: no error.
    expect((await all()).rows).toEqual([{ id: 1, label: 'one', note: 'added' }]);
    await all();
    await all(); // repeated since it was forgotten: named again, parsed with the new column
    await admin.query(`alter table ${schema}.things add column extra int default 7`);
    // Inside one the transaction has failed, so the caller sees the error; the next run works.
    const failed = await db.kysely
      .transaction()
      .execute((tx) => sql`select * from things where id = ${1}`.execute(tx))
      .then(() => undefined, (error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('0A000');
    expect((await all()).rows).toEqual([{ id: 1, label: 'one', note: 'added', extra: 7 }]);
    expect((await all()).rows).toEqual([{ id: 1, label: 'one', note: 'added', extra: 7 }]);
  });
});
