import { formatBytes, formatUnits, supportsTopUp, type EsimItem, type PackageListRequest } from '@esimkit/sdk';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { printJson, printTable } from '../output.js';
import { clientOf, esimRef, failWith, partnerAction, positiveInteger, timeArgument, withConnection, type ConnectionOptions } from '../partner-client.js';
import { printProfiles, withSpinner } from '../profiles.js';
import { registerWebhookCommands } from './webhooks.js';

// Partner commands: the eSIM Access API through the SDK, against esimkit or the live service.
const esimRow = (e: EsimItem) => ({
  esimTranNo: e.esimTranNo,
  iccid: e.iccid,
  orderNo: e.orderNo,
  package: e.packageList[0]?.slug ?? '',
  status: e.esimStatus,
  smdp: e.smdpStatus,
  used: `${formatBytes(e.orderUsage)} / ${formatBytes(e.totalVolume)}`,
  expires: e.expiredTime,
});

/** `42: AL,AT,BE,...` for a region; empty for a country. */
function countries(list: { code: string }[] | null): string {
  if (!list) return '';
  const codes = list.map((s) => s.code).join(',');
  return `${list.length}: ${codes.length > 40 ? `${codes.slice(0, codes.lastIndexOf(',', 40))},...` : codes}`;
}

function packageType(value: string): 'BASE' | 'TOPUP' {
  const upper = value.toUpperCase();
  if (upper !== 'BASE' && upper !== 'TOPUP') throw new InvalidArgumentError('must be BASE or TOPUP');
  return upper;
}

