import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';
import { applyEsimEvents } from '../lifecycle/apply.js';
import type { Actor } from '../lifecycle/record.js';
import type { ProfileNotification } from '../ports.js';
import { activationFields } from './activation.js';
import { lockEsim } from './lock.js';

/**
 * Applies what the SM-DP+ and the device report about an eSIM's profile, in order, in one
 * transaction: the statuses through the lifecycle (refused with 200002 where not allowed),
 * the EID the profile is bound to once installed, and, for a plan that activates on
 * installation (activeType 1), the start of its validity when it goes into use.
 */
export async function applyProfileNotifications(
  ctx: ServiceContext,
  esimId: number,
  notifications: readonly ProfileNotification[],
  options: { actor: Actor; eid?: string },
): Promise<void> {
  await ctx.db.kysely.transaction().execute((tx) => applyProfileNotificationsIn(tx, ctx, esimId, notifications, options));
  ctx.wakeJobs?.();
}

/**
 * The same in the caller's transaction, for a caller that writes something with it (the ES2+
 * notification endpoint records the notification it took in). The caller wakes the jobs.
 */
export async function applyProfileNotificationsIn(
  tx: Transaction<Database>,
  ctx: ServiceContext,
  esimId: number,
  notifications: readonly ProfileNotification[],
  options: { actor: Actor; eid?: string },
): Promise<void> {
  const now = ctx.clock.now();
  const esim = await lockEsim(tx, ctx.db.dialect, esimId);
  // The EID is bound once the profile reaches a device: installed, or downloaded (an SM-DP+
  // reports the download to the EID on its own, before the installation); a download that
  // fails unbinds it again.
  const installs = notifications.includes('INSTALL');
  const failsDownload = !installs && notifications.includes('DOWNLOAD_FAILED');
  const binds = installs || (notifications.includes('DOWNLOAD') && !failsDownload);
  const goesIntoUse = esim.esim_status === 'GOT_RESOURCE' && notifications.includes('ENABLE');
  const activates = goesIntoUse && esim.active_type === 1 && esim.activated_at === null;
  await applyEsimEvents(tx, esim, notifications, {
    actor: options.actor,
    at: now,
    set: { ...(binds && options.eid ? { eid: options.eid } : {}), ...(failsDownload ? { eid: '' } : {}), ...(activates ? activationFields(esim, now) : {}) },
  });
}
