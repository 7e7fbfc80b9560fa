import type { Insertable, Selectable } from 'kysely';
import { PreparedStatement } from './prepared.js';
import type { Database } from './schema.js';
import type { Executor } from './transaction.js';

/** Rows per statement: well inside both databases' limits on parameters (SQLite 32,766, PostgreSQL 65,535). */
export const MAX_ROWS_PER_INSERT = 100;

type Column<T extends keyof Database> = keyof Selectable<Database[T]> & string;

interface BuiltInsert {
  statement: PreparedStatement<Record<string, unknown>>;
  /** For each parameter, the row and column whose value it takes. */
  positions: { row: number; column: string }[];
}

/** Statements by dialect (the SQL differs), then by table, columns, row count and what they return. */
const built = new WeakMap<object, Map<string, BuiltInsert>>();

/**
 * Inserts rows in statements of at most MAX_ROWS_PER_INSERT, each built once for its table,
 * columns and number of rows and then run with new values: kysely builds a many-row insert
 * value by value, and for a batch of allocations (eSIMs of 30 columns, their packages,
 * timelines, webhook events, jobs) building took longer than the database took to write
 * (docs/benchmarks.md). Returns the `returning` columns of every row, in order.
 *
 * Every row must have the same columns as the first, each given (null, not left out): a
 * statement built for one set of columns cannot leave one out.
 */
export async function insertRows<T extends keyof Database & string, K extends Column<T> = never>(
  executor: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  returning: readonly K[] = [],
): Promise<Pick<Selectable<Database[T]>, K>[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const returned: Pick<Selectable<Database[T]>, K>[] = [];
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT) as readonly Record<string, unknown>[];
    for (const [index, row] of chunk.entries()) {
      // With as many columns as the first row, each defined (checked below), a row has the same columns.
      if (Object.keys(row).length !== columns.length) throw new Error(`insertRows: row ${start + index} has other columns than the first (${columns.join(', ')})`);
    }
    const { statement, positions } = insertFor(executor, table, columns, chunk.length, returning);
    const parameters = positions.map(({ row, column }) => {
      const value = chunk[row]![column];
      if (value === undefined) throw new Error(`insertRows: no value for ${column} in row ${start + row}`);
      return value;
    });
    const { rows: back } = await statement.runParameters(executor, parameters);
    for (const row of back) returned.push(row as Pick<Selectable<Database[T]>, K>);
  }
  return returned;
}

function insertFor(executor: Executor, table: string, columns: string[], rowCount: number, returning: readonly string[]): BuiltInsert {
  const adapter = executor.getExecutor().adapter;
  let inserts = built.get(adapter);
  if (!inserts) built.set(adapter, (inserts = new Map()));
  const key = `${table}|${rowCount}|${columns.join(',')}|${returning.join(',')}`;
  let insert = inserts.get(key);
  if (!insert) {
    const statement = new PreparedStatement<Record<string, unknown>>((values) => {
      const slots = Array.from({ length: rowCount }, (_, row) => Object.fromEntries(columns.map((column) => [column, values[`${row}:${column}`]])));
      const query = executor.insertInto(table as keyof Database).values(slots as never);
      return returning.length ? query.returning(returning as never) : query;
    });
    const positions = statement.parameterNames.map((name) => {
      if (name === undefined) throw new Error(`insertRows: a constant in the insert into ${table}`);
      const colon = name.indexOf(':');
      return { row: Number(name.slice(0, colon)), column: name.slice(colon + 1) };
    });
    insert = { statement, positions };
    inserts.set(key, insert);
  }
  return insert;
}
