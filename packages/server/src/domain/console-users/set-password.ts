import type { ServiceContext } from '../context.js';
import { ConsoleUserError } from './errors.js';
import { hashPassword, passwordProblem } from './password.js';
import { destroyAllSessions } from './sessions.js';

/** Sets a user's password; every session the user had is ended (a password change locks out whoever else was in). */
export async function setConsolePassword({ ctx, input }: { ctx: ServiceContext; input: { userId: number; password: string } }): Promise<void> {
  const problem = passwordProblem(input.password);
  if (problem) throw new ConsoleUserError(problem);
  const hash = await hashPassword(input.password);
  await ctx.db.kysely.updateTable('console_users').set({ password_hash: hash }).where('id', '=', input.userId).execute();
  await destroyAllSessions({ ctx, input: { userId: input.userId } });
}
