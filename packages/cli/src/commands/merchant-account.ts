import { formatUnits, signaturePolicies, type SignaturePolicy } from '@esimkit/contract';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson, printTable } from '../output.js';
import { URL_OPTION, withOperatorTarget, type RemoteOption } from '../operator-target.js';
import { positiveInteger, timeArgument } from '../partner-client.js';

// What the console and the operator API do to a merchant's account that `merchant create |
// deposit` do not: adjust the balance with a reason, change the API settings, disable and
// enable, read the ledger statement. On the database or, with --url, through the operator API (operator-target.ts).
// A merchant is named by its access code, as `merchant deposit` names it.

/** A whole number of units, positive to credit, negative to debit, never 0. */
function signedUnits(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) === 0) {
    throw new InvalidArgumentError('must be a whole number of units other than 0 (negative to debit)');
  }
  return Number(value);
}

function policy(value: string): SignaturePolicy {
  const found = signaturePolicies.find((name) => name === value);
  if (!found) throw new InvalidArgumentError(`must be ${signaturePolicies.join(', ')}`);
  return found;
}

// Decimal digits only, as merchant create reads them.
function rate(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError('must be a number, 0 or more');
  return Number(value);
}

/** Registers adjust, settings, disable, enable and statement under `merchant` (commands/operator.ts). */
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

  withExamples(
    merchant.command('settings'),
    'esimkit merchant settings --access-code "$ESIMKIT_ACCESS_CODE"                       # show them',
    'esimkit merchant settings --access-code "$ESIMKIT_ACCESS_CODE" --signature required --rate-limit 20 --burst 40',
    'esimkit merchant settings --access-code "$ESIMKIT_ACCESS_CODE" --block-ip none --url https://esim.example.com --json',
  )
    .description('show or change how the partner API treats a merchant: signature policy, rate limit, IP block list (the next request is served with them)')
    .requiredOption('--access-code <code>', "the merchant's access code")
    .option('--signature <policy>', `${signaturePolicies.join(', ')}`, policy)
    .option('--rate-limit <perSecond>', 'requests per second, 0 = unlimited', rate)
    .option('--burst <requests>', 'rate limit bucket size, with --rate-limit (default: the rate)', positiveInteger)
    .option('--block-ip <list>', 'comma-separated IPs or CIDR blocks to refuse (101002), replacing the list; none clears it')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { accessCode: string; signature?: SignaturePolicy; rateLimit?: number; burst?: number; blockIp?: string; json?: boolean }) => {
      if (options.burst !== undefined && options.rateLimit === undefined) fail('--burst goes with --rate-limit');
      const blocklist = options.blockIp === undefined ? undefined : options.blockIp.trim() === 'none' ? [] : options.blockIp.split(',').map((s) => s.trim()).filter(Boolean);
      const settings = await withOperatorTarget(options, (target) =>
        target.changeSettings({
          accessCode: options.accessCode,
          ...(options.signature !== undefined ? { signaturePolicy: options.signature } : {}),
          ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
          ...(options.burst !== undefined ? { rateBurst: options.burst } : {}),
          ...(blocklist !== undefined ? { ipBlocklist: blocklist } : {}),
        }),
      );
      if (options.json) printJson(settings);
      else printTable([{ ...settings, ipBlocklist: settings.ipBlocklist.join(',') || '(none)' }]);
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
