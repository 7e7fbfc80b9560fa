import { NotificationPoint, failedStatus, successStatus } from '../../es2plus/wire.js';
import { randomEid } from '../device.js';
import { sendDownloadProgress, type OperatorEndpoint, type SentNotification } from './notifier.js';
import type { ProfileStore, SmdpProfile } from './profiles.js';

// What a handset does with a released profile, as the SM-DP+ sees it and reports it to the
// operator: download and install it (points 3 and 4, then the eUICC's enable notification),
// a download that fails, and later enable / disable / delete (the configured points).

export type LaterAction = 'enable' | 'disable' | 'delete';

export class DeviceActionError extends Error {}

export interface DeviceDeps {
  store: ProfileStore;
  operator: OperatorEndpoint | undefined;
  /** notificationPointId of each later notification (the operator's ES2_NOTIFICATION_POINTS). */
  laterPoints: Readonly<Record<LaterAction, number>>;
}

export interface DeviceResult {
  iccid: string;
  eid: string | undefined;
  state: SmdpProfile['state'];
  enabled: boolean;
  notifications: SentNotification[];
}

/** The profile a device action names by ICCID or by matching id. */
export function findProfile(store: ProfileStore, ref: { iccid?: unknown; matchingId?: unknown }): SmdpProfile {
  const profile =
    typeof ref.iccid === 'string' ? store.get(ref.iccid.replace(/[fF]$/, '')) : typeof ref.matchingId === 'string' ? store.byMatchingId(ref.matchingId) : undefined;
  if (!profile) throw new DeviceActionError('no profile with that iccid or matchingId');
  return profile;
}

function result(profile: SmdpProfile, notifications: SentNotification[]): DeviceResult {
  return { iccid: profile.iccid, eid: profile.eid, state: profile.state, enabled: profile.enabled, notifications };
}

function notify(deps: DeviceDeps, profile: SmdpProfile, point: number, status = successStatus) {
  return sendDownloadProgress(deps.operator, { iccid: profile.iccid, profileType: profile.profileType, eid: profile.eid, notificationPointId: point, status });
}

/** Downloads, installs and enables a Released profile on a device with this EID (made up when not given). */
export async function installOnDevice(deps: DeviceDeps, profile: SmdpProfile, eid: string | undefined): Promise<DeviceResult> {
  if (profile.state !== 'Released') throw new DeviceActionError(`profile ${profile.iccid} is ${profile.state}: only a Released profile can be downloaded`);
  if (eid !== undefined && profile.eid !== undefined && profile.eid !== eid) throw new DeviceActionError(`profile ${profile.iccid} is linked to EID ${profile.eid}`);
  profile.eid ??= eid ?? randomEid();
  const sent: SentNotification[] = [];
  profile.state = 'Downloaded';
  sent.push(await notify(deps, profile, NotificationPoint.bppDownload));
  profile.state = 'Installed';
  sent.push(await notify(deps, profile, NotificationPoint.bppInstallation));
  profile.enabled = true;
  sent.push(await notify(deps, profile, deps.laterPoints.enable));
  return result(profile, sent);
}

/**
 * A download that fails. `eligibility`: the SM-DP+ gives up before any download (point 1,
 * Failed: retries exhausted); `installation`: the package reaches the device but does not
 * install (point 3, then point 4 Failed). Either way the profile stays Released.
 */
export async function failDownload(deps: DeviceDeps, profile: SmdpProfile, stage: 'eligibility' | 'installation', eid: string | undefined): Promise<DeviceResult> {
  if (profile.state !== 'Released') throw new DeviceActionError(`profile ${profile.iccid} is ${profile.state}: only a Released profile can be downloaded`);
  const linked = profile.eid;
  profile.eid ??= eid ?? randomEid();
  const sent: SentNotification[] = [];
  if (stage === 'eligibility') {
    sent.push(await notify(deps, profile, NotificationPoint.eligibilityCheck, failedStatus('8.1', '6.4', 'download retries exhausted')));
  } else {
    sent.push(await notify(deps, profile, NotificationPoint.bppDownload));
    sent.push(await notify(deps, profile, NotificationPoint.bppInstallation, failedStatus('8.1', '4.2', 'the eUICC could not install the profile')));
  }
  profile.eid = linked;
  return result(profile, sent);
}

/** The eUICC enables, disables or deletes an installed profile and says so. */
export async function actOnDevice(deps: DeviceDeps, profile: SmdpProfile, action: LaterAction): Promise<DeviceResult> {
  if (profile.state !== 'Installed') throw new DeviceActionError(`profile ${profile.iccid} is ${profile.state}: only an Installed profile can be ${action}d`);
  if (action === 'enable' && profile.enabled) throw new DeviceActionError(`profile ${profile.iccid} is already enabled`);
  if (action === 'disable' && !profile.enabled) throw new DeviceActionError(`profile ${profile.iccid} is already disabled`);
  if (action === 'delete') profile.state = 'Deleted';
  profile.enabled = action === 'enable';
  return result(profile, [await notify(deps, profile, deps.laterPoints[action])]);
}
