import type { SignaturePolicy } from '../../db/schema.js';
import type { ServiceContext, Verb } from '../context.js';
import { openOptional } from './secrets.js';

export interface MerchantAccount {
  id: number;
  name: string;
  accessCode: string;
  signaturePolicy: SignaturePolicy;
  rateLimit: number;
  rateBurst: number;
  ipBlocklist: string[];
  disabled: boolean;
  /** Read fresh (not from the partner API's cache). */
  balance: number;
  webhookUrl: string | null;
  createdAt: number;
}

export interface LedgerLine {
  id: number;
  kind: string;
  amount: number;
  reference: string | null;
  note: string | null;
  createdAt: number;
}

/** One merchant as an operator manages it (console merchant page), by id; undefined when there is none. */
export async function merchantAccount({ ctx, input }: Verb<{ id: number }, ServiceContext>): Promise<MerchantAccount | undefined> {
  const row = await ctx.db.kysely.selectFrom('merchants').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (!row) return undefined;
  let blocklist: unknown = [];
  try {
    blocklist = JSON.parse(row.ip_blocklist);
  } catch {
    blocklist = [];
  }
  return {
    id: Number(row.id),
    name: row.name,
    accessCode: openOptional(ctx.secrets, row.access_code_sealed) ?? '',
    signaturePolicy: row.signature_policy,
    rateLimit: Number(row.rate_limit),
    rateBurst: Number(row.rate_burst),
    ipBlocklist: Array.isArray(blocklist) ? blocklist.filter((e): e is string => typeof e === 'string') : [],
    disabled: Number(row.disabled) === 1,
    balance: Number(row.balance),
    webhookUrl: row.webhook_url,
    createdAt: Number(row.created_at),
  };
}

/** A merchant's newest ledger entries, newest first (deposits, adjustments with their reasons, orders, refunds). */
export async function recentLedgerEntries({ ctx, input }: Verb<{ merchantId: number; limit: number }, ServiceContext>): Promise<LedgerLine[]> {
  const rows = await ctx.db.kysely
    .selectFrom('ledger_entries')
    .selectAll()
    .where('merchant_id', '=', input.merchantId)
    .orderBy('id', 'desc')
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, amount: Number(r.amount), reference: r.reference, note: r.note, createdAt: Number(r.created_at) }));
}
