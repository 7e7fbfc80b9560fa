import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Pager, WireTime } from '../fields.js';

const WebhookUrl = z.string().min(1).max(2048).describe('http(s) URL that receives the events');

export const webhookSave = endpoint({
  name: 'webhook.save',
  path: '/api/v1/open/webhook/save',
  summary: 'Set the webhook URL; a CHECK_HEALTH event is sent to it first and it is saved only if that gets a 2xx',
  request: z.object({ webhook: WebhookUrl }),
  response: z.object({ webhook: z.string() }),
  successCode: '0',
  errors: ['000104'],
});

export const webhookQuery = endpoint({
  name: 'webhook.query',
  path: '/api/v1/open/webhook/query',
  summary: 'The saved webhook URL (null when none)',
  request: z.object({}),
  response: z.object({ webhook: z.string().nullable() }),
  successCode: '0',
  errors: [],
});

const Attempt = z.object({
  attempt: z.number().int(),
  time: WireTime,
  url: z.string(),
  statusCode: z.number().int().nullable().describe('HTTP status, null when no answer came'),
  latencyMs: z.number().int(),
  response: z.string().describe('The first bytes of the answer'),
  error: z.string().nullable(),
});

const DeliveryStatus = z.enum(['pending', 'delivered', 'failed', 'no_endpoint']);

export const webhookLog = endpoint({
  name: 'esimkit.webhook.log',
  path: '/api/v1/esimkit/webhook/log',
  summary: 'Delivery log: each event and each attempt, newest first',
  request: z.object({
    status: DeliveryStatus.optional(),
    notifyType: z.string().max(32).optional(),
    notifyId: z.string().max(32).optional(),
    since: z.string().max(40).optional().describe('Only events created at or after this time'),
    pager: Pager.optional(),
  }),
  response: z.object({
    eventList: z.array(
      z.object({
        notifyId: z.string(),
        notifyType: z.string(),
        status: DeliveryStatus,
        attempts: z.number().int(),
        createTime: WireTime,
        deliveredTime: WireTime.nullable(),
        nextAttemptTime: WireTime.nullable(),
        body: z.string().describe('The exact JSON body sent'),
        attemptList: z.array(Attempt),
      }),
    ),
    pager: z.object({ pageSize: z.number().int(), pageNum: z.number().int(), total: z.number().int() }),
  }),
  successCode: '0',
  errors: [],
});

export const webhookRedeliver = endpoint({
  name: 'esimkit.webhook.redeliver',
  path: '/api/v1/esimkit/webhook/redeliver',
  summary: 'Send one event again (notifyId), or every failed event since a time (failedSince); same notifyId',
  request: z.object({
    notifyId: z.string().max(32).optional(),
    failedSince: z.string().max(40).optional(),
  }),
  response: z.object({ redelivered: z.number().int() }),
  successCode: '0',
  errors: ['000105', '310403'],
});

export const webhookSecretRotate = endpoint({
  name: 'esimkit.webhook.secret.rotate',
  path: '/api/v1/esimkit/webhook/secret/rotate',
  summary: 'Turn on Standard Webhooks signing, or rotate its secret; the previous secret keeps signing for overlapSeconds',
  request: z.object({ overlapSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional().describe('Default 86400') }),
  response: z.object({ secret: z.string().describe('whsec_...'), previousValidUntil: WireTime.nullable() }),
  successCode: '0',
  errors: [],
});

export const webhookSecretDisable = endpoint({
  name: 'esimkit.webhook.secret.disable',
  path: '/api/v1/esimkit/webhook/secret/disable',
  summary: 'Stop signing webhooks',
  request: z.object({}),
  response: z.object({}),
  successCode: '0',
  errors: [],
});
