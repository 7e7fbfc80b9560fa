import { formatWireTime } from '@esimkit/contract';
import { isValidEid } from '../../lib/identifiers.js';
import type { MerchantContext, ServiceContext } from '../context.js';
import { deliverSmsToDevice, sendSmsFromDevice } from '../esims/device-sms.js';
import { esimById, findOwnedEsim, requireEsimRef, type EsimRefInput } from '../esims/find.js';
import { applyProfileNotifications } from '../esims/profile-notifications.js';
import { ApiError } from '../errors.js';
import type { DeviceAction } from '../ports.js';
import { attachToNetwork, recordNetworkUse, type UseResult } from '../usage/network-use.js';
import { sandboxOf } from './clock.js';

// The sandbox's device and network actions, for the merchant's own eSIMs only: the
// simulated handset and network (sim/) report what happens, the domain applies it.

/**
 * The user installs the profile on a handset with this EID (one is made up when not
 * given); with `fail`, the download breaks off and the profile is RELEASED again.
 */
export async function installProfile(ctx: ServiceContext, esimId: number, eid?: string, options: { fail?: boolean } = {}): Promise<void> {
  if (eid !== undefined && !isValidEid(eid)) throw new ApiError('000104', 'Invalid request parameter eid: an EID is 32 digits that pass the mod-97 check (GSMA SGP.29).');
  const installed = sandboxOf(ctx).device.install({ eid, fail: options.fail ?? false });
  await applyProfileNotifications(ctx, esimId, installed.notifications, { actor: 'device', eid: installed.eid });
}

/** The user disables, enables or deletes the profile on the device. */
export async function changeProfileOnDevice(ctx: ServiceContext, esimId: number, action: DeviceAction): Promise<void> {
  await applyProfileNotifications(ctx, esimId, [sandboxOf(ctx).device.act(action)], { actor: 'device' });
}

/** The device uses `bytes` of data on the simulated network. */
export function consumeData(ctx: ServiceContext, esimId: number, bytes: number): Promise<UseResult> {
  return recordNetworkUse(ctx, sandboxOf(ctx).network, esimId, bytes);
}

async function ownEsim(ctx: MerchantContext, ref: EsimRefInput) {
  sandboxOf(ctx);
  return findOwnedEsim(ctx.db.kysely, ctx.merchant, requireEsimRef(ref));
}

async function deviceState(ctx: MerchantContext, id: number) {
  const esim = await esimById(ctx.db.kysely, id);
  return {
    esimTranNo: esim.esim_tran_no,
    eid: esim.eid,
    smdpStatus: esim.smdp_status,
    esimStatus: esim.esim_status,
    activateTime: esim.activated_at === null ? null : formatWireTime(new Date(esim.activated_at)),
    expiredTime: formatWireTime(new Date(esim.expired_time)),
  };
}

export async function sandboxInstallProfile({ ctx, input }: { ctx: MerchantContext; input: EsimRefInput & { eid?: string | undefined; fail?: boolean | undefined } }) {
  const esim = await ownEsim(ctx, input);
  await installProfile(ctx, esim.id, input.eid, { fail: input.fail ?? false });
  const { activateTime: _a, expiredTime: _e, ...state } = await deviceState(ctx, esim.id);
  return state;
}

export function sandboxProfileAction(action: DeviceAction) {
  return async ({ ctx, input }: { ctx: MerchantContext; input: EsimRefInput }) => {
    const esim = await ownEsim(ctx, input);
    await changeProfileOnDevice(ctx, esim.id, action);
    const { esimTranNo, smdpStatus, esimStatus } = await deviceState(ctx, esim.id);
    return { esimTranNo, smdpStatus, esimStatus };
  };
}

export async function sandboxAttach({ ctx, input }: { ctx: MerchantContext; input: EsimRefInput }) {
  const esim = await ownEsim(ctx, input);
  await attachToNetwork(ctx, esim.id);
  const { eid: _eid, ...state } = await deviceState(ctx, esim.id);
  return state;
}

export async function sandboxConsume({ ctx, input }: { ctx: MerchantContext; input: EsimRefInput & { bytes: number } }) {
  const esim = await ownEsim(ctx, input);
  return consumeData(ctx, esim.id, input.bytes);
}

export async function sandboxReceiveSms({ ctx, input }: { ctx: MerchantContext; input: EsimRefInput & { message: string; from?: string | undefined } }) {
  const esim = await ownEsim(ctx, input);
  await deliverSmsToDevice(ctx, esim.id, input.message, input.from ?? null);
  return {};
}

export async function sandboxSendSms({ ctx, input }: { ctx: MerchantContext; input: EsimRefInput & { message: string; to: string } }) {
  const esim = await ownEsim(ctx, input);
  await sendSmsFromDevice(ctx, esim.id, input.message, input.to);
  return {};
}
