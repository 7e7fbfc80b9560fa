import { randomHex } from '../../lib/random.js';
import type { Verb } from '../context.js';

/**
 * Gives the merchant a new API secret key (what signs its requests) and returns it. The old
 * key stops working at once: there is one key, and a leaked key must not keep signing. This
 * process's merchant cache is dropped; other instances follow within their cache's second.
 */
export async function rotateSecretKey({ ctx }: Verb<unknown>): Promise<{ secretKey: string }> {
  const secretKey = randomHex(16);
  await ctx.db.kysely.updateTable('merchants').set({ secret_key_sealed: ctx.secrets.seal(secretKey) }).where('id', '=', ctx.merchant.id).execute();
  ctx.merchantChanged();
  return { secretKey };
}
