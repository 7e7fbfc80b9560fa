/** Everything that reads "now" reads it from a Clock, so the sandbox can control time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
