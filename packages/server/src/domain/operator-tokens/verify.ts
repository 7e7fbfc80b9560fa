import type { ServiceContext, Verb } from '../context.js';
import { parseStoredScopes } from './scopes.js';
import { looksLikeOperatorToken, operatorTokenHash } from './secret.js';

/** How stale last_used_at may get: writing it on every request would make each read a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type TokenCheck = { ok: true; id: number; name: string; scopes: string[] } | { ok: false; reason: 'unknown' | 'revoked' };

/**
 * Who a presented token is. The token is looked up by its SHA-256, so no comparison runs on
 * the secret itself and the time taken says nothing about how much of it was right. A
 * revoked token is told apart (its holder knows it already). Real time.
 */
export async function verifyOperatorToken({ ctx, input }: Verb<{ token: string }, ServiceContext>): Promise<TokenCheck> {
  if (!looksLikeOperatorToken(input.token)) return { ok: false, reason: 'unknown' };
  const row = await ctx.db.kysely
    .selectFrom('operator_tokens')
    .select(['id', 'name', 'scopes', 'last_used_at', 'revoked_at'])
    .where('token_hash', '=', operatorTokenHash(input.token))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  const now = ctx.clock.now().getTime();
  const lastUsed = row.last_used_at === null ? null : Number(row.last_used_at);
  if (lastUsed === null || now - lastUsed >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests of one token write it once.
    await ctx.db.kysely
      .updateTable('operator_tokens')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - LAST_USED_RESOLUTION_MS)]))
      .execute();
  }
  return { ok: true, id: Number(row.id), name: row.name, scopes: parseStoredScopes(row.scopes) };
}
