import { formatWireTime } from '@esimkit/contract';
import { changeProfileOnDevice, installProfile, type ProfileAction } from '../../sim/device.js';
import { attachToNetwork, consumeData, deliverSmsToDevice, sendSmsFromDevice } from '../../sim/network.js';
import type { MerchantContext } from '../context.js';
import { findOwnedEsim, requireEsimRef, type EsimRefInput } from '../esims/find.js';
import { sandboxOf } from './clock.js';

// The sandbox's device and network actions, for the merchant's own eSIMs only.

async function ownEsim(ctx: MerchantContext, ref: EsimRefInput) {
  sandboxOf(ctx);
  return findOwnedEsim(ctx.db.kysely, ctx.merchant, requireEsimRef(ref));
}

async function deviceState(ctx: MerchantContext, id: number) {
  const esim = await ctx.db.kysely.selectFrom('esims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
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

export function sandboxProfileAction(action: ProfileAction) {
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
