import { formatWireTime } from '@esimkit/contract';
import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { openOptional, sealOptional } from '../merchants/secrets.js';
import { newWebhookSecret } from './signing.js';

const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

/**
 * Turns signing on with a new secret, or rotates it: the previous secret keeps signing
 * beside the new one for the overlap, so receivers can switch without dropping events.
 */
export async function rotateWebhookSecret({ ctx, input }: Verb<{ overlapSeconds?: number | undefined }>) {
  const db = ctx.db.kysely;
  const current = await db.selectFrom('merchants').select('webhook_secret_sealed').where('id', '=', ctx.merchant.id).executeTakeFirstOrThrow();
  const secret = newWebhookSecret();
  const until = current.webhook_secret_sealed ? Date.now() + (input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000 : null;
  // The current secret becomes the previous one as it is stored: sealed, with the same key.
  await db
    .updateTable('merchants')
    .set({ webhook_secret_sealed: ctx.secrets.seal(secret), webhook_previous_secret_sealed: current.webhook_secret_sealed, webhook_previous_secret_until: until })
    .where('id', '=', ctx.merchant.id)
    .execute();
  return { secret, previousValidUntil: until === null ? null : formatWireTime(new Date(until)) };
}

export async function disableWebhookSigning({ ctx }: Verb<unknown>) {
  await ctx.db.kysely
    .updateTable('merchants')
    .set({ webhook_secret_sealed: null, webhook_previous_secret_sealed: null, webhook_previous_secret_until: null })
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
    .select(['webhook_secret_sealed', 'webhook_previous_secret_sealed', 'webhook_previous_secret_until'])
    .where('access_code_hash', '=', ctx.secrets.hashAccessCode(input.accessCode))
    .executeTakeFirst();
  if (!row) throw new ApiError('000101', `no merchant with access code ${input.accessCode}`);
  const until = row.webhook_previous_secret_until;
  const previousLive = row.webhook_secret_sealed !== null && row.webhook_previous_secret_sealed !== null && until !== null && until > Date.now();
  return {
    accessCode: input.accessCode,
    signing: row.webhook_secret_sealed !== null,
    secret: openOptional(ctx.secrets, row.webhook_secret_sealed),
    previousSecret: previousLive ? openOptional(ctx.secrets, row.webhook_previous_secret_sealed) : null,
    previousValidUntil: previousLive ? formatWireTime(new Date(until)) : null,
  };
}
