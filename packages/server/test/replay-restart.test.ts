import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { pruneSeenRequestIds } from '../src/domain/sweeps/prune-requests.js';
import { call, expectFailure, paths, startTestServer, type TestServer } from './support/harness.js';

// Without Redis the replay window lives in memory and in the database: a signed request
// replayed after a restart, within the window, is refused as before it.

describe('the replay window across a restart (no Redis)', () => {
  let second: TestServer | undefined;
  afterAll(async () => {
    await second?.close();
  });

  it('refuses a request replayed after a restart, and forgets RequestIDs once their window is over', async () => {
    const first = await startTestServer();
    const merchant = await first.merchant({ signaturePolicy: 'required' });
    const signed = { accessCode: merchant.accessCode, secretKey: merchant.secretKey, requestId: randomUUID(), timestamp: String(Date.now()) };
    expect((await call(first, paths.balance, '{}', signed)).json.success).toBe(true);
    // A normal stop: the server closes, the runtime writes what it buffered.
    await first.app.close();
    await first.runtime.close();

    second = await startTestServer({ databaseUrl: first.databaseUrl });
    const replay = await call(second, paths.balance, '{}', signed);
    expect(expectFailure(replay)).toBe('101001');
    expect(replay.json.errorMsg).toMatch(/replay/i);
    // A fresh RequestID is served, and remembered in its turn.
    const fresh = { ...signed, requestId: randomUUID(), timestamp: String(Date.now()) };
    expect((await call(second, paths.balance, '{}', fresh)).json.success).toBe(true);
    expect(expectFailure(await call(second, paths.balance, '{}', fresh))).toBe('101001');

    const db = second.runtime.ctx.db.kysely;
    await (second.runtime.replayGuard as { flush?: () => Promise<void> }).flush?.();
    expect((await db.selectFrom('seen_request_ids').select('key').execute()).length).toBe(2);
    // Past the window, the sweep forgets them.
    await db.updateTable('seen_request_ids').set({ expires_at: Date.now() - 1 }).execute();
    expect(await pruneSeenRequestIds(second.runtime.ctx)).toBe(2);
  });
});
