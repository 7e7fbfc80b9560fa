import { z } from 'zod';
import { recentFailedDeliveries, webhookHealth } from '../../domain/webhooks/health.js';
import { operatorRoute } from './endpoint.js';
import { isoOrNull, iso, MerchantId, Time } from './fields.js';

// Webhook delivery health across merchants: what waits, what arrived, what gave up (over the
// webhook log WEBHOOK_RETENTION_DAYS keeps), and the newest deliveries that gave up.

export const webhookRoutes = [
  operatorRoute({
    name: 'operator.webhook.health',
    path: '/api/v1/operator/webhook/health',
    summary: 'Webhook events per merchant by delivery state, and the newest failed deliveries with their last attempt',
    scope: 'webhooks:read',
    request: z.object({
      merchantId: MerchantId.optional().describe('Only this merchant'),
      failedLimit: z.number().int().min(0).max(200).default(20).describe('How many failed deliveries to list (default 20)'),
    }),
    response: z.object({
      merchantList: z.array(
        z.object({
          merchantId: z.number().int(),
          merchantName: z.string(),
          webhookUrl: z.string().nullable(),
          pending: z.number().int(),
          delivered: z.number().int(),
          failed: z.number().int(),
          noEndpoint: z.number().int().describe('Events recorded while the merchant had no URL'),
          oldestPendingAt: Time.nullable(),
        }),
      ),
      failedList: z.array(
        z.object({
          eventId: z.number().int(),
          merchantId: z.number().int(),
          merchantName: z.string(),
          notifyType: z.string(),
          attempts: z.number().int(),
          createdAt: Time,
          lastStatusCode: z.number().int().nullable().describe('HTTP status of the last attempt; null: no answer'),
          lastError: z.string().nullable(),
          lastUrl: z.string().nullable(),
        }),
      ),
    }),
    errors: [],
    async handle(ctx, input) {
      const [health, failed] = await Promise.all([
        webhookHealth({ ctx }),
        input.failedLimit === 0 ? Promise.resolve([]) : recentFailedDeliveries({ ctx, input: { merchantId: input.merchantId, limit: input.failedLimit } }),
      ]);
      return {
        merchantList: health.filter((h) => input.merchantId === undefined || h.merchantId === input.merchantId).map((h) => ({ ...h, oldestPendingAt: isoOrNull(h.oldestPendingAt) })),
        failedList: failed.map((f) => ({ ...f, createdAt: iso(f.createdAt) })),
      };
    },
  }),
];
