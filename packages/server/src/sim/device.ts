import type { ServiceContext } from '../domain/context.js';
import { ApiError } from '../domain/errors.js';
import { activationFields } from '../domain/esims/activation.js';
import type { EsimRow } from '../domain/esims/find.js';
import { lockEsim } from '../domain/esims/lock.js';
import { recordStatusChanges, type StatusChange } from '../domain/esims/transition.js';
import { eidWithCheckDigits, isValidEid } from '../lib/identifiers.js';
import { randomHex } from '../lib/random.js';

// A simulated handset and its eUICC: downloads, installs, enables, disables and deletes
// profiles. smdpStatus RELEASED -> DOWNLOAD -> INSTALLATION -> ENABLED <-> DISABLED ->
// DELETED; a failed download returns to RELEASED (field-notes §6).

export function randomEid(): string {
  const digits = BigInt(`0x${randomHex(12)}`).toString().padStart(24, '0').slice(0, 24);
  return eidWithCheckDigits(`890490${digits}`);
}

function refuse(esim: EsimRow, what: string): never {
  throw new ApiError('200002', `The profile cannot be ${what}: it is ${esim.esim_status} / ${esim.smdp_status}.`);
}

async function changeProfile(
  ctx: ServiceContext,
  esimId: number,
  plan: (esim: EsimRow, now: Date) => { set: Record<string, unknown>; changes: Omit<StatusChange, 'esimId' | 'merchantId' | 'actor' | 'at'>[] },
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.kysely.transaction().execute(async (tx) => {
    const esim = await lockEsim(tx, ctx.db.dialect, esimId);
    const { set, changes } = plan(esim, now);
    if (Object.keys(set).length) await tx.updateTable('esims').set(set).where('id', '=', esim.id).execute();
    await recordStatusChanges(
      tx,
      changes.map((c) => ({ ...c, esimId: esim.id, merchantId: esim.merchant_id, actor: 'device' as const, at: now })),
    );
  });
  ctx.wakeJobs?.();
}

/**
 * Downloads and installs a RELEASED profile on a device with this EID (made up when not
 * given), enables it and puts the eSIM IN_USE; a plan that activates on installation
 * (activeType 1) starts its validity now. With `fail`, the download breaks off and the
 * profile is RELEASED again.
 */
export async function installProfile(ctx: ServiceContext, esimId: number, eid: string = randomEid(), options: { fail?: boolean } = {}): Promise<void> {
  if (!isValidEid(eid)) throw new ApiError('000104', 'Invalid request parameter eid: an EID is 32 digits that pass the mod-97 check (GSMA SGP.29).');
  await changeProfile(ctx, esimId, (esim, now) => {
    if (esim.smdp_status !== 'RELEASED' || esim.esim_status !== 'GOT_RESOURCE' || esim.expired_time <= now.getTime()) refuse(esim, 'installed');
    if (options.fail) {
      return {
        set: {},
        changes: [
          { field: 'smdpStatus', from: 'RELEASED', to: 'DOWNLOAD' },
          { field: 'smdpStatus', from: 'DOWNLOAD', to: 'RELEASED' },
        ],
      };
    }
    const activate = esim.active_type === 1 && esim.activated_at === null;
    return {
      set: { smdp_status: 'ENABLED', esim_status: 'IN_USE', eid, installed_at: esim.installed_at ?? now.getTime(), ...(activate ? activationFields(esim, now) : {}) },
      changes: [
        { field: 'smdpStatus', from: 'RELEASED', to: 'DOWNLOAD' },
        { field: 'smdpStatus', from: 'DOWNLOAD', to: 'INSTALLATION' },
        { field: 'smdpStatus', from: 'INSTALLATION', to: 'ENABLED' },
        { field: 'esimStatus', from: 'GOT_RESOURCE', to: 'IN_USE' },
      ],
    };
  });
}

const PROFILE_ACTIONS = {
  disable: { from: ['ENABLED'], to: 'DISABLED', verb: 'disabled' },
  enable: { from: ['DISABLED'], to: 'ENABLED', verb: 'enabled' },
  delete: { from: ['ENABLED', 'DISABLED'], to: 'DELETED', verb: 'deleted' },
} as const;

export type ProfileAction = keyof typeof PROFILE_ACTIONS;

/** The user disables, enables or deletes the profile on the device. */
export async function changeProfileOnDevice(ctx: ServiceContext, esimId: number, action: ProfileAction): Promise<void> {
  const rule = PROFILE_ACTIONS[action];
  await changeProfile(ctx, esimId, (esim) => {
    if (!(rule.from as readonly string[]).includes(esim.smdp_status)) refuse(esim, rule.verb);
    return { set: { smdp_status: rule.to }, changes: [{ field: 'smdpStatus', from: esim.smdp_status, to: rule.to }] };
  });
}
