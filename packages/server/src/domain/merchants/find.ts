import type { SecretBox } from '../../lib/secret-box.js';
import type { MerchantRow, MerchantSecrets, MerchantSettings, SealedMerchantColumns, ServiceContext } from '../context.js';
import { openOptional } from './secrets.js';

/** Every column of a merchant but its balance: what may be cached (balances are read fresh). */
const SETTINGS_COLUMNS = [
  'id',
  'name',
  'access_code_hash',
  'access_code_sealed',
  'secret_key_sealed',
  'signature_policy',
  'rate_limit',
  'rate_burst',
  'ip_blocklist',
  'created_at',
  'allocation_delay_ms',
  'fail_allocations',
  'webhook_url',
  'webhook_secret_sealed',
  'webhook_previous_secret_sealed',
  'webhook_previous_secret_until',
  'faults_active',
  'busy_share',
  'clock_offset_ms',
  'disabled',
] as const satisfies readonly (keyof MerchantRow)[];

type StoredSettings = Exclude<keyof MerchantSettings, keyof MerchantSecrets> | SealedMerchantColumns;

// Checked when compiling: a column added to merchants is named above, or this fails to type.
export const everyMerchantSetting: Exclude<StoredSettings, (typeof SETTINGS_COLUMNS)[number]> extends never ? true : never = true;

/**
 * A merchant's settings by access code (looked up by its keyed hash), without its balance,
 * with its secrets opened. Throws SecretBoxError when the row was sealed with another key.
 */
export async function findMerchantByAccessCode(ctx: Pick<ServiceContext, 'db' | 'secrets'>, accessCode: string): Promise<MerchantSettings | undefined> {
  const row = await ctx.db.kysely.selectFrom('merchants').select(SETTINGS_COLUMNS).where('access_code_hash', '=', ctx.secrets.hashAccessCode(accessCode)).executeTakeFirst();
  // The access code asked for is the one stored (its hash matched): no need to open it.
  return row ? openSettings(ctx.secrets, row, accessCode) : undefined;
}

type StoredSettingsRow = Pick<MerchantRow, (typeof SETTINGS_COLUMNS)[number]>;

function openSettings(secrets: SecretBox, row: StoredSettingsRow, accessCode: string): MerchantSettings {
  const { access_code_hash: _hash, access_code_sealed: _code, secret_key_sealed: _key, webhook_secret_sealed: _secret, webhook_previous_secret_sealed: _previous, ...settings } = row;
  return {
    ...settings,
    access_code: accessCode,
    secret_key: secrets.open(row.secret_key_sealed),
    webhook_secret: openOptional(secrets, row.webhook_secret_sealed),
    webhook_previous_secret: openOptional(secrets, row.webhook_previous_secret_sealed),
  };
}
