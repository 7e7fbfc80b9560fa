import type { Selectable, Transaction } from 'kysely';
import type { Database, Es2ProfilesTable } from '../../db/schema.js';
import type { JobPayloads } from '../../jobs/catalog.js';
import { enqueueJob } from '../../jobs/queue.js';
import { RetryLater } from '../../jobs/retry-later.js';
import type { ServiceContext } from '../context.js';
import type { Es2Smdp, SmdpRefusal } from '../ports.js';

// Giving profiles back to the SM-DP+ (ES2+ cancelOrder, SGP.22 §5.3.3) when what they were
// reserved for is gone: an order that failed with some profiles already reserved, or an eSIM
// cancelled before its profile was downloaded. The row moves to 'cancelling' and a
// `cancel-es2-profile` job is enqueued in the transaction of that change, so a crash cannot
// lose it; the job retries while the SM-DP+ is unreachable.
//
// finalProfileStatusIndicator is always `Available`: the profile never reached a device (an
// order that failed, or an eSIM cancelled at GOT_RESOURCE/RELEASED), so it goes back to the
// SM-DP+'s stock rather than being retired.

/** The functionCallIdentifier of a row's cancelOrder: derived, so a retry repeats it. */
export function cancelCallId(callId: string): string {
  return `${callId}-cancel`;
}

/** How an SM-DP+ refusal is written on an order and on its es2_profiles row. */
export function describeRefusal(refusal: SmdpRefusal): string {
  const codes = [refusal.subjectCode && `subjectCode ${refusal.subjectCode}`, refusal.reasonCode && `reasonCode ${refusal.reasonCode}`].filter(Boolean).join(', ');
  return `SM-DP+ refused ${refusal.function} (${refusal.status}${codes ? `, ${codes}` : ''})${refusal.message ? `: ${refusal.message}` : ''}`;
}

/**
 * In the transaction that fails an order: its profiles already reserved or released at the
 * SM-DP+ are cancelled there (jobs); a downloadOrder still unanswered is marked failed (its
 * ICCID is unknown, so there is nothing to cancel: docs/production.md, "crash recovery").
 */
export async function abandonEs2Profiles(tx: Transaction<Database>, orderId: number): Promise<void> {
  const now = Date.now();
  const held = await tx
    .updateTable('es2_profiles')
    .set({ state: 'cancelling', updated_at: now })
    .where('order_id', '=', orderId)
    .where('state', 'in', ['reserved', 'released'])
    .where('esim_id', 'is', null)
    .returning('id')
    .execute();
  for (const row of held) await enqueueJob(tx, { kind: 'cancel-es2-profile', payload: { profileId: Number(row.id) } });
  await tx
    .updateTable('es2_profiles')
    .set({ state: 'failed', failure: 'the order failed before this profile was reserved', updated_at: now })
    .where('order_id', '=', orderId)
    .where('state', '=', 'reserving')
    .execute();
}

/**
 * A step refused on a row that holds an ICCID (confirmOrder): the reserved profile goes back
 * to the SM-DP+. The row keeps the refusal as its failure, so a rerun of the allocation sees
 * it and fails the order.
 */
export async function cancelRefusedEs2Profile(ctx: ServiceContext, row: Pick<Selectable<Es2ProfilesTable>, 'id' | 'state'>, failure: string): Promise<void> {
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const moved = await tx
      .updateTable('es2_profiles')
      .set({ state: 'cancelling', failure, updated_at: Date.now() })
      .where('id', '=', row.id)
      .where('state', '=', row.state)
      .returning('id')
      .executeTakeFirst();
    if (moved) await enqueueJob(tx, { kind: 'cancel-es2-profile', payload: { profileId: Number(moved.id) } });
  });
}

/** In esim/cancel's transaction: the eSIM's profile, when it came from an SM-DP+, goes back. */
export async function cancelEs2ProfileOfEsim(tx: Transaction<Database>, esimId: number): Promise<void> {
  const now = Date.now();
  const row = await tx
    .updateTable('es2_profiles')
    .set({ state: 'cancelling', updated_at: now })
    .where('esim_id', '=', esimId)
    .where('state', '=', 'released')
    .returning('id')
    .executeTakeFirst();
  if (row) await enqueueJob(tx, { kind: 'cancel-es2-profile', payload: { profileId: Number(row.id) } });
}

/**
 * The `cancel-es2-profile` job's payload (jobs/catalog.ts): the row, and when the row goes away
 * with the job pending (a sandbox reset) the cancelOrder's fields and when it was asked.
 */
export type CancelEs2ProfilePayload = JobPayloads['cancel-es2-profile'];
type DetachedEs2Profile = NonNullable<CancelEs2ProfilePayload['detached']>;

/**
 * In a sandbox reset's transaction, before the merchant's es2_profiles rows are deleted: every
 * profile still held at the SM-DP+ (reserved, released, allocated or not, or being cancelled)
 * is given back by a job that carries what cancelOrder needs, so it runs without the row.
 */
