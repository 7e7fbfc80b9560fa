import { baseEnv, BIN, json, ROOT, runCli, table } from './support.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { EsimAccessClient } from '@esimkit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/harness.js';

// The partner commands as a partner runs them: `node packages/cli/bin/esimkit.js ...` in
// child processes, against a running esimkit. Independent runs go in parallel (each costs
// about a second of start-up).
const SLOW = 120_000;

let server: TestServer;
let env: Record<string, string>;
let client: EsimAccessClient;

const esimkit = (args: string[], extraEnv: Record<string, string> = env) => runCli(args, extraEnv);

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '300' } });
  const merchant = await server.merchant({ balance: 10_000_000 });
  env = { ESIMKIT_BASE_URL: server.baseUrl, ESIMKIT_ACCESS_CODE: merchant.accessCode };
  client = new EsimAccessClient({ baseUrl: server.baseUrl, accessCode: merchant.accessCode, rateLimitPerSecond: 0 });
});
afterAll(() => server?.close());

describe('partner commands', () => {
  it('balance, packages and locations: tables, --json, flags instead of the environment', { timeout: SLOW }, async () => {
    const signed = await server.merchant({ balance: 250_000, signaturePolicy: 'required' });
    const [balance, packages, locations, flagged, unsigned] = await Promise.all([
      esimkit(['balance', '--json']),
      esimkit(['packages', '--location', 'JP']),
      esimkit(['locations', '--json']),
      esimkit(['balance', '--base-url', server.baseUrl, '--access-code', signed.accessCode, '--secret-key', signed.secretKey], {}),
      esimkit(['balance', '--base-url', server.baseUrl, '--access-code', signed.accessCode], {}),
    ]);
    expect(json(balance)).toMatchObject({ balance: 10_000_000, lastUpdateTime: expect.stringMatching(/\+0000$/) });
    const rows = table(packages.stdout);
    expect(rows.find((r) => r.slug === 'JP_1_7')).toMatchObject({ data: '1 GB', days: '7', location: 'JP', topUp: 'yes', price: expect.stringMatching(/^\$\d+\.\d\d$/) });
    expect(rows.find((r) => r.slug === 'JP_1_Daily')).toMatchObject({ data: '1 GB/day', topUp: 'no' });
    expect(json(locations).find((l: any) => l.code === 'JP')).toMatchObject({ type: 1 });
    expect(flagged.stdout).toMatch(/^Balance: \$25\.00 \(250000 units\)/);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/^error: 000101 .+\nhint: .*--secret-key/);
  });

  it('an error prints its code, message and a hint, and exits 1', { timeout: SLOW }, async () => {
    const [unknown, noServer] = await Promise.all([
      esimkit(['order', '--package', 'NO_SUCH_PLAN', '--count', '1', '--json']),
      esimkit(['balance'], { ...env, ESIMKIT_BASE_URL: 'http://127.0.0.1:9' }),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      'error: 310241 The packageCode does not exist: NO_SUCH_PLAN\nhint: list package codes with `esimkit packages` (top-ups: `esimkit packages --type TOPUP --esim <esimTranNo>`)\n',
    );
    expect(noServer.code).toBe(1);
    expect(noServer.stderr).toMatch(/^error: NETWORK .+\nhint: is esimkit running at http:\/\/127\.0\.0\.1:9\?/);
  });

  it('order --wait --json, then esims, esim show, usage, topup and cancel', { timeout: SLOW }, async () => {
    const ordered = json(await esimkit(['order', '--package', 'JP_1_7', '--count', '2', '--wait', '--json']));
    expect(ordered.orderNo).toMatch(/^B\d+$/);
    expect(ordered.esims).toHaveLength(2);
    const [first, second] = ordered.esims;
    expect(first).toMatchObject({ orderNo: ordered.orderNo, transactionId: ordered.transactionId, esimStatus: 'GOT_RESOURCE' });

    const [esims, show, usage, topup] = await Promise.all([
      esimkit(['esims', '--order', ordered.orderNo]),
      esimkit(['esim', 'show', first.esimTranNo, '--json']),
      esimkit(['usage', first.esimTranNo, second.esimTranNo, '--json']),
      esimkit(['topup', '--esim', second.esimTranNo, '--package', `TOPUP_${first.packageList[0].packageCode}`, '--json']),
    ]);
    expect(table(esims.stdout).map((r) => r.esimTranNo).sort()).toEqual([first.esimTranNo, second.esimTranNo].sort());
    expect(table(esims.stdout)[0]).toMatchObject({ package: 'JP_1_7', status: 'GOT_RESOURCE', smdp: 'RELEASED', used: '0 B / 1 GB' });
    expect(json(show)).toEqual(first);
    expect(json(usage).map((u: any) => u.esimTranNo)).toEqual([first.esimTranNo, second.esimTranNo]);
    expect(json(topup)).toMatchObject({ iccid: second.iccid, totalVolume: 2 * first.totalVolume });

    const cancelled = json(await esimkit(['cancel', first.esimTranNo, '--json']));
    expect(cancelled).toMatchObject({ esimTranNo: first.esimTranNo, esimStatus: 'CANCEL' });
  });

  // Output to a pipe, as here: the QR code's URL but no QR art (drawn on a terminal: output.test.ts).
  it('order --wait without --json shows each profile with its QR code URL', { timeout: SLOW }, async () => {
    const run = await esimkit(['order', '--package', 'JP_1_7', '--wait']);
    expect(run.stderr).toBe(''); // no spinner when stderr is not a terminal
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Order B\d+ \(transactionId [0-9a-f-]{36}\): 1 eSIM$/m);
    expect(run.stdout).toMatch(/^ {2}activation code {2}LPA:1\$/m);
    expect(run.stdout).toMatch(new RegExp(`^  QR code {10}${server.baseUrl}/qr/[0-9a-f]+\\.png$`, 'm'));
    expect(run.stdout).not.toMatch(/[▀▄█]/);
  });
});

