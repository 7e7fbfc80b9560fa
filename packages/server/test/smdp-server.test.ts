import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmdpServer, type RunningSmdp } from '../src/sim/es2plus-server/server.js';
import { control, es2Call, makeCertificates, type RawAnswer, type TestCertificates } from './support/es2-client.js';
import { isLuhnValid } from './support/orders.js';
import { startReceiver, type Receiver } from './support/receiver.js';

// The simulated SM-DP+ as an ES2+ server on its own (issue 13): each function per SGP.22
// §5.3, its refusals, call ids answered once, fault switches, the simulated device's
// notifications to the operator, and mutual TLS.

const EID = '89049032007108882600137544319616';
const OTHER_EID = '89049032007108882600137544319519';

function expectSuccess(answer: RawAnswer): any {
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers['x-admin-protocol']).toMatch(/^gsma\/rsp\/v2\./);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.json.header.functionExecutionStatus, answer.text).toEqual({ status: 'Executed-Success' });
  return answer.json;
}

function expectFailed(answer: RawAnswer, subjectCode: string, reasonCode: string): void {
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers['x-admin-protocol']).toMatch(/^gsma\/rsp\/v2\./);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.json.header.functionExecutionStatus, answer.text).toMatchObject({ status: 'Failed', statusCodeData: { subjectCode, reasonCode, message: expect.any(String) } });
  // The mandatory output fields belong to a successful answer only.
  expect(Object.keys(answer.json)).toEqual(['header']);
}

async function stateOf(smdp: RunningSmdp, iccid: string): Promise<string | undefined> {
  return smdp.state.store.get(iccid)?.state;
}

