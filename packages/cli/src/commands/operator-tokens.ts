import { ALL_OPERATOR_SCOPES, createOperatorToken, listOperatorTokens, operatorScopes, revokeOperatorToken } from '@esimkit/server';
import { InvalidArgumentError, type Command } from 'commander';
import { withExamples } from '../help.js';
import { printJson, printTable } from '../output.js';
import { withContext } from '../with-context.js';

// Tokens of the operator API (/api/v1/operator/, docs/operator-api.md). Made, listed and
// revoked here only, on the server's database: the API itself cannot make tokens, so a
// leaked token cannot make more. The token is printed once; the database keeps its hash.

function tokenId(value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a token id (a whole number, from `esimkit operator token list`)');
  return Number(value);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function registerOperatorTokenCommands(program: Command): void {
  const operator =
    program.commands.find((c) => c.name() === 'operator') ??
    withExamples(program.command('operator').description('the operator API (/api/v1/operator/): its tokens'), 'esimkit operator token create --name billing --scopes merchants:read,funds:write');
  const token = withExamples(
    operator.command('token').description('operator API tokens: create (shown once), list, revoke'),
    'esimkit operator token create --name ci --scopes "*"',
    'esimkit operator token list',
  );
  const scopeList = `${ALL_OPERATOR_SCOPES} (every scope) or some of: ${Object.keys(operatorScopes).join(', ')}`;

  withExamples(
    token.command('create'),
    'esimkit operator token create --name billing-sync --scopes merchants:read,funds:write',
    'esimkit operator token create --name ops --scopes "*" --json',
  )
    .description(`create an operator token and print it once (only its hash is kept); scopes: ${scopeList}`)
    .requiredOption('--name <name>', 'who or what holds it (shown in lists)')
    .requiredOption('--scopes <list>', 'comma-separated scopes, or * for all')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; scopes: string; json?: boolean }) => {
      // The verb checks the name and the scopes (and says which scopes exist).
      const created = await withContext((ctx) => createOperatorToken({ ctx, input: { name: options.name, scopes: options.scopes.split(',') } }));
      if (options.json) {
        printJson({ ...created, createdAt: iso(created.createdAt) });
        return;
      }
      process.stdout.write(
        `Operator token ${created.id} "${created.name}" (${created.scopes.join(', ')}):\n  ${created.token}\n` +
          'It is shown this once: keep it now (e.g. as ESIMKIT_OPERATOR_TOKEN). Send it as Authorization: Bearer <token>.\n',
      );
    });

  withExamples(token.command('list'), 'esimkit operator token list', 'esimkit operator token list --json')
    .description('list operator tokens, revoked ones too (never the tokens themselves)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const tokens = await withContext((ctx) => listOperatorTokens({ ctx }));
      const rows = tokens.map((t) => ({ ...t, createdAt: iso(t.createdAt), lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) }));
      if (options.json) printJson(rows);
      else printTable(rows.map((t) => ({ ...t, scopes: t.scopes.join(','), lastUsedAt: t.lastUsedAt ?? 'never', revokedAt: t.revokedAt ?? '' })));
    });

  withExamples(token.command('revoke <id>'), 'esimkit operator token revoke 3', 'esimkit operator token revoke 3 --json')
    .description('revoke an operator token: its next request is refused (800102); revoking it again changes nothing')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await withContext((ctx) => revokeOperatorToken({ ctx, input: { id: tokenId(id) } }));
      if (options.json) printJson({ ...result, revokedAt: iso(result.revokedAt) });
      else process.stdout.write(`Operator token ${result.id} ${result.alreadyRevoked ? 'was revoked already' : 'is revoked'} (${iso(result.revokedAt)}).\n`);
    });
}
