import { formatWireTime } from '@esimkit/contract';
import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
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

export interface WebhookSigningState {
  accessCode: string;
  /** Whether deliveries carry Standard Webhooks signatures. */
  signing: boolean;
  secret: string | null;
  /** The rotated-out secret, while it still signs beside the new one. */
  previousSecret: string | null;
  previousValidUntil: string | null;
}

/**
 * An operator's view of a merchant's webhook signing, read from the database: the partner
 * API hands a secret out only when it makes one (rotate).
 */
export async function webhookSigningState({ ctx, input }: Verb<{ accessCode: string }, ServiceContext>): Promise<WebhookSigningState> {
  const row = await ctx.db.kysely
    .selectFrom('merchants')
    .select(['webhook_secret', 'webhook_previous_secret', 'webhook_previous_secret_until'])
    .where('access_code', '=', input.accessCode)
    .executeTakeFirst();
  if (!row) throw new ApiError('000101', `no merchant with access code ${input.accessCode}`);
  const until = row.webhook_previous_secret_until;
  const previousLive = row.webhook_secret !== null && row.webhook_previous_secret !== null && until !== null && until > Date.now();
  return {
    accessCode: input.accessCode,
    signing: row.webhook_secret !== null,
    secret: row.webhook_secret,
    previousSecret: previousLive ? row.webhook_previous_secret : null,
    previousValidUntil: previousLive ? formatWireTime(new Date(until)) : null,
  };
}
