import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_STOP } from '../src/db/replay-marker.js';
import { pruneSeenRequestIds } from '../src/domain/sweeps/prune-requests.js';
import { call, expectFailure, paths, startTestServer, type TestServer } from './support/harness.js';

// Without Redis the replay window lives in memory; a clean stop keeps it in the database for
// the next start, and a start after a crash refuses what was signed before it.

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close().catch(() => {});
});

async function start(databaseUrl?: string): Promise<TestServer> {
  const server = await startTestServer(databaseUrl ? { databaseUrl } : {});
  servers.push(server);
  return server;
}

/** A normal stop: the server closes and the runtime writes what it keeps. */
async function stop(server: TestServer): Promise<void> {
  await server.app.close();
  await server.runtime.close();
  servers.splice(servers.indexOf(server), 1);
}

describe('the replay window across restarts (no Redis)', () => {
  it('after a clean stop: refuses a request replayed within the window, serves new ones', async () => {
    const first = await start();
    const merchant = await first.merchant({ signaturePolicy: 'required' });
    const signed = { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId: randomUUID(), timestamp: String(Date.now()) };
    expect((await call(first, paths.balance, '{}', signed)).json.success).toBe(true);
    await stop(first);

    const second = await start(first.databaseUrl);
    const replay = await call(second, paths.balance, '{}', signed);
    expect(expectFailure(replay)).toBe('101001');
    expect(replay.json.errorMsg).toMatch(/replay/i);
    // Another request signed before the restart, never served, is served: the stop was clean.
    const earlier = { ...signed, requestId: randomUUID(), timestamp: String(Date.now() - 60_000) };
    expect((await call(second, paths.balance, '{}', earlier)).json.success).toBe(true);
    const fresh = { ...signed, requestId: randomUUID(), timestamp: String(Date.now()) };
    expect((await call(second, paths.balance, '{}', fresh)).json.success).toBe(true);
    expect(expectFailure(await call(second, paths.balance, '{}', fresh))).toBe('101001');
    // Read once: the rows are gone until the next clean stop writes them again.
    const db = second.runtime.ctx.db.kysely;
    expect(await db.selectFrom('seen_request_ids').select('key').execute()).toEqual([]);
    await stop(second);

    const third = await start(first.databaseUrl);
    expect(expectFailure(await call(third, paths.balance, '{}', signed))).toBe('101001');
    expect(expectFailure(await call(third, paths.balance, '{}', fresh))).toBe('101001');
  });

  it('after a crash: refuses requests signed before the start, serves those signed after', async () => {
    const first = await start();
    const merchant = await first.merchant({ signaturePolicy: 'required' });
    const served = { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId: randomUUID(), timestamp: String(Date.now()) };
    expect((await call(first, paths.balance, '{}', served)).json.success).toBe(true);
    // A crash: the process is gone without its stop (the mark a clean stop writes is missing).
    await first.app.close();
    await first.runtime.ctx.db.kysely.deleteFrom('seen_request_ids').execute();
    const second = await start(first.databaseUrl);
    // Signed after the new process started but before its first signed request: it cannot
    // have been served by the crashed process, so it is taken (the start, not the first
    // request, is the line).
    const signedAfterStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(expectFailure(await call(second, paths.balance, '{}', served))).toBe('101001');
    const after = { ...served, requestId: randomUUID(), timestamp: String(signedAfterStart) };
    expect((await call(second, paths.balance, '{}', after)).json.success).toBe(true);
  });

  it('the sweep forgets kept RequestIDs past their window, never the clean-stop mark', async () => {
    const server = await start();
    const db = server.runtime.ctx.db.kysely;
    await db.insertInto('seen_request_ids').values([{ key: '1:ab', expires_at: Date.now() - 1 }, { key: '1:cd', expires_at: Date.now() + 60_000 }]).execute();
    expect(await pruneSeenRequestIds(server.runtime.ctx)).toBe(1);
    expect((await db.selectFrom('seen_request_ids').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual([CLEAN_STOP, '1:cd'].sort());
  });
});
