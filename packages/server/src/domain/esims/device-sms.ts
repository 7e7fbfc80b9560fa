import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { esimById } from './find.js';
import { requireService } from '../usage/network-use.js';

// SMS between the network and the device (the partner's own esim/sendSms is send-sms.ts).

/** An SMS reaches the device: from a phone (`from` given) or through the API path. */
export async function deliverSmsToDevice(ctx: ServiceContext, esimId: number, message: string, from: string | null): Promise<void> {
  const esim = await esimById(ctx.db.kysely, esimId);
  if (esim.sms_status === 0) throw new ApiError('200002', "This eSIM's package does not support SMS (smsStatus 0).");
  if (from !== null && esim.sms_status === 2) throw new ApiError('200002', 'This package takes SMS through the API only (smsStatus 2), not from phones.');
  if (!['ENABLED', 'DISABLED'].includes(esim.smdp_status)) throw new ApiError('200002', `The profile is not on a device (smdpStatus ${esim.smdp_status}).`);
  await ctx.db.kysely
    .insertInto('sms_messages')
    .values({ esim_id: esim.id, merchant_id: esim.merchant_id, direction: 'MT', message, party: from, created_at: ctx.clock.now().getTime() })
    .execute();
}

/** The device sends an SMS (mobile originated). */
export async function sendSmsFromDevice(ctx: ServiceContext, esimId: number, message: string, to: string): Promise<void> {
  const now = ctx.clock.now();
  const esim = await esimById(ctx.db.kysely, esimId);
  if (esim.sms_status === 0) throw new ApiError('200002', "This eSIM's package does not support SMS (smsStatus 0).");
  requireService(esim, now);
  await ctx.db.kysely
    .insertInto('sms_messages')
    .values({ esim_id: esim.id, merchant_id: esim.merchant_id, direction: 'MO', message, party: to, created_at: now.getTime() })
    .execute();
}
