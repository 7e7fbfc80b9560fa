import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createMerchant, loadConfig, startServer } from '@esimkit/server';
import { cpuSample, serveParent } from './shared.js';

// Child process: the real esimkit server (fastify, database, authentication, metrics),
// started the way `esimkit serve` starts it, plus a merchant without a rate limit.
// On request it records a V8 CPU profile of a measured window (bench --profile).

const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is not set');

let session: Session | undefined;

try {
  // REQUEST_LOG=off|failures|all (default all) prices the console's request log.
  const requestLog = process.env.REQUEST_LOG ? { REQUEST_LOG: process.env.REQUEST_LOG } : {};
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', ...requestLog });
  const server = await startServer({ config, logger: false, print: () => {} });
  const merchant = await createMerchant({
    ctx: server.runtime.ctx,
    input: { name: 'bench', rateLimit: 0, balance: 10_000_000 },
  });

  serveParent(
    {
      cpu: () => cpuSample(),
      async 'profile-start'() {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
        return {};
      },
      async 'profile-stop'(message) {
        if (!session) throw new Error('the profiler is not running');
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(String(message.file), JSON.stringify(profile));
        session.disconnect();
        return {};
      },
    },
    () => server.close(),
  );
  process.send!({ type: 'ready', url: server.url, accessCode: merchant.accessCode, secretKey: merchant.secretKey });
} catch (error) {
  process.send!({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
