import type { Transaction } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import type { MerchantContext } from '../context.js';
import { giveBackEs2ProfilesOfMerchant } from '../orders/es2-cancellation.js';
import { sandboxOf } from './clock.js';
import { resetMerchantClock } from './clock-state.js';

/**
 * Empties the merchant's sandbox in one transaction: orders, eSIMs and all that hangs off
 * them, webhook events, faults, pending jobs; its clock goes back to real time. The ledger is append-only, so the balance is brought to the
 * asked amount by an adjustment entry rather than by deleting history.
 */
export async function resetSandbox({ ctx, input }: { ctx: MerchantContext; input: { balance?: number | undefined } }) {
  sandboxOf(ctx);
  const merchantId = ctx.merchant.id;
  // The merchant's clock goes back to real time with the reset.
  const now = new Date();
  const result = await ctx.db.kysely.transaction().execute(async (tx) => {
    // Locks in the order every other change takes them, the eSIMs before the merchant (a
    // top-up locks its eSIM, then the balance): the other way round, the two deadlock. A
    // call that waited on an eSIM finds it gone afterwards and answers 310403 (lockEsim).
    const esimIds = await lockMerchantEsims(tx, ctx.db.dialect, merchantId);
    // The balance next: an order or top-up committing meanwhile would move it between the
    // read below and the adjustment, leaving it off the asked amount.
    const current = await lockMerchantBalance(tx, ctx.db.dialect, merchantId);
    for (let i = 0; i < esimIds.length; i += 500) {
      const batch = esimIds.slice(i, i + 500);
      await tx.deleteFrom('esim_packages').where('esim_id', 'in', batch).execute();
      await tx.updateTable('profiles').set({ esim_id: null }).where('esim_id', 'in', batch).execute();
      // The network's records of these eSIMs go with them: sent again, they count anew.
      await tx.deleteFrom('usage_records').where('esim_id', 'in', batch).execute();
    }
    // Profiles still held at an SM-DP+ go back by jobs that need no row (es2-cancellation.ts).
    await giveBackEs2ProfilesOfMerchant(tx, merchantId);
    await tx.deleteFrom('es2_profiles').where('order_id', 'in', tx.selectFrom('orders').select('id').where('merchant_id', '=', merchantId)).execute();
    await tx.deleteFrom('esim_events').where('merchant_id', '=', merchantId).execute();
    await tx.deleteFrom('sms_messages').where('merchant_id', '=', merchantId).execute();
    await tx.deleteFrom('topups').where('merchant_id', '=', merchantId).execute();
    await tx.deleteFrom('esims').where('merchant_id', '=', merchantId).execute();
    await tx.deleteFrom('orders').where('merchant_id', '=', merchantId).execute();
    const events = tx.selectFrom('webhook_events').select('id').where('merchant_id', '=', merchantId);
    await tx.deleteFrom('webhook_attempts').where('event_id', 'in', events).execute();
    await tx.deleteFrom('webhook_events').where('merchant_id', '=', merchantId).execute();
    await tx.deleteFrom('fault_rules').where('merchant_id', '=', merchantId).execute();
    await tx.updateTable('merchants').set({ faults_active: 0, busy_share: 0, allocation_delay_ms: null, fail_allocations: 0 }).where('id', '=', merchantId).execute();
    await resetMerchantClock(tx, merchantId);
    const target = input.balance ?? 0;
    const balance =
      target === current.balance
        ? current.balance
        : await ctx.services.ledger.post(tx, { merchantId, amount: target - current.balance, kind: 'adjustment', note: 'sandbox reset', now });
    return { balance, removedEsims: esimIds.length };
  });
  ctx.merchantChanged();
  return result;
}

async function lockMerchantEsims(tx: Transaction<Database>, dialect: Dialect, merchantId: number): Promise<number[]> {
  let read = tx.selectFrom('esims').select('id').where('merchant_id', '=', merchantId).orderBy('id');
  if (dialect.skipLocked) read = read.forUpdate();
  return (await read.execute()).map((r) => r.id);
}

async function lockMerchantBalance(tx: Transaction<Database>, dialect: Dialect, merchantId: number) {
  let read = tx.selectFrom('merchants').select('balance').where('id', '=', merchantId);
  // NO KEY: the balance is locked as an UPDATE of it would lock it, so rows that merely refer
  // to the merchant (a webhook event, a ledger entry) can still be written meanwhile.
  if (dialect.skipLocked) read = read.forNoKeyUpdate();
  return read.executeTakeFirstOrThrow();
}
