import { z } from 'zod';
import { webhookExamples } from './examples.js';
import { toJsonSchema } from './json-schema.js';

// The webhook events as data: the envelope and each notifyType's content, as the vendor's
// examples show them (field-notes §7). The server builds bodies typed by these; the SDK
// parses incoming bodies with them; the AsyncAPI document is generated from them.
const EventTime = z.string().describe('UTC, ISO 8601 with Z, e.g. 2025-07-21T10:57:28Z');

export const OrderStatusContent = z.object({
  orderNo: z.string(),
  orderStatus: z.literal('GOT_RESOURCE'),
  transactionId: z.string(),
});

export const EsimStatusContent = z.object({
  orderNo: z.string(),
  esimTranNo: z.string(),
  transactionId: z.string(),
  iccid: z.string(),
  esimStatus: z.string().describe('IN_USE, USED_UP, USED_EXPIRED, UNUSED_EXPIRED, CANCEL, SUSPENDED, REVOKED'),
  smdpStatus: z.string(),
});

export const SmdpEventContent = z.object({
  eid: z.string(),
  iccid: z.string(),
  esimStatus: z.string(),
  smdpStatus: z.string().describe('DOWNLOAD, INSTALLATION, ENABLED, DISABLED, DELETED, RELEASED'),
  orderNo: z.string(),
  esimTranNo: z.string(),
  transactionId: z.string(),
});

export const DataUsageContent = z.object({
  orderNo: z.string(),
  transactionId: z.string(),
  esimTranNo: z.string(),
  iccid: z.string(),
  totalVolume: z.number().int(),
  orderUsage: z.number().int(),
  remain: z.number().int(),
  lastUpdateTime: EventTime,
  remainThreshold: z.number().describe('The remaining share that was reached: 0.5, 0.25 or 0.1 by default'),
});

export const ValidityUsageContent = z.object({
  orderNo: z.string(),
  transactionId: z.string(),
  iccid: z.string(),
  esimTranNo: z.string(),
  durationUnit: z.literal('DAY'),
  totalDuration: z.number().int(),
  expiredTime: EventTime,
  remain: z.number().int().describe('Days of validity left'),
});

export const CheckHealthContent = z.object({ orderNo: z.literal('1234567890'), orderStatus: z.literal('Test') });

function eventSchema<T extends string, C extends z.ZodType>(type: T, content: C) {
  return z.object({
    notifyType: z.literal(type),
    eventGenerateTime: EventTime,
    notifyId: z.string().regex(/^[0-9a-f]{32}$/).describe('32 hex; the same on every retry: deduplicate on it'),
    content,
  });
}

export const webhookEventSchemas = {
  ORDER_STATUS: eventSchema('ORDER_STATUS', OrderStatusContent),
  ESIM_STATUS: eventSchema('ESIM_STATUS', EsimStatusContent),
  SMDP_EVENT: eventSchema('SMDP_EVENT', SmdpEventContent),
  DATA_USAGE: eventSchema('DATA_USAGE', DataUsageContent),
  VALIDITY_USAGE: eventSchema('VALIDITY_USAGE', ValidityUsageContent),
  CHECK_HEALTH: eventSchema('CHECK_HEALTH', CheckHealthContent),
} as const;

export const WebhookEvent = z.discriminatedUnion('notifyType', [
  webhookEventSchemas.ORDER_STATUS,
  webhookEventSchemas.ESIM_STATUS,
  webhookEventSchemas.SMDP_EVENT,
  webhookEventSchemas.DATA_USAGE,
  webhookEventSchemas.VALIDITY_USAGE,
  webhookEventSchemas.CHECK_HEALTH,
]);

export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type NotifyType = keyof typeof webhookEventSchemas;
export type WebhookContent<T extends NotifyType> = z.infer<(typeof webhookEventSchemas)[T]>['content'];

const descriptions: Record<NotifyType, string> = {
  ORDER_STATUS: 'An order’s profiles are allocated and ready to query (not sent for top-ups).',
  ESIM_STATUS: 'An eSIM’s esimStatus changed after allocation.',
  SMDP_EVENT: 'The profile’s state on the SM-DP+ changed (download, installation, enable, disable, delete).',
  DATA_USAGE: 'The remaining data of an eSIM fell to a threshold; once per threshold until a top-up.',
  VALIDITY_USAGE: 'One day of validity is left.',
  CHECK_HEALTH: 'Sent when a webhook URL is saved; the URL is kept only if this gets a 2xx.',
};

/** An AsyncAPI 3.0 document of the webhook events, generated from the schemas above. */
export function buildAsyncApi(options: { version: string }): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const [type, schema] of Object.entries(webhookEventSchemas)) {
    const payload = toJsonSchema(schema);
    messages[type] = {
      name: type,
      title: type,
      summary: descriptions[type as NotifyType],
      contentType: 'application/json',
      payload,
      examples: [{ name: type.toLowerCase(), payload: webhookExamples[type as NotifyType] }],
    };
    operations[`receive${type}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/partnerWebhook' },
      messages: [{ $ref: `#/channels/partnerWebhook/messages/${type}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'esimkit webhooks',
      version: options.version,
      description:
        'esimkit POSTs these JSON bodies to the merchant’s webhook URL, at least once, retrying on anything but a 2xx ' +
        'with the same notifyId. Opt-in signing follows Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).',
    },
    channels: {
      partnerWebhook: {
        address: '{webhookUrl}',
        parameters: { webhookUrl: { description: 'The URL saved with webhook/save' } },
        messages: Object.fromEntries(Object.keys(messages).map((type) => [type, { $ref: `#/components/messages/${type}` }])),
      },
    },
    operations,
    components: { messages },
  };
}
