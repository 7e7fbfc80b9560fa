import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';

// `esimkit smdp serve`: the simulated SM-DP+ as its own GSMA ES2+ server, for wiring a
// production-mode esimkit (ES2_SMDP_URL) to something that answers like a real SM-DP+ and
// sends handleDownloadProgressInfo back. docs/smdp-simulator.md is its manual.

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0: any free port)');
  return Number(value);
}

function httpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // Answered below.
  }
  throw new InvalidArgumentError('must be an absolute http(s) URL, e.g. http://127.0.0.1:8080');
}

/** `TYPE=N,TYPE=N`: a fixed stock of each profile type (unlimited minted profiles without it). */
export function stockCounts(value: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pair of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(pair);
    if (!match || Number(match[2]) > 1_000_000) throw new InvalidArgumentError('must be pairs like JP_1_7=100,US_3_30=5');
    counts.set(match[1]!, Number(match[2]));
  }
  return counts;
}

/** `5=ENABLE,6=DISABLE,7=DELETE`, as esimkit's ES2_NOTIFICATION_POINTS. */
export function notificationPoints(value: string): { enable: number; disable: number; delete: number } {
  const points: Record<string, number> = {};
  for (const pair of value.split(',')) {
    const match = /^\s*(\d+)\s*=\s*(ENABLE|DISABLE|DELETE)\s*$/.exec(pair);
    if (!match) throw new InvalidArgumentError('must be pairs like 5=ENABLE,6=DISABLE,7=DELETE');
    points[match[2]!.toLowerCase()] = Number(match[1]);
  }
  if (points.enable === undefined || points.disable === undefined || points.delete === undefined) throw new InvalidArgumentError('must name a point for each of ENABLE, DISABLE and DELETE');
  return points as { enable: number; disable: number; delete: number };
}

function pem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
}

interface ServeOptions {
  port: number;
  host: string;
  smdpAddress: string;
  operatorUrl?: string;
  operatorToken?: string;
  requesterId: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  stock?: Map<string, number>;
  notificationPoints: { enable: number; disable: number; delete: number };
}

const env = process.env;

export function registerSmdpCommands(program: Command): void {
  const smdp = withExamples(
    program.command('smdp').description('the simulated SM-DP+ (GSMA ES2+), for a production-mode esimkit to talk to'),
    'esimkit smdp serve --port 8443 --operator-url http://127.0.0.1:8080 --operator-token notify-token-of-at-least-16-chars',
  );
  withExamples(
    smdp
      .command('serve')
      .description('serve the simulated SM-DP+ over ES2+ (state in memory: a restart forgets its profiles)')
      .option('--port <n>', 'listening port (env SMDP_PORT; 0: any free port)', port, env.SMDP_PORT ? port(env.SMDP_PORT) : 8443)
      .option('--host <address>', 'listening address (env SMDP_HOST)', env.SMDP_HOST ?? '127.0.0.1')
      .option('--smdp-address <host>', 'SM-DP+ address confirmOrder answers, written into activation codes (env SMDP_ADDRESS)', env.SMDP_ADDRESS ?? 'smdp.esimkit.dev')
      .option('--operator-url <url>', "esimkit's base URL, where handleDownloadProgressInfo goes (env SMDP_OPERATOR_URL)", httpUrl, env.SMDP_OPERATOR_URL ? httpUrl(env.SMDP_OPERATOR_URL) : undefined)
      .option('--operator-token <token>', "bearer token sent with it: esimkit's ES2_NOTIFY_TOKEN (env SMDP_OPERATOR_TOKEN)", env.SMDP_OPERATOR_TOKEN)
      .option('--requester-id <id>', 'functionRequesterIdentifier of its notifications (env SMDP_REQUESTER_ID)', env.SMDP_REQUESTER_ID ?? 'esimkit-smdp')
      .option('--tls-cert <file>', 'PEM server certificate: serve HTTPS (with --tls-key; env SMDP_TLS_CERT)', env.SMDP_TLS_CERT)
      .option('--tls-key <file>', 'PEM key of --tls-cert (env SMDP_TLS_KEY)', env.SMDP_TLS_KEY)
      .option('--client-ca <file>', 'PEM CA bundle: require client certificates it signed, i.e. mutual TLS (env SMDP_CLIENT_CA)', env.SMDP_CLIENT_CA)
      .option('--stock <TYPE=N,...>', 'a fixed number of profiles per profileType (env SMDP_STOCK; default: any number, minted)', stockCounts, env.SMDP_STOCK ? stockCounts(env.SMDP_STOCK) : undefined)
      .option(
        '--notification-points <ID=EVENT,...>',
        "notificationPointId of the eUICC's enable, disable and delete (env ES2_NOTIFICATION_POINTS)",
        notificationPoints,
        notificationPoints(env.ES2_NOTIFICATION_POINTS ?? '5=ENABLE,6=DISABLE,7=DELETE'),
      )
      .action(async (options: ServeOptions) => {
        if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
        if (options.clientCa !== undefined && options.tlsCert === undefined) throw new Error('--client-ca needs --tls-cert and --tls-key (mutual TLS is TLS)');
        const { startSmdpServer } = await import('@esimkit/server/internal/sim/es2plus-server/server');
        const running = await startSmdpServer({
          port: options.port,
          host: options.host,
          smdpAddress: options.smdpAddress,
          operator: options.operatorUrl ? { url: options.operatorUrl, token: options.operatorToken, requesterId: options.requesterId } : undefined,
          tls: options.tlsCert ? { cert: pem(options.tlsCert, 'TLS certificate'), key: pem(options.tlsKey!, 'TLS key'), clientCa: options.clientCa ? pem(options.clientCa, 'client CA bundle') : undefined } : undefined,
          stock: options.stock ? { kind: 'fixed', counts: options.stock } : { kind: 'unlimited' },
          laterPoints: options.notificationPoints,
        });
        const mode = options.clientCa ? ' (mutual TLS)' : options.tlsCert ? ' (TLS)' : '';
        const notifies = options.operatorUrl ? `notifications go to ${options.operatorUrl}/gsma/rsp2/es2plus/handleDownloadProgressInfo` : 'no --operator-url: device actions notify no one';
        process.stdout.write(`SM-DP+ simulator listening on ${running.url}${mode}: ES2+ at ${running.url}/gsma/rsp2/es2plus/, control API at ${running.url}/simulator/\n${notifies}\n`);
        const stop = () => void running.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
    'esimkit smdp serve --port 8443 --operator-url http://127.0.0.1:8080 --operator-token notify-token-of-at-least-16-chars',
    'esimkit smdp serve --port 8443 --tls-cert smdp.pem --tls-key smdp.key --client-ca operators-ca.pem --stock JP_1_7=100',
  );
}