export async function giveBackEs2ProfilesOfMerchant(tx: Transaction<Database>, merchantId: number): Promise<void> {
  const held = await tx
    .selectFrom('es2_profiles')
    .innerJoin('orders', 'orders.id', 'es2_profiles.order_id')
    .select(['es2_profiles.id', 'es2_profiles.iccid', 'es2_profiles.call_id', 'es2_profiles.matching_id'])
    .where('orders.merchant_id', '=', merchantId)
    .where('es2_profiles.state', 'in', ['reserved', 'released', 'cancelling'])
    .where('es2_profiles.iccid', 'is not', null)
    .execute();
  const since = Date.now();
  for (const row of held) {
    const detached = { iccid: row.iccid!, callId: row.call_id, matchingId: row.matching_id, since };
    await enqueueJob(tx, { kind: 'cancel-es2-profile', payload: { profileId: Number(row.id), detached } });
  }
}

/**
 * The `cancel-es2-profile` job: cancelOrder(Available), then the row is 'cancelled'. A refusal
 * (say the profile was downloaded meanwhile) is final: the row is 'failed' with the refusal,
 * logged for the operator. Unreachable: retried for ES2_RETRY_FOR_SECONDS from when the
 * cancellation was asked, then the job fails (visible in /metrics) and the row stays
 * 'cancelling'. A row deleted meanwhile (sandbox reset): the payload's copy is cancelled, logged.
 */
export async function cancelEs2Profile(ctx: ServiceContext, smdp: Es2Smdp | undefined, payload: CancelEs2ProfilePayload): Promise<void> {
  const row = await ctx.db.kysely.selectFrom('es2_profiles').selectAll().where('id', '=', payload.profileId).executeTakeFirst();
  if (!row) {
    if (payload.detached) await cancelDetached(ctx, smdp, payload.detached);
    return;
  }
  if (row.state !== 'cancelling' || row.iccid === null) return;
  const outcome = await sendCancel(smdp, { iccid: row.iccid, callId: row.call_id, matchingId: row.matching_id });
  // es2_profiles times are real time (es2-allocation.ts); the deadline counts from when the cancel was asked.
  const now = Date.now();
  if (outcome.ok) {
    await ctx.db.kysely.updateTable('es2_profiles').set({ state: 'cancelled', updated_at: now }).where('id', '=', row.id).where('state', '=', 'cancelling').execute();
    return;
  }
  if ('refused' in outcome) {
    // Final. For an eSIM the partner cancelled, the cancel and its refund stand (accepted on
    // the state esimkit knew; docs/decisions.md): the refusal is kept on the row and logged
    // with the order and eSIM, for the operator to settle with the SM-DP+.
    const failure = describeRefusal(outcome.refused);
    await ctx.db.kysely.updateTable('es2_profiles').set({ state: 'failed', failure, updated_at: now }).where('id', '=', row.id).where('state', '=', 'cancelling').execute();
    const owner = await ctx.db.kysely
      .selectFrom('orders')
      .leftJoin('esims', (join) => join.on('esims.id', '=', row.esim_id ?? -1))
      .select(['orders.order_no', 'orders.merchant_id', 'esims.esim_tran_no'])
      .where('orders.id', '=', row.order_id)
      .executeTakeFirst();
    ctx.log?.warn(
      { iccid: row.iccid, orderNo: owner?.order_no, merchantId: owner?.merchant_id, esimTranNo: owner?.esim_tran_no ?? undefined, failure },
      row.esim_id === null ? 'the SM-DP+ refused to cancel a profile of a failed order' : 'the SM-DP+ refused to cancel the profile of a cancelled eSIM: the cancel and its refund stand',
    );
    return;
  }
  waitOrGiveUp(ctx, row.iccid, Number(row.updated_at), outcome.unreachable);
}

/** A profile whose row is gone: the same cancelOrder (same call id), the outcome only logged. */
async function cancelDetached(ctx: ServiceContext, smdp: Es2Smdp | undefined, profile: DetachedEs2Profile): Promise<void> {
  const outcome = await sendCancel(smdp, profile);
  if (outcome.ok) return;
  if ('refused' in outcome) {
    ctx.log?.warn({ iccid: profile.iccid, failure: describeRefusal(outcome.refused) }, 'the SM-DP+ refused to cancel a profile of a reset sandbox');
    return;
  }
  waitOrGiveUp(ctx, profile.iccid, profile.since, outcome.unreachable);
}

function sendCancel(smdp: Es2Smdp | undefined, profile: { iccid: string; callId: string; matchingId: string | null }) {
  return smdp
    ? smdp.cancelOrder({ callId: cancelCallId(profile.callId), iccid: profile.iccid, matchingId: profile.matchingId ?? undefined, finalProfileStatusIndicator: 'Available' })
    : Promise.resolve({ ok: false, unreachable: 'ES2_SMDP_URL is not set' } as const);
}

/** Unreachable: wait (RetryLater) for ES2_RETRY_FOR_SECONDS from `since`, then fail the job. */
function waitOrGiveUp(ctx: ServiceContext, iccid: string, since: number, unreachable: string): never {
  const waited = Date.now() - since;
  if (waited < ctx.config.es2.retryForMs) throw new RetryLater(`SM-DP+ unreachable: ${unreachable}`);
  throw new Error(`gave up cancelling profile ${iccid}: SM-DP+ unreachable for ${Math.round(waited / 1000)} s: ${unreachable}`);
}
