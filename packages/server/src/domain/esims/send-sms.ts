import type { Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { ON_DEVICE } from '../lifecycle/states.js';
import { findOwnedEsim, requireEsimRef } from './find.js';

/**
 * esim/sendSms: only to a profile installed on a device whose package takes SMS
 * (smsStatus 1 or 2); the message is kept for the merchant to see.
 */
export async function sendSmsToEsim({ ctx, input }: Verb<{ esimTranNo?: string | undefined; iccid?: string | undefined; message: string }>) {
  const esim = await findOwnedEsim(ctx.db.kysely, ctx.merchant, requireEsimRef(input));
  if (esim.sms_status === 0) throw new ApiError('200002', "This eSIM's package does not support SMS (smsStatus 0).");
  if (!(ON_DEVICE as readonly string[]).includes(esim.smdp_status)) throw new ApiError('200002', `SMS can only be sent to an installed eSIM; this one is ${esim.smdp_status}.`);
  if (!['IN_USE', 'GOT_RESOURCE', 'USED_UP'].includes(esim.esim_status)) {
    throw new ApiError('200002', `SMS cannot be sent to an eSIM that is ${esim.esim_status}.`);
  }
  await ctx.db.kysely
    .insertInto('sms_messages')
    .values({ esim_id: esim.id, merchant_id: ctx.merchant.id, direction: 'MT', message: input.message, created_at: ctx.clock.now().getTime() })
    .execute();
  return {};
}
