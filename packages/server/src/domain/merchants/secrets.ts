import type { Insertable } from 'kysely';
import type { MerchantsTable } from '../../db/schema.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { MerchantRow, MerchantSecrets, SealedMerchantColumns } from '../context.js';

// A merchant's secrets are stored sealed, its access code as a keyed hash (docs/secrets.md).
// These turn one form into the other; nothing else reads or writes those columns directly.

export type SealedMerchant = Pick<MerchantRow, SealedMerchantColumns>;

/** The stored columns for a merchant's credentials. */
export function sealCredentials(box: SecretBox, accessCode: string, secretKey: string): Pick<Insertable<MerchantsTable>, 'access_code_hash' | 'access_code_sealed' | 'secret_key_sealed'> {
  return { access_code_hash: box.hashAccessCode(accessCode), access_code_sealed: box.seal(accessCode), secret_key_sealed: box.seal(secretKey) };
}

/** A sealed secret that may be absent (webhook signing off). */
export function sealOptional(box: SecretBox, plain: string | null): string | null {
  return plain === null ? null : box.seal(plain);
}

export function openOptional(box: SecretBox, sealed: string | null): string | null {
  return sealed === null ? null : box.open(sealed);
}

/** A stored merchant's webhook signing secrets, opened (domain/webhooks/signing.ts signs with them). */
export function openSigningState(box: SecretBox, row: Pick<MerchantRow, 'webhook_secret_sealed' | 'webhook_previous_secret_sealed' | 'webhook_previous_secret_until'>) {
  return {
    webhook_secret: openOptional(box, row.webhook_secret_sealed),
    webhook_previous_secret: openOptional(box, row.webhook_previous_secret_sealed),
    webhook_previous_secret_until: row.webhook_previous_secret_until,
  };
}

/** The opened secrets of a stored merchant. Throws SecretBoxError when the key in hand did not seal them. */
export function openMerchantSecrets(box: SecretBox, row: SealedMerchant): MerchantSecrets {
  return {
    access_code: openOptional(box, row.access_code_sealed) ?? '',
    secret_key: box.open(row.secret_key_sealed),
    webhook_secret: openOptional(box, row.webhook_secret_sealed),
    webhook_previous_secret: openOptional(box, row.webhook_previous_secret_sealed),
  };
}
