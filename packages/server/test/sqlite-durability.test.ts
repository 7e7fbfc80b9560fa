import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/connect.js';

// Production SQLite syncs every commit (synchronous=FULL: a commit survives a power loss);
// the sandbox keeps NORMAL (survives a crash of the process, not of the machine).
const dir = mkdtempSync(join(tmpdir(), 'esimkit-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const synchronousOf = async (durable: boolean) => {
  const db = connect(join(dir, `${durable}.db`), { durable });
  try {
    const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db.kysely);
    return rows[0]!.synchronous;
  } finally {
    await db.close();
  }
};

describe('SQLite durability', () => {
  it('durable (production): synchronous=FULL; otherwise NORMAL', async () => {
    expect(await synchronousOf(true)).toBe(2);
    expect(await synchronousOf(false)).toBe(1);
  });
});
