import type { Sequences } from '../db/sequences.js';
import { minuteStamp, sequenceSuffix } from '../lib/identifiers.js';

/** `B` + yyMMddHHmm (UTC) + sequence, e.g. `B23051616050537`. */
export async function newOrderNo(sequences: Sequences, now: Date): Promise<string> {
  const stamp = minuteStamp(now);
  return `B${stamp}${sequenceSuffix(await sequences.next(`order:${stamp}`))}`;
}

/** `count` esimTranNos (also used for topUpEsimTranNo): yyMMddHHmm + sequence, 14 digits. */
export async function newEsimTranNos(sequences: Sequences, now: Date, count: number): Promise<string[]> {
  const stamp = minuteStamp(now);
  const first = await sequences.next(`esim:${stamp}`, count);
  return Array.from({ length: count }, (_, i) => `${stamp}${sequenceSuffix(first + i)}`);
}
