import { formatWireTime } from '@esimkit/contract';
import type { Verb } from '../context.js';
import { findOwnedEsim, requireEsimRef, type EsimRefInput } from './find.js';

/** Every recorded status change of one of the merchant's eSIMs, oldest first. */
export async function esimTimeline({ ctx, input }: Verb<EsimRefInput>) {
  const esim = await findOwnedEsim(ctx.db.kysely, ctx.merchant, requireEsimRef(input));
  const rows = await ctx.db.kysely.selectFrom('esim_events').selectAll().where('esim_id', '=', esim.id).orderBy('id').execute();
  return {
    eventList: rows.map((r) => ({ field: r.field, from: r.from_value, to: r.to_value, actor: r.actor, time: formatWireTime(new Date(r.at)) })),
  };
}

/** SMS messages of one of the merchant's eSIMs, oldest first. */
export async function esimSmsMessages({ ctx, input }: Verb<EsimRefInput>) {
  const esim = await findOwnedEsim(ctx.db.kysely, ctx.merchant, requireEsimRef(input));
  const rows = await ctx.db.kysely.selectFrom('sms_messages').selectAll().where('esim_id', '=', esim.id).orderBy('id').execute();
  return { smsList: rows.map((r) => ({ direction: r.direction, message: r.message, createTime: formatWireTime(new Date(r.created_at)) })) };
}
