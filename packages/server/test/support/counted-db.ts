import type { Db } from '../../src/index.js';

/**
 * The same database, counting the statements run through it: for tests that a piece of code
 * runs as few statements as it says (one balance read for a turn's queries, one statement for
 * an order).
 */
export function countedDb(db: Db): { db: Db; statements: () => number } {
  let statements = 0;
  const kysely = new Proxy(db.kysely, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property === 'executeQuery') return (...args: Parameters<typeof target.executeQuery>) => (statements++, target.executeQuery(...args));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: { ...db, kysely }, statements: () => statements };
}
