import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestServer } from './support/harness.js';
import { as, esimPaths, expectLedgerConsistent, orderAndWait, packageBySlug, startEsimServer, type Merchant } from './support/orders.js';
import { sb } from './support/sandbox.js';

// sandbox/reset empties a merchant's sandbox while its other calls may still be running on the
// same eSIMs. A call that loses the race finds its eSIM gone: it answers as for a missing eSIM
// (310403, or the documented code of its endpoint), never 000001, and leaves nothing half-written.

let server: TestServer;
let merchant: Merchant;
let topupCode: string;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 100_000_000 });
  topupCode = (await packageBySlug(server, merchant, 'JP_1_7', 'TOPUP')).packageCode;
});
afterAll(() => server?.close());

const ROUNDS = 4;
const ESIMS = 6;

describe('sandbox/reset racing calls on the same eSIMs', () => {
  it('no call answers 000001, and the ledger stays whole', async () => {
    const codes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const { esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: 'JP_1_7', count: ESIMS }] });
      const onEach = esims.flatMap((esim: any) => {
        const ref = { esimTranNo: esim.esimTranNo };
        return [
          call(server, sb('esim/install'), ref, as(merchant)),
          call(server, sb('esim/consume'), { ...ref, bytes: 1024 * 1024 }, as(merchant)),
          call(server, sb('esim/sms/receive'), { ...ref, message: 'hi', from: '+15550100' }, as(merchant)),
          call(server, esimPaths.topup, { ...ref, packageCode: topupCode, transactionId: `race-${round}-${esim.esimTranNo}` }, as(merchant)),
          call(server, esimPaths.sendSms, { ...ref, message: 'hello' }, as(merchant)),
          call(server, esimPaths.suspend, { iccid: esim.iccid }, as(merchant)),
          call(server, esimPaths.cancel, ref, as(merchant)),
          call(server, esimPaths.query, { ...ref, pager: { pageNum: 1, pageSize: 5 } }, as(merchant)),
        ];
      });
      const results = await Promise.all([...onEach.slice(0, onEach.length / 2), call(server, sb('reset'), { balance: 100_000_000 }, as(merchant)), ...onEach.slice(onEach.length / 2)]);
      for (const r of results) {
        const code = r.json.success ? 'ok' : r.json.errorCode;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        expect(r.status).toBe(200);
        expect(code, r.text).not.toBe('000001');
      }
    }
    // The losers say their eSIM is gone; some calls won before the reset.
    expect(codes.get('ok')).toBeGreaterThan(0);
    await expectLedgerConsistent(server, merchant);
  });
});
