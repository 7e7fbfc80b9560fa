import { loadConfig, openRuntime, prepareDatabase, type ServiceContext } from '@esimkit/server';

/**
 * Opens the configured database, migrated (and seeded when empty), for one command.
 * `prepare: false` opens it as it is (the migrate command reports what it applies itself).
 */
export async function withContext<T>(
  work: (ctx: ServiceContext) => Promise<T>,
  options: { seed?: boolean; prepare?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const runtime = await openRuntime(options.seed === false ? { ...config, seedCatalog: 'none' } : config);
  try {
    if (options.prepare !== false) await prepareDatabase(runtime.ctx);
    return await work(runtime.ctx);
  } finally {
    await runtime.close();
  }
}
