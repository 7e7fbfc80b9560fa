import type { ServiceContext } from '../context.js';
import { normalizeEmail } from './create.js';
import { DUMMY_HASH, MAX_PASSWORD_LENGTH, verifyPassword } from './password.js';

/**
 * The user id when the email and password match an enabled user, else undefined. Unknown
 * emails, users without a password and disabled users take as long as a wrong password, and
 * the caller tells them apart from it in no way.
 */
export async function verifyLogin({ ctx, input }: { ctx: ServiceContext; input: { email: string; password: string } }): Promise<number | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('console_users')
    .select(['id', 'password_hash', 'disabled'])
    .where('email', '=', normalizeEmail(input.email))
    .executeTakeFirst();
  const password = input.password.slice(0, MAX_PASSWORD_LENGTH + 1);
  const matches = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  return row && matches && row.password_hash !== null && row.disabled === 0 ? Number(row.id) : undefined;
}
