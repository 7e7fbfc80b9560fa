import { formatWireTime } from '@esimkit/contract';
import type { Verb } from '../context.js';
import { newWebhookSecret } from './signing.js';

const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

/**
 * Turns signing on with a new secret, or rotates it: the previous secret keeps signing
 * beside the new one for the overlap, so receivers can switch without dropping events.
 */
export async function rotateWebhookSecret({ ctx, input }: Verb<{ overlapSeconds?: number | undefined }>) {
  const db = ctx.db.kysely;
  const current = await db.selectFrom('merchants').select('webhook_secret').where('id', '=', ctx.merchant.id).executeTakeFirstOrThrow();
  const secret = newWebhookSecret();
  const until = current.webhook_secret ? Date.now() + (input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000 : null;
  await db
    .updateTable('merchants')
    .set({ webhook_secret: secret, webhook_previous_secret: current.webhook_secret, webhook_previous_secret_until: until })
    .where('id', '=', ctx.merchant.id)
    .execute();
  return { secret, previousValidUntil: until === null ? null : formatWireTime(new Date(until)) };
}

export async function disableWebhookSigning({ ctx }: Verb<unknown>) {
  await ctx.db.kysely
    .updateTable('merchants')
    .set({ webhook_secret: null, webhook_previous_secret: null, webhook_previous_secret_until: null })
    .where('id', '=', ctx.merchant.id)
    .execute();
  return {};
}
