import type { LifecycleEvent } from './lifecycle/transitions.js';

// The edges of the world the domain talks to, declared here and implemented by adapters:
// the simulated SM-DP+, device and network in sim/ (sandbox), operator inventory, and later
// a GSMA ES2+ client. Adapters hold no business rule and touch no eSIM row.

/** A downloadable profile as an SM-DP+ hands it out. */
export interface Profile {
  iccid: string;
  imsi: string;
  ac: string;
}

/** Where new profiles come from. */
export interface ProfileSource {
  mint(count: number): Promise<Profile[]>;
}

/** What an SM-DP+ and the device report about a profile, as lifecycle events. */
export type ProfileNotification = Extract<LifecycleEvent, 'DOWNLOAD' | 'DOWNLOAD_FAILED' | 'INSTALL' | 'ENABLE' | 'DISABLE' | 'DELETE'>;

export type DeviceAction = 'disable' | 'enable' | 'delete';

/** A handset with an eUICC, as the user works it. */
export interface Device {
  /** The steps a profile download reports, on the device with this EID (one is made up when not given). */
  install(options: { eid?: string | undefined; fail: boolean }): { eid: string; notifications: ProfileNotification[] };
  act(action: DeviceAction): ProfileNotification;
}

/** A plan's data limits as the network enforces them. */
export interface PlanLimits {
  /** 1 total volume; 2 daily allowance then slowed; 3 daily allowance then cut off; 4 daily unlimited. */
  dataType: number;
  totalVolume: number;
  dailyAllowance: number;
}

export interface UsageSoFar {
  total: number;
  today: number;
  usedUp: boolean;
}

/** The mobile network: how much of a device's use it carries under the plan's limits. */
export interface Network {
  carry(limits: PlanLimits, used: UsageSoFar, bytes: number): { carried: number; throttled: boolean };
}

/** Why an SM-DP+ refused an ES2+ call (its functionExecutionStatus), as the domain records it. */
export interface SmdpRefusal {
  function: 'downloadOrder' | 'confirmOrder' | 'cancelOrder' | 'releaseProfile';
  status: 'Failed' | 'Expired';
  subjectCode: string;
  reasonCode: string;
  message?: string | undefined;
}

/**
 * The answer of one ES2+ call: done, refused by the SM-DP+ (final: the order fails), or the
 * SM-DP+ could not be reached or answered nonsense (transient: the step is retried later).
 */
export type SmdpOutcome<T> = { ok: true; value: T } | { ok: false; refused: SmdpRefusal } | { ok: false; unreachable: string };

/**
 * A real SM-DP+ over GSMA ES2+ (SGP.22 §5.3), as the allocation steps use it. Every call
 * carries the functionCallIdentifier the caller persisted before calling, so a retry after a
 * crash repeats the same call.
 */
export interface Es2Smdp {
  /** Reserves a profile: the given ICCID, or any available one of profileType. Answers its ICCID. */
  downloadOrder(call: { callId: string; profileType?: string | undefined; iccid?: string | undefined; eid?: string | undefined }): Promise<SmdpOutcome<{ iccid: string }>>;
  /** Releases it for download (releaseFlag true): the matching id and the SM-DP+ address of the activation code. */
  confirmOrder(call: { callId: string; iccid: string; eid?: string | undefined }): Promise<SmdpOutcome<{ matchingId: string; smdpAddress: string }>>;
  /** Ends a not-yet-downloaded order: Available returns the profile to stock, Unavailable retires it. */
  cancelOrder(call: { callId: string; iccid: string; matchingId?: string | undefined; finalProfileStatusIndicator: 'Available' | 'Unavailable' }): Promise<SmdpOutcome<Record<string, never>>>;
}
