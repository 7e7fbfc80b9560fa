import { execFile, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { BIN, baseEnv, json, ROOT, runCli } from './support.js';

// What the CLI writes depends on where it goes: QR art only on a terminal; a reader that
// leaves early (`| head`) ends the command quietly.
const SLOW = 120_000;

let server: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  const merchant = await server.merchant({ balance: 10_000_000 });
  env = { ESIMKIT_BASE_URL: server.baseUrl, ESIMKIT_ACCESS_CODE: merchant.accessCode };
});
afterAll(() => server?.close());

/** Runs a shell command line; `esimkit` is the real CLI. */
function shell(line: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-o', 'pipefail', '-c', line.replaceAll('esimkit ', `'${process.execPath}' '${BIN}' `)], { cwd: ROOT, env: { ...baseEnv, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const hasScript = spawnSync('script', ['--version']).status === 0;
const QR_ART = /[▀▄█]{5}/;

describe('QR codes', () => {
  it('are drawn on a terminal, not into a pipe or a file', { timeout: SLOW }, async () => {
    const order = json(await runCli(['order', '--package', 'JP_1_7', '--wait', '--json'], env));
    const esim = order.esims[0].esimTranNo as string;
    const piped = await runCli(['esim', 'show', esim, '--qr'], env);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain(`  QR code          ${order.esims[0].qrCodeUrl}`);
    expect(piped.stdout).not.toMatch(/[▀▄█]/);
    if (!hasScript) return;
    // util-linux `script` runs the command on a pseudo-terminal.
    const onTerminal = await shell(`script -qec "esimkit esim show ${esim} --qr" /dev/null`);
    expect(onTerminal.code, onTerminal.stderr).toBe(0);
    expect(onTerminal.stdout).toMatch(QR_ART);
  });
});

describe('a reader that leaves early', () => {
  it('ends the command quietly: no EPIPE, no stack trace, exit 0', { timeout: SLOW }, async () => {
    // The package list is far longer than a pipe's buffer, so writes go on after head exits.
    const [table, jsonList] = await Promise.all([shell('esimkit packages | head -1'), shell('esimkit packages --json | head -c 100')]);
    for (const run of [table, jsonList]) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0); // pipefail: esimkit's own exit code counts
    }
    expect(table.stdout).toMatch(/^code +slug +name/);
    expect(jsonList.stdout).toHaveLength(100);
  });
});
