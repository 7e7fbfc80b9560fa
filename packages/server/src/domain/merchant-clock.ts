import type { Db } from '../db/connect.js';
import { systemClock, type Clock } from '../lib/clock.js';

// Each merchant's time: real time plus the merchant's sandbox offset (always 0 in
// production). Everything a merchant's eSIMs, orders and events hold is on this clock; rate
// limits, signatures, leases, job due times and the webhook log's own records use real time.

export function merchantClock(offsetMs: number): Clock {
  return offsetMs === 0 ? systemClock : { now: () => new Date(Date.now() + offsetMs) };
}

/** The clock offsets of some merchants, read fresh (a clock may have moved in another process). */
export async function clockOffsets(db: Db, merchantIds: readonly number[]): Promise<Map<number, number>> {
  if (merchantIds.length === 0) return new Map();
  const rows = await db.kysely.selectFrom('merchants').select(['id', 'clock_offset_ms']).where('id', 'in', [...new Set(merchantIds)]).execute();
  return new Map(rows.map((r) => [Number(r.id), Number(r.clock_offset_ms)]));
}
