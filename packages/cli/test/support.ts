import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

// Running the real `esimkit` command in a child process, and reading what it prints.
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/bin/esimkit.js');
/** The caller's environment without ESIMKIT_* variables, so tests set exactly what they mean. */
export const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ESIMKIT_')));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...baseEnv, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** The JSON a successful `--json` command printed. */
export function json(run: Run): any {
  expect(run.stderr, 'stderr').toBe('');
  expect(run.code, 'exit code').toBe(0);
  return JSON.parse(run.stdout);
}

/** Rows of a table printed without --json. */
export function table(stdout: string): Record<string, string>[] {
  const [header, dashes, ...rows] = stdout.trimEnd().split('\n');
  expect(dashes).toMatch(/^[- ]+$/);
  const starts = [...dashes!.matchAll(/-+/g)].map((m) => m.index!);
  const cell = (line: string, i: number) => line.slice(starts[i], starts[i + 1]).trim();
  return rows.map((row) => Object.fromEntries(starts.map((_, i) => [cell(header!, i), cell(row, i)])));
}
