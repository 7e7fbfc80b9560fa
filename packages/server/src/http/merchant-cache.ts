import type { BlockList } from 'node:net';
import type { Db } from '../db/connect.js';
import type { MerchantRow } from '../domain/context.js';
import { findMerchantByAccessCode } from '../domain/merchants/find.js';
import { LruCache } from '../lib/lru.js';
import { compileBlocklist } from './ip-blocklist.js';

export interface CachedMerchant {
  row: MerchantRow;
  blocklist: BlockList;
}

interface Entry {
  /** null remembers an unknown access code, so guessing costs no query either. */
  merchant: CachedMerchant | null;
  expiresAt: number;
}

/**
 * Merchants looked up by access code, kept for a short time so that authentication costs
 * no query on most requests. A change to a merchant (new policy, blocked IP) takes effect
 * on every instance within `ttlMs`. Balances are never read from here.
 */
export class MerchantCache {
  private readonly entries = new LruCache<string, Entry>(10_000);

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 1000,
  ) {}

  async get(accessCode: string): Promise<CachedMerchant | undefined> {
    const now = Date.now();
    const hit = this.entries.get(accessCode);
    if (hit && hit.expiresAt > now) return hit.merchant ?? undefined;
    const row = await findMerchantByAccessCode(this.db, accessCode);
    const merchant = row ? { row, blocklist: compileBlocklist(parseList(row.ip_blocklist)) } : null;
    this.entries.set(accessCode, { merchant, expiresAt: now + this.ttlMs });
    return merchant ?? undefined;
  }

  invalidate(): void {
    this.entries.clear();
  }
}

function parseList(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
