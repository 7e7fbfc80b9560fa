import { allocateOrder } from '../domain/orders/allocate.js';
import { ALLOCATE_ORDER } from '../domain/orders/place.js';
import { deliverWebhooks } from '../domain/webhooks/deliver.js';
import { DELIVER_WEBHOOK } from '../domain/webhooks/emit.js';
import { REPORT_USAGE, runUsageReport } from '../domain/usage/report.js';
import { SWEEP, sweepJob } from '../domain/sweeps/run.js';
import type { ProfileSource } from '../domain/ports.js';
import type { JobHandler } from './runner.js';

/** The job catalogue: every kind of background work and the handler that does it. */
export function jobHandlers(deps: { smdp: ProfileSource }): Record<string, JobHandler> {
  return {
    [ALLOCATE_ORDER]: (ctx, payload: { orderId: number }, job) => allocateOrder(ctx, deps.smdp, payload.orderId, job),
    [SWEEP]: (ctx) => sweepJob(ctx),
    [REPORT_USAGE]: (ctx, payload: { esimId: number; metered: number }) => runUsageReport(ctx, payload),
    [DELIVER_WEBHOOK]: (ctx, payload: { eventIds: number[] }, job) => deliverWebhooks(ctx, payload.eventIds, job),
  };
}
