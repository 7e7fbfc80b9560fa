import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedgers } from '../src/domain/merchants/verify-ledger.js';
import type { z } from 'zod';
import { COMMON_CODES } from '../src/http/operator-api/endpoint.js';
import { operatorRoutes } from '../src/http/operator-api/index.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { opCall, operatorToken } from './support/operator.js';

// Every operator route, each field of its body bent out of shape (wrong types, out of range,
// far too long, NUL characters, nesting), and bodies that are no JSON object: every answer is
// the envelope with a code the route declares (docs/operator-api.md), never 000001, and the
// server stays up.

const BENT: unknown[] = [null, '', ' ', 0, -1, 1.5, 1e20, -1e20, 'x'.repeat(5000), 'a\u0000b', [], [1, 'two'], {}, { nested: { deep: [] } }, true, '2026-13-45T99:99:99Z', '1'];
const RAW_BODIES = ['', 'null', '[]', '"text"', '42', '{', '{"a":', '\u0000', '{"x":1}'.repeat(3)];

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ env: { SEED_CATALOG: 'none' } });
  token = await operatorToken(server, ['*']);
  const merchant = await server.merchant({ balance: 100_000 });
  expect(merchant.accessCode).toBeTruthy();
});
afterAll(() => server?.close());

function fieldsOf(schema: z.ZodType): string[] {
  // The request schemas are objects, some refined (a pipe keeps the object inside).
  const def = (schema as unknown as { def: { type: string; shape?: Record<string, unknown>; in?: z.ZodType } }).def;
  if (def.shape) return Object.keys(def.shape);
  return def.in ? fieldsOf(def.in) : [];
}

describe('bent bodies on every operator route', () => {
  for (const route of operatorRoutes) {
    it(route.name, async () => {
      const declared = new Set<string>([...COMMON_CODES, ...route.errors, '0']);
      const answers: { body: string; code: string }[] = [];
      const send = async (body: unknown) => {
        const result = await opCall(server, route.path, body, token);
        expect(result.json, `${route.name} ${JSON.stringify(body)?.slice(0, 80)}: ${result.text.slice(0, 200)}`).toMatchObject({ success: expect.any(Boolean), errorMsg: result.json?.success ? null : expect.any(String) });
        answers.push({ body: typeof body === 'string' ? body : JSON.stringify(body), code: result.json.errorCode });
      };
      for (const raw of RAW_BODIES) await send(raw);
      const fields = fieldsOf(route.request);
      expect(fields.length, 'the request schema is an object').toBeGreaterThanOrEqual(route.name.endsWith('stock') || route.name.endsWith('sources') ? 0 : 1);
      for (const field of fields) for (const value of BENT) await send({ [field]: value });
      const undeclared = answers.filter((a) => !declared.has(a.code));
      expect(undeclared.map((a) => `${a.code} for ${a.body.slice(0, 60)}`)).toEqual([]);
    });
  }

  it('leaves the server up and every ledger whole', async () => {
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect((await verifyLedgers({ ctx: server.runtime.ctx })).every((c) => c.ok)).toBe(true);
  });
});
