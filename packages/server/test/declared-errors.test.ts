import { endpoints, errorCodes, extensionEndpoints, sandboxEndpoints, type Endpoint, type ErrorCode } from '@esimkit/contract';
import * as contract from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerRoutes } from '../src/http/routes/index.js';
import { sandboxRoutes } from '../src/http/routes/sandbox.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { readRoutes, routeFiles, type StaticRoute } from './support/route-errors.js';

// Every code a route can answer is one its endpoint declares (the docs and the OpenAPI
// document list them per endpoint), or one of the request-level codes every route shares.
// The codes a route can answer are read from the sources (support/route-errors.ts): every
// `new ApiError(...)` its handler reaches. A code found but not declared is fixed by
// declaring it in packages/contract/src/endpoints/*.ts, not by an exception here.

/** Answered by the pipeline before or around any route: authentication, rate limit, signature, parsing, faults. */
const REQUEST_LEVEL = new Set<string>(['000001', '000101', '000102', '000103', '000104', '000105', '000106', '000107', '101001', '101002', '101003', '900001']);

/**
 * Codes the reading finds in a function a route calls but that the route cannot get. Each
 * must still be found (a stale exception fails the test), so the list stays short and true.
 */
const NOT_REACHABLE: Array<{ code: ErrorCode; at: string; routes: string[] | 'all'; why: string }> = [
  {
    code: '200042',
    at: 'domain/esims/find.ts',
    routes: 'all',
    // requireEsimRef(input, missingCode): the code is its caller's choice, and only the
    // top-up passes 200042 (the live service's answer there); every other caller gets 000105.
    why: 'requireEsimRef answers 200042 only for esim/topup, which declares it',
  },
  {
    code: '200007',
    at: 'domain/ledger.ts',
    routes: ['esim.cancel', 'sandbox.funds.deposit', 'sandbox.reset'],
    // The ledger (Ledger.post) refuses only a debit past zero. Cancel posts a refund and deposit a
    // credit, never a debit. Reset posts (target - balance read in its transaction), which
    // leaves target >= 0; only an order committing between that read and the update could
    // make it negative (a race in reset, reported; not a code reset should document).
    why: 'these routes credit the ledger, or set it to a non-negative target',
  },
];

const registered = [...partnerRoutes, ...sandboxRoutes];
let found: StaticRoute[];

function endpointOf(route: StaticRoute): Endpoint {
  const value = (contract as Record<string, unknown>)[route.endpointExport] as Endpoint | undefined;
  if (!value?.path) throw new Error(`${route.file}: ${route.endpointExport} is not an endpoint of @esimkit/contract`);
  return value;
}

function excused(endpointName: string, code: string, at: string): boolean {
  return NOT_REACHABLE.some((e) => e.code === code && at.startsWith(`${e.at}:`) && (e.routes === 'all' || e.routes.includes(endpointName)));
}

beforeAll(() => {
  found = readRoutes(routeFiles());
});

describe('codes each route can answer', () => {
  it('reads every registered route from the sources, once', () => {
    const read = found.map(endpointOf);
    expect(new Set(read).size).toBe(read.length);
    for (const route of registered) expect(read, `${route.endpoint.path} is registered but no route() call binds it`).toContain(route.endpoint);
    // And every endpoint of the contract is served.
    for (const e of [...endpoints, ...extensionEndpoints, ...sandboxEndpoints]) expect(read).toContain(e);
  });

  it('finds the codes it should (the reading is not blind)', () => {
    const codesOf = (name: string) => new Set(found.filter((r) => endpointOf(r).name === name).flatMap((r) => r.codes.map((c) => c.code)));
    // Through place -> items, the ledger and the inventory: three modules away from the route.
    expect([...codesOf('esim.order')]).toEqual(expect.arrayContaining(['310241', '200005', '200006', '200007', '200008', '200011']));
    expect([...codesOf('esim.cancel')]).toEqual(expect.arrayContaining(['310403', '200002']));
    expect([...codesOf('esim.query')]).toEqual(expect.arrayContaining(['310272', '200009', '200010', '310403']));
    expect([...codesOf('sandbox.esim.install')]).toEqual(expect.arrayContaining(['310403', '200002']));
    // Functions a route does not call are not counted: balance/query throws nothing.
    expect([...codesOf('balance.query')]).toEqual([]);
  });

  it('reads every ApiError code as a literal or a literal-typed name', () => {
    expect(found.flatMap((r) => r.dynamic)).toEqual([]);
  });

  it('finds only codes of the closed list', () => {
    for (const route of found) for (const { code, at } of route.codes) expect(Object.keys(errorCodes), at).toContain(code);
  });

  it('finds every code a route can answer among its endpoint’s errors (or the request-level ones)', () => {
    const undeclared: string[] = [];
    for (const route of found) {
      const endpoint = endpointOf(route);
      const declared = new Set<string>([...endpoint.errors, ...REQUEST_LEVEL, ...(endpoint.invalidParamCode ? [endpoint.invalidParamCode] : [])]);
      for (const { code, at } of route.codes) {
        if (!declared.has(code) && !excused(endpoint.name, code, at)) undeclared.push(`${endpoint.name} can answer ${code} (${at}) but does not declare it`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('keeps no exception that is no longer needed', () => {
    for (const exception of NOT_REACHABLE) {
      const used = found.some((route) => {
        const endpoint = endpointOf(route);
        return (
          (exception.routes === 'all' || exception.routes.includes(endpoint.name)) &&
          !endpoint.errors.includes(exception.code) &&
          route.codes.some((c) => c.code === exception.code && c.at.startsWith(`${exception.at}:`))
        );
      });
      expect(used, `exception ${exception.code} at ${exception.at}: ${exception.why}`).toBe(true);
    }
  });

  it('declares no code twice', () => {
    for (const e of [...endpoints, ...extensionEndpoints, ...sandboxEndpoints]) expect(new Set(e.errors).size, e.name).toBe(e.errors.length);
  });
});

describe('/docs lists each endpoint’s codes', () => {
  let server: TestServer;
  let html: string;
  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.baseUrl}/docs`);
    expect(response.status).toBe(200);
    html = await response.text();
  });
  afterAll(() => server?.close());

  it.each([...endpoints, ...extensionEndpoints, ...sandboxEndpoints].map((e) => [e.path, e] as const))('%s', (_path, endpoint) => {
    // The endpoint's entry: from its heading to the end of its section.
    const id = `ep-${endpoint.name.replace(/[^A-Za-z0-9]+/g, '-')}`;
    const start = html.indexOf(`id="${id}"`);
    expect(start, `no entry ${id} on /docs`).toBeGreaterThan(-1);
    const entry = html.slice(start, html.indexOf('</section>', start));
    for (const code of endpoint.errors) expect(entry, `${endpoint.path} on /docs does not list ${code}`).toContain(code);
    if (endpoint.errors.length === 0) expect(entry).toMatch(/only the request-level codes/);
  });
});
