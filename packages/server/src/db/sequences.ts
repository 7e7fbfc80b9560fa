import { sql } from 'kysely';
import { LruCache } from '../lib/lru.js';
import type { Db } from './connect.js';

/** Values a process takes from the database at once, so most numbers cost no write. */
const BLOCK = 50;

interface Block {
  next: number;
  end: number;
}

/**
 * Named counters (order numbers, esimTranNos, minted ICCIDs). One per runtime: the blocks it
 * holds are this process's, made by the runtime and passed to what numbers things.
 */
export class Sequences {
  private readonly blocks = new LruCache<string, Block>(64);

  constructor(private readonly db: Db) {}

  /**
   * Reserves `count` consecutive values of a named counter and returns the first. Values are
   * taken from the database in blocks, each in its own short statement (never inside a
   * caller's transaction, so concurrent orders do not queue on the counter's row). Numbers
   * are unique across processes but not dense: a block left over when the process stops or
   * the name changes (names carry the minute) leaves a gap, which is harmless.
   */
  async next(name: string, count = 1): Promise<number> {
    const block = this.blocks.get(name);
    if (block && block.end - block.next >= count) {
      const first = block.next;
      block.next += count;
      return first;
    }
    const take = Math.max(count, BLOCK);
    const row = await this.db.kysely
      .insertInto('sequences')
      .values({ name, value: take })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<number>`sequences.value + ${take}` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    const end = Number(row.value) + 1;
    const first = end - take;
    this.blocks.set(name, { next: first + count, end });
    return first;
  }
}
