import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerInventoryCommands } from '../src/commands/inventory.js';
import { registerOperatorCommands } from '../src/commands/operator.js';
import { registerPartnerCommands } from '../src/commands/partner.js';
import { registerSandboxCommands } from '../src/commands/sandbox.js';
import { registerSmdpCommands } from '../src/commands/smdp.js';
import { registerSecretsCommands } from '../src/commands/secrets.js';
import { registerUsageCommands } from '../src/commands/usage.js';
import { registerUserCommands } from '../src/commands/users.js';
import { runCli } from './support.js';

// Every command's --help ends with examples, and every example is a command line the CLI
// accepts: the right command, options that exist, values its parsers take. (The examples
// that change state are run for real in webhook-secret.test.ts and partner.test.ts.)

/** The esimkit program as main.ts builds it, less `serve` (checked through the real binary below). */
function program(): Command {
  const root = new Command().name('esimkit');
  registerOperatorCommands(root);
  registerInventoryCommands(root);
  registerPartnerCommands(root);
  registerUsageCommands(root); // joins the partner's `usage` command
  registerSandboxCommands(root);
  registerSmdpCommands(root);
  registerUserCommands(root);
  registerSecretsCommands(root);
  return root;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

function examplesIn(help: string): string[] {
  const section = help.split('\nExamples:\n')[1];
  return section ? [...section.matchAll(/^ {2}\$ (.+)$/gm)].map((m) => m[1]!) : [];
}

// What the shell would make of an example's command: variables stand for values an earlier
// command printed (a real esimTranNo looks like these).
const VARIABLES: Record<string, string> = {
  ESIM: '26020112345678901',
  OTHER_ESIM: '26020112345678902',
  ORDER: 'B26020112345678',
  NOTIFY_ID: '0123456789abcdef0123456789abcdef',
  WHSEC: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  ESIMKIT_ACCESS_CODE: '0123456789abcdef0123456789abcdef',
};

/** Words of the first command of a line: quotes removed, variables expanded; env assignments, `# notes`, `&` and pipes dropped. */
function argv(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(#.*$)|([|&;])|(\S+)/g;
  for (const m of line.matchAll(pattern)) {
    if (m[3] !== undefined || m[4] !== undefined) break;
    const word = (m[1] ?? m[2] ?? m[5]!).replace(/\$(\w+)/g, (_, name: string) => {
      expect(VARIABLES, `variable $${name} in: ${line}`).toHaveProperty(name);
      return VARIABLES[name]!;
    });
    if (words.length === 0 && /^[A-Z_]+=/.test(word)) continue;
    words.push(word);
  }
  return words;
}

describe('--help of every command', () => {
  const commands = allCommands(program());

  it('ends with examples of that very command', () => {
    expect(commands.length).toBeGreaterThan(40);
    const without = commands.filter((c) => examplesIn(helpOf(c)).length === 0).map(pathOf);
    expect(without).toEqual([]);
    for (const command of commands) {
      for (const example of examplesIn(helpOf(command))) {
        // An example may show a preparing command first (a receiver, a listing); the rest are
        // of the command itself or, for a group, of one of its subcommands.
        expect(example, pathOf(command)).toMatch(/^([A-Z_]+=\S+ )*esimkit /);
      }
      const own = examplesIn(helpOf(command)).filter((e) => argv(e).slice(1).join(' ').startsWith(pathOf(command)));
      expect(own.length, `examples of ${pathOf(command)}`).toBeGreaterThan(0);
    }
  });

  it('gives examples the CLI accepts as written', async () => {
    const examples = [...new Set(commands.flatMap((c) => examplesIn(helpOf(c))))];
    expect(examples.length).toBeGreaterThan(80);
    for (const example of examples) {
      // A fresh program whose actions only record which command ran; parse errors throw.
      const root = program();
      let ran: string | undefined;
      for (const command of [root, ...allCommands(root)]) {
        command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
        // Leaves, and a command that runs itself as well as having subcommands (`usage
        // <esimTranNo...>` and its `usage import`); commander keeps whether it has an action
        // only in a private field.
        const runsItself = (command as unknown as { _actionHandler?: unknown })._actionHandler != null;
        if (command.commands.length === 0 || runsItself) command.action(() => void (ran = pathOf(command)));
      }
      const words = argv(example);
      expect(words[0], example).toBe('esimkit');
      try {
        await root.parseAsync(words.slice(1), { from: 'user' });
      } catch (error) {
        throw new Error(`${example}: ${(error as CommanderError).message}`);
      }
      expect(ran, example).toBeDefined();
      expect(words.slice(1).join(' '), example).toContain(ran!.replace(/ show$/, ''));
    }
  });

  it('serve has examples too', { timeout: 60_000 }, async () => {
    const run = await runCli(['serve', '--help'], {});
    expect(run.code).toBe(0);
    expect(examplesIn(run.stdout).length).toBeGreaterThan(0);
    for (const example of examplesIn(run.stdout)) expect(argv(example).slice(0, 2)).toEqual(['esimkit', 'serve']);
  });
});
