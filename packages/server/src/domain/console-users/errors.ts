/**
 * A console account request that cannot be done (a taken email, a weak password, an unknown
 * merchant): the console shows the message, the CLI prints it. Not an API error: no partner
 * API endpoint answers it, so it has no six-digit code.
 */
export class ConsoleUserError extends Error {
  override readonly name = 'ConsoleUserError';
}
