import { json, runCli, table } from './support.js';
import { EsimAccessClient, formatUnits, type EsimItem } from '@esimkit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { byteCount, durationSeconds } from '../src/commands/sandbox.js';

// `esimkit sandbox ...` as a partner runs it: child processes against a running esimkit in
// sandbox mode. Independent runs go in parallel (each costs about a second of start-up); the
// SDK sets the scene and checks what the commands did.
const SLOW = 120_000;
const DAY = 86_400;

let server: TestServer;
let env: Record<string, string>;
let client: EsimAccessClient;
let esim: EsimItem;

const esimkit = (args: string[], extraEnv: Record<string, string> = env) => runCli(args, extraEnv);

const statusOf = async (esimTranNo: string) => (await client.query({ esimTranNo })).esimList[0]!;

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  const merchant = await server.merchant({ balance: 10_000_000 });
  env = { ESIMKIT_BASE_URL: server.baseUrl, ESIMKIT_ACCESS_CODE: merchant.accessCode };
  client = new EsimAccessClient({ baseUrl: server.baseUrl, accessCode: merchant.accessCode, rateLimitPerSecond: 0 });
  esim = (await client.orderAndWait({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, { pollIntervalMs: 20 })).esims[0]!;
});
afterAll(() => server?.close());

describe('argument parsing', () => {
  it('reads durations and sizes (binary units)', () => {
    expect([durationSeconds('90s'), durationSeconds('30m'), durationSeconds('2h'), durationSeconds('30d'), durationSeconds('3600')]).toEqual([90, 1800, 7200, 30 * DAY, 3600]);
    expect([durationSeconds('1d12h'), durationSeconds('1.5h'), durationSeconds(' 2H ')]).toEqual([DAY + 12 * 3600, 5400, 7200]);
    for (const bad of ['', '0', '0s', '5x', '-1h', 'h', '1e3']) expect(() => durationSeconds(bad), bad).toThrow(/duration|second/);
    expect([byteCount('500MB'), byteCount('1GB'), byteCount('1.5GB'), byteCount('1GiB'), byteCount('2 kb'), byteCount('1234')]).toEqual([
      500 * 2 ** 20,
      2 ** 30,
      1.5 * 2 ** 30,
      2 ** 30,
      2048,
      1234,
    ]);
    for (const bad of ['', '0', '1.5', 'MB', '1.2.3GB', '5PB', '-1MB']) expect(() => byteCount(bad), bad).toThrow(/size|byte/);
  });
});

describe('esimkit sandbox', () => {
  it('install and consume: --json and a table; the data reaches the eSIM in binary units', { timeout: SLOW }, async () => {
    const installed = json(await esimkit(['sandbox', 'install', esim.esimTranNo, '--json']));
    expect(installed).toMatchObject({ esimTranNo: esim.esimTranNo, smdpStatus: 'ENABLED', esimStatus: 'IN_USE', eid: expect.stringMatching(/^\d{32}$/) });
    const consumed = await esimkit(['sandbox', 'consume', esim.esimTranNo, '500MB']);
    expect(consumed.stderr).toBe('');
    expect(table(consumed.stdout)).toEqual([{ esimTranNo: esim.esimTranNo, consumed: '500 MB', used: '500 MB', usedToday: '500 MB', throttled: 'no', cutOff: 'no' }]);
    expect(await statusOf(esim.esimTranNo)).toMatchObject({ esimStatus: 'IN_USE', smdpStatus: 'ENABLED', orderUsage: 500 * 2 ** 20 });
  });

  it('advance 30d runs the expiry; advancing backward fails with 000104, a hint and exit 1', { timeout: SLOW }, async () => {
    const before = await client.sandbox.clock();
    const advanced = json(await esimkit(['sandbox', 'advance', '30d', '--json']));
    expect(advanced.offsetSeconds - before.offsetSeconds).toBeGreaterThanOrEqual(30 * DAY);
    expect(advanced.offsetSeconds - before.offsetSeconds).toBeLessThan(30 * DAY + 60);
    expect(advanced).toMatchObject({ now: expect.stringMatching(/\+0000$/), jobs: expect.any(Number), expired: expect.any(Number) });
    // `expired` may be 0 when the server's background sweep expired the eSIM alongside the
    // advance (PostgreSQL), and may commit it a moment after the answer: wait for the status.
    const deadline = Date.now() + 5000;
    while ((await statusOf(esim.esimTranNo)).esimStatus !== 'USED_EXPIRED' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await statusOf(esim.esimTranNo)).esimStatus).toBe('USED_EXPIRED');

    const [backward, clock] = await Promise.all([esimkit(['sandbox', 'advance', '--to', '2020-01-01T00:00:00Z', '--json']), esimkit(['sandbox', 'clock'])]);
    expect(backward.code).toBe(1);
    expect(backward.stdout).toBe('');
    expect(backward.stderr).toMatch(/^error: 000104 The sandbox clock never goes backward: it is \S+\+0000\.\nhint: .*esimkit sandbox clock/);
    expect(clock.stderr).toBe('');
    expect(clock.stdout).toMatch(/^Sandbox clock: \S+\+0000 \(30d( \d+[hms])* ahead of real time\)\n$/);
  });

  it('faults add makes the next order fail with its code; deposit and reset (flags instead of the environment)', { timeout: SLOW }, async () => {
    const flags = ['--base-url', env.ESIMKIT_BASE_URL!, '--access-code', env.ESIMKIT_ACCESS_CODE!];
    const [faults, deposit] = await Promise.all([
      esimkit(['sandbox', 'faults', 'add', '--code', '200007', '--endpoint', 'esim.order', '--json']),
      esimkit(['sandbox', 'deposit', '5000000', ...flags], {}),
    ]);
    expect(json(faults)).toEqual({ rules: [{ endpoint: 'esim.order', errorCode: '200007', remaining: 1 }], busyShare: 0, allocation: { delayMs: null, fail: false } });
    await expect(client.order({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] })).rejects.toMatchObject({ code: '200007' });
    expect(deposit.stderr).toBe('');
    const balance = (await client.balance()).balance;
    expect(deposit.stdout).toBe(`Deposited $500.00. Balance: ${formatUnits(balance)} (${balance} units)\n`);

    const reset = json(await esimkit(['sandbox', 'reset', '--balance', '1000000', '--json']));
    expect(reset).toEqual({ balance: 1_000_000, removedEsims: 1 });
    await expect(client.query({ esimTranNo: esim.esimTranNo })).rejects.toMatchObject({ code: '310403' });
    expect(await client.sandbox.faults()).toMatchObject({ rules: [] });
  });
});