describe('ES2+ functions', () => {
  let smdp: RunningSmdp;
  beforeAll(async () => {
    smdp = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'smdp.test.example' });
  });
  afterAll(() => smdp?.close());

  it('downloadOrder reserves a minted profile of the type: a 19-digit Luhn ICCID', async () => {
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7' }));
    expect(iccid).toMatch(/^\d{19}$/);
    expect(isLuhnValid(iccid)).toBe(true);
    expect(await stateOf(smdp, iccid)).toBe('Allocated');
    const second = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7', eid: EID }));
    expect(second.iccid).not.toBe(iccid);
    expect(smdp.state.store.get(second.iccid)!.eid).toBe(EID);
  });

  it('confirmOrder with releaseFlag true releases it with a generated matching id and the SM-DP+ address', async () => {
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7' }));
    const confirmed = expectSuccess(await es2Call(smdp.url, 'confirmOrder', { iccid: `${iccid}F`, releaseFlag: true, eid: EID }));
    expect(confirmed).toMatchObject({ matchingId: expect.stringMatching(/^[A-Z0-9-]{23}$/), eid: EID, smdpAddress: 'smdp.test.example' });
    expect(await stateOf(smdp, iccid)).toBe('Released');
    // A retry whose first answer was lost (a new call id) is answered as the first was.
    expect(expectSuccess(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: true })).matchingId).toBe(confirmed.matchingId);
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: true, matchingId: 'OTHER-1' }), '8.2.1', '3.8');
  });

  it('confirmOrder takes the operator\'s matching id once, and refuses another EID', async () => {
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7', eid: EID }));
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: true, eid: OTHER_EID }), '8.1.1', '3.8');
    const mine = `M-${randomUUID()}`;
    expect(expectSuccess(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: true, matchingId: mine })).matchingId).toBe(mine);
    const other = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7' }));
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid: other.iccid, releaseFlag: true, matchingId: mine }), '8.2.6', '3.3');
  });

  it('confirmOrder with releaseFlag false waits for releaseProfile', async () => {
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7' }));
    expectFailed(await es2Call(smdp.url, 'releaseProfile', { iccid }), '8.2.1', '3.8');
    expectSuccess(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: false }));
    expect(await stateOf(smdp, iccid)).toBe('Confirmed');
    expect(expectSuccess(await es2Call(smdp.url, 'releaseProfile', { iccid }))).toEqual({ header: { functionExecutionStatus: { status: 'Executed-Success' } } });
    expect(await stateOf(smdp, iccid)).toBe('Released');
    expectFailed(await es2Call(smdp.url, 'releaseProfile', { iccid }), '8.2.1', '3.8');
  });

  it('cancelOrder returns a profile to stock (Available) or retires it (Unavailable)', async () => {
    const first = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7' }));
    const { matchingId } = expectSuccess(await es2Call(smdp.url, 'confirmOrder', { iccid: first.iccid, releaseFlag: true }));
    expectFailed(await es2Call(smdp.url, 'cancelOrder', { iccid: first.iccid, finalProfileStatusIndicator: 'Available', matchingId: 'NOT-IT' }), '8.2.6', '3.9');
    expectSuccess(await es2Call(smdp.url, 'cancelOrder', { iccid: first.iccid, finalProfileStatusIndicator: 'Available', matchingId }));
    expect(smdp.state.store.get(first.iccid)).toMatchObject({ state: 'Available', matchingId: undefined });
    // Back in stock: the next order of the type gets it, and it can be ordered by ICCID.
    expect(expectSuccess(await es2Call(smdp.url, 'downloadOrder', { iccid: first.iccid })).iccid).toBe(first.iccid);
    expectSuccess(await es2Call(smdp.url, 'cancelOrder', { iccid: first.iccid, finalProfileStatusIndicator: 'Unavailable' }));
    expect(await stateOf(smdp, first.iccid)).toBe('Unavailable');
    expectFailed(await es2Call(smdp.url, 'downloadOrder', { iccid: first.iccid }), '8.2.1', '3.3');
    expectFailed(await es2Call(smdp.url, 'cancelOrder', { iccid: first.iccid, finalProfileStatusIndicator: 'Available' }), '8.2.1', '3.8');
  });

  const checks: [string, () => Promise<RawAnswer>, string, string][] = [
    ['a Content-Type that is not JSON', () => es2Call(smdp.url, 'downloadOrder', { profileType: 'A' }, { headers: { 'content-type': 'text/plain' } }), '1.2.1', '2.1'],
    ['another admin protocol', () => es2Call(smdp.url, 'downloadOrder', { profileType: 'A' }, { headers: { 'x-admin-protocol': 'gsma/rsp/v1.0' } }), '1.2.2', '2.1'],
    ['a body that is no JSON', () => es2Call(smdp.url, 'downloadOrder', {}, { raw: '{"header"' }), '1.2', '2.1'],
    ['no header', () => es2Call(smdp.url, 'downloadOrder', {}, { raw: '{"profileType":"A"}' }), '1.2', '2.2'],
    ['no functionCallIdentifier', () => es2Call(smdp.url, 'downloadOrder', {}, { raw: '{"header":{"functionRequesterIdentifier":"op"},"profileType":"A"}' }), '1.6', '2.2'],
    ['no functionRequesterIdentifier', () => es2Call(smdp.url, 'downloadOrder', {}, { raw: '{"header":{"functionCallIdentifier":"c1"},"profileType":"A"}' }), '1.1.1', '2.2'],
    ['downloadOrder with neither iccid nor profileType', () => es2Call(smdp.url, 'downloadOrder', {}), '8.2.5', '2.2'],
    ['downloadOrder of an unknown ICCID', () => es2Call(smdp.url, 'downloadOrder', { iccid: '8944770000000000000' }), '8.2.1', '3.9'],
    ['downloadOrder with a bad ICCID', () => es2Call(smdp.url, 'downloadOrder', { iccid: '12ab' }), '8.2.1', '2.1'],
    ['downloadOrder with a bad EID', () => es2Call(smdp.url, 'downloadOrder', { profileType: 'A', eid: '123' }), '8.1.1', '2.1'],
    ['confirmOrder without iccid', () => es2Call(smdp.url, 'confirmOrder', { releaseFlag: true }), '8.2.1', '2.2'],
    ['confirmOrder of an unknown ICCID', () => es2Call(smdp.url, 'confirmOrder', { iccid: '8944770000000000000', releaseFlag: true }), '8.2.1', '3.9'],
    ['cancelOrder of an unknown ICCID', () => es2Call(smdp.url, 'cancelOrder', { iccid: '8944770000000000000', finalProfileStatusIndicator: 'Available' }), '8.2.1', '3.9'],
    ['releaseProfile without iccid', () => es2Call(smdp.url, 'releaseProfile', {}), '8.2.1', '2.2'],
  ];
  for (const [name, send, subject, reason] of checks) {
    it(`refuses ${name} with ${subject} / ${reason}`, async () => {
      const before = smdp.state.store.list().length;
      expectFailed(await send(), subject, reason);
      expect(smdp.state.store.list().length).toBe(before);
    });
  }

  it('refuses confirmOrder without releaseFlag and cancelOrder with a bad indicator', async () => {
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'JP_1_7' }));
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid }), '1.2', '2.2');
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: 'yes' }), '1.2', '2.1');
    expectFailed(await es2Call(smdp.url, 'cancelOrder', { iccid, finalProfileStatusIndicator: 'Gone' }), '1.2', '2.1');
    expect(await stateOf(smdp, iccid)).toBe('Allocated');
  });

  it('answers a repeated functionCallIdentifier with its first answer, and does the work once', async () => {
    const callId = randomUUID();
    const profilesBefore = smdp.state.store.list().length;
    const first = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'RETRY' }, { callId }));
    const again = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'RETRY' }, { callId }));
    expect(again.iccid).toBe(first.iccid);
    expect(smdp.state.store.list().length).toBe(profilesBefore + 1);
    // A refusal is an answer too.
    const refusedId = randomUUID();
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid: '8944770000000000000', releaseFlag: true }, { callId: refusedId }), '8.2.1', '3.9');
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid: first.iccid, releaseFlag: true }, { callId: refusedId }), '8.2.1', '3.9');
    // The same call id for another function is refused.
    expectFailed(await es2Call(smdp.url, 'confirmOrder', { iccid: first.iccid, releaseFlag: true }, { callId }), '1.6', '3.3');
    const calls = smdp.state.calls.filter((c) => c.functionCallIdentifier === callId);
    expect(calls.map((c) => [c.function, c.repeated])).toEqual([
      ['downloadOrder', false],
      ['downloadOrder', true],
      ['confirmOrder', true],
    ]);
  });
});

