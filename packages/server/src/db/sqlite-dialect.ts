import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Transactions begin immediate. Kysely's `begin` is deferred: the write lock is taken at the
 * first write. A transaction that reads first (an adjustment finds its merchant, then writes)
 * and finds that another process (a CLI command on the same file) wrote meanwhile cannot take
 * it: SQLite answers SQLITE_BUSY at once, without waiting, since its snapshot is stale.
 * `begin immediate` takes the write lock at the start, waiting up to busy_timeout for the
 * other process; in this process transactions run one at a time anyway.
 */
export class ImmediateTransactionsDialect extends SqliteDialect {
  constructor(private readonly options: SqliteDialectConfig) {
    super(options);
  }

  override createDriver(): Driver {
    return new (class extends SqliteDriver {
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      }
    })(this.options);
  }
}
