import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createMerchant, loadConfig, startServer } from '@esimkit/server';
import { serveParent } from './shared.js';

// Child process of bench/lifecycle.ts: esimkit as `esimkit serve` runs it (configuration
// from the environment the parent sets), plus an unlimited merchant with ample funds.
// With BENCH_CPU_PROFILE=FILE it writes a V8 CPU profile of the whole run there.
// With BENCH_MERCHANT=existing it only starts the server: a later instance on a database
// the first one already prepared serves that instance's merchant (the parent has its access code).
try {
  const profileFile = process.env.BENCH_CPU_PROFILE;
  const session = profileFile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const server = await startServer({ config, logger: false, print: () => {} });
  const merchant =
    process.env.BENCH_MERCHANT === 'existing' ? undefined : await createMerchant({ ctx: server.runtime.ctx, input: { name: 'bench', rateLimit: 0, balance: 100_000_000_000 } });
  serveParent({}, async () => {
    if (session && profileFile) writeFileSync(profileFile, JSON.stringify((await session.post('Profiler.stop')).profile));
    await server.close();
  });
  process.send!({ type: 'ready', url: server.url, accessCode: merchant?.accessCode, secretKey: merchant?.secretKey });
} catch (error) {
  process.send!({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
