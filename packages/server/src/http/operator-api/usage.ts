import { z } from 'zod';
import { importUsageRecords } from '../../domain/usage/records.js';
import { IMPORT_BODY_LIMIT, operatorRoute } from './endpoint.js';

// Usage records from the network: data carried per ICCID over a period, applied once each
// (by recordId) as the sandbox's network use is. docs/usage-records.md says what is rejected.

export const usageRoutes = [
  operatorRoute({
    name: 'operator.usage.records',
    path: '/api/v1/operator/usage/records',
    summary: 'Post a batch of usage records; each is applied once (by recordId), or rejected on its own with why',
    scope: 'usage:write',
    request: z.object({
      records: z
        .array(
          z.object({
            recordId: z.string().describe('The network’s id of the record: 1-128 visible ASCII characters; a record sent again is a duplicate'),
            iccid: z.string().describe('18-20 digits; a trailing F is dropped'),
            bytes: z.number().describe('Bytes carried, a whole number 0 or more'),
            periodStart: z.number().describe('Epoch milliseconds'),
            periodEnd: z.number().describe('Epoch milliseconds, not before periodStart nor in the future'),
          }),
        )
        .min(1)
        .max(10_000),
    }),
    response: z.object({
      accepted: z.number().int().describe('Records applied now'),
      duplicates: z.number().int().describe('Records whose recordId was seen before: nothing changed'),
      rejected: z.array(z.object({ recordId: z.string(), reason: z.string() })).describe('Records not applied and not kept; sending one again later may apply it'),
    }),
    errors: [],
    bodyLimit: IMPORT_BODY_LIMIT,
    handle: (ctx, input) => importUsageRecords(ctx, input.records),
  }),
];
