import { ConfigError, startServer, VERSION } from '@esimkit/server';
import { Command } from 'commander';
import { registerInventoryCommands } from './commands/inventory.js';
import { registerOperatorCommands } from './commands/operator.js';

const program = new Command()
  .name('esimkit')
  .description('esimkit: the eSIM Access partner API, self-hosted, with a sandbox.\nConfiguration comes from the environment (see README).')
  .version(VERSION);

program
  .command('serve')
  .description('start the API server (migrates and seeds on first start)')
  .action(async () => {
    const server = await startServer();
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

registerOperatorCommands(program);
registerInventoryCommands(program);

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
