import type { ConsoleTokenPurpose } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';
import { newToken, tokenHash } from './secrets.js';

// One-time links: `login` signs a user in (the sandbox's printed console link), `set-password`
// lets a user choose a password (`esimkit user create --link`). A token works once, until it
// expires; the database keeps its hash. Real time.

export const LOGIN_TOKEN_TTL_MS = 60 * 60 * 1000;
export const SET_PASSWORD_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export async function createLoginToken({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { userId: number; purpose: ConsoleTokenPurpose; ttlMs?: number };
}): Promise<{ token: string; expiresAt: number }> {
  const now = ctx.clock.now().getTime();
  const token = newToken();
  const expiresAt = now + (input.ttlMs ?? (input.purpose === 'login' ? LOGIN_TOKEN_TTL_MS : SET_PASSWORD_TOKEN_TTL_MS));
  await ctx.db.kysely
    .insertInto('console_login_tokens')
    .values({ token_hash: tokenHash(token), user_id: input.userId, purpose: input.purpose, created_at: now, expires_at: expiresAt, used_at: null })
    .execute();
  return { token, expiresAt };
}

/** The user a token is for, if it is unused, unexpired and of this purpose; it is used up by this call (one conditional UPDATE, so of two uses only one wins). */
export async function consumeLoginToken({ ctx, input }: { ctx: ServiceContext; input: { token: string; purpose: ConsoleTokenPurpose } }): Promise<number | undefined> {
  const now = ctx.clock.now().getTime();
  const hash = tokenHash(input.token);
  const result = await ctx.db.kysely
    .updateTable('console_login_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .where('purpose', '=', input.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  const row = await ctx.db.kysely
    .selectFrom('console_login_tokens as t')
    .innerJoin('console_users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.disabled'])
    .where('t.token_hash', '=', hash)
    .executeTakeFirst();
  return row && row.disabled === 0 ? Number(row.id) : undefined;
}

/** Whether a token would be accepted now (the set-password form is shown only for one), without using it. */
export async function loginTokenValid({ ctx, input }: { ctx: ServiceContext; input: { token: string; purpose: ConsoleTokenPurpose } }): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('console_login_tokens')
    .select('id')
    .where('token_hash', '=', tokenHash(input.token))
    .where('purpose', '=', input.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', ctx.clock.now().getTime())
    .executeTakeFirst();
  return row !== undefined;
}
