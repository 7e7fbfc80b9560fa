import { consumeData, installProfile } from '@esimkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportsTopUp, type EsimAccessClient, type EsimItem, type PackageItem } from '../src/index.js';
import { clientFor, esimIdOf, startServer, type Merchant, type TestServer } from './support.js';

// The eSIM lifecycle through the SDK, with the simulated device for what only a handset does.
let server: TestServer;
let merchant: Merchant;
let client: EsimAccessClient;
let jp: PackageItem;

beforeAll(async () => {
  server = await startServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  client = clientFor(server, merchant);
  jp = (await client.packageList({ slug: 'JP_1_7' })).packageList[0]!;
});
afterAll(() => server?.close());

const ctx = () => server.runtime.ctx;
async function orderOne(): Promise<EsimItem> {
  const { esims } = await client.orderAndWait({ packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, { pollIntervalMs: 20 });
  return esims[0]!;
}
async function installed(): Promise<EsimItem> {
  const esim = await orderOne();
  await installProfile(ctx(), await esimIdOf(server, esim.esimTranNo));
  return esim;
}
const status = async (esimTranNo: string) => (await client.query({ esimTranNo })).esimList[0]!.esimStatus;

describe('the lifecycle through the SDK', () => {
  it('cancel refunds an unused eSIM', async () => {
    const before = (await client.balance()).balance;
    const esim = await orderOne();
    expect((await client.balance()).balance).toBe(before - jp.price);
    expect(await client.cancel({ esimTranNo: esim.esimTranNo })).toEqual({});
    expect(await status(esim.esimTranNo)).toBe('CANCEL');
    expect((await client.balance()).balance).toBe(before);
    await expect(client.cancel({ esimTranNo: esim.esimTranNo })).rejects.toMatchObject({ code: '200002', retryable: false });
  });

  it('suspend, unsuspend and revoke an installed eSIM; its timeline lists the changes', async () => {
    const esim = await installed();
    await client.suspend({ esimTranNo: esim.esimTranNo });
    expect(await status(esim.esimTranNo)).toBe('SUSPENDED');
    await client.unsuspend({ iccid: esim.iccid });
    expect(await status(esim.esimTranNo)).toBe('IN_USE');
    await client.revoke({ esimTranNo: esim.esimTranNo });
    expect(await status(esim.esimTranNo)).toBe('REVOKE');
    const { eventList } = await client.events({ esimTranNo: esim.esimTranNo });
    expect(eventList.filter((e) => e.field === 'esimStatus').map((e) => e.to)).toEqual(['GOT_RESOURCE', 'IN_USE', 'SUSPENDED', 'IN_USE', 'REVOKE']);
  });

  it('usage, SMS and the SMS list', async () => {
    const esim = await installed();
    await consumeData(ctx(), await esimIdOf(server, esim.esimTranNo), 1024);
    const { esimUsageList } = await client.usage([esim.esimTranNo]);
    expect(esimUsageList).toEqual([expect.objectContaining({ esimTranNo: esim.esimTranNo, dataUsage: 1024, totalData: jp.volume })]);
    await client.sendSms({ esimTranNo: esim.esimTranNo, message: 'Welcome to Japan' });
    const { smsList } = await client.smsList({ esimTranNo: esim.esimTranNo });
    expect(smsList).toEqual([expect.objectContaining({ direction: 'MT', message: 'Welcome to Japan' })]);
  });

  it('tops up a used-up eSIM, which returns to IN_USE with the added volume', async () => {
    expect(supportsTopUp(jp)).toBe(true);
    const esim = await installed();
    await consumeData(ctx(), await esimIdOf(server, esim.esimTranNo), jp.volume);
    expect(await status(esim.esimTranNo)).toBe('USED_UP');
    const { packageList: topups } = await client.packageList({ type: 'TOPUP', esimTranNo: esim.esimTranNo });
    const topup = topups.find((p) => p.packageCode === `TOPUP_${jp.packageCode}`)!;
    const before = (await client.balance()).balance;
    const result = await client.topup({ esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, amount: topup.price });
    expect(result.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toMatchObject({ iccid: esim.iccid, totalVolume: 2 * jp.volume, orderUsage: jp.volume });
    expect((await client.balance()).balance).toBe(before - topup.price);
    expect(await status(esim.esimTranNo)).toBe('IN_USE');
  });
});
