import type { ServiceContext } from '../context.js';
import { ConsoleUserError } from './errors.js';
import { hashPassword, passwordProblem } from './password.js';

export interface CreateConsoleUserInput {
  email: string;
  /** The merchant the user belongs to, by access code; absent for an operator. */
  merchantAccessCode?: string;
  operator?: boolean;
  /** Absent: the user signs in only once a password is set (a set-password link) or by one-time links. */
  password?: string;
}

export interface ConsoleUser {
  id: number;
  email: string;
  merchantId: number | null;
  operator: boolean;
}

/** One address per user, compared without case or surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createConsoleUser({ ctx, input }: { ctx: ServiceContext; input: CreateConsoleUserInput }): Promise<ConsoleUser> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new ConsoleUserError(`not an email address: ${input.email}`);
  const operator = input.operator === true;
  if (operator === (input.merchantAccessCode !== undefined)) throw new ConsoleUserError('a console user belongs to one merchant or is an operator');
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new ConsoleUserError(problem);
  }
  let merchantId: number | null = null;
  if (input.merchantAccessCode !== undefined) {
    const merchant = await ctx.db.kysely.selectFrom('merchants').select('id').where('access_code_hash', '=', ctx.secrets.hashAccessCode(input.merchantAccessCode)).executeTakeFirst();
    if (!merchant) throw new ConsoleUserError(`no merchant with access code ${input.merchantAccessCode}`);
    merchantId = Number(merchant.id);
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  try {
    const row = await ctx.db.kysely
      .insertInto('console_users')
      .values({ email, password_hash: passwordHash, merchant_id: merchantId, is_operator: operator ? 1 : 0, created_at: ctx.clock.now().getTime() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), email, merchantId, operator };
  } catch (error) {
    if (ctx.db.dialect.isUniqueViolation(error)) throw new ConsoleUserError(`a console user with email ${email} exists already`);
    throw error;
  }
}

/** The user with this email, or undefined. */
export async function findConsoleUserByEmail(ctx: ServiceContext, email: string): Promise<ConsoleUser | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('console_users')
    .select(['id', 'email', 'merchant_id', 'is_operator'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && { id: Number(row.id), email: row.email, merchantId: row.merchant_id === null ? null : Number(row.merchant_id), operator: row.is_operator === 1 };
}
