import { readInventoryFile } from '@esimkit/server';
import type { Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson, printTable } from '../output.js';
import { URL_OPTION, withOperatorTarget, type RemoteOption } from '../operator-target.js';

/** Operator commands for profile inventory: what makes "not enough profiles" (200011) real. */
export function registerInventoryCommands(program: Command): void {
  const inventory = withExamples(
    program.command('inventory').description("manage the operator's profile inventory"),
    'esimkit inventory import examples/inventory.csv --package EX-JP-1-7',
    'esimkit inventory list',
    'ESIMKIT_OPERATOR_TOKEN=esk_op_... esimkit inventory list --url https://esim.example.com   # a remote server, through its operator API',
  );
  withExamples(
    inventory.command('import <file>'),
    'esimkit catalog import examples/catalog.csv                                # the plans first',
    'esimkit inventory import examples/inventory.csv --package EX-JP-1-7        # columns iccid, imsi, ac',
    'esimkit inventory import examples/inventory.csv --package EX-JP-1-7 --json # again: all already present',
    'esimkit inventory import examples/inventory.csv --package EX-JP-1-7 --url https://esim.example.com   # sent 20,000 rows a request',
  )
    .description('import profiles from a CSV with columns iccid, imsi, ac and packageCode (or give --package)')
    .option('--package <code>', 'package (code or slug) for every row without a packageCode column')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (file: string, options: RemoteOption & { package?: string; json?: boolean }) => {
      const rows = await readInventoryFile(file, options.package).catch((error: Error) => fail(`cannot import ${file}: ${error.message}`));
      const result = await withOperatorTarget(options, (target) => target.importInventory(rows)).catch((error: Error) => fail(error.message));
      if (options.json) printJson(result);
      else process.stdout.write(`Imported ${result.imported} profiles (${result.skipped} already present) for ${result.packages.join(', ')}.\n`);
    });
  withExamples(inventory.command('list'), 'esimkit inventory list', 'esimkit inventory list --json', 'esimkit inventory list --url https://esim.example.com --json')
    .description('profiles per package: total and free')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { json?: boolean }) => {
      const levels = await withOperatorTarget(options, (target) => target.inventoryLevels());
      if (options.json) printJson(levels);
      else printTable(levels);
    });
}
