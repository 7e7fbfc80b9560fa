import type { Selectable } from 'kysely';
import type { OrdersTable } from '../../db/schema.js';
import { enqueueJobs } from '../../jobs/queue.js';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { newOrderNo } from '../identifiers.js';
import { resolveProfileSource } from '../catalog/profile-sources.js';
import { reserveProfiles } from '../inventory/reserve.js';
import { requestHash } from '../request-hash.js';
import { planEs2Profiles } from './es2-allocation.js';
import { priceOrder, type PackageInfoInput } from './items.js';
import type { PackageLookup } from './orderable-packages.js';
import type { NewOrderValues } from './order-writes.js';

export interface PlaceOrderInput {
  transactionId: string;
  amount?: number | undefined;
  packageInfoList: PackageInfoInput[];
}

export interface PlacedOrder {
  orderNo: string;
  transactionId: string;
}

/**
 * esim/order. One transaction claims the transactionId, reserves inventory profiles (or
 * plans them at the SM-DP+), debits the ledger and enqueues allocation; any refusal rolls
 * all of it back. On PostgreSQL an order whose profiles all come from the simulator is one
 * statement doing the same (orders/order-writes.ts). The same transactionId with the same
 * body answers the first result again (no second charge); with another body it is refused
 * with 200008 (field-notes §8).
 */
export async function placeOrder({ ctx, input }: Verb<PlaceOrderInput>): Promise<PlacedOrder> {
  const lookup = await ctx.services.orderablePackages.lookup();
  const hash = requestHash({ amount: input.amount, lines: await canonicalLines(lookup, input.packageInfoList) });
  try {
    return await placeNewOrder(ctx, input, lookup, hash);
  } catch (error) {
    // Not looked up first (a query every order would pay): a retry is refused by the unique
    // transactionId, or by a check the first order passed (a price or balance changed since),
    // and answered here with the first result. Nothing of the refused attempt was written.
    if (error instanceof ApiError || ctx.db.dialect.isUniqueViolation(error)) {
      const earlier = await findOrderByTransaction(ctx, input.transactionId);
      if (earlier) return replayOf(earlier, hash);
    }
    throw error;
  }
}

async function placeNewOrder(ctx: Verb<unknown>['ctx'], input: PlaceOrderInput, lookup: PackageLookup, hash: string): Promise<PlacedOrder> {
  const { items, packages, total, count } = await priceOrder(lookup, input.packageInfoList);
  if (input.amount !== undefined && input.amount !== total) {
    throw new ApiError('200006', `Total order price amount is wrong: the packages cost ${total}, the order says ${input.amount}.`);
  }
  // Each line's profiles: reserved from inventory now, planned at the SM-DP+, or minted by the
  // simulator later; a package production has no source for is refused (200011).
  const sources = packages.map((pkg) => resolveProfileSource(ctx, pkg));

  const now = ctx.clock.now();
  const orderNo = await newOrderNo(ctx.services.sequences, now);
  const delay = ctx.merchant.allocation_delay_ms ?? ctx.config.allocationDelayMs;
  const order: NewOrderValues = {
    orderNo,
    merchantId: ctx.merchant.id,
    transactionId: input.transactionId,
    requestHash: hash,
    items: JSON.stringify(items),
    amount: total,
    esimCount: count,
    createdAt: now.getTime(),
  };
  const writes = ctx.services.orderWrites;
  if (writes.placesInOneStatement && sources.every((source) => source.kind === 'simulator')) {
    const wallNow = Date.now();
    await writes.placeInOneStatement(ctx.db, { ...order, jobRunAt: wallNow + delay, jobCreatedAt: wallNow });
  } else {
    await writes.inTransaction(async (tx) => {
      const { rows } = await writes.insert.run(tx, order);
      const orderId = Number(rows[0]!.id);
      for (const [index, item] of items.entries()) {
        const source = sources[index]!;
        if (source.kind === 'inventory') await reserveProfiles(tx, ctx.db.dialect, item.packageCode, orderId, item.count);
        if (source.kind === 'es2plus') await planEs2Profiles(tx, orderId, { packageCode: item.packageCode, profileType: source.profileType, count: item.count });
      }
      await enqueueJobs(tx, [{ kind: 'allocate-order', payload: { orderId }, delayMs: delay, merchantId: ctx.merchant.id }]);
      // The debit last: it locks the merchant's balance row until commit (ledger.ts).
      await ctx.services.ledger.post(tx, { merchantId: ctx.merchant.id, amount: -total, kind: 'order', reference: orderNo, now });
    });
  }
  ctx.wakeJobs?.();
  return { orderNo, transactionId: input.transactionId };
}

/** Order lines with each package named by its code, so a retry naming it by slug matches. */
async function canonicalLines(lookup: PackageLookup, infos: PackageInfoInput[]) {
  return Promise.all(
    infos.map(async ({ packageCode, slug, ...rest }) => {
      const reference = packageCode ?? slug;
      const pkg = reference ? await lookup(reference) : undefined;
      return { package: pkg?.code ?? reference, ...rest };
    }),
  );
}

async function findOrderByTransaction(ctx: Verb<unknown>['ctx'], transactionId: string) {
  return ctx.db.kysely
    .selectFrom('orders')
    .selectAll()
    .where('merchant_id', '=', ctx.merchant.id)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
}

function replayOf(order: Selectable<OrdersTable>, hash: string): PlacedOrder {
  if (order.request_hash !== hash) {
    throw new ApiError('200008', `transactionId ${order.transaction_id} was already used for a different order (${order.order_no}).`);
  }
  return { orderNo: order.order_no, transactionId: order.transaction_id };
}
