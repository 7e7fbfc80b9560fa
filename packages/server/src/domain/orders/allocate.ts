import { insertRows } from '../../db/insert-rows.js';
import type { Selectable } from 'kysely';
import type { OrdersTable } from '../../db/schema.js';
import type { Es2Smdp, ProfileSource } from '../ports.js';
import type { ServiceContext } from '../context.js';
import { newEsimTranNos } from '../identifiers.js';
import { recordAllocation } from '../lifecycle/allocation.js';
import type { FinishAllIn, RunningJob } from '../../jobs/runner.js';
import { emitWebhooks } from '../webhooks/emit.js';
import { releaseEs2Profiles, type Es2ProfileRow } from './es2-allocation.js';
import { esimRows, type AllocationPlan } from './esim-rows.js';
import { abandonEs2Profiles } from './es2-cancellation.js';
import type { OrderItem } from './items.js';

/**
 * The allocation job: turns an accepted order into eSIMs with profiles (GOT_RESOURCE,
 * RELEASED), or, when the sandbox says allocation fails, refunds it. Idempotent: the order
 * moves out of ALLOCATING in the same transaction that writes its eSIMs, so a job run twice
 * (a worker died after committing) does nothing the second time.
 *
 * Profiles come from the inventory reserved with the order, from a real SM-DP+ over ES2+
 * (the order's es2_profiles rows, es2-allocation.ts), or else from the simulated SM-DP+
 * (`smdp`), which production never uses.
 */
export async function allocateOrder(ctx: ServiceContext, smdp: ProfileSource, orderId: number, job?: RunningJob, es2?: Es2Smdp): Promise<void> {
  const order = await ctx.db.kysely.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order || order.status !== 'ALLOCATING') return;
  const merchant = await ctx.db.kysely.selectFrom('merchants').select('fail_allocations').where('id', '=', order.merchant_id).executeTakeFirstOrThrow();
  if (merchant.fail_allocations) {
    await failOrder(ctx, order, 'allocation failed (sandbox fault)');
    return;
  }
  const fromSmdp = await releaseEs2Profiles(ctx, es2, order, job?.leaseUntil);
  if (!fromSmdp.done) {
    await failOrder(ctx, order, fromSmdp.failure);
    return;
  }
  await allocateReleased(ctx, smdp, [{ order, es2Profiles: fromSmdp.profiles, job }]);
}

/**
 * Several allocation jobs at once (the runner hands over the due jobs of one merchant
 * together): one transaction writes all their eSIMs, so a burst of single-eSIM orders
 * pays for one commit, not one each. An order with ES2+ profiles goes alone through
 * allocateOrder (its SM-DP+ calls are made one by one, each persisted before the next).
 */
export async function allocateOrders(
  ctx: ServiceContext,
  smdp: ProfileSource,
  batch: readonly { orderId: number; job?: RunningJob }[],
  es2?: Es2Smdp,
  finishAllIn?: FinishAllIn,
): Promise<void> {
  const db = ctx.db.kysely;
  const ids = batch.map((b) => b.orderId);
  const orders = await db.selectFrom('orders').selectAll().where('id', 'in', ids).where('status', '=', 'ALLOCATING').execute();
  if (orders.length === 0) return;
  const withEs2 = new Set((await db.selectFrom('es2_profiles').select('order_id').where('order_id', 'in', ids).execute()).map((r) => Number(r.order_id)));
  const failing = new Set(
    (await db.selectFrom('merchants').select('id').where('id', 'in', [...new Set(orders.map((o) => o.merchant_id))]).where('fail_allocations', '=', 1).execute()).map((m) => m.id),
  );
  const jobOf = new Map(batch.map((b) => [b.orderId, b.job]));
  const together: Released[] = [];
  for (const order of orders) {
    if (failing.has(order.merchant_id)) await failOrder(ctx, order, 'allocation failed (sandbox fault)');
    else if (withEs2.has(order.id)) await allocateOrder(ctx, smdp, order.id, jobOf.get(order.id), es2);
    else together.push({ order, es2Profiles: [], job: jobOf.get(order.id) });
  }
  // Every other order of the batch reached its end above (failed, or allocated alone): the
  // transaction that allocates the rest removes all the batch's jobs.
  await allocateReleased(ctx, smdp, together, finishAllIn);
}

/** An order whose SM-DP+ profiles (if any) are released: what is left is writing its eSIMs. */
interface Released {
  order: Selectable<OrdersTable>;
  es2Profiles: Es2ProfileRow[];
  job?: RunningJob | undefined;
}

