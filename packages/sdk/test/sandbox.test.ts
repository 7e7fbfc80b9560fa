import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsimAccessError, parseWireTime, type EsimAccessClient, type EsimItem } from '../src/index.js';
import { clientFor, recordingFetch, startServer, until, type Merchant, type TestServer } from './support.js';

// The sandbox API through the SDK only (client.sandbox): a journey from order to expiry, the
// simulated device and network, fault plans, test funds and reset.
const DAY = 86_400;
const MB = 2 ** 20;

let server: TestServer;
let merchant: Merchant;
let client: EsimAccessClient;

beforeAll(async () => {
  server = await startServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  client = clientFor(server, merchant);
});
afterAll(() => server?.close());

async function orderOne(sdk = client): Promise<EsimItem> {
  const { esims } = await sdk.orderAndWait({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, { pollIntervalMs: 20 });
  return esims[0]!;
}
const esimOf = async (esimTranNo: string) => (await client.query({ esimTranNo })).esimList[0]!;
const ms = (wire: string) => parseWireTime(wire)!.getTime();

describe('client.sandbox', () => {
  it('takes an eSIM from order to USED_EXPIRED: install, consume, advance the clock past expiry', async () => {
    const esim = await orderOne();
    expect(esim).toMatchObject({ esimStatus: 'GOT_RESOURCE', smdpStatus: 'RELEASED' });

    const installed = await client.sandbox.install({ esimTranNo: esim.esimTranNo });
    expect(installed).toMatchObject({ esimTranNo: esim.esimTranNo, smdpStatus: 'ENABLED', esimStatus: 'IN_USE', eid: expect.stringMatching(/^\d{32}$/) });

    const used = await client.sandbox.consume({ esimTranNo: esim.esimTranNo, bytes: 300 * MB });
    expect(used).toMatchObject({ consumed: 300 * MB, throttled: false, cutOff: false });
    const active = await esimOf(esim.esimTranNo);
    expect(active).toMatchObject({ esimStatus: 'IN_USE', orderUsage: 300 * MB, eid: installed.eid });
    expect(active.activateTime).not.toBeNull();

    const before = await client.sandbox.clock();
    expect(before.now).toMatch(/\+0000$/);
    const advanced = await client.sandbox.advanceClock({ seconds: esim.totalDuration * DAY + 3600 });
    expect(advanced.offsetSeconds - before.offsetSeconds).toBeGreaterThanOrEqual(esim.totalDuration * DAY + 3599);
    expect(ms(advanced.now)).toBeGreaterThan(ms(active.expiredTime));
    // The expiry is counted in `expired` unless the server's background sweep got to it first
    // (it runs alongside; PostgreSQL), which may also commit it a moment after the answer.
    expect(advanced.expired).toBeLessThanOrEqual(1);
    await until(async () => (await esimOf(esim.esimTranNo)).esimStatus === 'USED_EXPIRED', 5000);

    // To a time (a Date), and never backward.
    const target = new Date(ms(advanced.now) + 3600_000);
    expect((await client.sandbox.advanceClock({ to: target })).now).toBe(`${target.toISOString().slice(0, 19)}+0000`);
    const backward = await client.sandbox.advanceClock({ to: '2020-01-01T00:00:00Z' }).catch((e: unknown) => e);
    expect(backward).toBeInstanceOf(EsimAccessError);
    expect(backward).toMatchObject({ code: '000104', retryable: false, message: expect.stringMatching(/never goes backward/) });
  });

  it('drives the device and the network: attach, disable, enable, SMS both ways, delete', async () => {
    const esim = await orderOne();
    const ref = { esimTranNo: esim.esimTranNo };
    await expect(client.sandbox.disable(ref)).rejects.toMatchObject({ code: '200002' });
    await client.sandbox.install({ iccid: esim.iccid });
    const attached = await client.sandbox.attach(ref);
    expect(attached.activateTime).not.toBeNull();
    expect(ms(attached.expiredTime) - ms(attached.activateTime!)).toBe(esim.totalDuration * DAY * 1000);
    expect(await client.sandbox.disable(ref)).toMatchObject({ smdpStatus: 'DISABLED' });
    expect(await client.sandbox.enable(ref)).toMatchObject({ smdpStatus: 'ENABLED' });
    expect(await client.sandbox.receiveSms({ ...ref, message: 'Welcome to Japan' })).toEqual({});
    expect(await client.sandbox.sendSms({ ...ref, message: 'Arrived!', to: '+447700900123' })).toEqual({});
    const { smsList } = await client.smsList(ref);
    expect(smsList.map((m) => [m.direction, m.message])).toEqual([
      ['MT', 'Welcome to Japan'],
      ['MO', 'Arrived!'],
    ]);
    expect(await client.sandbox.delete(ref)).toMatchObject({ smdpStatus: 'DELETED' });
    await expect(client.sandbox.consume({ ...ref, bytes: 1 })).rejects.toMatchObject({ code: '200002' });
  });

  it('a fault plan makes the next order fail with the chosen code, as an EsimAccessError', async () => {
    const plan = await client.sandbox.setFaults({ rules: [{ endpoint: 'esim.order', errorCode: '200011', count: 1 }] });
    expect(plan.rules).toEqual([{ endpoint: 'esim.order', errorCode: '200011', remaining: 1 }]);
    const refused = await client.order({ packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EsimAccessError);
    expect(refused).toMatchObject({ code: '200011', retryable: false, isApiError: true });
    expect((await client.sandbox.faults()).rules).toEqual([]);
    expect((await orderOne()).esimStatus).toBe('GOT_RESOURCE');

    // Every request busy (900001), but never the sandbox API itself; a failing allocation.
    const once = clientFor(server, merchant, { retries: 0 });
    await client.sandbox.setFaults({ busyShare: 1, allocation: { fail: true } });
    await expect(once.balance()).rejects.toMatchObject({ code: '900001', retryable: true });
    expect(await once.sandbox.faults()).toEqual({ rules: [], busyShare: 1, allocation: { delayMs: null, fail: true } });
    await client.sandbox.setFaults({ busyShare: 0 });
    await expect(orderOne()).rejects.toMatchObject({ code: '200009' });
    expect(await client.sandbox.clearFaults()).toEqual({ rules: [], busyShare: 0, allocation: { delayMs: null, fail: false } });
  });

  it('deposits test funds and resets the account', async () => {
    const own = await server.merchant({ balance: 0 });
    const sdk = clientFor(server, own);
    expect(await sdk.sandbox.deposit({ amount: 5_000_000 })).toEqual({ balance: 5_000_000 });
    await expect(sdk.sandbox.deposit({ amount: 200_000_000 })).rejects.toMatchObject({ code: '000104' });
    const esim = await orderOne(sdk);
    expect(await sdk.sandbox.reset({ balance: 1_000_000 })).toEqual({ balance: 1_000_000, removedEsims: 1 });
    await expect(sdk.query({ esimTranNo: esim.esimTranNo })).rejects.toMatchObject({ code: '310403' });
    expect((await sdk.balance()).balance).toBe(1_000_000);
    expect(await sdk.sandbox.reset()).toEqual({ balance: 0, removedEsims: 0 });
  });

  it('retries a call after a lost answer only when repeating it is harmless', async () => {
    const esim = await orderOne();
    await client.sandbox.install({ esimTranNo: esim.esimTranNo });
    const lostFirst = () =>
      recordingFetch(async (_attempt, index, send) => {
        if (index === 0) throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
        return send();
      });
    const reads = lostFirst();
    await clientFor(server, merchant, { fetch: reads.fetch, retryBaseDelayMs: 1 }).sandbox.clock();
    expect(reads.attempts).toHaveLength(2);
    const uses = lostFirst();
    const error = await clientFor(server, merchant, { fetch: uses.fetch, retryBaseDelayMs: 1 })
      .sandbox.consume({ esimTranNo: esim.esimTranNo, bytes: MB })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect(uses.attempts).toHaveLength(1);
    expect((await esimOf(esim.esimTranNo)).orderUsage).toBe(0);
  });
});
