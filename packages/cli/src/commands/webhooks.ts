import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhookEvent, verifyWebhook, WebhookDeduper, WebhookParseError, type WebhookEvent } from '@esimkit/sdk';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { printJson, printTable } from '../output.js';
import { clientOf, failWith, partnerAction, portNumber, positiveInteger, timeArgument, withConnection, type ConnectionOptions } from '../partner-client.js';

// `webhook set/show/listen`: the account's webhook URL and a local receiver that prints what
// arrives; `webhook secret show/rotate/disable`: the Standard Webhooks signing secret;
// `webhooks log/redeliver`: esimkit's delivery log.
const STATUSES = ['pending', 'delivered', 'failed', 'no_endpoint'] as const;
type DeliveryStatus = (typeof STATUSES)[number];

function deliveryStatus(value: string): DeliveryStatus {
  if (!(STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${STATUSES.join(', ')}`);
  return value as DeliveryStatus;
}

function lastAttempt(attempt: { statusCode: number | null; error: string | null } | undefined): string {
  if (!attempt) return '';
  return attempt.error ?? (attempt.statusCode === null ? 'no answer' : `HTTP ${attempt.statusCode}`);
}

/** The fields worth a glance, per event type. */
function summary(event: WebhookEvent): string {
  const c = event.content as Record<string, unknown>;
  const keys = ['orderNo', 'esimTranNo', 'iccid', 'orderStatus', 'esimStatus', 'smdpStatus', 'remain', 'remainThreshold', 'expiredTime'];
  return keys.filter((k) => c[k] !== undefined).map((k) => `${k}=${String(c[k])}`).join(' ');
}

function listen(options: ConnectionOptions & { port: number; host: string; secret?: string; save?: boolean }): Promise<void> {
  const dedupe = new WebhookDeduper();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (options.secret && !verifyWebhook(options.secret, request.headers, body)) {
        process.stderr.write(`refused a delivery with a bad or missing signature: ${body.slice(0, 120)}\n`);
        response.writeHead(401).end('bad signature');
        return;
      }
      let event: WebhookEvent;
      try {
        event = parseWebhookEvent(body);
      } catch (error) {
        process.stderr.write(`${(error as WebhookParseError).message}: ${body.slice(0, 120)}\n`);
        response.writeHead(400).end('not a webhook event');
        return;
      }
      const repeat = !(await dedupe.isNew(event.notifyId));
      response.writeHead(200).end('ok');
      if (options.json) process.stdout.write(`${JSON.stringify(event)}\n`);
      else process.stdout.write(`${event.eventGenerateTime}  ${event.notifyType.padEnd(14)}  ${event.notifyId}${repeat ? ' (repeat)' : ''}  ${summary(event)}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(error));
    server.listen(options.port, options.host, async () => {
      const url = `http://${options.host}:${(server.address() as AddressInfo).port}/`;
      process.stderr.write(`listening on ${url} (Ctrl-C to stop)\n`);
      if (options.save) {
        try {
          await clientOf(options).webhookSave(url);
        } catch (error) {
          server.close();
          return reject(error);
        }
        process.stderr.write(`webhook set to ${url}\n`);
      }
      const stop = () => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}

export function registerWebhookCommands(program: Command): void {
  const webhook = withExamples(
    program.command('webhook').description("the account's webhook URL, a local receiver, and the signing secret"),
    'esimkit webhook listen --save',
    'esimkit webhook show',
  );
  withExamples(
    withConnection(webhook.command('set <url>').description('set the webhook URL (it must answer the CHECK_HEALTH sent first with a 2xx)')),
    'esimkit webhook listen --port 8081 &                  # a receiver that answers 200',
    'esimkit webhook set http://127.0.0.1:8081/',
  ).action(
    partnerAction(async (url: string, options: ConnectionOptions) => {
      const saved = await clientOf(options).webhookSave(url);
      if (options.json) return printJson(saved);
      process.stdout.write(`Webhook set to ${saved.webhook}\n`);
    }),
  );
  withExamples(withConnection(webhook.command('show').description('the webhook URL')), 'esimkit webhook show', 'esimkit webhook show --json').action(
    partnerAction(async (options: ConnectionOptions) => {
      const current = await clientOf(options).webhookQuery();
      if (options.json) return printJson(current);
      process.stdout.write(`${current.webhook ?? '(no webhook set)'}\n`);
    }),
  );
  withExamples(
    withConnection(webhook.command('listen').description('receive webhooks on 127.0.0.1 and print each event as it arrives (answers 200)')),
    'esimkit webhook listen --save                          # and point the account at it',
    'esimkit webhook listen --port 9000 --json',
    'esimkit webhook listen --save --secret "$WHSEC"        # WHSEC: from esimkit webhook secret rotate',
  )
    .option('--port <port>', 'port to listen on (0: any free port)', portNumber, 8081)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--secret <whsec>', 'verify Standard Webhooks signatures with this secret; refuse others with 401')
    .option('--save', "also set the account's webhook URL to this receiver")
    .action(partnerAction(listen));

  registerSecretCommands(webhook);

  const webhooks = withExamples(
    program.command('webhooks').description('esimkit: the webhook delivery log'),
    'esimkit webhooks log --status failed',
    'esimkit webhooks redeliver --failed-since 2026-01-01T00:00Z',
  );
  withExamples(
    withConnection(webhooks.command('log').description('events and their delivery attempts, newest first')),
    'esimkit webhooks log',
    'esimkit webhooks log --status failed --since 2026-01-01T00:00Z',
    'esimkit webhooks log --type ORDER_STATUS --page-size 10 --json',
  )
    .option('--status <status>', `only events in this state: ${STATUSES.join(', ')}`, deliveryStatus)
    .option('--type <notifyType>', 'only events of this type')
    .option('--since <time>', 'only events created at or after this time', timeArgument)
    .option('--page <n>', 'page number', positiveInteger, 1)
    .option('--page-size <n>', 'events per page', positiveInteger, 50)
    .action(
      partnerAction(async (options: ConnectionOptions & { status?: DeliveryStatus; type?: string; since?: Date; page: number; pageSize: number }) => {
        const log = await clientOf(options).webhookLog({
          ...(options.status ? { status: options.status } : {}),
          ...(options.type ? { notifyType: options.type } : {}),
          ...(options.since ? { since: options.since.toISOString() } : {}),
          pager: { pageNum: options.page, pageSize: options.pageSize },
        });
        if (options.json) return printJson(log);
        printTable(
          log.eventList.map((e) => ({
            notifyId: e.notifyId,
            type: e.notifyType,
            status: e.status,
            attempts: e.attempts,
            created: e.createTime,
            delivered: e.deliveredTime ?? '',
            next: e.nextAttemptTime ?? '',
            lastAttempt: lastAttempt(e.attemptList.at(-1)),
          })),
        );
        process.stdout.write(`page ${log.pager.pageNum}, ${log.eventList.length} of ${log.pager.total} events\n`);
      }),
    );
  withExamples(
    withConnection(webhooks.command('redeliver [notifyId]').description('send one event again (same notifyId), or every failed one since a time')),
    'esimkit webhooks redeliver "$NOTIFY_ID"',
    'esimkit webhooks redeliver --failed-since 2026-01-01T00:00Z',
  )
    .option('--failed-since <time>', 'every failed event created at or after this time', timeArgument)
    .action(
      partnerAction(async (notifyId: string | undefined, options: ConnectionOptions & { failedSince?: Date }) => {
        if (!notifyId === !options.failedSince) failWith('give either a notifyId or --failed-since <time>');
        const result = await clientOf(options).webhookRedeliver(notifyId ? { notifyId } : { failedSince: options.failedSince!.toISOString() });
        if (options.json) return printJson(result);
        process.stdout.write(`Redelivered ${result.redelivered} event${result.redelivered === 1 ? '' : 's'}.\n`);
      }),
    );
}

/** The longest overlap the server accepts: a week. */
const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

function overlapSeconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_OVERLAP_SECONDS) throw new InvalidArgumentError(`must be whole seconds, 0 to ${MAX_OVERLAP_SECONDS} (a week)`);
  return Number(value);
}

/**
 * The signing secret of the account's webhooks. `rotate` and `disable` go through the API
 * (any esimkit, local or remote); the API hands a secret out only when it makes one, so
 * `show` reads it from the database named by DATABASE_URL, as operator commands do.
 */
function registerSecretCommands(webhook: Command): void {
  const secret = withExamples(
    webhook.command('secret').description('the Standard Webhooks signing secret of the account (esimkit: deliveries carry webhook-signature)'),
    'esimkit webhook secret rotate',
    'esimkit webhook secret show',
  );
  withExamples(
    withConnection(secret.command('rotate').description('turn signing on with a new secret, or replace the secret; the previous one keeps signing beside it for --overlap')),
    'esimkit webhook secret rotate                 # prints the new whsec_... secret',
    'esimkit webhook secret rotate --overlap 3600  # the old secret signs for one more hour',
    'esimkit webhook secret rotate --overlap 0 --json',
  )
    .option('--overlap <seconds>', `how long the previous secret keeps signing beside the new one (default 86400; at most ${MAX_OVERLAP_SECONDS})`, overlapSeconds)
    .action(
      partnerAction(async (options: ConnectionOptions & { overlap?: number }) => {
        const result = await clientOf(options).rotateWebhookSecret(options.overlap !== undefined ? { overlapSeconds: options.overlap } : {});
        if (options.json) return printJson(result);
        process.stdout.write(`Webhook signing secret: ${result.secret}\n`);
        if (result.previousValidUntil) process.stdout.write(`The previous secret also signs until ${result.previousValidUntil}.\n`);
        process.stdout.write(`Verify deliveries with it, e.g. esimkit webhook listen --secret ${result.secret}\n`);
      }),
    );
  withExamples(withConnection(secret.command('disable').description('stop signing webhooks (both secrets are forgotten)')), 'esimkit webhook secret disable').action(
    partnerAction(async (options: ConnectionOptions) => {
      await clientOf(options).disableWebhookSigning();
      if (options.json) return printJson({ signing: false });
      process.stdout.write('Webhook signing is off.\n');
    }),
  );
  withExamples(
    secret
      .command('show')
      .description("the merchant's signing secrets, read from the database named by DATABASE_URL (operators; the API shows a secret only when rotate makes it)")
      .option('--access-code <code>', "the merchant's access code (env ESIMKIT_ACCESS_CODE)")
      .option('--json', 'print JSON'),
    'esimkit webhook secret show',
    'esimkit webhook secret show --access-code "$ESIMKIT_ACCESS_CODE" --json',
  ).action(async (options: { accessCode?: string; json?: boolean }) => {
    const accessCode = options.accessCode ?? process.env.ESIMKIT_ACCESS_CODE;
    if (!accessCode) failWith('no access code', "pass --access-code or set ESIMKIT_ACCESS_CODE (the merchant's RT-AccessCode)");
    // Loaded here: only this subcommand opens the database.
    const [{ webhookSigningState }, { withContext }] = await Promise.all([import('@esimkit/server'), import('../with-context.js')]);
    const state = await withContext((ctx) => webhookSigningState({ ctx, input: { accessCode } }));
    if (options.json) printJson(state);
    else if (!state.signing) process.stdout.write('Webhook signing is off (turn it on: esimkit webhook secret rotate).\n');
    else process.stdout.write(`Webhook signing secret: ${state.secret}\n`);
    if (!options.json && state.previousSecret) process.stdout.write(`Previous secret, signing until ${state.previousValidUntil}: ${state.previousSecret}\n`);
  });
}
