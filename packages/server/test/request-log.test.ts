import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK, loggedBody } from '../src/domain/request-log/mask.js';
import { findRequest } from '../src/domain/request-log/find.js';
import { listRequests, SHARED_ANSWER_GONE } from '../src/domain/request-log/list.js';
import { SHARED_ANSWER_RENEW_MS } from '../src/domain/request-log/recorder.js';
import { pruneRequestLog } from '../src/domain/sweeps/prune-requests.js';
import { call, paths, type TestServer } from './support/harness.js';
import { as, esimPaths, merchantRow, newTransactionId, startEsimServer, type Merchant } from './support/orders.js';

// The request log behind the console: each merchant's API requests (endpoint, code,
// latency, bodies with secrets masked), written in batches, readable only by that merchant,
// kept for REQUEST_LOG_RETENTION_DAYS of real time.
let server: TestServer;
let merchant: Merchant;
let other: Merchant;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 10_000_000 });
  other = await server.merchant({ balance: 10_000_000 });
});
afterAll(() => server?.close());

async function logOf(who: Merchant, input: Parameters<typeof listRequests>[0]['input'] = {}) {
  await server.runtime.ctx.services.requestLog.flush();
  const row = await merchantRow(server, who);
  const { balance: _b, balance_updated_at: _u, ...settings } = row;
  return listRequests({ ctx: { ...server.runtime.ctx, merchant: settings }, input });
}

