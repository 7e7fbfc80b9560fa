import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';

// Every difference between SQLite and PostgreSQL lives here; migrations and queries call
// these instead of branching themselves.
export type DialectName = 'sqlite' | 'postgres';

export interface Dialect {
  name: DialectName;
  /** Auto-incrementing integer primary key. */
  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
  /** Column type for 64-bit integers (money, bytes, epoch milliseconds). */
  bigint: 'bigint' | 'integer';
  /**
   * PostgreSQL lets concurrent claimers skip rows another transaction has locked
   * (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time and needs no lock.
   */
  skipLocked: boolean;
  /**
   * PostgreSQL is a server: every statement is a round trip, and it can write inside WITH, so
   * work that goes together is worth one statement. SQLite runs in the process: it has no
   * round trip to save, cannot write inside WITH, and plans some combined reads more slowly
   * than the separate ones (docs/benchmarks.md).
   */
  combinesStatements: boolean;
  /**
   * SQLite has one writer, in this process, so its transactions run one after another anyway,
   * and a commit (writing the changed pages to the log) costs more than the writes: those that
   * arrive in one event-loop turn share one (db/group-commit.ts). PostgreSQL's transactions
   * run side by side on their own connections, and grouping them would queue them.
   */
  sharesCommits: boolean;
  /** True when an error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  addIdColumn: (table) => table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()),
  bigint: 'integer',
  skipLocked: false,
  combinesStatements: false,
  sharesCommits: true,
  isUniqueViolation: (error) => /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(String((error as { code?: unknown })?.code)),
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  addIdColumn: (table) => table.addColumn('id', 'bigserial', (c: ColumnDefinitionBuilder) => c.primaryKey()),
  bigint: 'bigint',
  skipLocked: true,
  combinesStatements: true,
  sharesCommits: false,
  isUniqueViolation: (error) => (error as { code?: unknown })?.code === '23505',
};

export function dialectOf(name: DialectName): Dialect {
  return name === 'postgres' ? postgresDialect : sqliteDialect;
}

export type AnyDb = Kysely<any>;
