import { formatWireTime } from '@esimkit/contract';
import type { Executor } from '../../db/transaction.js';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { newEsimTranNos } from '../identifiers.js';
import { applyEsimEvents } from '../lifecycle/apply.js';
import { requestHash } from '../request-hash.js';
import { DAY_MS } from './activation.js';
import { findOwnedEsim, requireEsimRef } from './find.js';
import { lockEsim } from './lock.js';

export interface TopupInput {
  esimTranNo?: string | undefined;
  iccid?: string | undefined;
  packageCode: string;
  transactionId: string;
  amount?: number | undefined;
  periodNum?: number | undefined;
}

export interface TopupResult {
  transactionId: string;
  iccid: string;
  topUpEsimTranNo: string;
  expiredTime: string;
  totalVolume: number;
  totalDuration: number;
  orderUsage: number;
}

/**
 * esim/topup: adds a compatible TOPUP package's volume and days, debits the balance, and
 * brings a depleted eSIM back to IN_USE. A retried transactionId answers the first result
 * again without a second charge; reused for a different top-up it is refused (200008).
 */
export async function topUpEsim({ ctx, input }: Verb<TopupInput>): Promise<TopupResult> {
  const ref = requireEsimRef(input, '200042');
  const db = ctx.db.kysely;
  const esim = await findOwnedEsim(db, ctx.merchant, ref);
  const topup = await db
    .selectFrom('packages')
    .selectAll()
    .where('type', '=', 'TOPUP')
    .where((eb) => eb.or([eb('code', '=', input.packageCode), eb('slug', '=', input.packageCode)]))
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  // A retry may name the eSIM by iccid instead of esimTranNo, or the top-up by slug: the
  // same top-up all the same.
  const hash = requestHash({ esim: esim.esim_tran_no, packageCode: topup?.code ?? input.packageCode, amount: input.amount, periodNum: input.periodNum });
  const earlier = await findTopup(db, ctx.merchant.id, input.transactionId);
  if (earlier) return replayOf(earlier, hash, input.transactionId);
  if (!topup) throw new ApiError('310241', `The packageCode does not exist as a top-up: ${input.packageCode}`);
  const base = await db.selectFrom('packages').select(['location_code', 'support_topup_type']).where('code', '=', esim.package_code).executeTakeFirstOrThrow();
  if (base.support_topup_type === 1) throw new ApiError('200008', `The eSIM's plan ${esim.package_code} cannot be topped up.`);
  if (topup.location_code !== base.location_code) {
    throw new ApiError('200008', `${topup.code} is not a top-up for this eSIM's plan (${base.location_code}); list them with package/list type TOPUP and its esimTranNo.`);
  }
  const dayPass = topup.data_type !== 1;
  if (input.periodNum !== undefined && !dayPass) throw new ApiError('200008', `periodNum applies to daily top-ups only.`);
  const periods = dayPass ? (input.periodNum ?? 1) : 1;
  const price = topup.price * periods;
  if (input.amount !== undefined && input.amount !== price) {
    throw new ApiError('200006', `Top-up price amount is wrong: ${topup.code} costs ${price}, the request says ${input.amount}.`);
  }

  const now = ctx.clock.now();
  const [topUpEsimTranNo] = await newEsimTranNos(ctx.services.sequences, now, 1);
  try {
    const result = await db.transaction().execute(async (tx) => {
      // The new totals are computed from this read: the lock makes concurrent top-ups (and a
      // concurrent cancel or revoke) of the same eSIM wait for each other instead of
      // overwriting each other's totals. The lifecycle allows a top-up while New, In Use or
      // Depleted and unexpired (field-notes §6).
      const current = await lockEsim(tx, ctx.db.dialect, esim.id);
      // A copy of this request that held the lock before us has committed by now: answer
      // what it answered, whatever happened to the eSIM since (a cancel between the two).
      const committed = await findTopup(tx, ctx.merchant.id, input.transactionId);
      if (committed) return replayOf(committed, hash, input.transactionId);
      const addedVolume = topup.volume * periods;
      const addedDays = topup.duration * periods;
      // Before activation the validity clock has not started: the days wait in totalDuration.
      const expiredTime = current.activated_at === null ? current.expired_time : current.expired_time + addedDays * DAY_MS;
      await applyEsimEvents(tx, current, ['TOP_UP'], {
        actor: 'merchant',
        at: now,
        set: {
          total_volume: current.total_volume + addedVolume,
          total_duration: current.total_duration + addedDays,
          expired_time: expiredTime,
          // The one-day-left warning follows the new end of validity.
          validity_warn_at: current.activated_at === null ? null : expiredTime - DAY_MS,
          usage_alerts_sent: '[]',
        },
      });
      await tx
        .insertInto('esim_packages')
        .values({ esim_id: current.id, package_code: topup.code, kind: 'TOPUP', volume: addedVolume, duration: addedDays, price, tran_no: topUpEsimTranNo!, created_at: now.getTime() })
        .execute();
      await ctx.services.ledger.post(tx, { merchantId: ctx.merchant.id, amount: -price, kind: 'topup', reference: topUpEsimTranNo!, now });
      const result: TopupResult = {
        transactionId: input.transactionId,
        iccid: current.iccid,
        topUpEsimTranNo: topUpEsimTranNo!,
        expiredTime: formatWireTime(new Date(expiredTime)),
        totalVolume: current.total_volume + addedVolume,
        totalDuration: current.total_duration + addedDays,
        orderUsage: current.order_usage,
      };
      await tx
        .insertInto('topups')
        .values({ merchant_id: ctx.merchant.id, transaction_id: input.transactionId, request_hash: hash, esim_id: current.id, result: JSON.stringify(result), created_at: now.getTime() })
        .execute();
      return result;
    });
    ctx.wakeJobs?.();
    return result;
  } catch (error) {
    if (ctx.db.dialect.isUniqueViolation(error)) {
      const winner = await findTopup(db, ctx.merchant.id, input.transactionId);
      if (winner) return replayOf(winner, hash, input.transactionId);
    }
    throw error;
  }
}

async function findTopup(db: Executor, merchantId: number, transactionId: string) {
  return db.selectFrom('topups').select(['request_hash', 'result']).where('merchant_id', '=', merchantId).where('transaction_id', '=', transactionId).executeTakeFirst();
}

function replayOf(earlier: { request_hash: string; result: string }, hash: string, transactionId: string): TopupResult {
  if (earlier.request_hash !== hash) throw new ApiError('200008', `transactionId ${transactionId} was already used for a different top-up.`);
  return JSON.parse(earlier.result) as TopupResult;
}
