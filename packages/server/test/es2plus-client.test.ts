import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Es2PlusClient } from '../src/es2plus/client.js';
import { executed, failed, iccids, startTestSmdp, type TestSmdp } from './support/es2-smdp.js';
import { makeTestCerts, type TestCerts } from './support/test-certs.js';

// The ES2+ client against an SM-DP+ the test controls, over real HTTP(S): what it sends, and
// how it reads every kind of answer into the port's three outcomes (ok, refused, unreachable).

const stock = () => ({ 'type-a': iccids('8999000000000', 5) });
let smdp: TestSmdp;
let client: Es2PlusClient;

function clientOf(url: string, extra: Partial<ConstructorParameters<typeof Es2PlusClient>[0]> = {}): Es2PlusClient {
  return new Es2PlusClient({ smdpUrl: url, requesterId: 'operator-1', timeoutMs: 2000, defaultSmdpAddress: 'fallback.smdp.test', ...extra });
}

describe('over plain HTTP', () => {
  beforeAll(async () => {
    smdp = await startTestSmdp({ stock: stock() });
    client = clientOf(smdp.url);
  });
  afterAll(async () => {
    client.close();
    await smdp.close();
  });
  afterEach(() => {
    for (const fn of Object.keys(smdp.override)) delete smdp.override[fn];
  });

  it('downloadOrder, confirmOrder, cancelOrder: the binding\'s path, headers and body; the answers read', async () => {
    const reserved = await client.downloadOrder({ callId: 'call-1', profileType: 'type-a' });
    expect(reserved).toEqual({ ok: true, value: { iccid: '8999000000000000000' } });
    const sent = smdp.calls.at(-1)!;
    expect(sent.fn).toBe('downloadOrder');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-admin-protocol']).toMatch(/^gsma\/rsp\/v2\.\d+\.\d+$/);
    expect(sent.body).toEqual({ header: { functionRequesterIdentifier: 'operator-1', functionCallIdentifier: 'call-1' }, profileType: 'type-a' });

    const confirmed = await client.confirmOrder({ callId: 'call-1-confirm', iccid: '8999000000000000000' });
    expect(confirmed.ok && confirmed.value.smdpAddress).toBe('rsp.smdp.test');
    expect(confirmed.ok && confirmed.value.matchingId).toMatch(/^[0-9A-F]{16}$/);
    expect(smdp.calls.at(-1)!.body).toEqual({
      header: { functionRequesterIdentifier: 'operator-1', functionCallIdentifier: 'call-1-confirm' },
      iccid: '8999000000000000000',
      releaseFlag: true,
    });

    expect(await client.cancelOrder({ callId: 'c', iccid: '8999000000000000000', finalProfileStatusIndicator: 'Available' })).toEqual({ ok: true, value: {} });
    expect(smdp.calls.at(-1)!.body).toMatchObject({ iccid: '8999000000000000000', finalProfileStatusIndicator: 'Available' });
    expect(smdp.taken()).toEqual([]);
  });

  it('reads a 19-digit ICCID padded with F, takes Executed-WithWarning as done, and falls back to SMDP_ADDRESS', async () => {
    smdp.override.downloadOrder = () => ({
      kind: 'answer',
      body: JSON.stringify({ header: { functionExecutionStatus: { status: 'Executed-WithWarning', statusCodeData: { subjectCode: '8.2.5', reasonCode: '6.1' } } }, iccid: '8944000000000000017F' }),
    });
    expect(await client.downloadOrder({ callId: 'x', profileType: 'type-a' })).toEqual({ ok: true, value: { iccid: '8944000000000000017' } });
    smdp.override.confirmOrder = () => executed({ matchingId: 'MATCH-1' });
    expect(await client.confirmOrder({ callId: 'y', iccid: '8944000000000000017' })).toEqual({ ok: true, value: { matchingId: 'MATCH-1', smdpAddress: 'fallback.smdp.test' } });
  });

  it.each(['downloadOrder', 'confirmOrder', 'cancelOrder'] as const)('%s answered Failed: refused, with the subject and reason codes and the message', async (fn) => {
    smdp.override[fn] = () => failed('8.2.1', '3.8', 'refused by policy');
    const outcome =
      fn === 'downloadOrder'
        ? await client.downloadOrder({ callId: 'f', profileType: 'type-a' })
        : fn === 'confirmOrder'
          ? await client.confirmOrder({ callId: 'f', iccid: '8999000000000000001' })
          : await client.cancelOrder({ callId: 'f', iccid: '8999000000000000001', finalProfileStatusIndicator: 'Available' });
    expect(outcome).toEqual({ ok: false, refused: { function: fn, status: 'Failed', subjectCode: '8.2.1', reasonCode: '3.8', message: 'refused by policy' } });
  });

  it('an Expired answer is refused too (SGP.22 gives it no codes)', async () => {
    smdp.override.confirmOrder = () => ({ kind: 'answer', body: JSON.stringify({ header: { functionExecutionStatus: { status: 'Expired' } } }) });
    expect(await client.confirmOrder({ callId: 'e', iccid: '8999000000000000001' })).toEqual({
      ok: false,
      refused: { function: 'confirmOrder', status: 'Expired', subjectCode: '', reasonCode: '', message: undefined },
    });
  });

  const broken: [string, () => import('./support/es2-smdp.js').Behaviour, RegExp][] = [
    ['HTTP 500', () => ({ kind: 'answer', status: 500, body: 'oops' }), /HTTP 500/],
    ['HTTP 503 with a valid body', () => ({ ...executed({ iccid: '8999000000000000001' }), status: 503 }), /HTTP 503/],
    ['a body that is not JSON', () => ({ kind: 'answer', body: '<html>proxy error</html>' }), /not JSON/],
    ['JSON without a functionExecutionStatus', () => ({ kind: 'answer', body: '{"iccid":"8999000000000000001"}' }), /no header.functionExecutionStatus/],
    ['an unknown status', () => ({ kind: 'answer', body: '{"header":{"functionExecutionStatus":{"status":"Done"}}}' }), /unknown functionExecutionStatus/],
    ['a wrong X-Admin-Protocol', () => ({ ...executed({ iccid: '8999000000000000001' }), headers: { 'x-admin-protocol': 'gsma/rsp/v3.0.0' } }), /X-Admin-Protocol/],
    ['success without the mandatory iccid', () => executed({}), /no valid iccid/],
    ['success with an ICCID that is none', () => executed({ iccid: '12AB' }), /no valid iccid/],
    ['a dropped connection', () => ({ kind: 'destroy' }), /downloadOrder: /],
  ];
  it.each(broken)('%s: unreachable (retried later), never refused', async (_name, behaviour, reason) => {
    smdp.override.downloadOrder = behaviour;
    const outcome = await client.downloadOrder({ callId: 'b', profileType: 'type-a' });
    expect(outcome.ok).toBe(false);
    expect('unreachable' in outcome && outcome.unreachable).toMatch(reason);
  });

  it('a missing X-Admin-Protocol is unreachable as well', async () => {
    smdp.override.cancelOrder = () => ({ ...executed(), headers: { 'x-admin-protocol': '' } });
    const outcome = await client.cancelOrder({ callId: 'p', iccid: '8999000000000000001', finalProfileStatusIndicator: 'Available' });
    expect('unreachable' in outcome && outcome.unreachable).toMatch(/X-Admin-Protocol/);
  });

  it('confirmOrder without a matchingId, or with one that cannot go into an activation code: unreachable', async () => {
    smdp.override.confirmOrder = () => executed({ smdpAddress: 'a.b' });
    expect(await client.confirmOrder({ callId: 'm', iccid: '8999000000000000001' })).toMatchObject({ ok: false, unreachable: expect.stringMatching(/matchingId/) });
    smdp.override.confirmOrder = () => executed({ matchingId: 'A$B' });
    expect(await client.confirmOrder({ callId: 'm', iccid: '8999000000000000001' })).toMatchObject({ ok: false, unreachable: expect.stringMatching(/matchingId/) });
  });

  it('a slow answer is cut off at ES2_TIMEOUT_MS', async () => {
    smdp.override.downloadOrder = () => ({ kind: 'hang' });
    const slow = clientOf(smdp.url, { timeoutMs: 300 });
    const started = Date.now();
    const outcome = await slow.downloadOrder({ callId: 's', profileType: 'type-a' });
    slow.close();
    expect('unreachable' in outcome && outcome.unreachable).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

it('an SM-DP+ that is down (connection refused) is unreachable', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const down = clientOf(`http://127.0.0.1:${port}`);
  const outcome = await down.downloadOrder({ callId: 'd', profileType: 'type-a' });
  expect('unreachable' in outcome && outcome.unreachable).toMatch(/ECONNREFUSED/);
});

describe('mutual TLS', () => {
  let certs: TestCerts;
  let secure: TestSmdp;
  beforeAll(async () => {
    certs = makeTestCerts();
    secure = await startTestSmdp({ stock: stock(), tls: { key: certs.pem.serverKey, cert: certs.pem.serverCert, ca: certs.pem.ca, requestCert: true } });
  });
  afterAll(async () => {
    await secure.close();
    certs.remove();
  });

  it('with the client certificate from the ES2_* files: the call goes through', async () => {
    const withCert = Es2PlusClient.fromSettings(
      { smdpUrl: secure.url, requesterId: 'operator-1', timeoutMs: 2000, clientCert: certs.files.clientCert, clientKey: certs.files.clientKey, caBundle: certs.files.ca },
      'fallback',
    );
    expect(await withCert.downloadOrder({ callId: 't1', profileType: 'type-a' })).toEqual({ ok: true, value: { iccid: '8999000000000000000' } });
    withCert.close();
  });

  it('without a client certificate the SM-DP+ refuses the connection: unreachable, nothing reserved', async () => {
    const before = secure.calls.length;
    const anonymous = Es2PlusClient.fromSettings({ smdpUrl: secure.url, requesterId: 'operator-1', timeoutMs: 2000, caBundle: certs.files.ca }, 'fallback');
    const outcome = await anonymous.downloadOrder({ callId: 't2', profileType: 'type-a' });
    anonymous.close();
    expect(outcome.ok).toBe(false);
    expect('unreachable' in outcome).toBe(true);
    expect(secure.calls.length).toBe(before);
  });

  it('a PEM file that cannot be read stops the client being made, naming the setting', () => {
    expect(() => Es2PlusClient.fromSettings({ smdpUrl: secure.url, requesterId: 'r', timeoutMs: 1000, clientCert: `${certs.dir}/missing.pem` }, 'x')).toThrow(/^ES2_CLIENT_CERT: cannot read .*missing\.pem/);
  });

  it('an SM-DP+ whose certificate the CA bundle does not vouch for is not talked to', async () => {
    const before = secure.calls.length;
    const wrongCa = Es2PlusClient.fromSettings(
      { smdpUrl: secure.url, requesterId: 'operator-1', timeoutMs: 2000, clientCert: certs.files.clientCert, clientKey: certs.files.clientKey, caBundle: certs.files.otherCa },
      'fallback',
    );
    const outcome = await wrongCa.downloadOrder({ callId: 't3', profileType: 'type-a' });
    wrongCa.close();
    expect('unreachable' in outcome && outcome.unreachable).toMatch(/certificate/i);
    expect(secure.calls.length).toBe(before);
  });
});
