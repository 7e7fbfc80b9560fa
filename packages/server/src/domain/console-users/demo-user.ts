import type { ServiceContext } from '../context.js';
import { createConsoleUser, findConsoleUserByEmail } from './create.js';
import { ConsoleUserError } from './errors.js';
import { createLoginToken } from './login-tokens.js';

export const DEMO_USER_EMAIL = 'demo@esimkit.local';

/**
 * Sandbox only: a one-time sign-in token for the demo merchant's console user, made (with no
 * password) on first call. `esimkit serve` prints it as the one-click console link.
 */
export async function demoLoginToken({ ctx, input }: { ctx: ServiceContext; input: { merchantAccessCode: string } }): Promise<string> {
  let user = await findConsoleUserByEmail(ctx, DEMO_USER_EMAIL);
  if (!user) {
    try {
      user = await createConsoleUser({ ctx, input: { email: DEMO_USER_EMAIL, merchantAccessCode: input.merchantAccessCode } });
    } catch (error) {
      // Another instance starting at the same time made it first.
      if (!(error instanceof ConsoleUserError)) throw error;
      user = await findConsoleUserByEmail(ctx, DEMO_USER_EMAIL);
      if (!user) throw error;
    }
  }
  return (await createLoginToken({ ctx, input: { userId: user.id, purpose: 'login' } })).token;
}
