import type { ServiceContext } from '../domain/context.js';
import { ApiError } from '../domain/errors.js';
import { recordStatusChanges, type StatusChange } from '../domain/esims/transition.js';
import { eidWithCheckDigits } from '../lib/identifiers.js';
import { randomHex } from '../lib/random.js';
import { announceDataUsage } from '../domain/webhooks/data-usage.js';

// A simulated handset: installs profiles and uses data. The sandbox API drives it; tests
// use it to reach the states that only a real device can cause.
const DAY_MS = 24 * 3600_000;

export function randomEid(): string {
  const digits = BigInt(`0x${randomHex(12)}`).toString().padStart(24, '0').slice(0, 24);
  return eidWithCheckDigits(`890490${digits}`);
}

/**
 * Downloads, installs and enables a RELEASED profile on a device: smdpStatus RELEASED ->
 * DOWNLOAD -> INSTALLATION -> ENABLED, esimStatus IN_USE; a plan that activates on
 * installation (activeType 1) starts its validity now.
 */
export async function installProfile(ctx: ServiceContext, esimId: number, eid: string = randomEid()): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await tx.selectFrom('esims').selectAll().where('id', '=', esimId).executeTakeFirstOrThrow();
    if (esim.smdp_status !== 'RELEASED' || esim.esim_status !== 'GOT_RESOURCE') {
      throw new ApiError('200002', `The profile cannot be installed: it is ${esim.esim_status} / ${esim.smdp_status}.`);
    }
    const activate = esim.active_type === 1;
    await tx
      .updateTable('esims')
      .set({
        smdp_status: 'ENABLED',
        esim_status: 'IN_USE',
        eid,
        ...(activate ? { activated_at: now.getTime(), expired_time: now.getTime() + esim.total_duration * DAY_MS } : {}),
      })
      .where('id', '=', esim.id)
      .execute();
    const base = { esimId: esim.id, merchantId: esim.merchant_id, actor: 'device' as const, at: now };
    const changes: StatusChange[] = [
      { ...base, field: 'smdpStatus', from: 'RELEASED', to: 'DOWNLOAD' },
      { ...base, field: 'smdpStatus', from: 'DOWNLOAD', to: 'INSTALLATION' },
      { ...base, field: 'smdpStatus', from: 'INSTALLATION', to: 'ENABLED' },
      { ...base, field: 'esimStatus', from: 'GOT_RESOURCE', to: 'IN_USE' },
    ];
    await recordStatusChanges(tx, changes);
  });
  ctx.wakeJobs?.();
}

/**
 * Uses `bytes` of data: the first use activates an activeType 2 plan; a total-data plan
 * that reaches its volume becomes USED_UP.
 */
export async function consumeData(ctx: ServiceContext, esimId: number, bytes: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await tx.selectFrom('esims').selectAll().where('id', '=', esimId).executeTakeFirstOrThrow();
    if (esim.esim_status !== 'IN_USE') throw new ApiError('200002', `No data service: the eSIM is ${esim.esim_status}.`);
    const activate = esim.activated_at === null;
    const usage = esim.data_type === 1 ? Math.min(esim.total_volume, esim.order_usage + bytes) : esim.order_usage + bytes;
    const usedUp = esim.data_type === 1 && usage >= esim.total_volume;
    const alerts = await announceDataUsage(tx, esim, usage, ctx.config.dataUsageThresholds, now);
    await tx
      .updateTable('esims')
      .set({
        order_usage: usage,
        usage_updated_at: now.getTime(),
        usage_alerts_sent: JSON.stringify(alerts),
        ...(usedUp ? { esim_status: 'USED_UP' } : {}),
        ...(activate ? { activated_at: now.getTime(), expired_time: now.getTime() + esim.total_duration * DAY_MS } : {}),
      })
      .where('id', '=', esim.id)
      .execute();
    if (usedUp) {
      await recordStatusChanges(tx, [{ esimId: esim.id, merchantId: esim.merchant_id, field: 'esimStatus', from: 'IN_USE', to: 'USED_UP', actor: 'device', at: now }]);
    }
  });
  ctx.wakeJobs?.();
}
