import { errorCodes, type ErrorCode } from '@esimkit/contract';
import type { MerchantContext } from '../context.js';
import { ApiError } from '../errors.js';
import { sandboxOf } from './clock.js';

export interface FaultRuleInput {
  endpoint?: string | undefined;
  packageCode?: string | undefined;
  errorCode: ErrorCode;
  count: number;
}

export interface FaultPlanInput {
  rules?: FaultRuleInput[] | undefined;
  busyShare?: number | undefined;
  allocation?: { delayMs?: number | null | undefined; fail?: boolean | undefined } | undefined;
}

async function readPlan(ctx: MerchantContext) {
  const db = ctx.db.kysely;
  const merchant = await db.selectFrom('merchants').select(['busy_share', 'allocation_delay_ms', 'fail_allocations']).where('id', '=', ctx.merchant.id).executeTakeFirstOrThrow();
  const rules = await db.selectFrom('fault_rules').selectAll().where('merchant_id', '=', ctx.merchant.id).where('remaining', '>', 0).orderBy('id').execute();
  return {
    rules: rules.map((r) => ({
      ...(r.endpoint ? { endpoint: r.endpoint } : {}),
      ...(r.package_code ? { packageCode: r.package_code } : {}),
      errorCode: r.error_code as ErrorCode,
      remaining: r.remaining,
    })),
    busyShare: merchant.busy_share,
    allocation: { delayMs: merchant.allocation_delay_ms, fail: merchant.fail_allocations === 1 },
  };
}

export async function getFaults({ ctx }: { ctx: MerchantContext }) {
  sandboxOf(ctx);
  return readPlan(ctx);
}

/** Adds rules and sets the busy share and allocation behaviour (fields left out stay). */
export async function setFaults({ ctx, input }: { ctx: MerchantContext; input: FaultPlanInput }) {
  sandboxOf(ctx);
  const now = ctx.clock.now().getTime();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    if (input.rules?.length) {
      await tx
        .insertInto('fault_rules')
        .values(
          input.rules.map((r) => ({
            merchant_id: ctx.merchant.id,
            endpoint: r.endpoint ?? null,
            package_code: r.packageCode ?? null,
            error_code: r.errorCode,
            remaining: r.count,
            created_at: now,
          })),
        )
        .execute();
    }
    const allocation = input.allocation;
    const changes = {
      ...(input.rules?.length ? { faults_active: 1 } : {}),
      ...(input.busyShare !== undefined ? { busy_share: input.busyShare } : {}),
      ...(allocation?.delayMs !== undefined ? { allocation_delay_ms: allocation.delayMs } : {}),
      ...(allocation?.fail !== undefined ? { fail_allocations: allocation.fail ? 1 : 0 } : {}),
    };
    // An empty plan ({}) changes nothing: an UPDATE with nothing to set is not SQL.
    if (Object.keys(changes).length > 0) await tx.updateTable('merchants').set(changes).where('id', '=', ctx.merchant.id).execute();
  });
  ctx.merchantChanged();
  return readPlan(ctx);
}

export async function clearFaults({ ctx }: { ctx: MerchantContext }) {
  sandboxOf(ctx);
  await ctx.db.kysely.transaction().execute(async (tx) => {
    // The merchant's row first, then its rules: the order a sandbox reset takes them in.
    await tx
      .updateTable('merchants')
      .set({ faults_active: 0, busy_share: 0, allocation_delay_ms: null, fail_allocations: 0 })
      .where('id', '=', ctx.merchant.id)
      .execute();
    await tx.deleteFrom('fault_rules').where('merchant_id', '=', ctx.merchant.id).execute();
  });
  ctx.merchantChanged();
  return readPlan(ctx);
}

/** Package codes and slugs a request names (order lines, top-up, package filters). */
function packagesNamed(input: unknown): string[] {
  const record = (input ?? {}) as Record<string, unknown>;
  const refs = [record.packageCode, record.slug];
  if (Array.isArray(record.packageInfoList)) for (const line of record.packageInfoList as Record<string, unknown>[]) refs.push(line.packageCode, line.slug);
  return refs.filter((r): r is string => typeof r === 'string');
}

/**
 * Before a partner endpoint runs in the sandbox: answer 900001 for the configured share of
 * requests, and the code of the first matching fault rule while it has calls left (each
 * match uses one, atomically, so N means N across instances).
 */
export async function applyFaults(ctx: MerchantContext, endpoint: { name: string; path: string }, input: unknown): Promise<void> {
  const merchant = ctx.merchant;
  if (merchant.busy_share > 0 && Math.random() < merchant.busy_share) throw new ApiError('900001', `${errorCodes['900001']} (sandbox fault)`);
  if (!merchant.faults_active) return;
  const db = ctx.db.kysely;
  const rules = await db.selectFrom('fault_rules').selectAll().where('merchant_id', '=', merchant.id).where('remaining', '>', 0).orderBy('id').execute();
  if (rules.length === 0) {
    await db.updateTable('merchants').set({ faults_active: 0 }).where('id', '=', merchant.id).execute();
    ctx.merchantChanged();
    return;
  }
  const named = packagesNamed(input);
  for (const rule of rules) {
    if (rule.endpoint && rule.endpoint !== endpoint.name && rule.endpoint !== endpoint.path) continue;
    if (rule.package_code) {
      const pkg = await db.selectFrom('packages').select(['code', 'slug']).where((eb) => eb.or([eb('code', '=', rule.package_code!), eb('slug', '=', rule.package_code!)])).execute();
      const names = new Set([rule.package_code, ...pkg.flatMap((p) => [p.code, p.slug])]);
      if (!named.some((n) => names.has(n))) continue;
    }
    const taken = await db.updateTable('fault_rules').set((eb) => ({ remaining: eb('remaining', '-', 1) })).where('id', '=', rule.id).where('remaining', '>', 0).executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 0) continue;
    const code = rule.error_code as ErrorCode;
    throw new ApiError(code, `${errorCodes[code] ?? 'Sandbox fault'} (sandbox fault)`);
  }
}