describe('profile stock', () => {
  let smdp: RunningSmdp;
  beforeAll(async () => {
    smdp = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'smdp.test', stock: { kind: 'fixed', counts: new Map([['LIMITED', 1]]) } });
  });
  afterAll(() => smdp?.close());

  it('answers no profile available once a fixed stock is used up, and unknown for a type it does not hold', async () => {
    expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'LIMITED' }));
    expectFailed(await es2Call(smdp.url, 'downloadOrder', { profileType: 'LIMITED' }), '8.2.5', '3.7');
    expectFailed(await es2Call(smdp.url, 'downloadOrder', { profileType: 'OTHER' }), '8.2.5', '3.9');
  });

  it('takes profiles added through the control API, by type or by the ICCID given', async () => {
    const added = await control(smdp.url, 'profiles', { profileType: 'LIMITED', count: 1, iccids: ['8944771111111111111'] });
    expect(added.status, added.text).toBe(200);
    expect(added.json.profiles.map((p: any) => p.state)).toEqual(['Available', 'Available']);
    expectFailed(await es2Call(smdp.url, 'downloadOrder', { iccid: '8944771111111111111', profileType: 'OTHER' }), '8.2.1', '3.8');
    expect(expectSuccess(await es2Call(smdp.url, 'downloadOrder', { iccid: '8944771111111111111', profileType: 'LIMITED' })).iccid).toBe('8944771111111111111');
    expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'LIMITED' }));
    expectFailed(await es2Call(smdp.url, 'downloadOrder', { profileType: 'LIMITED' }), '8.2.5', '3.7');
    expect((await control(smdp.url, 'profiles', { profileType: 'LIMITED', iccids: ['8944771111111111111'] })).status).toBe(400);
  });
});

