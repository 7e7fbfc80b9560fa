import type { Selectable } from 'kysely';
import type { OrdersTable } from '../../db/schema.js';
import { enqueueJob } from '../../jobs/queue.js';
import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { newOrderNo } from '../identifiers.js';
import { resolveProfileSource, type ResolvedSource } from '../catalog/profile-sources.js';
import { reserveProfiles } from '../inventory/reserve.js';
import { requestHash } from '../request-hash.js';
import { planEs2Profiles } from './es2-allocation.js';
import { priceOrder, type PackageInfoInput } from './items.js';
import type { CatalogView, PackageLookup } from './orderable-packages.js';
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
  const lastRead = ctx.services.orderWrites.placesInOneStatement ? ctx.services.orderablePackages.lastRead() : undefined;
  const placed = lastRead && (await placeOnLastRead(ctx, input, lastRead));
  if (placed) return placed;
  const catalog = await ctx.services.orderablePackages.current();
  const hash = await hashOf(catalog, input);
  try {
    return await placeNewOrder(ctx, input, catalog, hash);
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

/**
 * PostgreSQL: the order priced on the catalogue version this process read last, and placed by
 * the one statement that checks that version as it writes, so the version is not read first
 * (one round trip of two; docs/benchmarks.md). Undefined, with nothing written, when the order
 * cannot be placed so (a line from inventory or an SM-DP+, a catalogue changed since) or is
 * refused (a retry, a price, the balance): the order is then decided on the catalogue read
 * afresh, as every order is on SQLite, so no refusal is ever answered from an old catalogue.
 */
async function placeOnLastRead(ctx: Verb<unknown>['ctx'], input: PlaceOrderInput, catalog: CatalogView): Promise<PlacedOrder | undefined> {
  try {
    const order = await priceAndSource(ctx, input, catalog);
    if (!order.sources.every((source) => source.kind === 'simulator')) return undefined;
    const values = await newOrderValues(ctx, input, order, await hashOf(catalog, input));
    const outcome = await ctx.services.orderWrites.placeInOneStatement(ctx.db, { ...values, catalogVersion: catalog.version, checkCatalog: true });
    if (outcome !== 'placed') return undefined;
    ctx.wakeJobs?.();
    return { orderNo: values.orderNo, transactionId: input.transactionId };
  } catch {
    return undefined;
  }
}

async function placeNewOrder(ctx: Verb<unknown>['ctx'], input: PlaceOrderInput, catalog: CatalogView, hash: string): Promise<PlacedOrder> {
  const order = await priceAndSource(ctx, input, catalog);
  const values = await newOrderValues(ctx, input, order, hash);
  const writes = ctx.services.orderWrites;
  if (writes.placesInOneStatement && order.sources.every((source) => source.kind === 'simulator')) {
    await writes.placeInOneStatement(ctx.db, { ...values, catalogVersion: catalog.version, checkCatalog: false });
  } else {
    await ctx.db.kysely.transaction().execute(async (tx) => {
      const { rows } = await writes.insert.run(tx, values);
      const orderId = Number(rows[0]!.id);
      for (const [index, item] of order.items.entries()) {
        const source = order.sources[index]!;
        if (source.kind === 'inventory') await reserveProfiles(tx, ctx.db.dialect, item.packageCode, orderId, item.count);
        if (source.kind === 'es2plus') await planEs2Profiles(tx, orderId, { packageCode: item.packageCode, profileType: source.profileType, count: item.count });
      }
      await enqueueJob(tx, { kind: 'allocate-order', payload: { orderId }, delayMs: allocationDelay(ctx), merchantId: ctx.merchant.id });
      // The debit last: it locks the merchant's balance row until commit (ledger.ts).
      await ctx.services.ledger.post(tx, { merchantId: ctx.merchant.id, amount: -order.total, kind: 'order', reference: values.orderNo, now: new Date(values.createdAt) });
    });
  }
  ctx.wakeJobs?.();
  return { orderNo: values.orderNo, transactionId: input.transactionId };
}

type PricedOrder = Awaited<ReturnType<typeof priceOrder>> & { sources: ResolvedSource[] };

/** The order's lines priced and checked against the amount it states, and where each line's profiles come from. */
async function priceAndSource(ctx: Verb<unknown>['ctx'], input: PlaceOrderInput, catalog: CatalogView): Promise<PricedOrder> {
  const priced = await priceOrder(catalog.find, input.packageInfoList);
  if (input.amount !== undefined && input.amount !== priced.total) {
    throw new ApiError('200006', `Total order price amount is wrong: the packages cost ${priced.total}, the order says ${input.amount}.`);
  }
  // Each line's profiles: reserved from inventory now, planned at the SM-DP+, or minted by the
  // simulator later; a package production has no source for is refused (200011).
  return { ...priced, sources: priced.packages.map((pkg) => resolveProfileSource(ctx, pkg)) };
}

/** The order's row, numbered now, and when its allocation is due (wall clock, as every job's). */
async function newOrderValues(ctx: Verb<unknown>['ctx'], input: PlaceOrderInput, order: PricedOrder, hash: string): Promise<NewOrderValues & { jobRunAt: number; jobCreatedAt: number }> {
  const now = ctx.clock.now();
  const wallNow = Date.now();
  return {
    orderNo: await newOrderNo(ctx.services.sequences, now),
    merchantId: ctx.merchant.id,
    transactionId: input.transactionId,
    requestHash: hash,
    items: JSON.stringify(order.items),
    amount: order.total,
    esimCount: order.count,
    createdAt: now.getTime(),
    jobRunAt: wallNow + allocationDelay(ctx),
    jobCreatedAt: wallNow,
  };
}

/** How long after the order its allocation is due: the merchant's own delay (sandbox) or the server's. */
function allocationDelay(ctx: Verb<unknown>['ctx']): number {
  return ctx.merchant.allocation_delay_ms ?? ctx.config.allocationDelayMs;
}

/** What a retry must repeat: the amount and the lines, each package named by its code. */
async function hashOf(catalog: CatalogView, input: PlaceOrderInput): Promise<string> {
  return requestHash({ amount: input.amount, lines: await canonicalLines(catalog.find, input.packageInfoList) });
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
