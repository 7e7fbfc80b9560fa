import type { Selectable, Transaction } from 'kysely';
import type { Database, Es2ProfilesTable, OrdersTable } from '../../db/schema.js';
import { activationCode } from '../../es2plus/wire.js';
import { RetryLater } from '../../jobs/retry-later.js';
import { randomHex } from '../../lib/random.js';
import type { ServiceContext } from '../context.js';
import type { Es2Smdp, Profile, SmdpOutcome, SmdpRefusal } from '../ports.js';
import { cancelRefusedEs2Profile, describeRefusal } from './es2-cancellation.js';

// Allocation from a real SM-DP+ over ES2+ (SGP.22 §5.3): per eSIM, downloadOrder (reserve a
// profile of the package's profileType) then confirmOrder with releaseFlag true (make it
// downloadable; its matchingId and address make the activation code). Each eSIM is one row
// of es2_profiles, and every step is persisted before the next is sent:
//
//   reserving --downloadOrder--> reserved (iccid) --confirmOrder--> released (matchingId,
//   smdpAddress) --the allocation's transaction--> esim_id set
//
// so a crash resumes where it stopped: a 'reserving' row sends downloadOrder again with the
// SAME functionCallIdentifier (the row's call_id), a 'reserved' row goes straight to
// confirmOrder (functionCallIdentifier `<call_id>-confirm`), never a second downloadOrder.
// The rows are written with the order (esim/order's transaction), which also fixes which
// eSIMs come from the SM-DP+ and with what profileType. Their times are real time (as job
// due times are), whatever the merchant's clock: they record talks with the SM-DP+.

export type Es2ProfileRow = Selectable<Es2ProfilesTable>;

/** The functionCallIdentifier of a row's confirmOrder: derived from its downloadOrder's, so a retry repeats it. */
export function confirmCallId(callId: string): string {
  return `${callId}-confirm`;
}

