import type { ServiceContext, Verb } from '../context.js';
import { ApiError } from '../errors.js';
import { ALL_SCOPES, isOperatorScope, operatorScopes } from './scopes.js';
import { newOperatorToken, operatorTokenHash } from './secret.js';

export interface CreateOperatorTokenInput {
  /** Who or what holds it, e.g. `billing-sync`: shown in lists, never secret. */
  name: string;
  /** Scopes of operatorScopes, or `*` alone for every scope. */
  scopes: string[];
}

export interface CreatedOperatorToken {
  id: number;
  name: string;
  scopes: string[];
  /** The token itself: returned here once, never stored and never shown again. */
  token: string;
  createdAt: number;
}

/** Makes an operator token (the CLI's `operator token create`); real time. */
export async function createOperatorToken({ ctx, input }: Verb<CreateOperatorTokenInput, ServiceContext>): Promise<CreatedOperatorToken> {
  const name = input.name.trim();
  if (name === '') throw new ApiError('000106', 'an operator token needs a name');
  if (name.length > 100) throw new ApiError('000107', 'the name of an operator token is at most 100 characters');
  const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
  if (scopes.length === 0) throw new ApiError('000106', `an operator token needs scopes: ${ALL_SCOPES} or some of ${Object.keys(operatorScopes).join(', ')}`);
  const unknown = scopes.filter((s) => s !== ALL_SCOPES && !isOperatorScope(s));
  if (unknown.length) throw new ApiError('000107', `unknown scope ${unknown.join(', ')}: use ${ALL_SCOPES} or some of ${Object.keys(operatorScopes).join(', ')}`);
  if (scopes.includes(ALL_SCOPES) && scopes.length > 1) throw new ApiError('000107', `${ALL_SCOPES} means every scope: give it alone`);

  const token = newOperatorToken();
  const createdAt = ctx.clock.now().getTime();
  const row = await ctx.db.kysely
    .insertInto('operator_tokens')
    .values({ name, token_hash: operatorTokenHash(token), scopes: scopes.join(','), created_at: createdAt, last_used_at: null, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), name, scopes, token, createdAt };
}
