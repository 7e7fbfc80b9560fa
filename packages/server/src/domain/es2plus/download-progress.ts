import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { applyProfileNotificationsIn } from '../esims/profile-notifications.js';
import { merchantClock } from '../merchant-clock.js';
import type { ProfileNotification } from '../ports.js';

// What an SM-DP+ reports through handleDownloadProgressInfo (SGP.22 §5.3.5), taken in once per
// functionCallIdentifier and turned into the eSIM's lifecycle events, exactly as the
// sandbox's simulated device reports them (docs/decisions.md, "ES2+ notifications").

/** A notification the HTTP layer has already checked field by field. */
export interface DownloadProgress {
  callId: string;
  /** Stored form: no trailing F. */
  iccid: string;
  notificationPointId: number;
  /** notificationPointStatus.status: Executed-Success, Executed-WithWarning, Failed or Expired. */
  status: string;
  eid?: string | undefined;
}

/**
 * What became of it, as stored in es2_notifications.outcome:
 * - applied: the eSIM moved;
 * - ignored: the lifecycle does not allow the event now (it was refused with 200002);
 * - recorded: a failure or a point with no event; kept, the eSIM unchanged;
 * - replayed: this call id was taken in before; nothing was done (not stored again).
 * An unknown ICCID is refused, not stored: the SM-DP+ is told, and nothing changes.
 */
export type ProgressOutcome = 'applied' | 'ignored' | 'recorded' | 'replayed' | 'unknown-iccid';

/** The lifecycle events a notification stands for, given the profile's SM-DP+ status now. */
export function eventsFor(progress: DownloadProgress, smdpStatus: string, laterPoints: ReadonlyMap<number, 'ENABLE' | 'DISABLE' | 'DELETE'>): ProfileNotification[] {
  const point = progress.notificationPointId;
  const failure = !progress.status.startsWith('Executed-') || point === 1 || point === 2;
  // A failed download puts a profile being downloaded back to RELEASED, as the sandbox's
  // failed install does; a failure before the download started moves nothing.
  if (failure) return smdpStatus === 'DOWNLOAD' ? ['DOWNLOAD_FAILED'] : [];
  if (point === 3) return ['DOWNLOAD'];
  // Installed is not enabled: the device enables the profile and says so with its own
  // notification point (the simulated SM-DP+ forwards it right after, as the sandbox does).
  if (point === 4) return ['INSTALL'];
  const later = laterPoints.get(point);
  return later ? [later] : [];
}

export async function takeDownloadProgress(ctx: ServiceContext, progress: DownloadProgress): Promise<ProgressOutcome> {
  const db = ctx.db.kysely;
  if (await alreadyTaken(db, progress.callId)) return 'replayed';
  // A reused ICCID (a profile returned to stock and sold again) names its latest eSIM.
  const esim = await db
    .selectFrom('esims')
    .select(['id', 'merchant_id', 'smdp_status'])
    .where('iccid', '=', progress.iccid)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!esim) return 'unknown-iccid';
  const esimId = Number(esim.id);
  const offset = await db.selectFrom('merchants').select('clock_offset_ms').where('id', '=', esim.merchant_id).executeTakeFirstOrThrow();
  const merchantCtx: ServiceContext = { ...ctx, clock: merchantClock(Number(offset.clock_offset_ms)) };

  // Once more after a refusal: 200002 also means the eSIM changed while this ran.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const outcome = await db.transaction().execute(async (tx) => {
        const current = await tx.selectFrom('esims').select('smdp_status').where('id', '=', esimId).executeTakeFirstOrThrow();
        const events = eventsFor(progress, current.smdp_status, ctx.config.es2.notificationPoints);
        const outcome = events.length > 0 ? 'applied' : 'recorded';
        if (!(await record(tx, ctx, progress, esimId, outcome))) return 'replayed';
        if (events.length > 0) await applyProfileNotificationsIn(tx, merchantCtx, esimId, events, { actor: 'device', ...(progress.eid ? { eid: progress.eid } : {}) });
        return outcome;
      });
      if (outcome === 'applied') ctx.wakeJobs?.();
      return outcome;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === '200002')) throw error;
    }
  }
  // Not allowed now (a late or out-of-order notification): kept as ignored and still
  // acknowledged, so the SM-DP+ does not retry it forever.
  return (await db.transaction().execute((tx) => record(tx, ctx, progress, esimId, 'ignored'))) ? 'ignored' : 'replayed';
}

async function alreadyTaken(db: ServiceContext['db']['kysely'], callId: string): Promise<boolean> {
  return (await db.selectFrom('es2_notifications').select('call_id').where('call_id', '=', callId).executeTakeFirst()) !== undefined;
}

/** Stores the notification; false when its call id is already stored (a concurrent replay). */
async function record(tx: Transaction<Database>, ctx: ServiceContext, progress: DownloadProgress, esimId: number, outcome: ProgressOutcome): Promise<boolean> {
  const result = await tx
    .insertInto('es2_notifications')
    .values({
      call_id: progress.callId,
      iccid: progress.iccid,
      notification_point: progress.notificationPointId,
      status: progress.status,
      esim_id: esimId,
      outcome,
      received_at: Date.now(),
    })
    .onConflict((oc) => oc.column('call_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
