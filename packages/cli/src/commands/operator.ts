import { formatUnits } from '@esimkit/contract';
import { createMerchant, depositFunds, importCatalog, invalidBlocklistEntries, listMerchants, migrate, readCatalogFile } from '@esimkit/server';
import { InvalidArgumentError, type Command } from 'commander';
import { fail, printJson, printTable } from '../output.js';
import { withContext } from '../with-context.js';

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('is too large');
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number, 0 or more');
  return n;
}

function signaturePolicy(value: string): 'optional' | 'required' | 'off' {
  if (value !== 'optional' && value !== 'required' && value !== 'off') throw new InvalidArgumentError('must be optional, required or off');
  return value;
}

/** Operator commands: they work on the database named by DATABASE_URL directly. */
export function registerOperatorCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const applied = await withContext((ctx) => migrate(ctx.db), { seed: false });
      if (options.json) printJson({ applied });
      else process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    });

  const merchant = program.command('merchant').description('manage merchants (partner accounts)');
  merchant
    .command('create')
    .description('create a merchant and print its access code and secret key')
    .requiredOption('--name <name>', 'merchant name')
    .option('--balance <units>', 'opening balance in 1/10,000 USD', nonNegativeInteger, 0)
    .option('--rate-limit <perSecond>', 'requests per second, 0 = unlimited', nonNegativeNumber, 8)
    .option('--burst <requests>', 'rate limit bucket size (default: the rate)', nonNegativeInteger)
    .option('--signature <policy>', 'optional | required | off', signaturePolicy, 'optional')
    .option('--block-ip <list>', 'comma-separated IPs or CIDR blocks to refuse (101002)')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; balance: number; rateLimit: number; burst?: number; signature: 'optional' | 'required' | 'off'; blockIp?: string; json?: boolean }) => {
      const blocklist = options.blockIp ? options.blockIp.split(',').map((s) => s.trim()).filter(Boolean) : [];
      const invalid = invalidBlocklistEntries(blocklist);
      if (invalid.length) fail(`not an IP or CIDR block: ${invalid.join(', ')}`);
      if (options.name.trim() === '') fail('--name must not be empty');
      const created = await withContext((ctx) =>
        createMerchant({
          ctx,
          input: {
            name: options.name.trim(),
            balance: options.balance,
            rateLimit: options.rateLimit,
            ...(options.burst !== undefined ? { rateBurst: options.burst } : {}),
            signaturePolicy: options.signature,
            ipBlocklist: blocklist,
          },
        }),
      );
      if (options.json) printJson(created);
      else printTable([{ ...created, balance: formatUnits(created.balance) }]);
    });
  merchant
    .command('deposit')
    .description("credit a merchant's balance through the ledger")
    .requiredOption('--access-code <code>', "the merchant's access code")
    .requiredOption('--amount <units>', 'amount in 1/10,000 USD (10000 = $1.00)', nonNegativeInteger)
    .option('--note <text>', 'ledger note')
    .option('--json', 'print JSON')
    .action(async (options: { accessCode: string; amount: number; note?: string; json?: boolean }) => {
      if (options.amount <= 0) fail('--amount must be more than 0');
      const result = await withContext((ctx) =>
        depositFunds({ ctx, input: { accessCode: options.accessCode, amount: options.amount, ...(options.note ? { note: options.note } : {}) } }),
      ).catch((error: Error) => fail(error.message));
      if (options.json) printJson({ accessCode: options.accessCode, ...result });
      else process.stdout.write(`Balance of ${options.accessCode}: ${formatUnits(result.balance)} (${result.balance} units)\n`);
    });
  merchant
    .command('list')
    .description('list merchants')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const merchants = await withContext((ctx) => listMerchants({ ctx }));
      if (options.json) printJson(merchants);
      else printTable(merchants.map((m) => ({ ...m, balance: formatUnits(m.balance) })));
    });

  const catalog = program.command('catalog').description('manage the package catalogue');
  catalog
    .command('import <file>')
    .description('import packages from a CSV price list (the shared price list shape) or a JSON package list')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const parsed = await readCatalogFile(file).catch((error: Error) => fail(`cannot import ${file}: ${error.message}`));
      const result = await withContext((ctx) => importCatalog({ ctx, input: parsed }), { seed: false });
      if (options.json) printJson(result);
      else process.stdout.write(`Imported ${result.packages} packages and ${result.locations} locations.\n`);
    });
}
