import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, baseEnv, runCli } from './support.js';

// `esimkit smdp serve`: the real command in a child process, answering ES2+ on the port it
// prints, and refusing options that do not go together.

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** Starts the command and waits for its "listening on" line; returns the URL it names. */
function serve(args: string[], env: Record<string, string> = {}): Promise<{ url: string; output: () => string }> {
  let output = '';
  const proc = spawn(process.execPath, [BIN, 'smdp', 'serve', '--port', '0', ...args], { cwd: ROOT, env: { ...baseEnv, ...env } });
  child = proc;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 20 s: ${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/[^\s:]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, output: () => output });
      }
    };
    proc.stdout.on('data', read);
    proc.stderr.on('data', read);
    proc.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

function downloadOrder(url: string, profileType: string) {
  return fetch(`${url}/gsma/rsp2/es2plus/downloadOrder`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.2.0' },
    body: JSON.stringify({ header: { functionRequesterIdentifier: 'cli-test', functionCallIdentifier: randomUUID() }, profileType }),
  });
}

describe('esimkit smdp serve', () => {
  it('serves ES2+ on the port it prints, with the stock it is given, and stops on SIGTERM', async () => {
    const { url, output } = await serve(['--stock', 'JP_1_7=1', '--smdp-address', 'smdp.cli.test', '--operator-url', 'http://127.0.0.1:9/']);
    expect(output()).toContain('notifications go to http://127.0.0.1:9/gsma/rsp2/es2plus/handleDownloadProgressInfo');
    const first = await downloadOrder(url, 'JP_1_7');
    expect(first.headers.get('x-admin-protocol')).toMatch(/^gsma\/rsp\/v2\./);
    const { iccid } = (await first.json()) as { iccid: string };
    expect(iccid).toMatch(/^\d{19}$/);
    const confirmed = await fetch(`${url}/gsma/rsp2/es2plus/confirmOrder`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.2.0' },
      body: JSON.stringify({ header: { functionRequesterIdentifier: 'cli-test', functionCallIdentifier: randomUUID() }, iccid, releaseFlag: true }),
    });
    expect(await confirmed.json()).toMatchObject({ smdpAddress: 'smdp.cli.test' });
    const second = (await (await downloadOrder(url, 'JP_1_7')).json()) as any;
    expect(second.header.functionExecutionStatus.statusCodeData).toMatchObject({ subjectCode: '8.2.5', reasonCode: '3.7' });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('takes its settings from the environment too', async () => {
    const { url } = await serve([], { SMDP_HOST: '127.0.0.1', SMDP_STOCK: 'ENV_TYPE=1' });
    const answer = (await (await downloadOrder(url, 'OTHER')).json()) as any;
    expect(answer.header.functionExecutionStatus.statusCodeData).toMatchObject({ subjectCode: '8.2.5', reasonCode: '3.9' });
  });

  it('refuses options that do not go together, or bad values, with one line', async () => {
    const noKey = await runCli(['smdp', 'serve', '--port', '0', '--tls-cert', 'x.pem'], {});
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toBe('error: --tls-cert and --tls-key go together\n');
    const noTls = await runCli(['smdp', 'serve', '--port', '0', '--client-ca', 'ca.pem'], {});
    expect(noTls.stderr).toBe('error: --client-ca needs --tls-cert and --tls-key (mutual TLS is TLS)\n');
    const missing = await runCli(['smdp', 'serve', '--port', '0', '--tls-cert', '/nonexistent/c.pem', '--tls-key', '/nonexistent/k.pem'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read the TLS certificate \/nonexistent\/c\.pem: /);
    const badStock = await runCli(['smdp', 'serve', '--stock', 'JP=many'], {});
    expect(badStock.code).not.toBe(0);
    expect(badStock.stderr).toContain('must be pairs like JP_1_7=100');
    const badUrl = await runCli(['smdp', 'serve', '--operator-url', 'ftp://x'], {});
    expect(badUrl.stderr).toContain('must be an absolute http(s) URL');
  });
});
