import { sql } from 'kysely';
import type { ServiceContext } from '../context.js';
import { containsPattern } from '../../lib/like.js';

export interface MerchantSummary {
  id: number;
  name: string;
  accessCode: string;
  signaturePolicy: string;
  rateLimit: number;
  balance: number;
  disabled: boolean;
  createdAt: string;
}

export interface MerchantListInput {
  /** Part of the name or of the access code (any case). */
  search?: string | undefined;
}

/** Every merchant, oldest first (the CLI's `merchant list`, the operator console). */
export async function listMerchants({ ctx, input = {} }: { ctx: ServiceContext; input?: MerchantListInput }): Promise<MerchantSummary[]> {
  let query = ctx.db.kysely.selectFrom('merchants').selectAll();
  const search = input.search?.trim().toLowerCase();
  if (search) {
    const pattern = containsPattern(search);
    query = query.where(sql<boolean>`(lower(name) like ${pattern} escape '\\' or lower(access_code) like ${pattern} escape '\\')`);
  }
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    accessCode: row.access_code,
    signaturePolicy: row.signature_policy,
    rateLimit: row.rate_limit,
    balance: Number(row.balance),
    disabled: Number(row.disabled) === 1,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  }));
}