describe('webhook commands', () => {
  let listener: ChildProcess | undefined;
  afterAll(async () => {
    if (!listener || listener.exitCode !== null) return;
    const exited = new Promise((resolve) => listener!.once('exit', resolve));
    listener.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (listener.exitCode === null && listener.signalCode === null) listener.kill('SIGKILL');
  });

  it('webhook listen receives and prints events; webhook show, webhooks log and redeliver', { timeout: SLOW }, async () => {
    listener = spawn(process.execPath, [BIN, 'webhook', 'listen', '--port', '0', '--json'], { cwd: ROOT, env: { ...baseEnv, ...env } });
    let stdout = '';
    let stderr = '';
    listener.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    listener.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = async <T>(probe: () => T | undefined | null, what: string): Promise<T> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`${what} not seen; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const events = () => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const url = await waitFor(() => /^listening on (\S+)/m.exec(stderr)?.[1], 'listening line');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const set = json(await esimkit(['webhook', 'set', url, '--json']));
    expect(set).toEqual({ webhook: url });
    await waitFor(() => events().find((e) => e.notifyType === 'CHECK_HEALTH'), 'CHECK_HEALTH');
    const { orderNo } = await client.order({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    const orderStatus = await waitFor(() => events().find((e) => e.notifyType === 'ORDER_STATUS' && e.content.orderNo === orderNo), 'ORDER_STATUS');
    expect(orderStatus.notifyId).toMatch(/^[0-9a-f]{32}$/);

    const [show, log, failed] = await Promise.all([
      esimkit(['webhook', 'show']),
      esimkit(['webhooks', 'log', '--type', 'ORDER_STATUS']),
      esimkit(['webhooks', 'log', '--status', 'failed', '--json']),
    ]);
    expect(show.stdout).toBe(`${url}\n`);
    expect(table(log.stdout.split('\npage')[0]!).find((r) => r.notifyId === orderStatus.notifyId)).toMatchObject({ type: 'ORDER_STATUS', status: 'delivered', attempts: '1', lastAttempt: 'HTTP 200' });
    expect(json(failed).eventList).toEqual([]);

    const redelivered = await esimkit(['webhooks', 'redeliver', orderStatus.notifyId]);
    expect(redelivered.stdout).toBe('Redelivered 1 event.\n');
    await waitFor(() => events().filter((e) => e.notifyId === orderStatus.notifyId).length === 2 || undefined, 'the redelivery');
  });
});