export function registerPartnerCommands(program: Command): void {
  withExamples(
    withConnection(program.command('packages').description('list data packages (prices in USD; 1 GB = 2^30 bytes)')),
    'esimkit packages --location JP',
    'esimkit packages --location !RG                      # regional plans',
    'esimkit packages --slug JP_1_7 --json',
    'esimkit packages --type TOPUP --package JP_1_7       # top-ups of a plan',
    'esimkit packages --type TOPUP --esim "$ESIM"         # top-ups an eSIM can take',
  )
    .option('--location <code>', 'ISO-2 country or region code; !RG regional, !GL global')
    .option('--type <type>', 'BASE (default) or TOPUP', packageType)
    .option('--slug <slug>', 'one package by slug')
    .option('--package <code>', 'one package by code; with --type TOPUP: its top-ups')
    .option('--esim <esimTranNo>', 'with --type TOPUP: the top-ups of this eSIM')
    .action(
      partnerAction(async (options: ConnectionOptions & { location?: string; type?: 'BASE' | 'TOPUP'; slug?: string; package?: string; esim?: string }) => {
        const filter: PackageListRequest = {
          ...(options.location ? { locationCode: options.location } : {}),
          ...(options.type ? { type: options.type } : {}),
          ...(options.slug ? { slug: options.slug } : {}),
          ...(options.package ? { packageCode: options.package } : {}),
          ...(options.esim ? esimRef(options.esim) : {}),
        };
        const { packageList } = await clientOf(options).packageList(filter);
        if (options.json) return printJson(packageList);
        printTable(
          packageList.map((p) => ({
            code: p.packageCode,
            slug: p.slug,
            name: p.name,
            price: formatUnits(p.price),
            data: formatBytes(p.volume) + (p.dataType === 1 ? '' : '/day'),
            days: p.duration,
            location: p.locationCode,
            topUp: supportsTopUp(p) ? 'yes' : 'no',
            sms: p.smsStatus === 0 ? 'no' : 'yes',
          })),
        );
      }),
    );

  withExamples(withConnection(program.command('locations').description('supported countries and regions')), 'esimkit locations', 'esimkit locations --json').action(
    partnerAction(async (options: ConnectionOptions) => {
      const { locationList } = await clientOf(options).locations();
      if (options.json) return printJson(locationList);
      printTable(
        locationList.map((l) => ({
          code: l.code,
          name: l.name,
          type: l.type === 1 ? 'country' : 'region',
          countries: countries(l.subLocationList),
        })),
      );
    }),
  );

  withExamples(
    withConnection(program.command('balance').description("the account's balance")),
    'esimkit balance',
    'esimkit balance --base-url http://127.0.0.1:8080 --access-code "$ESIMKIT_ACCESS_CODE" --json',
  ).action(
    partnerAction(async (options: ConnectionOptions) => {
      const balance = await clientOf(options).balance();
      if (options.json) return printJson(balance);
      process.stdout.write(`Balance: ${formatUnits(balance.balance)} (${balance.balance} units), last changed ${balance.lastUpdateTime}\n`);
    }),
  );

  withExamples(
    withConnection(program.command('order').description('order eSIM profiles; --wait for them and show their QR codes')),
    'esimkit order --package JP_1_7 --wait                                 # QR codes drawn on a terminal',
    'esimkit order --package JP_1_7 --count 3 --transaction-id trip-0042',
    'esimkit order --package JP_1_Daily --period-num 5 --wait --json',
  )
    .requiredOption('--package <code>', 'package code or slug')
    .option('--count <n>', 'number of eSIMs, 1-30', positiveInteger, 1)
    .option('--period-num <days>', 'days of a daily plan', positiveInteger)
    .option('--transaction-id <id>', 'your id for the order (default: a new UUID); the same id never orders twice')
    .option('--wait', 'wait for allocation and print the profiles')
    .option('--timeout <seconds>', 'with --wait: give up after this long', positiveInteger, 120)
    .option('--no-qr', 'with --wait: no QR codes in the terminal (none are drawn when the output is not a terminal)')
    .action(
      partnerAction(
        async (options: ConnectionOptions & { package: string; count: number; periodNum?: number; transactionId?: string; wait?: boolean; timeout: number; qr: boolean }) => {
          const client = clientOf(options);
          const order = {
            ...(options.transactionId ? { transactionId: options.transactionId } : {}),
            packageInfoList: [{ packageCode: options.package, count: options.count, ...(options.periodNum ? { periodNum: options.periodNum } : {}) }],
          };
          if (!options.wait) {
            const placed = await client.order(order);
            if (options.json) return printJson(placed);
            return process.stdout.write(`Ordered: ${placed.orderNo} (transactionId ${placed.transactionId}). Profiles: esimkit esims --order ${placed.orderNo}\n`);
          }
          const text = `allocating ${options.count} profile${options.count === 1 ? '' : 's'} of ${options.package}`;
          const result = await withSpinner(text, () => client.orderAndWait(order, { timeoutMs: options.timeout * 1000 }));
          if (options.json) return printJson(result);
          process.stdout.write(`Order ${result.orderNo} (transactionId ${result.transactionId}): ${result.esims.length} eSIM${result.esims.length === 1 ? '' : 's'}\n\n`);
          await printProfiles(result.esims, { qr: options.qr });
        },
      ),
    );

  withExamples(
    withConnection(program.command('esims').description('list eSIMs of an order, or allocated in a time range')),
    'esimkit esims --order "$ORDER"',
    'esimkit esims --from 2026-01-01T00:00Z --json',
    'esimkit esims --from 2026-01-01T00:00Z --to now',
  )
    .option('--order <orderNo>', 'the eSIMs of this order')
    .option('--from <time>', 'allocated at or after (ISO time)', timeArgument)
    .option('--to <time>', 'allocated at or before (ISO time, default now)', timeArgument)
    .action(
      partnerAction(async (options: ConnectionOptions & { order?: string; from?: Date; to?: Date }) => {
        if (!options.order && !options.from) failWith('give --order <orderNo>, or --from <time> [--to <time>]');
        const filter = options.order ? { orderNo: options.order } : { startTime: options.from!, endTime: options.to ?? new Date() };
        const esims: EsimItem[] = [];
        for await (const esim of clientOf(options).iterateEsims(filter, { pageSize: 100 })) esims.push(esim);
        if (options.json) return printJson(esims);
        printTable(esims.map(esimRow));
      }),
    );

  const esim = withExamples(program.command('esim').description('one eSIM'), 'esimkit esim show "$ESIM"');
  withExamples(
    withConnection(esim.command('show <esimTranNo>').description('an eSIM in full (esimTranNo or ICCID)')),
    'esimkit esim show "$ESIM"',
    'esimkit esim show "$ESIM" --qr      # on a terminal',
    'esimkit esim show "$ESIM" --json',
  )
    .option('--qr', 'draw its QR code (on a terminal only)')
    .action(
      partnerAction(async (ref: string, options: ConnectionOptions & { qr?: boolean }) => {
        const item = (await clientOf(options).query(esimRef(ref))).esimList[0]!;
        if (options.json) return printJson(item);
        const { packageList, ...fields } = item;
        printTable(Object.entries(fields).map(([field, value]) => ({ field, value: value ?? '' })));
        process.stdout.write('\n');
        printTable(packageList.map((p) => ({ package: p.packageCode, slug: p.slug, data: formatBytes(p.volume), days: p.duration, added: p.createTime })));
        if (options.qr) await printProfiles([item], { qr: true });
      }),
    );

  const operations = { cancel: 'cancel an unused eSIM (refunded)', suspend: 'suspend data service', unsuspend: 'resume data service', revoke: 'revoke an eSIM (not refunded)' } as const;
  for (const [name, description] of Object.entries(operations) as [keyof typeof operations, string][]) {
    withExamples(
      withConnection(program.command(`${name} <esimTranNo>`).description(`${description} (esimTranNo or ICCID)`)),
      `esimkit ${name} "$ESIM"`,
      `esimkit ${name} "$ESIM" --json`,
    ).action(
      partnerAction(async (ref: string, options: ConnectionOptions) => {
        const client = clientOf(options);
        await client[name](esimRef(ref));
        const after = (await client.query(esimRef(ref))).esimList[0]!;
        if (options.json) return printJson(after);
        process.stdout.write(`eSIM ${after.esimTranNo}: ${after.esimStatus} (${after.smdpStatus})\n`);
      }),
    );
  }

  withExamples(
    withConnection(program.command('topup').description('add a top-up package to an eSIM')),
    'esimkit packages --type TOPUP --esim "$ESIM"            # which top-ups it can take',
    'esimkit topup --esim "$ESIM" --package TOPUP_JC063      # 1 GB more for a JP_1_7 eSIM',
  )
    .requiredOption('--esim <esimTranNo>', 'the eSIM (esimTranNo or ICCID)')
    .requiredOption('--package <code>', 'a TOPUP package (see: esimkit packages --type TOPUP --esim <esimTranNo>)')
    .option('--transaction-id <id>', 'your id for the top-up (default: a new UUID)')
    .option('--period-num <days>', 'days of a daily top-up', positiveInteger)
    .action(
      partnerAction(async (options: ConnectionOptions & { esim: string; package: string; transactionId?: string; periodNum?: number }) => {
        const result = await clientOf(options).topup({
          ...esimRef(options.esim),
          packageCode: options.package,
          ...(options.transactionId ? { transactionId: options.transactionId } : {}),
          ...(options.periodNum ? { periodNum: options.periodNum } : {}),
        });
        if (options.json) return printJson(result);
        printTable([{ ...result, totalVolume: formatBytes(result.totalVolume), orderUsage: formatBytes(result.orderUsage) }]);
      }),
    );

  withExamples(
    withConnection(program.command('usage <esimTranNo...>').description('data usage of up to 10 eSIMs')),
    'esimkit usage "$ESIM"',
    'esimkit usage "$ESIM" "$OTHER_ESIM" --json',
  ).action(
    partnerAction(async (esimTranNos: string[], options: ConnectionOptions) => {
      const { esimUsageList } = await clientOf(options).usage(esimTranNos);
      if (options.json) return printJson(esimUsageList);
      printTable(
        esimUsageList.map((u) => ({
          esimTranNo: u.esimTranNo,
          used: formatBytes(u.dataUsage),
          total: formatBytes(u.totalData),
          left: formatBytes(Math.max(0, u.totalData - u.dataUsage)),
          share: u.totalData ? `${Math.round((u.dataUsage / u.totalData) * 100)}%` : '',
          updated: u.lastUpdateTime,
        })),
      );
    }),
  );

  withExamples(
    withConnection(program.command('sms <esimTranNo> <message>').description('send an SMS to an installed eSIM')),
    'esimkit sms "$ESIM" "Welcome to Japan: your plan is active"',
  ).action(
    partnerAction(async (ref: string, message: string, options: ConnectionOptions) => {
      await clientOf(options).sendSms({ ...esimRef(ref), message });
      if (options.json) return printJson({ ...esimRef(ref), sent: true });
      process.stdout.write(`SMS sent to ${ref}.\n`);
    }),
  );

  registerWebhookCommands(program);
}
