import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';

/**
 * Revokes an operator token for good: its next request is refused. Revoking it again
 * changes nothing and answers when it was first revoked. An unknown id is refused.
 */
export async function revokeOperatorToken({ ctx, input }: Verb<{ id: number }, ServiceContext>): Promise<{ id: number; revokedAt: number; alreadyRevoked: boolean }> {
  const now = ctx.clock.now().getTime();
  const updated = await ctx.db.kysely.updateTable('operator_tokens').set({ revoked_at: now }).where('id', '=', input.id).where('revoked_at', 'is', null).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return { id: input.id, revokedAt: now, alreadyRevoked: false };
  const row = await ctx.db.kysely.selectFrom('operator_tokens').select('revoked_at').where('id', '=', input.id).executeTakeFirst();
  if (!row) throw new ApiError('000107', `there is no operator token ${input.id}`);
  return { id: input.id, revokedAt: Number(row.revoked_at), alreadyRevoked: true };
}
