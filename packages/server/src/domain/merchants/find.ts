import type { Db } from '../../db/connect.js';
import type { MerchantSettings } from '../context.js';

/** Every column of a merchant but its balance: what may be cached (balances are read fresh). */
const SETTINGS_COLUMNS = [
  'id',
  'name',
  'access_code',
  'secret_key',
  'signature_policy',
  'rate_limit',
  'rate_burst',
  'ip_blocklist',
  'created_at',
  'allocation_delay_ms',
  'fail_allocations',
  'webhook_url',
  'webhook_secret',
  'webhook_previous_secret',
  'webhook_previous_secret_until',
  'faults_active',
  'busy_share',
  'clock_offset_ms',
  'disabled',
] as const satisfies readonly (keyof MerchantSettings)[];

// Checked when compiling: a column added to merchants is named above, or this fails to type.
export const everyMerchantSetting: Exclude<keyof MerchantSettings, (typeof SETTINGS_COLUMNS)[number]> extends never ? true : never = true;

/** A merchant's settings by access code, without its balance. */
export async function findMerchantByAccessCode(db: Db, accessCode: string): Promise<MerchantSettings | undefined> {
  return db.kysely.selectFrom('merchants').select(SETTINGS_COLUMNS).where('access_code', '=', accessCode).executeTakeFirst();
}
