import type { Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson } from '../output.js';

// `esimkit secrets rotate`: every secret sealed at rest is opened with the key in use and
// sealed again with a new one, every access code hashed again, in one transaction
// (docs/secrets.md). The key in use is found as `serve` finds it; the new one comes from
// ESIMKIT_NEW_SECRET_KEY or a file, never from the command line (shell history, `ps`).

export function registerSecretsCommands(program: Command): void {
  const secrets = withExamples(
    program.command('secrets').description('the key that seals merchants\' secrets at rest (ESIMKIT_SECRET_KEY, docs/secrets.md)'),
    'esimkit secrets rotate --new-key-file new.key   # made with: openssl rand -hex 32 > new.key',
  );
  withExamples(
    secrets
      .command('rotate')
      .description(
        'seal every stored secret again with a new key (from ESIMKIT_NEW_SECRET_KEY or --new-key-file), in one transaction; ' +
          'stop every server first, start them with the new key after',
      )
      .option('--new-key-file <path>', 'a file holding the new key (64 hex characters, or base64 of 32 bytes)')
      .option('--json', 'print JSON'),
    'esimkit secrets rotate --new-key-file new.key   # made with: openssl rand -hex 32 > new.key',
    'esimkit secrets rotate --json   # the new key in ESIMKIT_NEW_SECRET_KEY',
  ).action(async (options: { newKeyFile?: string; json?: boolean }) => {
    const server = await import('@esimkit/server');
    const newKey = newKeyFrom(options.newKeyFile, server);
    const config = server.loadConfig();
    let runtime: Awaited<ReturnType<typeof server.openRuntime>>;
    try {
      runtime = await server.openRuntime(config, undefined, { createDatabase: false });
    } catch (error) {
      throw server.asDatabaseError(error, config.databaseUrl);
    }
    try {
      const to = new server.SecretBox(newKey);
      const from = runtime.ctx.secrets;
      if (to.keyId === from.keyId) fail('the new key is the key in use', 'make a new one: openssl rand -hex 32');
      // Not prepareDatabase: its check refuses rows already under the new key (a rotation run again).
      await server.migrate(runtime.ctx.db);
      const result = await server.resealSecrets({ ctx: runtime.ctx, input: { from, to } });
      // A key kept in a file (the sandbox's, or ESIMKIT_SECRET_KEY_FILE) is replaced there;
      // the new key is safe either way: it came from the operator.
      const file = runtime.secretKey.file;
      if (file) server.replaceKeyFile(file, newKey);
      if (options.json) return printJson({ from: from.keyId, to: to.keyId, resealed: result.resealed, unchanged: result.unchanged, keyFile: file ?? null });
      process.stdout.write(`Sealed the secrets of ${result.resealed} merchant(s) again with key ${to.keyId} (was key ${from.keyId}; ${result.unchanged} already under it).\n`);
      if (file) process.stdout.write(`${file} now holds the new key: start the servers as before.\n`);
      else process.stdout.write('Next: set ESIMKIT_SECRET_KEY to the new key on every instance, then start them. The old key opens nothing any more.\n');
    } catch (error) {
      throw server.asDatabaseError(error, config.databaseUrl);
    } finally {
      await runtime.close();
    }
  });
}

function newKeyFrom(path: string | undefined, server: typeof import('@esimkit/server')): Buffer {
  const fromEnv = process.env.ESIMKIT_NEW_SECRET_KEY?.trim();
  if (path && fromEnv) fail('two new keys given', 'use ESIMKIT_NEW_SECRET_KEY or --new-key-file, not both');
  if (path) {
    try {
      const key = server.readKeyFile(path);
      if (!key) fail(`no file at ${path}`, 'make one: openssl rand -hex 32 > new.key');
      return key;
    } catch (error) {
      if (error instanceof server.ConfigError) fail(error.problems.join('; '));
      throw error;
    }
  }
  if (!fromEnv) fail('no new key', 'set ESIMKIT_NEW_SECRET_KEY (e.g. "$(openssl rand -hex 32)") or pass --new-key-file');
  const key = server.parseSecretKey(fromEnv);
  if (!key) fail('ESIMKIT_NEW_SECRET_KEY is no key', 'a key is 32 random bytes as 64 hex characters (openssl rand -hex 32) or base64');
  return key;
}
