import { formatUnits, signaturePolicies, type SignaturePolicy } from '@esimkit/contract';
import { readFile } from 'node:fs/promises';
import { migrate, verifyLedgers } from '@esimkit/server';
import { parseCatalogText } from '@esimkit/server/internal/domain/catalog/import';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson, printTable } from '../output.js';
import { registerMerchantAccountCommands } from './merchant-account.js';
import { directOnly, URL_OPTION, withOperatorTarget, type RemoteOption } from '../operator-target.js';
import { withContext } from '../with-context.js';

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('is too large');
  return n;
}

function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n < 1) throw new InvalidArgumentError('must be 1 or more');
  return n;
}

// Decimal digits only: Number() would read '' as 0 (unlimited) and take '0x10' or '1e3'.
function nonNegativeNumber(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError('must be a number, 0 or more');
  return Number(value);
}

function signaturePolicy(value: string): SignaturePolicy {
  const policy = signaturePolicies.find((name) => name === value);
  if (!policy) throw new InvalidArgumentError(`must be ${signaturePolicies.join(', ')}`);
  return policy;
}

/**
 * Operator commands: they work on the database named by DATABASE_URL directly, or with --url
 * (or ESIMKIT_OPERATOR_URL) call a remote server's operator API (operator-target.ts).
 */
