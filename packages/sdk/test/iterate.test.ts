import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EsimItem } from '../src/index.js';
import { clientFor, recordingFetch, startServer, type TestServer } from './support.js';

// iterateEsims: esim/query page after page, by order or by allocation time.
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

async function collect(iterable: AsyncIterable<EsimItem>): Promise<EsimItem[]> {
  const items: EsimItem[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('iterateEsims', () => {
  it('walks every page of an order, and of a time range, each eSIM once', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    const setup = clientFor(server, merchant);
    const from = new Date(Date.now() - 60_000);
    const { orderNo, esims } = await setup.orderAndWait({ packageInfoList: [{ packageCode: 'JP_1_7', count: 12 }] }, { pollIntervalMs: 20 });
    expect(esims).toHaveLength(12);

    const recorder = recordingFetch();
    const client = clientFor(server, merchant, { fetch: recorder.fetch });
    const byOrder = await collect(client.iterateEsims({ orderNo }, { pageSize: 5 }));
    expect(byOrder.map((e) => e.esimTranNo).sort()).toEqual(esims.map((e) => e.esimTranNo).sort());
    expect(recorder.attempts.map((a) => a.body.pager)).toEqual([
      { pageNum: 1, pageSize: 5 },
      { pageNum: 2, pageSize: 5 },
      { pageNum: 3, pageSize: 5 },
    ]);

    const byTime = await collect(client.iterateEsims({ startTime: from, endTime: new Date(Date.now() + 60_000) }, { pageSize: 5 }));
    expect(new Set(byTime.map((e) => e.esimTranNo))).toEqual(new Set(byOrder.map((e) => e.esimTranNo)));
    expect(recorder.attempts[3]!.body.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
  });

  it('an empty range yields nothing after one call; a break stops paging', async () => {
    const merchant = await server.merchant({ balance: 10_000_000 });
    const recorder = recordingFetch();
    const client = clientFor(server, merchant, { fetch: recorder.fetch });
    expect(await collect(client.iterateEsims({ startTime: '2020-01-01T00:00+00:00', endTime: '2020-01-02T00:00+00:00' }))).toEqual([]);
    expect(recorder.attempts).toHaveLength(1);

    const { orderNo } = await client.orderAndWait({ packageInfoList: [{ packageCode: 'JP_1_7', count: 10 }] }, { pollIntervalMs: 20 });
    recorder.attempts.length = 0;
    for await (const esim of client.iterateEsims({ orderNo }, { pageSize: 5 })) {
      expect(esim.orderNo).toBe(orderNo);
      break;
    }
    expect(recorder.attempts).toHaveLength(1);
  });

  it('an unknown order is 310272', async () => {
    const client = clientFor(server, await server.merchant());
    await expect(collect(client.iterateEsims({ orderNo: 'B0000000000000' }))).rejects.toMatchObject({ code: '310272' });
  });
});