describe('fault switches', () => {
  let smdp: RunningSmdp;
  beforeAll(async () => {
    smdp = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'smdp.test' });
  });
  afterAll(() => smdp?.close());

  it('fail answers with the given codes and changes nothing, for the given number of calls', async () => {
    expect((await control(smdp.url, 'faults', { function: 'downloadOrder', mode: 'fail', subjectCode: '8.2.5', reasonCode: '3.7', message: 'sold out', times: 1 })).status).toBe(200);
    const before = smdp.state.store.list().length;
    const refused = await es2Call(smdp.url, 'downloadOrder', { profileType: 'A' });
    expectFailed(refused, '8.2.5', '3.7');
    expect(refused.json.header.functionExecutionStatus.statusCodeData.message).toBe('sold out');
    expect(smdp.state.store.list().length).toBe(before);
    expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'A' }));
  });

  it('down drops every call unanswered until cleared; delay holds the answer', async () => {
    await control(smdp.url, 'faults', { mode: 'down' });
    await expect(es2Call(smdp.url, 'downloadOrder', { profileType: 'A' })).rejects.toThrow();
    await expect(es2Call(smdp.url, 'confirmOrder', { iccid: '8944770000000000000', releaseFlag: true })).rejects.toThrow();
    expect(smdp.state.calls.slice(-2).map((c) => c.status)).toEqual(['dropped', 'dropped']);
    await control(smdp.url, 'faults/clear', {});
    await control(smdp.url, 'faults', { function: 'downloadOrder', mode: 'delay', delayMs: 400 });
    const started = Date.now();
    expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'A' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await control(smdp.url, 'faults/clear', { function: 'downloadOrder' });
    expect((await control(smdp.url, 'faults', { mode: 'explode' })).status).toBe(400);
    expect((await control(smdp.url, 'faults', { mode: 'fail' })).status).toBe(400);
  });

  it('a delayed call is carried out at once: a retry with its call id gets its answer', async () => {
    await control(smdp.url, 'faults', { function: 'downloadOrder', mode: 'delay', delayMs: 1_500, times: 1 });
    const callId = randomUUID();
    const held = es2Call(smdp.url, 'downloadOrder', { profileType: 'HELD' }, { callId });
    await new Promise((r) => setTimeout(r, 200));
    const retry = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'HELD' }, { callId }));
    expect(smdp.state.store.list().filter((p) => p.profileType === 'HELD')).toHaveLength(1);
    expect(expectSuccess(await held).iccid).toBe(retry.iccid);
  });
});

