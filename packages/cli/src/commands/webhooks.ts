import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhookEvent, verifyWebhook, WebhookDeduper, WebhookParseError, type WebhookEvent } from '@esimkit/sdk';
import { InvalidArgumentError, type Command } from 'commander';
import { printJson, printTable } from '../output.js';
import { clientOf, failWith, partnerAction, portNumber, positiveInteger, timeArgument, withConnection, type ConnectionOptions } from '../partner-client.js';

// `webhook set/show/listen`: the account's webhook URL and a local receiver that prints what
// arrives; `webhooks log/redeliver`: esimkit's delivery log.
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
  const webhook = program.command('webhook').description("the account's webhook URL, and a local receiver");
  withConnection(webhook.command('set <url>').description('set the webhook URL (it must answer the CHECK_HEALTH sent first with a 2xx)')).action(
    partnerAction(async (url: string, options: ConnectionOptions) => {
      const saved = await clientOf(options).webhookSave(url);
      if (options.json) return printJson(saved);
      process.stdout.write(`Webhook set to ${saved.webhook}\n`);
    }),
  );
  withConnection(webhook.command('show').description('the webhook URL')).action(
    partnerAction(async (options: ConnectionOptions) => {
      const current = await clientOf(options).webhookQuery();
      if (options.json) return printJson(current);
      process.stdout.write(`${current.webhook ?? '(no webhook set)'}\n`);
    }),
  );
  withConnection(webhook.command('listen').description('receive webhooks on 127.0.0.1 and print each event as it arrives (answers 200)'))
    .option('--port <port>', 'port to listen on (0: any free port)', portNumber, 8081)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--secret <whsec>', 'verify Standard Webhooks signatures with this secret; refuse others with 401')
    .option('--save', "also set the account's webhook URL to this receiver")
    .action(partnerAction(listen));

  const webhooks = program.command('webhooks').description('esimkit: the webhook delivery log');
  withConnection(webhooks.command('log').description('events and their delivery attempts, newest first'))
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
  withConnection(webhooks.command('redeliver [notifyId]').description('send one event again (same notifyId), or every failed one since a time'))
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
