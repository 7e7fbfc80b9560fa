import { expect } from 'vitest';
import { call, type TestServer } from './harness.js';

// Calls of the sandbox API and the partner API for sandbox tests, asserting success.
export const sb = (path: string) => `/sandbox/v1/${path}`;
export const api = (path: string) => `/api/v1/open/${path}`;

export function client(server: TestServer, accessCode: string) {
  const ok = async (path: string, body: unknown = {}) => {
    const result = await call(server, path, body, { accessCode });
    if (!result.json?.success) throw new Error(`${path} failed: ${result.text}`);
    return result.json.obj;
  };
  return {
    ok,
    raw: (path: string, body: unknown = {}) => call(server, path, body, { accessCode }),
    async order(slug: string, extra: Record<string, unknown> = {}) {
      const placed = await ok(api('esim/order'), { transactionId: `t-${Math.random()}`, packageInfoList: [{ packageCode: slug, count: 1, ...extra }] });
      const deadline = Date.now() + 10_000;
      for (;;) {
        const q = await call(server, api('esim/query'), { orderNo: placed.orderNo }, { accessCode });
        if (q.json.success) return { orderNo: placed.orderNo as string, ...q.json.obj.esimList[0] };
        expect(q.json.errorCode).toBe('200010');
        if (Date.now() > deadline) throw new Error('allocation did not finish');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async esim(esimTranNo: string) {
      return (await ok(api('esim/query'), { esimTranNo })).esimList[0];
    },
    advance: (seconds: number) => ok(sb('clock/advance'), { seconds }),
  };
}

export const DAY = 86_400;
