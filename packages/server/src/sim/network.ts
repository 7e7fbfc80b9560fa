import type { Network, PlanLimits, UsageSoFar } from '../domain/ports.js';

// The simulated mobile network's metering: a total-data plan stops at its volume; a daily
// plan counts against its daily allowance (dataType 2 slows past it, 3 cuts off, 4 is
// unlimited); a used-up eSIM gets nothing.
export class SimulatedNetwork implements Network {
  carry(limits: PlanLimits, used: UsageSoFar, bytes: number): { carried: number; throttled: boolean } {
    if (used.usedUp) return { carried: 0, throttled: false };
    if (limits.dataType === 1) return { carried: clamp(bytes, limits.totalVolume - used.total), throttled: false };
    if (limits.dataType === 3) return { carried: clamp(bytes, limits.dailyAllowance - used.today), throttled: false };
    return { carried: bytes, throttled: limits.dataType === 2 && used.today + bytes > limits.dailyAllowance };
  }
}

function clamp(bytes: number, room: number): number {
  return Math.max(0, Math.min(bytes, room));
}
