import type { Selectable } from 'kysely';
import type { OrdersTable } from '../../db/schema.js';
import { randomHex } from '../../lib/random.js';
import type { Es2Smdp, Profile, ProfileSource } from '../ports.js';
import type { ServiceContext } from '../context.js';
import { newEsimTranNos } from '../identifiers.js';
import { postLedgerEntry } from '../ledger.js';
import { allocatedStatuses, recordAllocation } from '../lifecycle/allocation.js';
import type { RunningJob } from '../../jobs/runner.js';
import { emitWebhook } from '../webhooks/emit.js';
import { es2Profile, releaseEs2Profiles } from './es2-allocation.js';
import { abandonEs2Profiles } from './es2-cancellation.js';
import type { OrderItem } from './items.js';

const DAY_MS = 24 * 3600_000;

// Simulated subscriber details every profile carries.
function pinPuk(): { pin: string; puk: string } {
  const digits = BigInt(`0x${randomHex(8)}`).toString().padStart(12, '0');
  return { pin: digits.slice(0, 4), puk: digits.slice(4, 12) };
}

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

  const items = JSON.parse(order.items) as OrderItem[];
  const codes = [...new Set(items.map((i) => i.packageCode))];
  const packages = new Map(
    (await ctx.db.kysely.selectFrom('packages').selectAll().where('code', 'in', codes).execute()).map((p) => [p.code, p]),
  );
  const reserved = await ctx.db.kysely
    .selectFrom('profiles')
    .selectAll()
    .where('order_id', '=', order.id)
    .where('esim_id', 'is', null)
    .orderBy('id')
    .execute();
  const fromSmdp = await releaseEs2Profiles(ctx, es2, order, job?.leaseUntil);
  if (!fromSmdp.done) {
    await failOrder(ctx, order, fromSmdp.failure);
    return;
  }
  const simulated = items.filter((i) => !reserved.some((p) => p.package_code === i.packageCode) && !fromSmdp.profiles.some((p) => p.package_code === i.packageCode));
  if (simulated.length && ctx.config.mode === 'production') {
    // esim/order refuses these (200011); an order accepted before its package lost its source is failed, never served by the simulator.
    await failOrder(ctx, order, `no profile source for ${simulated.map((i) => i.packageCode).join(', ')}`);
    return;
  }
  const mintedNeeded = simulated.reduce((n, i) => n + i.count, 0);
  const minted = mintedNeeded ? await smdp.mint(mintedNeeded) : [];
  const now = ctx.clock.now();
  const tranNos = await newEsimTranNos(ctx.services.sequences, now, order.esim_count);

  await ctx.db.kysely.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('orders')
      .set({ status: 'GOT_RESOURCE', completed_at: now.getTime() })
      .where('id', '=', order.id)
      .where('status', '=', 'ALLOCATING')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;

    const rows = [];
    const inventoryIds: (number | null)[] = [];
    const es2Ids: (number | null)[] = [];
    let next = 0;
    // Profiles reserved for a package are handed out in turn across all the order's lines
    // of that package (two lines of one package must not get the same profiles).
    const used = new Map<string, number>();
    for (const item of items) {
      const pkg = packages.get(item.packageCode)!;
      const pool = reserved.filter((p) => p.package_code === item.packageCode);
      const es2Pool = fromSmdp.profiles.filter((p) => p.package_code === item.packageCode);
      for (let i = 0; i < item.count; i++) {
        const taken = used.get(item.packageCode) ?? 0;
        used.set(item.packageCode, taken + 1);
        const fromPool = pool[taken];
        const fromEs2 = fromPool ? undefined : es2Pool[taken];
        const profile: Profile = fromPool ?? (fromEs2 ? es2Profile(fromEs2) : minted.shift()!);
        inventoryIds.push(fromPool ? fromPool.id : null);
        es2Ids.push(fromEs2 ? fromEs2.id : null);
        const periods = item.periodNum ?? 1;
        rows.push({
          esim_tran_no: tranNos[next++]!,
          order_id: order.id,
          merchant_id: order.merchant_id,
          package_code: pkg.code,
          iccid: profile.iccid,
          imsi: profile.imsi,
          msisdn: '',
          ac: profile.ac,
          public_token: randomHex(16),
          ...pinPuk(),
          apn: 'esimkit',
          ...allocatedStatuses,
          eid: '',
          active_type: pkg.active_type,
          data_type: pkg.data_type,
          sms_status: pkg.sms_status,
          price: item.unitPrice,
          period_num: item.periodNum,
          total_volume: pkg.volume * periods,
          total_duration: pkg.duration * periods,
          order_usage: 0,
          usage_updated_at: null,
          expired_time: now.getTime() + pkg.unused_valid_time * DAY_MS,
          activated_at: null,
          installed_at: null,
          usage_alerts_sent: '[]',
          created_at: now.getTime(),
        });
      }
    }
    const inserted = await tx.insertInto('esims').values(rows).returning(['id', 'esim_tran_no', 'package_code', 'price', 'total_volume', 'total_duration']).execute();
    await tx
      .insertInto('esim_packages')
      .values(
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
      )
      .execute();
    await recordAllocation(
      tx,
      inserted.map((e) => ({ id: e.id, merchantId: order.merchant_id })),
      now,
    );
    for (const [i, profileId] of inventoryIds.entries()) {
      if (profileId !== null) await tx.updateTable('profiles').set({ esim_id: inserted[i]!.id }).where('id', '=', profileId).execute();
    }
    for (const [i, rowId] of es2Ids.entries()) {
      if (rowId !== null) await tx.updateTable('es2_profiles').set({ esim_id: inserted[i]!.id, updated_at: Date.now() }).where('id', '=', rowId).execute();
    }
    await emitWebhook(tx, {
      merchantId: order.merchant_id,
      type: 'ORDER_STATUS',
      at: now,
      content: { orderNo: order.order_no, orderStatus: 'GOT_RESOURCE', transactionId: order.transaction_id },
    });
    await job?.finishIn(tx);
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
    await postLedgerEntry(tx, { merchantId: order.merchant_id, amount: order.amount, kind: 'refund', reference: order.order_no, note: reason, now });
    await tx.updateTable('profiles').set({ order_id: null }).where('order_id', '=', order.id).where('esim_id', 'is', null).execute();
    await abandonEs2Profiles(tx, order.id);
  });
  ctx.wakeJobs?.();
}
