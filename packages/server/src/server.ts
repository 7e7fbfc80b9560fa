import type { FastifyInstance } from 'fastify';
import { formatUnits } from '@esimkit/contract';
import { loadConfig, type Config } from './config.js';
import { buildApp } from './http/app.js';
import { buildNotifyListener, readNotifyListenerTls } from './http/es2plus-notify-listener.js';
import { scheduleNextSweep } from './domain/sweeps/run.js';
import { demoLoginToken } from './domain/console-users/demo-user.js';
import type { Clock } from './lib/clock.js';
import { asDatabaseError } from './db/errors.js';
import { productionWarnings, profileSourceWarnings } from './production-warnings.js';
import { ensureDemoMerchant, openRuntime, prepareDatabase, type Runtime } from './runtime.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  url: string;
  /** The mutual-TLS listener for ES2+ notifications (ES2_NOTIFY_PORT), when configured. */
  es2NotifyUrl?: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Config;
  clock?: Clock;
  /** The log: pino options, `true` for pino's defaults, `false` for none; default the LOG_LEVEL. */
  logger?: boolean | Record<string, unknown>;
  /** Where start-up lines (demo credentials) go; default stdout. */
  print?: (line: string) => void;
  /** Where start-up warnings (production mode with sandbox settings) go; default stderr. */
  warn?: (line: string) => void;
}

/**
 * Everything `esimkit serve` does: open, migrate, seed, listen. A database that cannot be
 * used fails the start with a DatabaseError (one line: which database, and why).
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = options.config ?? loadConfig();
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line: string) => process.stderr.write(`warning: ${line}\n`));
  for (const warning of productionWarnings(config)) warn(warning);
  const notifyListener = config.es2.notifyListener;
  const notifyTls = notifyListener ? readNotifyListenerTls(notifyListener) : undefined;
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config, options.clock, { serving: true, logger: options.logger ?? { level: config.logLevel } });
  } catch (error) {
    throw asDatabaseError(error, config.databaseUrl);
  }
  let app: FastifyInstance | undefined;
  let notifyApp: FastifyInstance | undefined;
  try {
    const { seeded } = await prepareDatabase(runtime.ctx);
    if (seeded) print(`Catalogue seeded with ${seeded} packages.`);
    for (const warning of await profileSourceWarnings(runtime.ctx)) warn(warning);
    const demo = await ensureDemoMerchant(runtime.ctx);
    if (demo) {
      print(`Demo merchant ${demo.created ? 'created' : 'ready'} (sandbox mode):`);
      print(`  RT-AccessCode: ${demo.accessCode}`);
      print(`  SecretKey:     ${demo.secretKey}`);
      if (demo.created) print(`  Balance:       ${formatUnits(demo.balance)} of test funds`);
    }
    app = await buildApp({ ...runtime, version: VERSION });
    if (config.jobRunner) {
      await scheduleNextSweep(runtime.ctx);
      runtime.jobs.start();
    }
    const address = await app.listen({ port: config.port, host: config.host });
    // PORT=0 takes any free port: a public URL derived from the config would say :0 and the
    // flag URLs in package lists would be unreachable. The runtime points it at the port bound.
    const bound = app.server.address();
    if (bound && typeof bound === 'object') runtime.listening(bound.port);
    print(`esimkit ${VERSION} listening on ${address} (${config.mode} mode, ${runtime.ctx.db.dialect.name})`);
    let es2NotifyUrl: string | undefined;
    if (notifyListener && notifyTls) {
      notifyApp = await buildNotifyListener({ ctx: runtime.ctx, tls: notifyTls, logger: runtime.logger });
      es2NotifyUrl = await notifyApp.listen({ port: notifyListener.port, host: notifyListener.host });
      print(`ES2+ notifications (mutual TLS) on ${es2NotifyUrl}`);
    }
    // The demo merchant's console, one click away: a one-time sign-in link (valid 1 hour), made
    // once the public URL is known (PORT=0).
    if (demo) print(`Console for the demo merchant (one-time link, valid 1 hour): ${runtime.ctx.publicUrl()}/console/login/link?token=${await demoLoginToken({ ctx: runtime.ctx, input: { merchantAccessCode: demo.accessCode } })}`);
    return {
      app,
      runtime,
      url: address,
      es2NotifyUrl,
      async close() {
        await notifyApp?.close();
        await app?.close();
        await runtime.close();
      },
    };
  } catch (error) {
    // A listener that did start (the notification port taken, say) must not keep the process alive.
    await notifyApp?.close().catch(() => {});
    await app?.close().catch(() => {});
    await runtime.close().catch(() => {});
    throw asDatabaseError(error, config.databaseUrl);
  }
}
