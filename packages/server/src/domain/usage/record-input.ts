// Checks one usage record as the network sent it, before anything is looked up or written.
// Each bad record is rejected with its reason on its own; the others of the batch still apply.

import { readIccid } from '../../lib/iccid.js';

/** One usage record from the network: `bytes` carried for `iccid` over a period (epoch ms, real time). */
export interface UsageRecordInput {
  recordId: string;
  iccid: string;
  bytes: number;
  periodStart: number;
  periodEnd: number;
}

/** A record that passed the checks, its ICCID as stored (no trailing F). */
export type CheckedUsageRecord = UsageRecordInput;

/** How far ahead of our clock a period may end: the network's clock may run a little fast. */
export const FUTURE_SKEW_MS = 5 * 60_000;

const RECORD_ID = /^[\x21-\x7e]{1,128}$/;
/**
 * An ICCID as stored: 18 to 20 digits, or 19 with one trailing F (dropped); undefined when it
 * is not one. The same reader as ES2+'s (lib/iccid.ts), so both sides agree on an ICCID.
 */
export const storedIccid = readIccid;

/** The record made ready to apply, or why it is rejected. `now` is real time (the network's). */
export function checkUsageRecord(record: UsageRecordInput, now: number): { record: CheckedUsageRecord } | { reason: string } {
  if (typeof record.recordId !== 'string' || !RECORD_ID.test(record.recordId)) {
    return { reason: 'recordId must be 1 to 128 visible ASCII characters (no spaces)' };
  }
  const iccid = storedIccid(record.iccid);
  if (iccid === undefined) return { reason: 'iccid must be 18 to 20 digits (a 19-digit one may end in F)' };
  if (!Number.isSafeInteger(record.bytes) || record.bytes < 0) return { reason: 'bytes must be a whole number of bytes, 0 or more' };
  for (const name of ['periodStart', 'periodEnd'] as const) {
    if (!Number.isSafeInteger(record[name]) || record[name] < 0) return { reason: `${name} must be a time in epoch milliseconds` };
  }
  if (record.periodEnd < record.periodStart) return { reason: 'periodEnd is before periodStart' };
  if (record.periodEnd > now + FUTURE_SKEW_MS) return { reason: 'periodEnd is in the future' };
  return { record: { recordId: record.recordId, iccid, bytes: record.bytes, periodStart: record.periodStart, periodEnd: record.periodEnd } };
}
