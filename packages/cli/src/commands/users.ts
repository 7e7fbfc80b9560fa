import { ConsoleUserError, createConsoleUser, createLoginToken, passwordProblem, SET_PASSWORD_TOKEN_TTL_MS } from '@esimkit/server';
import type { Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson } from '../output.js';
import { withContext } from '../with-context.js';

// Console accounts (/console). A user belongs to one merchant or is an operator. The password
// is typed at a prompt (hidden) on a terminal, read from standard input otherwise (scripts),
// or chosen by the user through a one-time link (--link, valid 24 hours).

/** Hidden input on a terminal: characters are read raw and never echoed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let answer = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of standard input (`echo "$PASSWORD" | esimkit user create ...`). */
async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.split(/\r?\n/)[0] ?? '';
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdinLine();
  const password = await promptHidden('Password: ');
  const problem = passwordProblem(password);
  if (problem) fail(problem);
  if ((await promptHidden('Password again: ')) !== password) fail('the two passwords differ');
  return password;
}

export function registerUserCommands(program: Command): void {
  const user = withExamples(
    program.command('user').description('manage console users (people who sign in at /console)'),
    'esimkit user create --email ops@example.com --operator --link',
  );
  withExamples(
    user.command('create'),
    'esimkit user create --email ana@example.com --merchant "$ESIMKIT_ACCESS_CODE"   # asks for the password (or reads it from stdin)',
    'esimkit user create --email ben@example.com --merchant "$ESIMKIT_ACCESS_CODE" --link   # prints a set-password link',
    'esimkit user create --email ops@example.com --operator --link --json',
  )
    .description("create a console user of a merchant (by its access code) or an operator; the password is prompted for (read from stdin when piped), or --link prints a one-time set-password link valid 24 hours")
    .requiredOption('--email <email>', 'the address the user signs in with')
    .option('--merchant <accessCode>', "the user's merchant")
    .option('--operator', 'an operator (sees every merchant and the operator pages)')
    .option('--link', 'no password now: print a one-time link to choose one (valid 24 hours)')
    .option('--json', 'print JSON')
    .action(async (options: { email: string; merchant?: string; operator?: boolean; link?: boolean; json?: boolean }) => {
      if ((options.merchant === undefined) === (options.operator !== true)) fail('give exactly one of --merchant ACCESS_CODE or --operator');
      const password = options.link ? undefined : await readPassword();
      if (password !== undefined) {
        const problem = passwordProblem(password);
        if (problem) fail(problem);
      }
      const result = await withContext(async (ctx) => {
        try {
          const created = await createConsoleUser({
            ctx,
            input: {
              email: options.email,
              ...(options.merchant !== undefined ? { merchantAccessCode: options.merchant } : { operator: true }),
              ...(password !== undefined ? { password } : {}),
            },
          });
          if (!options.link) return { ...created, link: undefined };
          const { token, expiresAt } = await createLoginToken({ ctx, input: { userId: created.id, purpose: 'set-password', ttlMs: SET_PASSWORD_TOKEN_TTL_MS } });
          return { ...created, link: `${ctx.publicUrl()}/console/set-password?token=${token}`, linkExpiresAt: new Date(expiresAt).toISOString() };
        } catch (error) {
          if (error instanceof ConsoleUserError) fail(error.message);
          throw error;
        }
      });
      if (options.json) printJson(result);
      else {
        process.stdout.write(`Console user ${result.email} created (${result.operator ? 'operator' : `merchant ${options.merchant}`}).\n`);
        if (result.link) process.stdout.write(`Set-password link (one use, valid 24 hours):\n  ${result.link}\n`);
      }
    });
}
