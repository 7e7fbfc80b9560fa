import type { ServiceContext } from '../context.js';
import { openOptional } from './secrets.js';

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
  const rows = await ctx.db.kysely.selectFrom('merchants').selectAll().orderBy('id').execute();
  const merchants = rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    accessCode: openOptional(ctx.secrets, row.access_code_sealed) ?? '',
    signaturePolicy: row.signature_policy,
    rateLimit: row.rate_limit,
    balance: Number(row.balance),
    disabled: Number(row.disabled) === 1,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  }));
  const search = input.search?.trim().toLowerCase();
  // Access codes are stored sealed (docs/secrets.md), so SQL cannot search them: the list is
  // every merchant, each opened for display anyway, and is filtered here.
  return search ? merchants.filter((m) => m.name.toLowerCase().includes(search) || m.accessCode.toLowerCase().includes(search)) : merchants;
}
