// The job catalogue: every kind of background work and its payload. enqueueJob and the
// handlers (handlers.ts) are both checked against it, so a wrong payload is a compile error.
export interface JobPayloads {
  /** Turns an accepted order into eSIMs: orders are answered at once and allocated later, as live. */
  'allocate-order': { orderId: number };
  /** Brings metered usage into orderUsage after the reporting lag (live: 2-3 h). */
  'report-usage': { esimId: number; metered: number };
  /** Delivers the webhook events one transaction wrote, in order; retries are jobs of their own. */
  'deliver-webhook': { eventIds: number[] };
  /** Once a minute: time-driven changes (validity warnings, daily resets, expiry) and housekeeping. */
  sweep: Record<string, never>;
  /** Gives a profile reserved at a real SM-DP+ back (ES2+ cancelOrder): its order failed or its eSIM was cancelled. */
  'cancel-es2-profile': {
    profileId: number;
    /** The row's cancelOrder fields, when the row is deleted before the job runs (a sandbox reset). */
    detached?: { iccid: string; callId: string; matchingId: string | null; since: number };
  };
}

export type JobKind = keyof JobPayloads;

/** One line on why each kind is a job rather than work done in the request (docs/architecture.md). */
export const jobKinds: Record<JobKind, string> = {
  'allocate-order': 'allocation is asynchronous on the live service, and an SM-DP+ call must not hold the order request',
  'report-usage': 'usage reaches the API hours after it happens on the live service (USAGE_LAG_SECONDS)',
  'deliver-webhook': 'a slow or dead receiver must never slow the change that caused the event; retries follow a schedule',
  sweep: 'validity and daily allowances run out with time, not with a request',
  'cancel-es2-profile': 'the SM-DP+ may be down when an order fails or an eSIM is cancelled; the cancelOrder must still happen, retried',
};