describe('the request log', () => {
  it('keeps each request of a known merchant: endpoint, code, latency, bodies; newest first', async () => {
    const order = { transactionId: newTransactionId('log'), packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] };
    await call(server, esimPaths.order, order, as(merchant));
    await call(server, esimPaths.order, { packageInfoList: [] }, as(merchant));
    await call(server, paths.balance, '', as(merchant));
    const log = await logOf(merchant);
    expect(log.map((r) => [r.endpoint, r.code])).toEqual([
      ['balance.query', '0'],
      ['esim.order', '000105'],
      ['esim.order', 'null'],
    ]);
    const placed = log[2]!;
    expect(JSON.parse(placed.requestBody)).toEqual(order);
    expect(JSON.parse(placed.responseBody)).toMatchObject({ success: true, obj: { transactionId: order.transactionId } });
    expect(placed.latencyMs).toBeGreaterThan(0);
    expect(placed.requestId).toMatch(/\S/);
    expect(Math.abs(placed.at.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await logOf(merchant, { failedOnly: true })).map((r) => r.code)).toEqual(['000105']);
    expect((await logOf(merchant, { before: log[0]!.id, limit: 1 })).map((r) => r.id)).toEqual([log[1]!.id]);
  });

  it("shows a merchant only its own requests, and none of an unknown access code's", async () => {
    await call(server, paths.balance, '', as(other));
    await call(server, paths.balance, '', { accessCode: 'nobody-has-this-code' });
    const mine = await logOf(merchant);
    const theirs = await logOf(other);
    expect(theirs.map((r) => r.endpoint)).toEqual(['balance.query']);
    expect(mine.every((r) => !theirs.some((t) => t.id === r.id))).toBe(true);
  });

  it('never keeps headers, and masks secrets in bodies', async () => {
    const rotated = await call(server, '/api/v1/esimkit/webhook/secret/rotate', {}, as(merchant, { secretKey: merchant.secretKey }));
    expect(rotated.json.obj.secret).toMatch(/^whsec_/);
    const [entry] = await logOf(merchant, { limit: 1 });
    expect(entry!.endpoint).toBe('esimkit.webhook.secret.rotate');
    expect(entry!.responseBody).not.toContain(rotated.json.obj.secret);
    expect(JSON.parse(entry!.responseBody).obj.secret).toBe(MASK);
    const everything = JSON.stringify(await logOf(merchant, { limit: 200 }));
    expect(everything).not.toContain(merchant.accessCode);
    expect(everything).not.toContain(merchant.secretKey);
  });

  it('keeps a body with a raw NUL byte (written as \\u0000) on both databases', async () => {
    const refused = await call(server, esimPaths.order, '{"transactionId":"a\u0000b"', as(merchant));
    expect(refused.json.errorCode).toBe('000104');
    const [entry] = await logOf(merchant, { limit: 1 });
    expect(entry!.endpoint).toBe('esim.order');
    expect(entry!.requestBody).toBe('{"transactionId":"a\\u0000b"');
  });

  it('cuts long bodies and masks activation codes, PIN and PUK', () => {
    const body = JSON.stringify({ esimList: [{ ac: 'LPA:1$smdp$ABC', pin: '1234', puk: '12345678', iccid: '8985242000000000017' }], pad: 'x'.repeat(10_000) });
    const kept = loggedBody(Buffer.from(body));
    expect(kept).toContain('"iccid":"8985242000000000017"');
    expect(kept).not.toMatch(/LPA:1|"1234"|12345678/);
    expect(kept.length).toBeLessThan(4200);
    expect(kept).toMatch(/bytes in all\)$/);
  });

  it('writes an answer many requests share once, and shows it in each of their rows, to each merchant', async () => {
    const db = server.runtime.ctx.db.kysely;
    await server.runtime.ctx.services.requestLog.flush();
    const sharedBefore = Number((await db.selectFrom('api_shared_answers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const answers: Awaited<ReturnType<typeof call>>[] = [];
    for (const who of [merchant, other, merchant]) answers.push(await call(server, paths.packageList, { locationCode: 'JP' }, as(who)));
    expect(answers[0]!.text.length).toBeGreaterThan(4096);
    expect(answers.every((a) => a.text === answers[0]!.text)).toBe(true);

    const [mine] = await logOf(merchant, { limit: 1 });
    const [theirs] = await logOf(other, { limit: 1 });
    for (const entry of [mine!, theirs!]) {
      expect(entry.endpoint).toBe('package.list');
      expect(entry.responseBody.startsWith(answers[0]!.text.slice(0, 4000))).toBe(true);
      expect(entry.responseBody).toMatch(new RegExp(`\\(${Buffer.byteLength(answers[0]!.text)} bytes in all\\)$`));
    }
    // One copy of the answer for the three requests; each row names it and keeps no copy itself.
    const rows = await db.selectFrom('api_requests').select(['response_body', 'shared_answer_id']).where('endpoint', '=', 'package.list').orderBy('id', 'desc').limit(3).execute();
    expect(new Set(rows.map((r) => r.shared_answer_id)).size).toBe(1);
    expect(rows.map((r) => r.response_body)).toEqual(['', '', '']);
    const sharedAfter = Number((await db.selectFrom('api_shared_answers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(sharedAfter - sharedBefore).toBe(1);

    // One request's view of it, by id, as the console's detail page reads it; another merchant's id is unknown.
    const ctxOf = async (who: Merchant) => {
      const { balance: _b, balance_updated_at: _u, ...settings } = await merchantRow(server, who);
      return { ...server.runtime.ctx, merchant: settings };
    };
    expect((await findRequest({ ctx: await ctxOf(merchant), input: { id: mine!.id } }))?.responseBody).toBe(mine!.responseBody);
    expect(await findRequest({ ctx: await ctxOf(other), input: { id: mine!.id } })).toBeUndefined();
  });

  it('prunes a shared answer once no kept request can name it, and a row without its answer says so', async () => {
    await call(server, paths.packageList, { locationCode: 'JP' }, as(merchant));
    const [entry] = await logOf(merchant, { limit: 1 });
    const db = server.runtime.ctx.db.kysely;
    const { shared_answer_id: id } = await db.selectFrom('api_requests').select('shared_answer_id').where('id', '=', entry!.id).executeTakeFirstOrThrow();
    expect(id).not.toBeNull();
    const retention = server.runtime.ctx.config.requestLogRetentionMs;
    // Written just inside the time a request naming it may still be kept: it stays.
    await db.updateTable('api_shared_answers').set({ created_at: Date.now() - retention - SHARED_ANSWER_RENEW_MS + 60_000 }).where('id', '=', id!).execute();
    await pruneRequestLog(server.runtime.ctx);
    expect(await db.selectFrom('api_shared_answers').select('id').where('id', '=', id!).executeTakeFirst()).toBeDefined();
    // Past it: gone, and the (here artificially) surviving row shows that its answer is no longer kept.
    await db.updateTable('api_shared_answers').set({ created_at: Date.now() - retention - SHARED_ANSWER_RENEW_MS - 60_000 }).where('id', '=', id!).execute();
    await pruneRequestLog(server.runtime.ctx);
    expect(await db.selectFrom('api_shared_answers').select('id').where('id', '=', id!).executeTakeFirst()).toBeUndefined();
    const [after] = await logOf(merchant, { limit: 1 });
    expect(after!.id).toBe(entry!.id);
    expect(after!.responseBody).toBe(SHARED_ANSWER_GONE);
  });

  it('keeps REQUEST_LOG_RETENTION_DAYS of real time', async () => {
    await call(server, paths.balance, '', as(merchant));
    await server.runtime.ctx.services.requestLog.flush();
    const db = server.runtime.ctx.db.kysely;
    const before = await logOf(merchant, { limit: 200 });
    const old = before.slice(1).map((r) => r.id);
    await db.updateTable('api_requests').set({ created_at: Date.now() - 8 * 86_400_000 }).where('id', 'in', old).execute();
    expect(await pruneRequestLog(server.runtime.ctx)).toBeGreaterThanOrEqual(old.length);
    expect((await logOf(merchant, { limit: 200 })).map((r) => r.id)).toEqual([before[0]!.id]);
  });
});

describe('REQUEST_LOG', () => {
  it('failures: keeps only the refused requests; off: keeps none', async () => {
    for (const setting of ['failures', 'off'] as const) {
      const limited = await startEsimServer({ REQUEST_LOG: setting });
      try {
        const who = await limited.merchant({ balance: 10_000_000 });
        await call(limited, paths.balance, '', as(who));
        await call(limited, esimPaths.order, { packageInfoList: [] }, as(who));
        await limited.runtime.ctx.services.requestLog.flush();
        const row = await merchantRow(limited, who);
        const { balance: _b, balance_updated_at: _u, ...settings } = row;
        const kept = await listRequests({ ctx: { ...limited.runtime.ctx, merchant: settings }, input: {} });
        expect(kept.map((r) => [r.endpoint, r.code]), setting).toEqual(setting === 'failures' ? [['esim.order', '000105']] : []);
      } finally {
        await limited.close();
      }
    }
  });
});
