import { importInventory, inventoryLevels, readInventoryFile } from '@esimkit/server';
import type { Command } from 'commander';
import { fail, printJson, printTable } from '../output.js';
import { withContext } from '../with-context.js';

/** Operator commands for profile inventory: what makes "not enough profiles" (200011) real. */
export function registerInventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description("manage the operator's profile inventory");
  inventory
    .command('import <file>')
    .description('import profiles from a CSV with columns iccid, imsi, ac and packageCode (or give --package)')
    .option('--package <code>', 'package (code or slug) for every row without a packageCode column')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { package?: string; json?: boolean }) => {
      const rows = await readInventoryFile(file, options.package).catch((error: Error) => fail(`cannot import ${file}: ${error.message}`));
      const result = await withContext((ctx) => importInventory({ ctx, input: rows })).catch((error: Error) => fail(error.message));
      if (options.json) printJson(result);
      else process.stdout.write(`Imported ${result.imported} profiles (${result.skipped} already present) for ${result.packages.join(', ')}.\n`);
    });
  inventory
    .command('list')
    .description('profiles per package: total and free')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const levels = await withContext((ctx) => inventoryLevels(ctx));
      if (options.json) printJson(levels);
      else printTable(levels);
    });
}
