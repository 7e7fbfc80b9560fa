import type { Generated } from 'kysely';

// Row types of every table. Times are integer milliseconds since the epoch in both
// databases, so SQL compares them against a bound `now` from the injected clock and no
// dialect's time zone handling is involved. Money is integer 1/10,000 USD.

export type SignaturePolicy = 'optional' | 'required' | 'off';

export interface MerchantsTable {
  id: Generated<number>;
  name: string;
  access_code: string;
  secret_key: string;
  signature_policy: SignaturePolicy;
  /** Requests per second; 0 = unlimited. */
  rate_limit: number;
  rate_burst: number;
  /** JSON array of IPs or CIDR blocks refused with 101002. */
  ip_blocklist: string;
  /** Cache of SUM(ledger_entries.amount), kept in the same transaction as each entry. */
  balance: number;
  balance_updated_at: number;
  created_at: number;
}

export type LedgerKind = 'deposit' | 'order' | 'refund' | 'topup' | 'adjustment';

export interface LedgerEntriesTable {
  id: Generated<number>;
  merchant_id: number;
  amount: number;
  kind: LedgerKind;
  reference: string | null;
  note: string | null;
  created_at: number;
}

export interface PackagesTable {
  code: string;
  slug: string;
  type: 'BASE' | 'TOPUP';
  /** For a top-up: the base plan it was derived from. */
  base_code: string | null;
  name: string;
  description: string;
  price: number;
  retail_price: number;
  volume: number;
  sms_status: number;
  data_type: number;
  unused_valid_time: number;
  duration: number;
  duration_unit: string;
  /** Comma-separated ISO-2 codes covered. */
  location: string;
  /** The plan's own location: an ISO-2 code or a region code such as `EU-42`. */
  location_code: string;
  /** `country`, `regional` or `global`: what `!RG` and `!GL` select. */
  scope: 'country' | 'regional' | 'global';
  active_type: number;
  favorite: number;
  speed: string;
  ip_export: string;
  support_topup_type: number;
  fup_policy: string;
  /** JSON: [{locationCode, operators: [{operatorName, networkType}]}] */
  networks: string;
  sort_order: number;
}

export interface LocationsTable {
  code: string;
  name: string;
  type: number;
  /** JSON array of {code, name}, or null for a single country. */
  sub_locations: string | null;
  sort_order: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  merchants: MerchantsTable;
  ledger_entries: LedgerEntriesTable;
  packages: PackagesTable;
  locations: LocationsTable;
  meta: MetaTable;
}