/** In esim/order's transaction: one row per eSIM the order needs from the SM-DP+. */
export async function planEs2Profiles(
  tx: Transaction<Database>,
  orderId: number,
  line: { packageCode: string; profileType: string; count: number },
): Promise<void> {
  const now = Date.now();
  const last = await tx.selectFrom('es2_profiles').select((eb) => eb.fn.max<number>('slot').as('slot')).where('order_id', '=', orderId).executeTakeFirst();
  const first = last?.slot === null || last?.slot === undefined ? 0 : Number(last.slot) + 1;
  await tx
    .insertInto('es2_profiles')
    .values(
      Array.from({ length: line.count }, (_, i) => ({
        order_id: orderId,
        slot: first + i,
        package_code: line.packageCode,
        profile_type: line.profileType,
        requested_iccid: null,
        call_id: newCallId(),
        state: 'reserving' as const,
        iccid: null,
        matching_id: null,
        smdp_address: null,
        esim_id: null,
        failure: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

/** Unique per call, as §6.5.1 asks; 32 hex characters. */
function newCallId(): string {
  return randomHex(16);
}

export type Es2Progress = { done: true; profiles: Es2ProfileRow[] } | { done: false; failure: string };

/**
 * Takes every es2_profiles row of the order to 'released', one persisted step at a time.
 * Done: the rows, in slot order, ready to become eSIMs. Not done: the order must fail (the
 * SM-DP+ refused a step, or stayed unreachable past ES2_RETRY_FOR_SECONDS), with the reason.
 * Throws RetryLater while the SM-DP+ is unreachable within that time.
 */
export async function releaseEs2Profiles(ctx: ServiceContext, smdp: Es2Smdp | undefined, order: Selectable<OrdersTable>, leaseUntil = Infinity): Promise<Es2Progress> {
  const rows = await ctx.db.kysely.selectFrom('es2_profiles').selectAll().where('order_id', '=', order.id).orderBy('slot').execute();
  // A refusal persisted by an earlier run that stopped before failing the order (a refused
  // row is 'failed', or 'cancelling'/'cancelled' when it held a profile: see stop()).
  const refused = rows.find((r) => r.failure !== null);
  if (refused) return { done: false, failure: refused.failure ?? 'the SM-DP+ refused a profile' };

  const released: Es2ProfileRow[] = [];
  // A call is not started unless it can end (ES2_TIMEOUT_MS) before the job's lease does:
  // past it another worker could take the job and send the same step again. The first call
  // of a run always goes (the run has a fresh lease, and config.ts keeps ES2_TIMEOUT_MS at
  // most 25 s, under the 30 s lease), so every run moves on.
  let calls = 0;
  const beforeLeaseEnds = () => {
    if (calls++ > 0 && Date.now() + ctx.config.es2.timeoutMs >= leaseUntil) throw new RetryLater('the lease ends before another ES2+ call could; going on at once', 0);
  };
  for (let row of rows) {
    if (row.state === 'reserving') {
      beforeLeaseEnds();
      const answer = await call(smdp, (s) => s.downloadOrder({ callId: row.call_id, profileType: row.profile_type ?? undefined, iccid: row.requested_iccid ?? undefined }));
      if (!answer.ok) return stop(ctx, order, row, answer);
      row = await advance(ctx, row, { state: 'reserved', iccid: answer.value.iccid });
    }
    if (row.state === 'reserved') {
      beforeLeaseEnds();
      const answer = await call(smdp, (s) => s.confirmOrder({ callId: confirmCallId(row.call_id), iccid: row.iccid! }));
      if (!answer.ok) return stop(ctx, order, row, answer);
      row = await advance(ctx, row, { state: 'released', matching_id: answer.value.matchingId, smdp_address: answer.value.smdpAddress });
    }
    if (row.state !== 'released') throw new Error(`ES2+ profile of order ${order.order_no} slot ${row.slot} is ${row.state} while the order allocates`);
    released.push(row);
  }
  return { done: true, profiles: released };
}

/** A released row as the profile its eSIM carries. ES2+ gives no IMSI: the eSIM's imsi is ''. */
export function es2Profile(row: Es2ProfileRow): Profile {
  return { iccid: row.iccid!, imsi: '', ac: activationCode(row.smdp_address!, row.matching_id!) };
}

async function call<T>(smdp: Es2Smdp | undefined, send: (smdp: Es2Smdp) => Promise<SmdpOutcome<T>>): Promise<SmdpOutcome<T>> {
  // Set at order time, unset since (a restart with other settings): waited for like an outage.
  return smdp ? send(smdp) : { ok: false, unreachable: 'ES2_SMDP_URL is not set' };
}

/** Persists one step; of two workers on one row (a lease that ran out) the first wins and both go on from it. */
async function advance(ctx: ServiceContext, row: Es2ProfileRow, change: Partial<Pick<Es2ProfileRow, 'state' | 'iccid' | 'matching_id' | 'smdp_address'>>): Promise<Es2ProfileRow> {
  const updated = await ctx.db.kysely
    .updateTable('es2_profiles')
    .set({ ...change, updated_at: Date.now() })
    .where('id', '=', row.id)
    .where('state', '=', row.state)
    .returningAll()
    .executeTakeFirst();
  return updated ?? ctx.db.kysely.selectFrom('es2_profiles').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
}

/**
 * A step that did not go through. Refused: persisted on the row, and the order fails with it.
 * Unreachable: wait (RetryLater) until ES2_RETRY_FOR_SECONDS after the order, then fail it.
 */
async function stop(ctx: ServiceContext, order: Selectable<OrdersTable>, row: Es2ProfileRow, answer: { ok: false; refused: SmdpRefusal } | { ok: false; unreachable: string }): Promise<Es2Progress> {
  if ('refused' in answer) {
    const failure = describeRefusal(answer.refused);
    // A row already holding an ICCID (confirmOrder refused) still has a profile reserved at
    // the SM-DP+: it goes back (cancelling + job, in one transaction), the refusal kept.
    if (row.iccid !== null) await cancelRefusedEs2Profile(ctx, row, failure);
    else await ctx.db.kysely.updateTable('es2_profiles').set({ state: 'failed', failure, updated_at: Date.now() }).where('id', '=', row.id).where('state', '=', row.state).execute();
    return { done: false, failure };
  }
  const waited = ctx.clock.now().getTime() - Number(order.created_at);
  if (waited < ctx.config.es2.retryForMs) throw new RetryLater(`SM-DP+ unreachable: ${answer.unreachable}`);
  return { done: false, failure: `SM-DP+ unreachable for ${Math.round(waited / 1000)} s: ${answer.unreachable}` };
}
