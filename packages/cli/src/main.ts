import { ConfigError, type RunningServer } from '@esimkit/server';
import { Command } from 'commander';
// The package's own version (inlined by the build); importing the server's VERSION would load
// the HTTP layer for every command.
import manifest from '../package.json' with { type: 'json' };
import { registerCatalogSourceCommands } from './commands/catalog-sources.js';
import { registerInventoryCommands } from './commands/inventory.js';
import { registerOperatorCommands } from './commands/operator.js';
import { registerOperatorTokenCommands } from './commands/operator-tokens.js';
import { registerPartnerCommands } from './commands/partner.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerSmdpCommands } from './commands/smdp.js';
import { registerSecretsCommands } from './commands/secrets.js';
import { registerUsageCommands } from './commands/usage.js';
import { registerUserCommands } from './commands/users.js';

const program = new Command()
  .name('esimkit')
  .description('esimkit: the eSIM Access partner API, self-hosted, with a sandbox.\nConfiguration comes from the environment (see README).')
  .version(manifest.version);

program
  .command('serve')
  .description('start the API server (migrates and seeds on first start)')
  .action(async () => {
    // The handlers go in before the start: a supervisor may signal as soon as it reads the
    // "listening on" line, and without a handler SIGTERM kills the process on the spot. A
    // signal during the start stops the server once it is up. They are `once`: a second
    // signal (a second Ctrl-C) ends the process at once.
    let server: RunningServer | undefined;
    let stopping = false;
    const stop = async (running: RunningServer) => {
      await running.close();
      process.exit(0);
    };
    const onSignal = () => {
      stopping = true;
      if (server) void stop(server);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Imported here: fastify and the HTTP layer load only for `serve`, so other commands start fast.
    const { startServer } = await import('@esimkit/server');
    server = await startServer();
    if (stopping) await stop(server);
  });

registerOperatorCommands(program);
registerOperatorTokenCommands(program);
registerCatalogSourceCommands(program);
registerInventoryCommands(program);
registerPartnerCommands(program);
// After the partner commands: `usage import` joins the partner's `usage <esimTranNo...>`.
registerUsageCommands(program);
registerSandboxCommands(program);
registerSmdpCommands(program);
registerUserCommands(program);
registerSecretsCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
