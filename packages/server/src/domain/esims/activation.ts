import type { EsimRow } from './find.js';

export const DAY_MS = 24 * 3600_000;

/** Daily plans (dataType 2-4) reset their allowance every 24 h from activation. */
export function isDailyPlan(esim: Pick<EsimRow, 'data_type'>): boolean {
  return esim.data_type !== 1;
}

/**
 * What activation changes (field-notes §6): validity runs from now for the plan's days, the
 * one-day-left warning is due a day before the end, and a daily plan's first reset a day on.
 */
export function activationFields(esim: Pick<EsimRow, 'total_duration' | 'data_type'>, now: Date) {
  const expired = now.getTime() + esim.total_duration * DAY_MS;
  return {
    activated_at: now.getTime(),
    expired_time: expired,
    validity_warn_at: expired - DAY_MS,
    daily_reset_at: isDailyPlan(esim) ? now.getTime() + DAY_MS : null,
  };
}
