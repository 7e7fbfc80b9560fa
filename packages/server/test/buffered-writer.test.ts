import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedWriter } from '../src/db/buffered-writer.js';
import { startTestServer, type TestServer } from './support/harness.js';

// The request log's background writer (db/buffered-writer.ts): rows go in statements of at
// most 100 (db/insert-rows.ts). Every row must arrive whole, in order, on both databases.
const COLUMNS = ['merchant_id', 'request_id', 'endpoint', 'code', 'latency_us', 'ip', 'request_body', 'response_body', 'shared_answer_id', 'created_at'] as const;

let server: TestServer;
let merchantId: number;
beforeAll(async () => {
  server = await startTestServer();
  merchantId = (await server.merchant()).id;
});
afterAll(() => server?.close());

function row(requestId: string, index: number) {
  return {
    merchant_id: merchantId,
    request_id: requestId,
    endpoint: 'balance.query',
    code: index % 2 ? '0' : '200007',
    latency_us: index,
    ip: '127.0.0.1',
    request_body: `{"n":${index}}`,
    response_body: index % 3 ? `answer ${index}` : '',
    shared_answer_id: null,
    created_at: 1_700_000_000_000 + index,
  };
}

async function written(prefix: string) {
  return server.runtime.ctx.db.kysely
    .selectFrom('api_requests')
    .select([...COLUMNS])
    .where('request_id', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
}

describe('BufferedWriter', () => {
  it('writes 250 rows as 100 + 100 + 50, then 3 more, each row whole and in order', async () => {
    const writer = new BufferedWriter(server.runtime.ctx.db, 'api_requests', { flushMs: 60_000 });
    const rows = Array.from({ length: 250 }, (_, i) => row(`bw-a-${String(i).padStart(3, '0')}`, i));
    for (const r of rows) writer.add(r);
    await writer.flush();
    const back = await written('bw-a-');
    expect(back.map((r) => ({ ...r, merchant_id: Number(r.merchant_id), latency_us: Number(r.latency_us), created_at: Number(r.created_at) }))).toEqual(rows);

    const more = [row('bw-b-0', 0), row('bw-b-1', 1), row('bw-b-2', 2)];
    for (const r of more) writer.add(r);
    await writer.close();
    expect((await written('bw-b-')).map((r) => r.request_id)).toEqual(['bw-b-0', 'bw-b-1', 'bw-b-2']);
  });

  it('drops rows past maxBuffered and counts them', async () => {
    const writer = new BufferedWriter(server.runtime.ctx.db, 'api_requests', { flushMs: 60_000, maxBuffered: 5 });
    for (let i = 0; i < 8; i++) writer.add(row(`bw-c-${i}`, i));
    await writer.close();
    expect(writer.dropped).toBe(3);
    expect((await written('bw-c-')).map((r) => r.request_id)).toEqual(['bw-c-0', 'bw-c-1', 'bw-c-2', 'bw-c-3', 'bw-c-4']);
  });
});
