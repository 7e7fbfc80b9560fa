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
