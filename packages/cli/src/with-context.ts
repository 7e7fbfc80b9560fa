import { asDatabaseError, loadConfig, openRuntime, prepareDatabase, type ServiceContext } from '@esimkit/server';

/**
 * Opens the configured database, migrated (and seeded when empty), for one command.
 * `prepare: false` opens it as it is (the migrate command reports what it applies itself).
 * Only `create: true` (migrate) makes a new SQLite file: other commands run where there is
 * none fail with "no database at PATH" rather than start an empty database. A database that
 * cannot be used is reported as a DatabaseError: one line naming it and the cause.
 */
export async function withContext<T>(
  work: (ctx: ServiceContext) => Promise<T>,
  options: { seed?: boolean; prepare?: boolean; create?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  try {
    runtime = await openRuntime(options.seed === false ? { ...config, seedCatalog: 'none' } : config, undefined, { createDatabase: options.create ?? false });
  } catch (error) {
    throw asDatabaseError(error, config.databaseUrl);
  }
  try {
    if (options.prepare !== false) await prepareDatabase(runtime.ctx);
    return await work(runtime.ctx);
  } catch (error) {
    throw asDatabaseError(error, config.databaseUrl);
  } finally {
    await runtime.close();
  }
}
