import type { Command } from 'commander';

// Every command's --help ends with examples that run as written: partner commands against a
// server in sandbox mode with ESIMKIT_ACCESS_CODE set (the demo merchant `npm start`
// prints), operator commands from the repository's folder. Shell variables stand for what
// an earlier command printed: $ESIM an esimTranNo, $ORDER an orderNo, $NOTIFY_ID a
// webhook's notifyId.

/** Adds an "Examples:" section after the command's help; `# ...` ends a line with a note. */
export function withExamples<C extends Command>(command: C, ...lines: string[]): C {
  command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
  return command;
}
