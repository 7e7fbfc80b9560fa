import type { Device, DeviceAction, ProfileNotification } from '../domain/ports.js';
import { eidWithCheckDigits } from '../lib/identifiers.js';
import { randomHex } from '../lib/random.js';

// A simulated handset and its eUICC. Installing a profile reports each step the SM-DP+ and
// the device would (RELEASED -> DOWNLOAD -> INSTALLATION -> ENABLED), or a download that
// breaks off; the domain decides what the steps do to the eSIM.

export function randomEid(): string {
  const digits = BigInt(`0x${randomHex(12)}`).toString().padStart(24, '0').slice(0, 24);
  return eidWithCheckDigits(`890490${digits}`);
}

const ACTIONS: Record<DeviceAction, ProfileNotification> = { disable: 'DISABLE', enable: 'ENABLE', delete: 'DELETE' };

export class SimulatedDevice implements Device {
  install(options: { eid?: string | undefined; fail: boolean }): { eid: string; notifications: ProfileNotification[] } {
    return { eid: options.eid ?? randomEid(), notifications: options.fail ? ['DOWNLOAD', 'DOWNLOAD_FAILED'] : ['DOWNLOAD', 'INSTALL', 'ENABLE'] };
  }

  act(action: DeviceAction): ProfileNotification {
    return ACTIONS[action];
  }
}
