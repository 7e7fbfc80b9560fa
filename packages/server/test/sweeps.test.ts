import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, openRuntime, type Runtime } from '../src/index.js';
import { runSweeps } from '../src/domain/sweeps/run.js';
import { call, startTestServer, TEST_DATABASE, type TestServer } from './support/harness.js';

// Sweeps run by several instances at once change each eSIM once (issue 5).
const ORDER = '/api/v1/open/esim/order';
const QUERY = '/api/v1/open/esim/query';
let server: TestServer;
const extra: Runtime[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0', JOB_RUNNER: 'on' } });
});
afterAll(async () => {
  for (const instance of extra) await instance.close();
  await server?.close();
});

describe('sweeps on several instances', () => {
  it('expire each due eSIM exactly once, and send no warning for an eSIM already past its end', async () => {
    const merchant = await server.merchant({ balance: 100_000_000 });
    const orderNos: string[] = [];
    for (let i = 0; i < 8; i++) {
      const placed = await call(server, ORDER, { transactionId: `sweep-${i}`, packageInfoList: [{ packageCode: 'JP_1_7', count: 30 }] }, { accessCode: merchant.accessCode });
      orderNos.push(placed.json.obj.orderNo);
    }
    const deadline = Date.now() + 20_000;
    for (const orderNo of orderNos) {
      while ((await call(server, QUERY, { orderNo }, { accessCode: merchant.accessCode })).json.errorCode === '200010') {
        if (Date.now() > deadline) throw new Error('allocation did not finish');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const db = server.runtime.ctx.db.kysely;
    const ids = (await db.selectFrom('esims').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(ids).toHaveLength(240);
    // Half activated with one day left (due for VALIDITY_USAGE), all past their end.
    const past = Date.now() - 1000;
    const activated = ids.filter((_, i) => i % 2 === 0);
    await db.updateTable('esims').set({ expired_time: past }).where('id', 'in', ids).execute();
    await db.updateTable('esims').set({ activated_at: past - 86_400_000, esim_status: 'IN_USE', validity_warn_at: past }).where('id', 'in', activated).execute();
    // The instance's own runner must not join in: this test runs the sweeps itself.
    await server.runtime.jobs.stop();

    // The sandbox server made the database with the key it keeps in a file: production is given that file.
    const config = loadConfig({ DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent', ESIMKIT_MODE: 'production', ESIMKIT_SECRET_KEY_FILE: server.runtime.secretKey.file! });
    // Several instances share a database on PostgreSQL only; SQLite serves one instance.
    const instances = TEST_DATABASE === 'postgres' ? 3 : 1;
    for (let i = 0; i < instances; i++) extra.push(await openRuntime(config));
    const results = await Promise.all(extra.map(({ ctx }) => runSweeps(ctx, { now: ctx.clock.now() })));
    expect(results.reduce((n, r) => n + r.expired, 0)).toBe(240);
    expect(results.reduce((n, r) => n + r.warned, 0)).toBe(120);

    const changes = await db.selectFrom('esim_events').select(['esim_id', 'to_value']).where('to_value', 'in', ['USED_EXPIRED', 'UNUSED_EXPIRED']).execute();
    expect(changes).toHaveLength(240);
    expect(new Set(changes.map((c) => c.esim_id)).size).toBe(240);
    expect(changes.filter((c) => c.to_value === 'USED_EXPIRED')).toHaveLength(120);
    const warnings = await db.selectFrom('webhook_events').select('body').where('notify_type', '=', 'VALIDITY_USAGE').execute();
    expect(warnings).toHaveLength(0); // the expiry came first for these: no warning for an expired eSIM
    const again = await runSweeps(extra[0]!.ctx, { now: new Date() });
    expect(again).toEqual({ warned: 0, reset: 0, expired: 0 });
  });
});
