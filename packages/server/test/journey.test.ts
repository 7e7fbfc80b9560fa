import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { api, client, DAY, sb } from './support/sandbox.js';

// A partner's whole journey in seconds of wall time (issue 5), checked only through the
// partner API, the sandbox API and a real webhook receiver.
let server: TestServer;
let receiver: Receiver;
let c: ReturnType<typeof client>;

const toMs = (wire: string) => Date.parse(wire.replace('+0000', 'Z'));

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '200' } });
  receiver = await startReceiver();
  const merchant = await server.merchant({ balance: 50_000_000 });
  c = client(server, merchant.accessCode);
  await c.ok(api('webhook/save'), { webhook: receiver.url });
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('the journey of one eSIM', () => {
  it('goes from order to USED_EXPIRED with every webhook on the way', async () => {
    const events = (type: string, tranNo?: string) =>
      receiver.events(type).filter((e) => !tranNo || e.content.esimTranNo === tranNo || e.content.orderNo === tranNo);

    // Order, then ORDER_STATUS, then the profile by query.
    const placed = await c.ok(api('esim/order'), { transactionId: 'journey-1', packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] });
    await receiver.waitFor(() => events('ORDER_STATUS', placed.orderNo).length === 1);
    const [esim] = (await c.ok(api('esim/query'), { orderNo: placed.orderNo })).esimList;
    expect(esim).toMatchObject({ esimStatus: 'GOT_RESOURCE', smdpStatus: 'RELEASED', orderUsage: 0 });
    const tranNo = esim.esimTranNo as string;

    // Install: SMDP_EVENTs and IN_USE.
    await c.ok(sb('esim/install'), { esimTranNo: tranNo });
    await receiver.waitFor(() => events('SMDP_EVENT', tranNo).length === 3 && events('ESIM_STATUS', tranNo).length === 1);
    expect(events('ESIM_STATUS', tranNo)[0].content.esimStatus).toBe('IN_USE');

    // Use 60 %: DATA_USAGE at half left.
    const total = esim.totalVolume as number;
    await c.ok(sb('esim/consume'), { esimTranNo: tranNo, bytes: Math.floor(total * 0.6) });
    await receiver.waitFor(() => events('DATA_USAGE', tranNo).length === 1);
    expect(events('DATA_USAGE', tranNo)[0].content.remainThreshold).toBe(0.5);
    const activated = await c.esim(tranNo);
    expect(activated.activateTime).not.toBeNull();

    // Top up, then use everything: the thresholds fire again and the eSIM is USED_UP.
    const [topup] = (await c.ok(api('package/list'), { type: 'TOPUP', esimTranNo: tranNo })).packageList;
    const first = await c.ok(api('esim/topup'), { esimTranNo: tranNo, packageCode: topup.packageCode, transactionId: 'journey-topup-1' });
    expect(first.totalVolume).toBe(total + topup.volume);
    expect(toMs(first.expiredTime) - toMs(activated.expiredTime)).toBe(topup.duration * DAY * 1000);
    await c.ok(sb('esim/consume'), { esimTranNo: tranNo, bytes: first.totalVolume });
    await receiver.waitFor(() => events('ESIM_STATUS', tranNo).some((e) => e.content.esimStatus === 'USED_UP') && events('DATA_USAGE', tranNo).length === 4);
    expect(events('DATA_USAGE', tranNo).map((e) => e.content.remainThreshold)).toEqual([0.5, 0.5, 0.25, 0.1]);
    expect((await c.ok(api('esim/usage/query'), { esimTranNoList: [tranNo] })).esimUsageList[0]).toMatchObject({
      dataUsage: first.totalVolume,
      totalData: first.totalVolume,
    });

    // Top up again: back IN_USE. No ORDER_STATUS for top-ups.
    const second = await c.ok(api('esim/topup'), { esimTranNo: tranNo, packageCode: topup.packageCode, transactionId: 'journey-topup-2' });
    await receiver.waitFor(() => events('ESIM_STATUS', tranNo).filter((e) => e.content.esimStatus === 'IN_USE').length === 2);
    expect(events('ORDER_STATUS')).toHaveLength(1);

    // Advance to a day before the end: VALIDITY_USAGE with one day left.
    const clock = await c.ok(sb('clock/get'));
    const untilWarning = Math.ceil((toMs(second.expiredTime) - toMs(clock.now)) / 1000) - DAY + 60;
    const warned = await c.advance(untilWarning);
    expect(warned.warned).toBe(1);
    await receiver.waitFor(() => events('VALIDITY_USAGE', tranNo).length === 1);
    expect(events('VALIDITY_USAGE', tranNo)[0].content).toMatchObject({ remain: 1, durationUnit: 'DAY', totalDuration: second.totalDuration });
    expect(toMs(events('VALIDITY_USAGE', tranNo)[0].eventGenerateTime.replace('Z', '+0000'))).toBeGreaterThan(toMs(clock.now));

    // Past the end: USED_EXPIRED, once.
    const expired = await c.advance(2 * DAY);
    expect(expired.expired).toBe(1);
    await receiver.waitFor(() => events('ESIM_STATUS', tranNo).some((e) => e.content.esimStatus === 'USED_EXPIRED'));
    expect((await c.esim(tranNo)).esimStatus).toBe('USED_EXPIRED');
    await c.advance(DAY);
    expect(events('VALIDITY_USAGE', tranNo)).toHaveLength(1);
    expect(events('ESIM_STATUS', tranNo).filter((e) => e.content.esimStatus === 'USED_EXPIRED')).toHaveLength(1);
  });

  it('lets an unused eSIM reach UNUSED_EXPIRED after its install-by date', async () => {
    const esim = await c.order('FR_1_7');
    expect(esim.activateTime).toBeNull();
    const clock = await c.ok(sb('clock/get'));
    const result = await c.advance(Math.ceil((toMs(esim.expiredTime) - toMs(clock.now)) / 1000) + 60);
    expect(result.expired).toBeGreaterThanOrEqual(1);
    await receiver.waitFor(() => receiver.events('ESIM_STATUS').some((e) => e.content.esimTranNo === esim.esimTranNo && e.content.esimStatus === 'UNUSED_EXPIRED'));
    expect((await c.esim(esim.esimTranNo)).esimStatus).toBe('UNUSED_EXPIRED');
    expect(receiver.events('VALIDITY_USAGE').some((e) => e.content.esimTranNo === esim.esimTranNo)).toBe(false);
  });

  it('resets a day pass’s daily cap at the day boundary, not before', async () => {
    const esim = await c.order('JP_1_Daily', { periodNum: 2 });
    const plan = (await c.ok(api('package/list'), { slug: 'JP_1_Daily' })).packageList[0];
    await c.ok(sb('esim/install'), { esimTranNo: esim.esimTranNo });
    await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: plan.volume });
    expect((await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 1 })).throttled).toBe(true);
    await c.advance(DAY - 120);
    expect((await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 1 })).throttled).toBe(true);
    await c.advance(240);
    expect((await c.ok(sb('esim/consume'), { esimTranNo: esim.esimTranNo, bytes: 1 })).throttled).toBe(false);
  });
});