export function registerOperatorCommands(program: Command): void {
  // `serve` is defined in main.ts (before these commands); its examples live with the other
  // operator examples.
  const serve = program.commands.find((command) => command.name() === 'serve');
  if (serve) {
    withExamples(
      serve,
      'esimkit serve                                                 # sandbox on ./data/esimkit.db, port 8080',
      'PORT=9000 DATABASE_URL=/var/lib/esimkit/esimkit.db esimkit serve',
      'ESIMKIT_MODE=production DATABASE_URL=postgres://esimkit@127.0.0.1:5432/esimkit PUBLIC_URL=https://esim.example.com esimkit serve',
    );
  }
  withExamples(
    program.command('migrate').description('apply database migrations (creates the SQLite file when there is none)'),
    'esimkit migrate',
    'DATABASE_URL=postgres://esimkit@127.0.0.1:5432/esimkit esimkit migrate --json',
  )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const applied = await withContext((ctx) => migrate(ctx.db), { prepare: false, create: true });
      if (options.json) printJson({ applied });
      else process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    });

  const merchant = withExamples(
    program.command('merchant').description('manage merchants (partner accounts)'),
    'esimkit merchant create --name "Travel App" --balance 1000000',
    'esimkit merchant list',
    'ESIMKIT_OPERATOR_TOKEN=esk_op_... esimkit merchant list --url https://esim.example.com   # a remote server, through its operator API',
  );
  withExamples(
    merchant.command('create'),
    'esimkit merchant create --name "Travel App" --balance 1000000 --rate-limit 8 --signature required',
    'esimkit merchant create --name "Load test" --rate-limit 0 --json',
    'esimkit merchant create --name "Office only" --block-ip 203.0.113.0/24,198.51.100.7',
    'ESIMKIT_OPERATOR_URL=https://esim.example.com ESIMKIT_OPERATOR_TOKEN=esk_op_... esimkit merchant create --name "Travel App" --balance 1000000',
  )
    .description('create a merchant and print its access code and secret key')
    .requiredOption('--name <name>', 'merchant name')
    .option('--balance <units>', 'opening balance in 1/10,000 USD', nonNegativeInteger, 0)
    .option('--rate-limit <perSecond>', 'requests per second, 0 = unlimited', nonNegativeNumber, 8)
    // A bucket of 0 would refuse every request of a rate-limited merchant.
    .option('--burst <requests>', 'rate limit bucket size (default: the rate)', positiveInteger)
    .option(
      '--signature <policy>',
      'what to do with RT-Signature: off (never checked), warn (checked, problems served with an X-Esimkit-Warning header), ' +
        'optional (checked when sent, problems refused), required (every request signed); default: warn in sandbox mode, optional in production',
      signaturePolicy,
    )
    .option('--block-ip <list>', 'comma-separated IPs or CIDR blocks to refuse (101002)')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { name: string; balance: number; rateLimit: number; burst?: number; signature?: SignaturePolicy; blockIp?: string; json?: boolean }) => {
      const blocklist = options.blockIp ? options.blockIp.split(',').map((s) => s.trim()).filter(Boolean) : [];
      // The verb checks the name and the block list (the console's form goes through it too).
      const created = await withOperatorTarget(options, (target) =>
        target.createMerchant({
          name: options.name,
          balance: options.balance,
          rateLimit: options.rateLimit,
          ...(options.burst !== undefined ? { rateBurst: options.burst } : {}),
          ...(options.signature !== undefined ? { signaturePolicy: options.signature } : {}),
          ipBlocklist: blocklist,
        }),
      );
      if (options.json) printJson(created);
      else printTable([{ ...created, balance: formatUnits(created.balance) }]);
    });
  withExamples(
    merchant.command('deposit'),
    'esimkit merchant deposit --access-code "$ESIMKIT_ACCESS_CODE" --amount 500000   # $50.00',
    'esimkit merchant deposit --access-code "$ESIMKIT_ACCESS_CODE" --amount 10000 --note "wire 2026-02" --json',
    'ESIMKIT_OPERATOR_TOKEN=esk_op_... esimkit merchant deposit --url https://esim.example.com --access-code "$ESIMKIT_ACCESS_CODE" --amount 500000',
  )
    .description("credit a merchant's balance through the ledger")
    .requiredOption('--access-code <code>', "the merchant's access code")
    .requiredOption('--amount <units>', 'amount in 1/10,000 USD (10000 = $1.00)', nonNegativeInteger)
    .option('--note <text>', 'ledger note')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { accessCode: string; amount: number; note?: string; json?: boolean }) => {
      if (options.amount <= 0) fail('--amount must be more than 0');
      // Errors (an unknown access code) reach main, which prints them and exits 1; a
      // configuration error keeps its own exit code, 2.
      const result = await withOperatorTarget(options, (target) =>
        target.deposit({ accessCode: options.accessCode, amount: options.amount, ...(options.note ? { note: options.note } : {}) }),
      );
      if (options.json) printJson({ accessCode: options.accessCode, ...result });
      else process.stdout.write(`Balance of ${options.accessCode}: ${formatUnits(result.balance)} (${result.balance} units)\n`);
    });
  withExamples(merchant.command('list'), 'esimkit merchant list', 'esimkit merchant list --json', 'esimkit merchant list --url https://esim.example.com   # with ESIMKIT_OPERATOR_TOKEN set')
    .description('list merchants')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { json?: boolean }) => {
      const merchants = await withOperatorTarget(options, (target) => target.listMerchants());
      if (options.json) printJson(merchants);
      else printTable(merchants.map((m) => ({ ...m, balance: formatUnits(m.balance) })));
    });
  withExamples(
    directOnly(merchant.command('verify-ledger'), 'it reads every ledger entry, which the operator API does not serve: run it where DATABASE_URL reaches the database'),
    'esimkit merchant verify-ledger',
    'esimkit merchant verify-ledger --json   # exits 1 when a balance differs from its ledger',
  )
    .description("check every merchant's balance against the sum of its ledger (exit 1 on a mismatch); works on DATABASE_URL only")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const checks = await withContext((ctx) => verifyLedgers({ ctx }));
      if (options.json) printJson(checks);
      else printTable(checks.map((c) => ({ ...c, balance: formatUnits(c.balance), ledgerSum: formatUnits(c.ledgerSum) })));
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });

  registerMerchantAccountCommands(merchant);

  const catalog = withExamples(
    program.command('catalog').description('manage the package catalogue'),
    'esimkit catalog import examples/catalog.csv',
  );
  withExamples(
    catalog.command('import <file>'),
    'esimkit catalog import examples/catalog.csv          # a price list (CSV)',
    'esimkit catalog import examples/catalog.json --json  # a JSON package list; importing again updates in place',
    'esimkit catalog import examples/catalog.csv --url https://esim.example.com   # with ESIMKIT_OPERATOR_TOKEN set; the file is sent whole (at most 8 MiB)',
  )
    .description('import packages from a CSV price list (the shared price list shape) or a JSON package list')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (file: string, options: RemoteOption & { json?: boolean }) => {
      // Read once: parsed here in both modes (the same refusals), the text is what the API takes.
      const text = await readFile(file, 'utf8').catch((error: Error) => fail(`cannot import ${file}: ${error.message}`));
      let parsed: ReturnType<typeof parseCatalogText>;
      try {
        parsed = parseCatalogText(text);
      } catch (error) {
        fail(`cannot import ${file}: ${(error as Error).message}`);
      }
      // A CSV without rows is refused by the parser; a JSON list without items must be too,
      // or the import would succeed having done nothing.
      if (parsed.packages.length === 0) fail(`cannot import ${file}: it lists no packages`);
      const result = await withOperatorTarget(
        options,
        (target) =>
          target.importCatalog(parsed, text).catch((error: Error) => {
            throw new Error(`cannot import ${file}: ${error.message}`, { cause: error });
          }),
        { seed: false },
      );
      if (options.json) printJson(result);
      else process.stdout.write(`Imported ${result.packages} packages and ${result.locations} locations.\n`);
    });
}
