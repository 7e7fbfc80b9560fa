import type { ServiceContext } from '../context.js';
import { parseStoredScopes } from './scopes.js';

export interface OperatorTokenSummary {
  id: number;
  name: string;
  scopes: string[];
  createdAt: number;
  /** Updated at most once a minute (verify.ts). */
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Every operator token, revoked ones included, oldest first; never the token (it is not stored). */
export async function listOperatorTokens({ ctx }: { ctx: ServiceContext }): Promise<OperatorTokenSummary[]> {
  const rows = await ctx.db.kysely.selectFrom('operator_tokens').select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    scopes: parseStoredScopes(r.scopes),
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  }));
}
