import { EsimAccessClient, EsimAccessError, WebhookParseError } from '@esimkit/sdk';
import { InvalidArgumentError, type Command } from 'commander';

// What every partner command shares: where the API is and who calls it (flags, else the
// environment), --json, and errors printed as code, message and a hint with exit code 1.
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export interface ConnectionOptions {
  baseUrl?: string;
  accessCode?: string;
  secretKey?: string;
  json?: boolean;
}

/** Adds --base-url, --access-code, --secret-key and --json to a command. */
export function withConnection(command: Command): Command {
  return command
    .option('--base-url <url>', `API base URL (env ESIMKIT_BASE_URL, default ${DEFAULT_BASE_URL})`)
    .option('--access-code <code>', 'RT-AccessCode (env ESIMKIT_ACCESS_CODE)')
    .option('--secret-key <key>', 'secret key: sign every request (env ESIMKIT_MERCHANT_SECRET_KEY)')
    .option('--json', 'print JSON');
}

export function baseUrlOf(options: ConnectionOptions): string {
  return options.baseUrl ?? process.env.ESIMKIT_BASE_URL ?? DEFAULT_BASE_URL;
}

export function clientOf(options: ConnectionOptions): EsimAccessClient {
  const accessCode = options.accessCode ?? process.env.ESIMKIT_ACCESS_CODE;
  if (!accessCode) failWith('no access code', 'pass --access-code or set ESIMKIT_ACCESS_CODE (the RT-AccessCode of your merchant account)');
  const secretKey = options.secretKey ?? process.env.ESIMKIT_MERCHANT_SECRET_KEY;
  return new EsimAccessClient({ baseUrl: baseUrlOf(options), accessCode, ...(secretKey ? { secretKey } : {}), retries: 2, userAgent: 'esimkit-cli' });
}

const hints: Record<string, string> = {
  '000101': 'check the access code (--access-code or ESIMKIT_ACCESS_CODE); a merchant that requires signatures also needs --secret-key',
  '000104': 'the request was refused as malformed: check the arguments',
  '000105': 'a required argument is missing',
  '000106': 'a required argument is empty',
  '000107': 'an argument is too long or too short',
  '101001': "this machine's clock is off by more than the signature window, or a request was replayed",
  '101002': 'calls from this IP address are blocked for the account',
  '101003': 'the secret key (--secret-key or ESIMKIT_MERCHANT_SECRET_KEY) does not belong to this access code',
  '200002': 'the eSIM is not in a state that allows this: see `esimkit esim show <esimTranNo>`',
  '200005': 'the price changed: list packages again with `esimkit packages`',
  '200006': 'the total does not match the prices: list packages again with `esimkit packages`',
  '200007': 'the balance is too low: see `esimkit balance` (operators: `esimkit merchant deposit`)',
  '200008': 'check the order: count 1-30, --period-num only for daily plans, a top-up of the same location',
  '200009': 'the allocation failed and the order was refunded: order again',
  '200010': 'the profiles are still being allocated: try `esimkit esims --order <orderNo>` in a moment',
  '200011': 'no profiles are left for that package',
  '200042': 'give an esimTranNo or an ICCID',
  '310241': 'list package codes with `esimkit packages` (top-ups: `esimkit packages --type TOPUP --esim <esimTranNo>`)',
  '310243': 'list package codes with `esimkit packages`',
  '310272': 'no such order for this account',
  '310403': 'no such eSIM for this account: list them with `esimkit esims`',
  '900001': 'the account is over its rate limit: try again in a moment',
};

function hintFor(error: EsimAccessError, options: ConnectionOptions, commandHints: Record<string, string>): string | undefined {
  if (error.code === 'NETWORK') return `is esimkit running at ${baseUrlOf(options)}? (--base-url or ESIMKIT_BASE_URL)`;
  if (error.code === 'HTTP') return `${baseUrlOf(options)} does not answer like the eSIM Access API: check --base-url`;
  return commandHints[error.code] ?? hints[error.code];
}

export function failWith(message: string, hint?: string): never {
  process.stderr.write(`error: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
  process.exit(1);
}

/**
 * Runs a command's work; an API error is printed with its code and a hint, exit 1.
 * `commandHints` take precedence over the shared hints for this command's errors.
 */
export function partnerAction<A extends unknown[]>(work: (...args: A) => Promise<unknown>, commandHints: Record<string, string> = {}): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await work(...args);
    } catch (error) {
      // Commander passes the command last; its options say which server was called.
      const options = (args.at(-1) as Command | undefined)?.opts?.() as ConnectionOptions | undefined ?? {};
      if (error instanceof EsimAccessError) failWith(`${error.code} ${error.message}`, hintFor(error, options, commandHints));
      if (error instanceof WebhookParseError) failWith(error.message);
      throw error;
    }
  };
}

/** An esimTranNo, or an ICCID (18-20 digits). */
export function esimRef(value: string): { esimTranNo: string } | { iccid: string } {
  return /^\d{18,20}F?$/i.test(value) ? { iccid: value } : { esimTranNo: value };
}

export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return Number(value);
}

export function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number, 0-65535');
  return Number(value);
}

/** A time as Date.parse reads it (ISO 8601), or `now`. */
export function timeArgument(value: string): Date {
  const ms = value === 'now' ? Date.now() : Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('must be a time such as 2026-01-31T12:00Z, or now');
  return new Date(ms);
}
