import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, startTestServer, TEST_DATABASE, type CallResult, type TestServer } from './support/harness.js';
import {
  as,
  balanceOf,
  esimPaths,
  expectLedgerConsistent,
  expectSuccess,
  newTransactionId,
  orderOne,
  packageBySlug,
  queryEsim,
  type Merchant,
} from './support/orders.js';

// The races of issue 14, raced across esimkit instances where esimkit runs several: on
// PostgreSQL two servers share one database and the requests alternate between them (as
// behind a load balancer); on SQLite one server takes them all (one process per file).
// Single-instance versions of the order races are in order-concurrency.test.ts, of top-up
// against cancel in esim-topup.test.ts.

let servers: TestServer[];
let merchant: Merchant;
let jp: any;
let topup: any;

beforeAll(async () => {
  const first = await startTestServer({ env: { ALLOCATION_DELAY_MS: '0' } });
  servers = [first];
  if (TEST_DATABASE === 'postgres') servers.push(await startTestServer({ databaseUrl: first.databaseUrl, env: { ALLOCATION_DELAY_MS: '0' } }));
  merchant = await first.merchant({ balance: 100_000_000 });
  jp = await packageBySlug(first, merchant, 'JP_1_7');
  topup = await packageBySlug(first, merchant, 'JP_1_7', 'TOPUP');
});
afterAll(async () => {
  // The second server first: the first one's close drops the database.
  for (const server of [...(servers ?? [])].reverse()) await server.close();
});

/** The i-th request goes to the i-th server, round robin. */
const serverFor = (i: number) => servers[i % servers.length]!;
const outcome = (r: CallResult) => (r.json?.success ? JSON.stringify(r.json.obj) : (r.json?.errorCode ?? `HTTP ${r.status}`));

describe('top-up vs cancel vs revoke on one eSIM', () => {
  it('one of cancel and revoke wins, every copy of the top-up answers alike, and the money follows the winner', async () => {
    for (let round = 0; round < 8; round++) {
      const esim = await orderOne(servers[0]!, merchant, jp.packageCode);
      const before = await balanceOf(servers[0]!, merchant);
      const topupBody = { esimTranNo: esim.esimTranNo, packageCode: topup.packageCode, transactionId: newTransactionId('race3') };
      const requests = [
        ...Array.from({ length: 10 }, () => ({ path: esimPaths.topup, body: topupBody })),
        { path: esimPaths.cancel, body: { esimTranNo: esim.esimTranNo } },
        { path: esimPaths.revoke, body: { esimTranNo: esim.esimTranNo } },
      ];
      // The cancel and the revoke move through the batch from round to round.
      const cancelAt = round % requests.length;
      const ordered = [...requests.slice(0, 10)];
      ordered.splice(cancelAt, 0, requests[10]!);
      ordered.splice((cancelAt * 3 + 5) % ordered.length, 0, requests[11]!);
      const answers = await Promise.all(ordered.map((r, i) => call(serverFor(i), r.path, r.body, as(merchant))));
      const byPath = (path: string) => answers.filter((_, i) => ordered[i]!.path === path);

      const [cancel] = byPath(esimPaths.cancel);
      const [revoke] = byPath(esimPaths.revoke);
      const cancelled = cancel!.json.success === true;
      const revoked = revoke!.json.success === true;
      expect(cancelled !== revoked, `cancel ${outcome(cancel!)}, revoke ${outcome(revoke!)}`).toBe(true);
      expect(expectFailure(cancelled ? revoke! : cancel!)).toBe('200002');

      const topups = byPath(esimPaths.topup).map(outcome);
      expect(new Set(topups).size, topups.join(' | ')).toBe(1);
      const toppedUp = byPath(esimPaths.topup)[0]!.json.success === true;
      if (!toppedUp) expect(topups[0]).toBe('200002');

      const after = await queryEsim(servers[0]!, merchant, esim.esimTranNo);
      expect(after.esimStatus).toBe(cancelled ? 'CANCEL' : 'REVOKE');
      expect(after.totalVolume).toBe((toppedUp ? 2 : 1) * jp.volume);
      // A cancel refunds the plan and any top-up; a revoke refunds nothing.
      const expected = cancelled ? before + jp.price : before - (toppedUp ? topup.price : 0);
      expect(await balanceOf(servers[0]!, merchant)).toBe(expected);
      await expectLedgerConsistent(servers[0]!, merchant);
    }
  });
});

describe('orders raced across instances', () => {
  it('a balance for exactly 10 orders lets exactly 10 of 40 through', async () => {
    const poor = await servers[0]!.merchant({ balance: jp.price * 10 });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(serverFor(i), esimPaths.order, { transactionId: newTransactionId('n'), packageInfoList: [{ packageCode: jp.packageCode, count: 1 }] }, as(poor)),
      ),
    );
    const accepted = answers.filter((r) => r.json.success);
    expect(accepted).toHaveLength(10);
    expect(answers.filter((r) => !r.json.success).map(expectFailure)).toEqual(Array(30).fill('200007'));
    expect(new Set(accepted.map((r) => r.json.obj.orderNo)).size).toBe(10);
    expect(await expectLedgerConsistent(servers[0]!, poor)).toBe(0);
  });

  it('20 copies of one transactionId make one order and one charge', async () => {
    const before = await balanceOf(servers[0]!, merchant);
    const body = { transactionId: newTransactionId('copies'), packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(serverFor(i), esimPaths.order, body, as(merchant))));
    const orderNos = new Set(answers.map((r) => expectSuccess(r, null).orderNo));
    expect(orderNos.size).toBe(1);
    expect(await balanceOf(servers[0]!, merchant)).toBe(before - 2 * jp.price);
    await expectLedgerConsistent(servers[0]!, merchant);
  });
});
