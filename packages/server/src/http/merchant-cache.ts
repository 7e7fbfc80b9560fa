import type { BlockList } from 'node:net';
import type { Db } from '../db/connect.js';
import type { MerchantSettings } from '../domain/context.js';
import { findMerchantByAccessCode } from '../domain/merchants/find.js';
import { LruCache } from '../lib/lru.js';
import type { SecretBox } from '../lib/secret-box.js';
import { compileBlocklist } from './ip-blocklist.js';

export interface CachedMerchant {
  /** Settings only: a cached row has no balance to be mistaken for a fresh one. */
  row: MerchantSettings;
  /** null: no address is blocked. */
  blocklist: BlockList | null;
}

interface Entry {
  /** null remembers an unknown access code, so guessing costs no query either. */
  merchant: CachedMerchant | null;
  expiresAt: number;
}

/**
 * Merchants looked up by access code, kept for a short time so that authentication costs
 * no query on most requests. A change to a merchant (new policy, blocked IP) takes effect
 * on every instance within `ttlMs`, in this one at once (`ctx.merchantChanged`). One per
 * runtime. Balances are not cached: the rows have none. Secrets are kept opened (docs/secrets.md),
 * so a request served from the cache costs no hashing or decryption.
 */
export class MerchantCache {
  private readonly entries = new LruCache<string, Entry>(10_000);

  constructor(
    readonly db: Db,
    readonly secrets: SecretBox,
    private readonly ttlMs = 1000,
  ) {}

  async get(accessCode: string): Promise<CachedMerchant | undefined> {
    const now = Date.now();
    const hit = this.entries.get(accessCode);
    if (hit && hit.expiresAt > now) return hit.merchant ?? undefined;
    // The key is the access code as sent, held in memory only; the database is asked by its
    // keyed hash, computed on a miss alone. The row's secrets are opened once per entry.
    const row = await findMerchantByAccessCode(this, accessCode);
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
