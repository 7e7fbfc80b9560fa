import { allocateOrder, allocateOrders, failOrderById } from '../domain/orders/allocate.js';
import { cancelEs2Profile } from '../domain/orders/es2-cancellation.js';
import type { Es2Smdp, ProfileSource } from '../domain/ports.js';
import { scheduleNextSweep, sweepJob } from '../domain/sweeps/run.js';
import { runUsageReport } from '../domain/usage/report.js';
import { deliverWebhooks, failDeliveries } from '../domain/webhooks/deliver.js';
import { deliverWebhookBatch } from '../domain/webhooks/deliver-batch.js';
import type { JobHandlers } from './runner.js';

/** The handler of every job kind in the catalogue (catalog.ts); the compiler checks both match. */
export function jobHandlers(deps: { smdp: ProfileSource; es2?: Es2Smdp | undefined }): JobHandlers {
  return {
    'allocate-order': {
      run: (ctx, payload, job) => allocateOrder(ctx, deps.smdp, payload.orderId, job, deps.es2),
      runBatch: (ctx, batch, finishAllIn) => allocateOrders(ctx, deps.smdp, batch.map(({ payload, job }) => ({ orderId: payload.orderId, job })), deps.es2, finishAllIn),
      // An order that cannot be allocated is failed and refunded, as a sandbox fault is.
      failed: (ctx, payload, error) => failOrderById(ctx, payload.orderId, `allocation failed: ${firstLine(error)}`),
    },
    'report-usage': { run: (ctx, payload) => runUsageReport(ctx, payload) },
    'deliver-webhook': {
      run: (ctx, payload, job) => deliverWebhooks(ctx, payload.eventIds, job),
      runBatch: (ctx, batch, finishAllIn) => deliverWebhookBatch(ctx, batch.map(({ payload, job }) => ({ eventIds: payload.eventIds, leaseUntil: job.leaseUntil })), finishAllIn),
      failed: (ctx, payload) => failDeliveries(ctx, payload.eventIds),
    },
    sweep: {
      run: (ctx) => sweepJob(ctx),
      // The sweep schedules its successor when it ends; one that failed for good must too.
      failed: (ctx) => scheduleNextSweep(ctx),
    },
    'cancel-es2-profile': { run: (ctx, payload) => cancelEs2Profile(ctx, deps.es2, payload) },
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.slice(0, 200);
}