describe('the simulated device notifies the operator', () => {
  let smdp: RunningSmdp;
  let operator: Receiver;
  beforeAll(async () => {
    operator = await startReceiver();
    smdp = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'smdp.test', operator: { url: operator.url.replace(/\/hook$/, '/op'), token: 'operator-token-0123456789' } });
  });
  afterAll(async () => {
    await smdp?.close();
    await operator?.close();
  });

  async function released(): Promise<{ iccid: string; matchingId: string }> {
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'DEV' }));
    const { matchingId } = expectSuccess(await es2Call(smdp.url, 'confirmOrder', { iccid, releaseFlag: true }));
    return { iccid, matchingId };
  }

  function notificationsFor(iccid: string) {
    return operator.received.filter((r) => r.json?.iccid === iccid);
  }

  it('install (by matching id) sends points 3, 4 and the enable point, each a handleDownloadProgressInfo', async () => {
    const { iccid, matchingId } = await released();
    const installed = await control(smdp.url, 'device/install', { matchingId, eid: EID });
    expect(installed.status, installed.text).toBe(200);
    expect(installed.json).toMatchObject({ iccid, eid: EID, state: 'Installed', enabled: true });
    expect(installed.json.notifications.map((n: any) => [n.notificationPointId, n.status, n.operatorStatus])).toEqual([
      [3, 'Executed-Success', 200],
      [4, 'Executed-Success', 200],
      [5, 'Executed-Success', 200],
    ]);
    const sent = notificationsFor(iccid);
    expect(sent).toHaveLength(3);
    const first = sent[0]!;
    expect(first.headers.authorization).toBe('Bearer operator-token-0123456789');
    expect(first.headers['x-admin-protocol']).toMatch(/^gsma\/rsp\/v2\./);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.json).toEqual({
      header: { functionRequesterIdentifier: 'esimkit-smdp', functionCallIdentifier: expect.any(String) },
      eid: EID,
      iccid,
      profileType: 'DEV',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      notificationPointId: 3,
      notificationPointStatus: { status: 'Executed-Success' },
    });
    expect(new Set(sent.map((s) => s.json.header.functionCallIdentifier)).size).toBe(3);
    // Installed profiles cannot be installed twice, nor cancelled.
    expect((await control(smdp.url, 'device/install', { iccid })).status).toBe(400);
    expectFailed(await es2Call(smdp.url, 'cancelOrder', { iccid, finalProfileStatusIndicator: 'Available' }), '8.2.1', '3.8');
  });

  it('disable, enable and delete send the configured points', async () => {
    const { iccid } = await released();
    await control(smdp.url, 'device/install', { iccid });
    for (const action of ['disable', 'enable', 'disable', 'delete']) expect((await control(smdp.url, `device/${action}`, { iccid })).status).toBe(200);
    expect(notificationsFor(iccid).map((r) => r.json.notificationPointId)).toEqual([3, 4, 5, 6, 5, 6, 7]);
    expect((await control(smdp.url, 'device/enable', { iccid })).status).toBe(400);
  });

  it('a failed download: point 1 Failed (eligibility), or 3 then 4 Failed (installation); the profile stays Released', async () => {
    const { iccid } = await released();
    const eligibility = await control(smdp.url, 'device/fail', { iccid });
    expect(eligibility.json.notifications.map((n: any) => [n.notificationPointId, n.status])).toEqual([[1, 'Failed']]);
    const installation = await control(smdp.url, 'device/fail', { iccid, stage: 'installation' });
    expect(installation.json.notifications.map((n: any) => [n.notificationPointId, n.status])).toEqual([
      [3, 'Executed-Success'],
      [4, 'Failed'],
    ]);
    expect(await stateOf(smdp, iccid)).toBe('Released');
    expect(notificationsFor(iccid).map((r) => r.json.notificationPointStatus.status)).toEqual(['Failed', 'Executed-Success', 'Failed']);
    expect(notificationsFor(iccid)[0]!.json.notificationPointStatus.statusCodeData).toMatchObject({ subjectCode: expect.any(String), reasonCode: expect.any(String) });
  });

  it('takes the operator URL and token through the control API, for an operator started later', async () => {
    const later = await startReceiver();
    try {
      expect((await control(smdp.url, 'operator', { url: 'ftp://x' })).status).toBe(400);
      expect((await control(smdp.url, 'operator', { url: later.url, token: 'later-token-0123456789' })).json).toEqual({ operator: { url: later.url, token: 'set' } });
      const { iccid } = await released();
      await control(smdp.url, 'device/install', { iccid });
      expect(later.received.map((r) => [r.json.iccid, r.headers.authorization])).toEqual([
        [iccid, 'Bearer later-token-0123456789'],
        [iccid, 'Bearer later-token-0123456789'],
        [iccid, 'Bearer later-token-0123456789'],
      ]);
      expect(notificationsFor(iccid)).toEqual([]);
    } finally {
      await later.close();
    }
  });

  it('refuses device actions on profiles it does not hold or has not released', async () => {
    expect((await control(smdp.url, 'device/install', { iccid: '8944770000000000000' })).status).toBe(400);
    const { iccid } = expectSuccess(await es2Call(smdp.url, 'downloadOrder', { profileType: 'DEV' }));
    expect((await control(smdp.url, 'device/install', { iccid })).status).toBe(400);
    expect((await control(smdp.url, 'device/install', { iccid, eid: '1234' })).status).toBe(400);
    expect((await control(smdp.url, 'nowhere', {})).status).toBe(404);
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  let mutual: RunningSmdp;
  let plain: RunningSmdp;
  beforeAll(async () => {
    certs = makeCertificates();
    mutual = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'smdp.test', tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.ca } });
    plain = await startSmdpServer({ port: 0, host: '127.0.0.1', smdpAddress: 'smdp.test', tls: { cert: certs.serverCert, key: certs.serverKey } });
  });
  afterAll(async () => {
    await mutual?.close();
    await plain?.close();
    certs?.remove();
  });

  it('with a client CA (mutual TLS): refuses a client without a certificate or with one another CA signed; accepts the trusted one', async () => {
    expect(mutual.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await expect(es2Call(mutual.url, 'downloadOrder', { profileType: 'TLS' }, { tls: { ca: certs.ca } })).rejects.toThrow();
    await expect(es2Call(mutual.url, 'downloadOrder', { profileType: 'TLS' }, { tls: { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey } })).rejects.toThrow();
    expect(mutual.state.calls).toHaveLength(0);
    expectSuccess(await es2Call(mutual.url, 'downloadOrder', { profileType: 'TLS' }, { tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } }));
    expect(mutual.state.calls).toHaveLength(1);
  });

  it('without a client CA: TLS only, any client', async () => {
    expectSuccess(await es2Call(plain.url, 'downloadOrder', { profileType: 'TLS' }, { tls: { ca: certs.ca } }));
    // The server certificate is checked by the client: without the CA it is not trusted.
    await expect(es2Call(plain.url, 'downloadOrder', { profileType: 'TLS' })).rejects.toThrow();
  });
});
