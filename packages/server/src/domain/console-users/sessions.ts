import type { ServiceContext } from '../context.js';
import { newToken, tokenHash } from './secrets.js';
import { openOptional } from '../merchants/secrets.js';

// Console sessions live in the database (any instance serves any request). The browser holds
// a random token; the row holds its hash, the user, a CSRF token of its own, and two limits:
// idle (no request for SESSION_IDLE_MS ends it) and absolute (SESSION_MAX_MS after sign-in).
// Real time throughout.

export const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so most requests cost no write. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface NewSession {
  /** For the cookie; the database keeps only its hash. */
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export interface Session {
  id: number;
  userId: number;
  email: string;
  operator: boolean;
  /** The user's merchant; null for operators. */
  merchant: { id: number; name: string; accessCode: string } | null;
  csrfToken: string;
}

/** A new session for a signed-in user (a new token every time: a token set before sign-in is never kept). */
export async function createSession({ ctx, input }: { ctx: ServiceContext; input: { userId: number } }): Promise<NewSession> {
  const now = ctx.clock.now().getTime();
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = now + SESSION_MAX_MS;
  await ctx.db.kysely.deleteFrom('console_sessions').where('user_id', '=', input.userId).where('expires_at', '<=', now).execute();
  await ctx.db.kysely
    .insertInto('console_sessions')
    .values({ token_hash: tokenHash(token), user_id: input.userId, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: expiresAt })
    .execute();
  return { token, csrfToken, expiresAt };
}

/** The live session of a cookie's token, or undefined (unknown, ended, idle too long, or its user disabled). */
export async function findSession({ ctx, input }: { ctx: ServiceContext; input: { token: string } }): Promise<Session | undefined> {
  const now = ctx.clock.now().getTime();
  const row = await ctx.db.kysely
    .selectFrom('console_sessions as s')
    .innerJoin('console_users as u', 'u.id', 's.user_id')
    .leftJoin('merchants as m', 'm.id', 'u.merchant_id')
    .select(['s.id', 's.user_id', 's.csrf_token', 's.last_seen_at', 's.expires_at', 'u.email', 'u.is_operator', 'u.disabled', 'm.id as merchant_id', 'm.name as merchant_name', 'm.access_code_sealed'])
    .where('s.token_hash', '=', tokenHash(input.token))
    .executeTakeFirst();
  if (!row || row.disabled !== 0) return undefined;
  const lastSeen = Number(row.last_seen_at);
  if (Number(row.expires_at) <= now || lastSeen + SESSION_IDLE_MS <= now) return undefined;
  if (now - lastSeen >= TOUCH_EVERY_MS) await ctx.db.kysely.updateTable('console_sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    email: row.email,
    operator: row.is_operator === 1,
    merchant: row.merchant_id === null ? null : { id: Number(row.merchant_id), name: row.merchant_name ?? '', accessCode: openOptional(ctx.secrets, row.access_code_sealed) ?? '' },
    csrfToken: row.csrf_token,
  };
}

/** Ends the session of a cookie's token (logout); nothing happens when there is none. */
export async function destroySession({ ctx, input }: { ctx: ServiceContext; input: { token: string } }): Promise<void> {
  await ctx.db.kysely.deleteFrom('console_sessions').where('token_hash', '=', tokenHash(input.token)).execute();
}

/** Ends every session of a user ("log out everywhere"; also after a password change). Returns how many. */
export async function destroyAllSessions({ ctx, input }: { ctx: ServiceContext; input: { userId: number } }): Promise<number> {
  const result = await ctx.db.kysely.deleteFrom('console_sessions').where('user_id', '=', input.userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
