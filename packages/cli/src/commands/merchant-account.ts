import { formatUnits } from '@esimkit/contract';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson, printTable } from '../output.js';
import { URL_OPTION, withOperatorTarget, type RemoteOption } from '../operator-target.js';
import { positiveInteger, timeArgument } from '../partner-client.js';

// What the console and the operator API do to a merchant's account that `merchant create |
// deposit` do not: adjust the balance with a reason, disable and enable, read the ledger
// statement. On the database or, with --url, through the operator API (operator-target.ts).
// A merchant is named by its access code, as `merchant deposit` names it.

/** A whole number of units, positive to credit, negative to debit, never 0. */
function signedUnits(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) === 0) {
    throw new InvalidArgumentError('must be a whole number of units other than 0 (negative to debit)');
  }
  return Number(value);
}

/** Registers adjust, disable, enable and statement under `merchant` (commands/operator.ts). */
export function registerMerchantAccountCommands(merchant: Command): void {
  withExamples(
    merchant.command('adjust'),
    'esimkit merchant adjust --access-code "$ESIMKIT_ACCESS_CODE" --amount -25000 --reason "refund of order B1 charged twice"',
    'esimkit merchant adjust --access-code "$ESIMKIT_ACCESS_CODE" --amount 10000 --reason "goodwill credit" --url https://esim.example.com --json',
  )
    .description('correct a balance up or down through the ledger (an adjustment entry with its reason); never below zero (200007)')
    .requiredOption('--access-code <code>', "the merchant's access code")
    .requiredOption('--amount <units>', 'signed amount in 1/10,000 USD: 10000 credits $1.00, -10000 debits it', signedUnits)
    .requiredOption('--reason <text>', 'why: kept on the ledger and shown on the statement')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { accessCode: string; amount: number; reason: string; json?: boolean }) => {
      const result = await withOperatorTarget(options, (target) => target.adjust({ accessCode: options.accessCode, amount: options.amount, reason: options.reason }));
      if (options.json) printJson({ accessCode: options.accessCode, ...result });
      else process.stdout.write(`Balance of ${options.accessCode}: ${formatUnits(result.balance)} (${result.balance} units)\n`);
    });

  for (const disabled of [true, false]) {
    const verb = disabled ? 'disable' : 'enable';
    withExamples(
      merchant.command(verb),
      `esimkit merchant ${verb} --access-code "$ESIMKIT_ACCESS_CODE"`,
      `esimkit merchant ${verb} --access-code "$ESIMKIT_ACCESS_CODE" --url https://esim.example.com --json`,
    )
      .description(
        disabled
          ? 'disable a merchant: the partner API answers its access code 000101 and its console users are refused; its eSIMs, webhooks and balance stay'
          : 'enable a disabled merchant again',
      )
      .requiredOption('--access-code <code>', "the merchant's access code")
      .option(...URL_OPTION)
      .option('--json', 'print JSON')
      .action(async (options: RemoteOption & { accessCode: string; json?: boolean }) => {
        await withOperatorTarget(options, (target) => target.setDisabled({ accessCode: options.accessCode, disabled }));
        if (options.json) printJson({ accessCode: options.accessCode, disabled });
        else process.stdout.write(`Merchant ${options.accessCode} is ${disabled ? 'disabled: the partner API refuses its access code (000101)' : 'enabled'}.\n`);
      });
  }

  withExamples(
    merchant.command('statement'),
    'esimkit merchant statement --access-code "$ESIMKIT_ACCESS_CODE"',
    'esimkit merchant statement --access-code "$ESIMKIT_ACCESS_CODE" --from 2026-12-01T00:00Z --page-size 500 --json',
    'esimkit merchant statement --access-code "$ESIMKIT_ACCESS_CODE" --url https://esim.example.com --page 2',
  )
    .description("a merchant's ledger entries, newest first, each with the balance just after it")
    .requiredOption('--access-code <code>', "the merchant's access code")
    .option('--from <time>', 'entries at or after this time (ISO 8601)', timeArgument)
    .option('--to <time>', 'entries before this time (ISO 8601)', timeArgument)
    .option('--page <n>', 'page number, from 1', positiveInteger, 1)
    .option('--page-size <n>', 'entries a page, 1-500', positiveInteger, 50)
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { accessCode: string; from?: Date; to?: Date; page: number; pageSize: number; json?: boolean }) => {
      // The operator API's limits, so both ways refuse the same pages.
      if (options.pageSize > 500) fail('--page-size must be 500 or less');
      if (options.page > 100_000) fail('--page must be 100000 or less');
      const statement = await withOperatorTarget(options, (target) =>
        target.statement({ accessCode: options.accessCode, from: options.from, to: options.to, page: options.page, pageSize: options.pageSize }),
      );
      if (options.json) {
        printJson(statement);
        return;
      }
      printTable(
        statement.entries.map((e) => ({
          time: e.time,
          kind: e.kind,
          amount: formatUnits(e.amount),
          balance: formatUnits(e.balance),
          reference: e.reference ?? '',
          note: e.note ?? '',
        })),
      );
      const pages = Math.max(1, Math.ceil(statement.total / statement.pageSize));
      process.stdout.write(`Page ${statement.page} of ${pages} (${statement.total} entries).\n`);
    });
}