async function allocateReleased(ctx: ServiceContext, smdp: ProfileSource, released: Released[], finishAllIn?: FinishAllIn): Promise<void> {
  if (released.length === 0) return;
  const db = ctx.db.kysely;
  const orderIds = released.map((r) => r.order.id);
  const items = new Map(released.map((r) => [r.order.id, JSON.parse(r.order.items) as OrderItem[]]));
  const codes = [...new Set([...items.values()].flatMap((lines) => lines.map((i) => i.packageCode)))];
  const packages = new Map((await db.selectFrom('packages').selectAll().where('code', 'in', codes).execute()).map((p) => [p.code, p]));
  const reserved = await db.selectFrom('profiles').selectAll().where('order_id', 'in', orderIds).where('esim_id', 'is', null).orderBy('id').execute();

  const plans: AllocationPlan[] = [];
  for (const { order, es2Profiles, job } of released) {
    const lines = items.get(order.id)!;
    const own = reserved.filter((p) => p.order_id === order.id);
    const simulated = lines.filter((i) => !own.some((p) => p.package_code === i.packageCode) && !es2Profiles.some((p) => p.package_code === i.packageCode));
    if (simulated.length && ctx.config.mode === 'production') {
      // esim/order refuses these (200011); an order accepted before its package lost its source is failed, never served by the simulator.
      await failOrder(ctx, order, `no profile source for ${simulated.map((i) => i.packageCode).join(', ')}`);
      continue;
    }
    plans.push({ order, lines, reserved: own, es2Profiles, minted: simulated.reduce((n, i) => n + i.count, 0), job });
  }
  if (plans.length === 0) return;
  const mintedNeeded = plans.reduce((n, p) => n + p.minted, 0);
  const minted = mintedNeeded ? await smdp.mint(mintedNeeded) : [];
  const now = ctx.clock.now();
  const tranNos = await newEsimTranNos(ctx.services.sequences, now, plans.reduce((n, p) => n + p.order.esim_count, 0));

  await db.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('orders')
      .set({ status: 'GOT_RESOURCE', completed_at: now.getTime() })
      .where('id', 'in', plans.map((p) => p.order.id))
      .where('status', '=', 'ALLOCATING')
      .returning('id')
      .execute();
    const claimedIds = new Set(claimed.map((c) => Number(c.id)));
    const written = plans.filter((p) => claimedIds.has(p.order.id));
    const esims = written.flatMap((plan) => esimRows(plan, packages, minted, tranNos, now));
    if (esims.length) {
      const inserted = await insertRows(
        tx,
        'esims',
        esims.map((e) => e.row),
        ['id', 'esim_tran_no', 'package_code', 'price', 'total_volume', 'total_duration', 'merchant_id'],
      );
      await insertRows(
        tx,
        'esim_packages',
        inserted.map((e) => ({
          esim_id: e.id,
          package_code: e.package_code,
          kind: 'BASE' as const,
          volume: e.total_volume,
          duration: e.total_duration,
          price: e.price,
          tran_no: e.esim_tran_no,
          created_at: now.getTime(),
        })),
      );
      await recordAllocation(
        tx,
        inserted.map((e) => ({ id: e.id, merchantId: e.merchant_id })),
        now,
      );
      for (const [i, esim] of esims.entries()) {
        if (esim.inventoryId !== null) await tx.updateTable('profiles').set({ esim_id: inserted[i]!.id }).where('id', '=', esim.inventoryId).execute();
        if (esim.es2Id !== null) await tx.updateTable('es2_profiles').set({ esim_id: inserted[i]!.id, updated_at: Date.now() }).where('id', '=', esim.es2Id).execute();
      }
    }
    await emitWebhooks(
      tx,
      written.map(({ order }) => ({
        merchantId: order.merchant_id,
        type: 'ORDER_STATUS' as const,
        at: now,
        content: { orderNo: order.order_no, orderStatus: 'GOT_RESOURCE', transactionId: order.transaction_id },
      })),
      { unrelated: true },
    );
    if (finishAllIn) await finishAllIn(tx);
    else for (const plan of plans) await plan.job?.finishIn(tx);
  });
  ctx.wakeJobs?.();
}

/** failOrder by id: an allocation job that failed for good. */
export async function failOrderById(ctx: ServiceContext, orderId: number, reason: string): Promise<void> {
  const order = await ctx.db.kysely.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (order) await failOrder(ctx, order, reason);
}

/**
 * Marks the order failed, refunds it through the ledger and frees its reserved profiles:
 * inventory at once, profiles reserved at an SM-DP+ by cancelOrder jobs.
 */
export async function failOrder(ctx: ServiceContext, order: Selectable<OrdersTable>, reason: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('orders')
      .set({ status: 'FAILED', failure_reason: reason, completed_at: now.getTime() })
      .where('id', '=', order.id)
      .where('status', '=', 'ALLOCATING')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;
    await ctx.services.ledger.post(tx, { merchantId: order.merchant_id, amount: order.amount, kind: 'refund', reference: order.order_no, note: reason, now });
    await tx.updateTable('profiles').set({ order_id: null }).where('order_id', '=', order.id).where('esim_id', 'is', null).execute();
    await abandonEs2Profiles(tx, order.id);
  });
  ctx.wakeJobs?.();
}
