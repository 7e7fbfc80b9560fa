import type { Db } from '../db/connect.js';
import { nextSequence } from '../db/sequences.js';
import { minuteStamp, sequenceSuffix } from '../lib/identifiers.js';

/** `B` + yyMMddHHmm (UTC) + sequence, e.g. `B23051616050537`. */
export async function newOrderNo(db: Db, now: Date): Promise<string> {
  const stamp = minuteStamp(now);
  return `B${stamp}${sequenceSuffix(await nextSequence(db, `order:${stamp}`))}`;
}

/** `count` esimTranNos (also used for topUpEsimTranNo): yyMMddHHmm + sequence, 14 digits. */
export async function newEsimTranNos(db: Db, now: Date, count: number): Promise<string[]> {
  const stamp = minuteStamp(now);
  const first = await nextSequence(db, `esim:${stamp}`, count);
  return Array.from({ length: count }, (_, i) => `${stamp}${sequenceSuffix(first + i)}`);
}
