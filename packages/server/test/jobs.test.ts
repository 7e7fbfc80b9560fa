import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobRunner, loadConfig, openRuntime, type Runtime } from '../src/index.js';
import { enqueueJob } from '../src/jobs/queue.js';
import { RetryLater } from '../src/jobs/retry-later.js';
import { call, paths, startTestServer, type TestServer } from './support/harness.js';

// The job queue behind allocation: at-least-once, leases that expire with a dead worker, and
// no job taken by two workers at once.
const ORDER = '/api/v1/open/esim/order';
const QUERY = '/api/v1/open/esim/query';

async function waitForAllocation(server: TestServer, accessCode: string, orderNo: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await call(server, QUERY, { orderNo }, { accessCode });
    if (result.json.success) return result.json.obj;
    if (result.json.errorCode !== '200010' || Date.now() > deadline) throw new Error(`allocation did not finish: ${result.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('allocation across a restart', () => {
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  afterAll(async () => {
    await second?.close();
  });

  it('allocates after the accepting process stopped before its job ran', async () => {
    first = await startTestServer({ env: { ALLOCATION_DELAY_MS: '300' } });
    const merchant = await first.merchant({ balance: 10_000_000 });
    const order = await call(first, ORDER, { transactionId: 'restart-1', packageInfoList: [{ packageCode: 'JP_1_7', count: 3 }] }, { accessCode: merchant.accessCode });
    expect(order.json.success).toBe(true);
    // Stop the server (and its job runner) without dropping the database.
    await first.app.close();
    await first.runtime.close();
    second = await startTestServer({ databaseUrl: first.databaseUrl, env: { ALLOCATION_DELAY_MS: '0' } });
    const obj = await waitForAllocation(second, merchant.accessCode, order.json.obj.orderNo);
    expect(obj.esimList).toHaveLength(3);
  });

  it('takes over a job whose worker died holding it, once the lease has passed', async () => {
    const server = second!;
    const merchant = await server.merchant({ balance: 10_000_000 });
    const db = server.runtime.ctx.db.kysely;
    await server.runtime.jobs.stop();
    const order = await call(server, ORDER, { transactionId: 'dead-worker', packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, { accessCode: merchant.accessCode });
    expect(order.json.success).toBe(true);
    // A worker claimed the job and died: its lease runs for another 1.5 s.
    const leaseEnds = Date.now() + 1500;
    await db.updateTable('jobs').set({ locked_by: 'dead-worker', locked_until: leaseEnds, attempts: 1 }).execute();
    server.runtime.jobs.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await call(server, QUERY, { orderNo: order.json.obj.orderNo }, { accessCode: merchant.accessCode });
    if (Date.now() < leaseEnds) expect(during.json.errorCode).toBe('200010');
    const obj = await waitForAllocation(server, merchant.accessCode, order.json.obj.orderNo);
    expect(obj.esimList).toHaveLength(1);
    const left = await db.selectFrom('jobs').selectAll().where('kind', '=', 'allocate-order').execute();
    expect(left).toHaveLength(0);
  });

  it('does nothing when an allocation job runs a second time', async () => {
    const server = second!;
    const merchant = await server.merchant({ balance: 10_000_000 });
    const order = await call(server, ORDER, { transactionId: 'twice', packageInfoList: [{ packageCode: 'JP_1_7', count: 2 }] }, { accessCode: merchant.accessCode });
    const first = await waitForAllocation(server, merchant.accessCode, order.json.obj.orderNo);
    const db = server.runtime.ctx.db.kysely;
    const row = await db.selectFrom('orders').select('id').where('order_no', '=', order.json.obj.orderNo).executeTakeFirstOrThrow();
    await enqueueJob(db, { kind: 'allocate-order', payload: { orderId: row.id } });
    await server.runtime.jobs.drain();
    const again = await call(server, QUERY, { orderNo: order.json.obj.orderNo }, { accessCode: merchant.accessCode });
    expect(again.json.obj.esimList.map((e: { iccid: string }) => e.iccid)).toEqual(first.esimList.map((e: { iccid: string }) => e.iccid));
    const esims = await db.selectFrom('esims').select('id').where('order_id', '=', row.id).execute();
    expect(esims).toHaveLength(2);
    const merchantId = (await db.selectFrom('merchants').select('id').where('id', '=', merchant.id).executeTakeFirstOrThrow()).id;
    const entries = await db.selectFrom('ledger_entries').select(['kind', 'amount']).where('merchant_id', '=', merchantId).orderBy('id').execute();
    expect(entries.map((e) => e.kind)).toEqual(['deposit', 'order']);
    const balance = await call(server, paths.balance, '{}', { accessCode: merchant.accessCode });
    expect(balance.json.obj.balance).toBe(10_000_000 + entries[1]!.amount);
  });
});

/** A catalogue of test-only job kinds: the runner and enqueueJob are typed by it. */
interface TestJobs {
  probe: { n: number };
  slow: { n: number };
  flaky: Record<string, never>;
  doomed: { note: string };
  patient: Record<string, never>;
}

describe('two workers on one queue', () => {
  let server: TestServer;
  let instances: Runtime[] = [];
  beforeAll(async () => {
    server = await startTestServer({ env: { JOB_RUNNER: 'off' } });
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await server?.close();
  });

  it('never runs one job in two workers', async () => {
    const config = loadConfig({ DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' });
    instances = [await openRuntime(config), await openRuntime(config)];
    const contexts = instances.map((instance) => instance.ctx);
    const db = server.runtime.ctx.db.kysely;
    for (let i = 0; i < 300; i++) await enqueueJob<TestJobs>(db, { kind: 'probe', payload: { n: i } });
    const seen: { n: number; worker: number }[] = [];
    const runners = contexts.map(
      (ctx, worker) =>
        new JobRunner<Pick<TestJobs, 'probe'>>(
          ctx,
          {
            probe: {
              run: async (_ctx, payload) => {
                seen.push({ n: payload.n, worker });
                await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
              },
            },
          },
          { batch: 7 },
        ),
    );
    await Promise.all(runners.map((r) => r.drain()));
    expect(seen).toHaveLength(300);
    expect(new Set(seen.map((s) => s.n)).size).toBe(300);
    expect(await db.selectFrom('jobs').selectAll().execute()).toHaveLength(0);
  });

  it('a job enqueued while the runner is full runs when the slot frees, with no further wake or poll', async () => {
    const db = server.runtime.ctx.db.kysely;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ran: number[] = [];
    const runner = new JobRunner<Pick<TestJobs, 'slow'>>(
      server.runtime.ctx,
      {
        slow: {
          run: async (_ctx, payload) => {
            if (payload.n === 1) await held;
            ran.push(payload.n);
          },
        },
      },
      // A poll far beyond the test: only wakes and finishing jobs can start the second job.
      { concurrency: 1, pollMs: 60_000 },
    );
    await enqueueJob<TestJobs>(db, { kind: 'slow', payload: { n: 1 } });
    runner.start();
    try {
      await vi.waitFor(() => expect(ran).toEqual([]), { timeout: 2000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Job 1 holds the only slot (its claim was not full: no backlog); job 2 comes, and its wake finds the runner full.
      await enqueueJob<TestJobs>(db, { kind: 'slow', payload: { n: 2 } });
      runner.wake();
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      await vi.waitFor(() => expect(ran).toEqual([1, 2]), { timeout: 3000 });
    } finally {
      await runner.stop();
    }
  });

  it('retries a failing job with backoff and keeps its error', async () => {
    const db = server.runtime.ctx.db.kysely;
    await enqueueJob<TestJobs>(db, { kind: 'flaky', payload: {} });
    let calls = 0;
    const runner = new JobRunner<Pick<TestJobs, 'flaky'>>(server.runtime.ctx, {
      flaky: {
        run: async () => {
          calls += 1;
          if (calls < 3) throw new Error(`flake ${calls}`);
        },
      },
    });
    await runner.drain();
    const pending = await db.selectFrom('jobs').selectAll().where('kind', '=', 'flaky').executeTakeFirstOrThrow();
    expect(pending.last_error).toContain('flake 1');
    expect(pending.run_at).toBeGreaterThan(Date.now() - 1000);
    const deadline = Date.now() + 5000;
    while (calls < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await runner.drain();
    }
    expect(calls).toBe(3);
    expect(await db.selectFrom('jobs').selectAll().where('kind', '=', 'flaky').execute()).toHaveLength(0);
  });

  it('a job out of attempts is failed: kept with its error, never due again, its handler told, counted in /metrics', async () => {
    const db = server.runtime.ctx.db.kysely;
    await enqueueJob<TestJobs>(db, { kind: 'doomed', payload: { note: 'order 7' } });
    const told: string[] = [];
    let calls = 0;
    const runner = new JobRunner<Pick<TestJobs, 'doomed'>>(
      server.runtime.ctx,
      {
        doomed: {
          run: async () => {
            calls += 1;
            throw new Error('receiver exploded');
          },
          failed: async (_ctx, payload, error) => {
            told.push(`${payload.note}: ${error.split('\n')[0]}`);
          },
        },
      },
      { maxAttempts: 3 },
    );
    const makeDue = () => db.updateTable('jobs').set({ run_at: 0 }).where('kind', '=', 'doomed').execute();
    for (let i = 0; i < 3; i++) {
      await makeDue();
      await runner.drain();
    }
    expect(calls).toBe(3);
    const row = await db.selectFrom('jobs').selectAll().where('kind', '=', 'doomed').executeTakeFirstOrThrow();
    expect(row.failed_at).not.toBeNull();
    expect(row.locked_by).toBeNull();
    expect(row.last_error).toContain('receiver exploded');
    expect(told).toEqual(['order 7: Error: receiver exploded']);
    // Failed is a state, not a time in the future: due or not, it never runs again.
    await makeDue();
    await runner.drain();
    expect(calls).toBe(3);
    const metrics = await fetch(`${server.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^esimkit_jobs\{kind="doomed",state="failed"\} 1$/m);
  });
  it('waits (RetryLater) use up no attempts: a job that waited 15 times and then throws once is retried, not failed', async () => {
    const db = server.runtime.ctx.db.kysely;
    await enqueueJob<TestJobs>(db, { kind: 'patient', payload: {} });
    let calls = 0;
    let toldFailed = false;
    const runner = new JobRunner<Pick<TestJobs, 'patient'>>(server.runtime.ctx, {
      patient: {
        run: async () => {
          calls += 1;
          if (calls <= 15) throw new RetryLater('SM-DP+ unreachable', 60_000);
          if (calls === 16) throw new Error('one ordinary failure');
        },
        failed: async () => {
          toldFailed = true;
        },
      },
    });
    const makeDue = () => db.updateTable('jobs').set({ run_at: 0 }).where('kind', '=', 'patient').execute();
    for (let i = 0; i < 16; i++) {
      await makeDue();
      await runner.drain();
    }
    expect(calls).toBe(16);
    const row = await db.selectFrom('jobs').selectAll().where('kind', '=', 'patient').executeTakeFirstOrThrow();
    expect(row.failed_at).toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('one ordinary failure');
    expect(toldFailed).toBe(false);
    await makeDue();
    await runner.drain();
    expect(calls).toBe(17);
    expect(await db.selectFrom('jobs').selectAll().where('kind', '=', 'patient').execute()).toHaveLength(0);
  });
});
