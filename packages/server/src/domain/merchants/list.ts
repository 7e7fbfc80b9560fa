import type { ServiceContext } from '../context.js';

export interface MerchantSummary {
  id: number;
  name: string;
  accessCode: string;
  signaturePolicy: string;
  rateLimit: number;
  balance: number;
  createdAt: string;
}

export async function listMerchants({ ctx }: { ctx: ServiceContext }): Promise<MerchantSummary[]> {
  const rows = await ctx.db.kysely.selectFrom('merchants').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    accessCode: row.access_code,
    signaturePolicy: row.signature_policy,
    rateLimit: row.rate_limit,
    balance: row.balance,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}
