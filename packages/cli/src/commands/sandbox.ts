import { errorCodes, formatBytes, formatUnits, type ErrorCode, type SandboxFaultPlan, type SandboxFaultRule } from '@esimkit/sdk';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { printJson, printTable } from '../output.js';
import { clientOf, esimRef, failWith, partnerAction, positiveInteger, timeArgument, withConnection, type ConnectionOptions } from '../partner-client.js';

// `esimkit sandbox ...`: esimkit's sandbox API through the SDK (client.sandbox): the clock, a
// simulated device and network, fault plans, test funds and reset. Served only by a server
// in sandbox mode; the same connection flags, --json and errors as the partner commands.
const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const BYTES = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40 } as const;

/** `90s`, `30m`, `2h`, `30d`, `1d12h`, `1.5h`, or plain seconds (`3600`). */
export function durationSeconds(value: string): number {
  const text = value.trim().toLowerCase();
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else if (/^(\d+(\.\d+)?[smhd])+$/.test(text)) {
    seconds = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) seconds += Number(amount) * SECONDS[unit as keyof typeof SECONDS];
    seconds = Math.round(seconds);
  } else throw new InvalidArgumentError('must be a duration such as 90s, 30m, 2h, 30d (or 1d12h), or a number of seconds');
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new InvalidArgumentError('must be at least one second');
  return seconds;
}

/** `500MB`, `1GB`, `1.5GB` (binary units: 1 GB = 2^30 bytes; `GiB` also reads), or plain bytes. */
export function byteCount(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(value.trim());
  if (!match || (!match[2] && match[1]!.includes('.'))) throw new InvalidArgumentError('must be a size such as 500MB, 1GB or 1.5GB (1 GB = 2^30 bytes), or a number of bytes');
  const unit = (match[2] ?? 'b').toLowerCase().replace('i', '') as keyof typeof BYTES;
  const bytes = Math.floor(Number(match[1]) * BYTES[unit]);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('must be at least one byte');
  return bytes;
}

/** `0.25` or `25%`. */
function share(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(value.trim());
  const n = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a share from 0 to 1, or a percentage such as 25%');
  return n;
}

function errorCode(value: string): ErrorCode {
  if (!Object.hasOwn(errorCodes, value)) throw new InvalidArgumentError('must be one of the six-digit eSIM Access error codes, e.g. 200007 or 900001');
  return value as ErrorCode;
}

function units(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('must be a whole number of units (10000 = $1.00)');
  return Number(value);
}

/** `default` (the server's allocation delay) or milliseconds. */
function delayMs(value: string): number | null {
  if (value === 'default') return null;
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a number of milliseconds, or default');
  return Number(value);
}

/** 2595600 to `30d 1h`; 0 to `0s`. */
function formatSeconds(total: number): string {
  const sign = total < 0 ? '-' : '';
  let rest = Math.abs(total);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) parts.push(`${n}${unit}`);
  }
  return parts.length ? sign + parts.join(' ') : '0s';
}

const ahead = (offsetSeconds: number) => `${formatSeconds(offsetSeconds)} ahead of real time`;

function printPlan(plan: SandboxFaultPlan): void {
  if (plan.rules.length === 0) process.stdout.write('Rules: none\n');
  else {
    printTable(plan.rules.map((r) => ({ endpoint: r.endpoint ?? '(any)', package: r.packageCode ?? '(any)', code: r.errorCode, remaining: r.remaining })));
  }
  const busy = plan.busyShare > 0 ? `${Number((plan.busyShare * 100).toFixed(2))}% of requests answer 900001` : 'none';
  const delay = plan.allocation.delayMs === null ? 'the server default delay' : `after ${plan.allocation.delayMs} ms`;
  process.stdout.write(`Busy: ${busy}\nAllocation: ${plan.allocation.fail ? 'fails (refunded)' : 'succeeds'}, ${delay}\n`);
}

/** A profile's state on the device, with what the step added (eid, activateTime, expiredTime). */
function printDevice({ esimTranNo, smdpStatus, esimStatus, ...rest }: { esimTranNo: string; smdpStatus: string; esimStatus: string }): void {
  printTable([{ esimTranNo, smdp: smdpStatus, status: esimStatus, ...rest }]);
}

