import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

// PostgreSQL test schemas are named after the run (t<run>_<random>) and dropped together
// when the run ends, not by each test file: dropping a schema while another file's migrator
// lists the catalogue makes that migrator fail. Another run at the same time keeps its own.
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    schemaPrefix: string;
  }
}

let prefix = '';

export function setup(project: TestProject): void {
  prefix = `t${randomBytes(4).toString('hex')}_`;
  project.provide('schemaPrefix', prefix);
}

export async function teardown(): Promise<void> {
  if (process.env.TEST_DATABASE !== 'postgres') return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}