const ESIM_HINTS = {
  '000103': 'the sandbox API is served only by an esimkit server in sandbox mode (ESIMKIT_MODE=sandbox, the default)',
  '200002': 'the profile is not in a state that allows this on the device: see `esimkit esim show <esimTranNo>` (smdpStatus)',
};
const CLOCK_HINTS = {
  '000103': ESIM_HINTS['000103'],
  '000104': 'the sandbox clock only moves forward, at most 400 days a call: see `esimkit sandbox clock`',
};
const SMS_HINTS = {
  '000103': ESIM_HINTS['000103'],
  '200002': 'the profile must be installed (`esimkit sandbox install`); a package with smsStatus 2 takes SMS only through the API (leave out --from)',
};
const HINTS = { '000103': ESIM_HINTS['000103'] };

export function registerSandboxCommands(program: Command): void {
  const sandbox = withExamples(
    program
      .command('sandbox')
      .description("esimkit's sandbox (servers in sandbox mode): the clock, a simulated device and network, faults, test funds, reset"),
    'esimkit sandbox install "$ESIM"',
    'esimkit sandbox consume "$ESIM" 500MB',
    'esimkit sandbox advance 30d',
  );

  withExamples(withConnection(sandbox.command('clock').description('show the sandbox clock')), 'esimkit sandbox clock', 'esimkit sandbox clock --json').action(
    partnerAction(async (options: ConnectionOptions) => {
      const clock = await clientOf(options).sandbox.clock();
      if (options.json) return printJson(clock);
      process.stdout.write(`Sandbox clock: ${clock.now} (${ahead(clock.offsetSeconds)})\n`);
    }, HINTS),
  );

  withExamples(
    withConnection(sandbox.command('advance').description('move the clock forward, running what falls due on the way, in order')),
    'esimkit sandbox advance 2h',
    'esimkit sandbox advance 1d12h --json',
    'esimkit sandbox advance --to 2027-01-01T00:00Z',
  )
    .argument('[duration]', '90s, 30m, 2h, 30d (or 1d12h), or seconds', durationSeconds)
    .option('--to <time>', 'instead of a duration: move the clock to this ISO time', timeArgument)
    .action(
      partnerAction(async (seconds: number | undefined, options: ConnectionOptions & { to?: Date }) => {
        if ((seconds === undefined) === (options.to === undefined)) failWith('give either a duration (90s, 30m, 2h, 30d) or --to <time>');
        const result = await clientOf(options).sandbox.advanceClock(seconds !== undefined ? { seconds } : { to: options.to! });
        if (options.json) return printJson(result);
        process.stdout.write(`Sandbox clock: ${result.now} (${ahead(result.offsetSeconds)})\n`);
        printTable([{ jobs: result.jobs, warned: result.warned, reset: result.reset, expired: result.expired }]);
      }, CLOCK_HINTS),
    );

  withExamples(
    withConnection(sandbox.command('install <esimTranNo>').description('install the profile on a simulated device (esimTranNo or ICCID)')),
    'esimkit sandbox install "$ESIM"',
    'esimkit sandbox install "$ESIM" --fail           # the download breaks off',
  )
    .option('--eid <eid>', "the device's 32-digit EID (passing mod 97); made up when absent")
    .option('--fail', 'the download breaks off: the profile stays RELEASED')
    .action(
      partnerAction(async (ref: string, options: ConnectionOptions & { eid?: string; fail?: boolean }) => {
        const result = await clientOf(options).sandbox.install({ ...esimRef(ref), ...(options.eid ? { eid: options.eid } : {}), ...(options.fail ? { fail: true } : {}) });
        if (options.json) return printJson(result);
        printDevice(result);
      }, ESIM_HINTS),
    );

  const deviceActions = {
    disable: 'disable the profile on the device: ENABLED -> DISABLED',
    enable: 'enable the profile on the device: DISABLED -> ENABLED',
    delete: 'delete the profile from the device: -> DELETED',
    attach: 'attach the device to the network: starts a plan with activeType 2',
  } as const;
  for (const [name, description] of Object.entries(deviceActions) as [keyof typeof deviceActions, string][]) {
    withExamples(
      withConnection(sandbox.command(`${name} <esimTranNo>`).description(`${description} (esimTranNo or ICCID)`)),
      `esimkit sandbox ${name} "$ESIM"`,
      `esimkit sandbox ${name} "$ESIM" --json`,
    ).action(
      partnerAction(async (ref: string, options: ConnectionOptions) => {
        const result = await clientOf(options).sandbox[name](esimRef(ref));
        if (options.json) return printJson(result);
        printDevice(result);
      }, ESIM_HINTS),
    );
  }

  withExamples(
    withConnection(sandbox.command('consume').description('the device uses data')),
    'esimkit sandbox consume "$ESIM" 500MB',
    'esimkit sandbox consume "$ESIM" 1.5GB --json',
  )
    .argument('<esimTranNo>', 'esimTranNo or ICCID')
    .argument('<bytes>', '500MB, 1GB, 1.5GB (1 GB = 2^30 bytes), or bytes', byteCount)
    .action(
      partnerAction(async (ref: string, bytes: number, options: ConnectionOptions) => {
        const result = await clientOf(options).sandbox.consume({ ...esimRef(ref), bytes });
        if (options.json) return printJson(result);
        printTable([
          {
            esimTranNo: result.esimTranNo,
            consumed: formatBytes(result.consumed),
            used: formatBytes(result.networkUsage),
            usedToday: formatBytes(result.dailyUsage),
            throttled: result.throttled ? 'yes' : 'no',
            cutOff: result.cutOff ? 'yes' : 'no',
          },
        ]);
      }, ESIM_HINTS),
    );

  const sms = withExamples(
    sandbox.command('sms').description('SMS to and from the simulated device'),
    'esimkit sandbox sms receive "$ESIM" "Your code is 123456" --from +447700900123',
  );
  withExamples(
    withConnection(sms.command('receive <esimTranNo> <message>').description('an SMS reaches the device (from a phone with --from; through the API path without)')),
    'esimkit sandbox sms receive "$ESIM" "Your code is 123456" --from +447700900123',
    'esimkit sandbox sms receive "$ESIM" "Welcome aboard"',
  )
    .option('--from <number>', "the sender's phone number, e.g. +447700900123")
    .action(
      partnerAction(async (ref: string, message: string, options: ConnectionOptions & { from?: string }) => {
        await clientOf(options).sandbox.receiveSms({ ...esimRef(ref), message, ...(options.from ? { from: options.from } : {}) });
        if (options.json) return printJson({ ...esimRef(ref), received: true });
        process.stdout.write(`SMS received by ${ref}.\n`);
      }, SMS_HINTS),
    );
  withExamples(
    withConnection(sms.command('send <esimTranNo> <message>').description('the device sends an SMS')),
    'esimkit sandbox sms send "$ESIM" "Landed, see you soon" --to +447700900123',
  )
    .requiredOption('--to <number>', "the recipient's phone number, e.g. +447700900123")
    .action(
      partnerAction(async (ref: string, message: string, options: ConnectionOptions & { to: string }) => {
        await clientOf(options).sandbox.sendSms({ ...esimRef(ref), message, to: options.to });
        if (options.json) return printJson({ ...esimRef(ref), sent: true });
        process.stdout.write(`SMS sent from ${ref} to ${options.to}.\n`);
      }, SMS_HINTS),
    );

  const faults = withExamples(
    sandbox.command('faults').description('fault plans: the next N calls answer a code, busy answers (900001), allocation delay or failure'),
    'esimkit sandbox faults',
    'esimkit sandbox faults add --code 200007 --endpoint esim.order',
    'esimkit sandbox faults clear',
  );
  const showPlan = (options: ConnectionOptions, plan: SandboxFaultPlan) => (options.json ? printJson(plan) : printPlan(plan));
  withExamples(withConnection(faults.command('show', { isDefault: true }).description('the fault plan in force')), 'esimkit sandbox faults show', 'esimkit sandbox faults --json').action(
    partnerAction(async (options: ConnectionOptions) => showPlan(options, await clientOf(options).sandbox.faults()), HINTS),
  );
  withExamples(withConnection(faults.command('clear').description('remove every fault')), 'esimkit sandbox faults clear').action(
    partnerAction(async (options: ConnectionOptions) => showPlan(options, await clientOf(options).sandbox.clearFaults()), HINTS),
  );
  withExamples(
    withConnection(faults.command('add').description('the next N matching calls answer an error code')),
    'esimkit sandbox faults add --code 200007 --endpoint esim.order          # next order: balance too low',
    'esimkit sandbox faults add --code 200011 --package JP_1_7 --count 3',
    'esimkit sandbox faults add --code 900001 --endpoint /api/v1/open/esim/query',
  )
    .requiredOption('--code <code>', 'the six-digit error code to answer, e.g. 200007', errorCode)
    .option('--endpoint <endpoint>', 'only this endpoint, by name (esim.order) or path (/api/v1/open/esim/order)')
    .option('--package <code>', 'only requests naming this package (code or slug)')
    .option('--count <n>', 'how many calls', positiveInteger, 1)
    .action(
      partnerAction(async (options: ConnectionOptions & { code: ErrorCode; endpoint?: string; package?: string; count: number }) => {
        const rule: SandboxFaultRule = {
          errorCode: options.code,
          count: options.count,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.package ? { packageCode: options.package } : {}),
        };
        showPlan(options, await clientOf(options).sandbox.setFaults({ rules: [rule] }));
      }, HINTS),
    );
  withExamples(
    withConnection(faults.command('busy').description('answer a share of requests 900001')),
    'esimkit sandbox faults busy 25%',
    'esimkit sandbox faults busy 0      # stop',
  )
    .argument('<share>', '0.25 or 25%; 0 to stop', share)
    .action(
      partnerAction(async (busyShare: number, options: ConnectionOptions) => {
        showPlan(options, await clientOf(options).sandbox.setFaults({ busyShare }));
      }, HINTS),
    );
  withExamples(
    withConnection(faults.command('allocation').description('how allocation of new orders behaves')),
    'esimkit sandbox faults allocation --delay-ms 20000   # as slow as the live service',
    'esimkit sandbox faults allocation --fail',
    'esimkit sandbox faults allocation --no-fail --delay-ms default',
  )
    .option('--delay-ms <ms>', 'time from order to profiles, on the sandbox clock (default: the server default)', delayMs)
    .option('--fail', 'allocations fail (the order is refunded, 200009)')
    .option('--no-fail', 'allocations succeed again')
    .action(
      partnerAction(async (options: ConnectionOptions & { delayMs?: number | null; fail?: boolean }) => {
        if (options.delayMs === undefined && options.fail === undefined) failWith('give --delay-ms <ms|default>, --fail or --no-fail');
        const allocation = { ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}), ...(options.fail !== undefined ? { fail: options.fail } : {}) };
        showPlan(options, await clientOf(options).sandbox.setFaults({ allocation }));
      }, HINTS),
    );

  withExamples(
    withConnection(sandbox.command('deposit').description('add test funds (at most $10,000 a call)')),
    'esimkit sandbox deposit 1000000     # $100.00',
  )
    .argument('<units>', 'units of 1/10,000 USD (10000 = $1.00)', units)
    .action(
      partnerAction(async (amount: number, options: ConnectionOptions) => {
        const result = await clientOf(options).sandbox.deposit({ amount });
        if (options.json) return printJson(result);
        process.stdout.write(`Deposited ${formatUnits(amount)}. Balance: ${formatUnits(result.balance)} (${result.balance} units)\n`);
      }, { ...HINTS, '000104': 'the amount must be 1 to 100000000 units ($10,000) a call' }),
    );

  withExamples(
    withConnection(sandbox.command('reset').description("remove the account's orders, eSIMs, messages, webhook log and faults; set the balance")),
    'esimkit sandbox reset',
    'esimkit sandbox reset --balance 10000000 --json   # start again with $1,000',
  )
    .option('--balance <units>', 'the balance afterwards, in units of 1/10,000 USD (default 0)', units)
    .action(
      partnerAction(async (options: ConnectionOptions & { balance?: number }) => {
        const result = await clientOf(options).sandbox.reset(options.balance !== undefined ? { balance: options.balance } : {});
        if (options.json) return printJson(result);
        process.stdout.write(`Reset: ${result.removedEsims} eSIM${result.removedEsims === 1 ? '' : 's'} removed. Balance: ${formatUnits(result.balance)} (${result.balance} units)\n`);
      }, HINTS),
    );
}
