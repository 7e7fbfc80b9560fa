import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { call, startTestServer, type TestServer } from './support/harness.js';
import { makeTestCerts, type TestCerts } from './support/test-certs.js';

// The mutual-TLS listener for handleDownloadProgressInfo (ES2_NOTIFY_PORT, issue 13): a client
// certificate from ES2_NOTIFY_CLIENT_CA is the SM-DP+'s proof there, no token needed; anything
// else is refused in the TLS handshake; the main port keeps asking for the token.

const PATH = '/gsma/rsp2/es2plus/handleDownloadProgressInfo';
const TOKEN = 'notify-token-for-tls-tests-0123456';
const EID = '89049032007108882600137544319616';

let certs: TestCerts;
let server: TestServer;
let merchant: Awaited<ReturnType<TestServer['merchant']>>;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A POST over HTTPS to the notification listener, with the given client certificate (or none). */
function tlsPost(path: string, body: unknown, client: { cert: string; key: string } | undefined, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, server.es2NotifyUrl);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        ca: certs.pem.ca,
        ...(client ?? {}),
        agent: false,
        headers: { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.2.0', 'content-length': Buffer.byteLength(text), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

function progress(iccid: string, point: number) {
  return {
    header: { functionRequesterIdentifier: 'smdp.test', functionCallIdentifier: randomUUID() },
    iccid,
    profileType: 'JP_1_7',
    timestamp: '2026-12-03T10:00:00Z',
    notificationPointId: point,
    notificationPointStatus: { status: 'Executed-Success' },
    eid: EID,
  };
}

async function orderOne(): Promise<{ iccid: string; esimTranNo: string }> {
  const placed = await call(server, '/api/v1/open/esim/order', { transactionId: `t-${randomUUID()}`, packageInfoList: [{ packageCode: 'JP_1_7', count: 1 }] }, { accessCode: merchant.accessCode });
  expect(placed.json.success, placed.text).toBe(true);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const q = await call(server, '/api/v1/open/esim/query', { orderNo: placed.json.obj.orderNo }, { accessCode: merchant.accessCode });
    if (q.json.success) return q.json.obj.esimList[0];
    if (Date.now() > deadline) throw new Error(q.text);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function smdpStatus(esimTranNo: string): Promise<string> {
  const q = await call(server, '/api/v1/open/esim/query', { esimTranNo }, { accessCode: merchant.accessCode });
  return q.json.obj.esimList[0].smdpStatus;
}

const clientCert = () => ({ cert: certs.pem.clientCert, key: certs.pem.clientKey });

beforeAll(async () => {
  certs = makeTestCerts();
  server = await startTestServer({
    env: {
      ALLOCATION_DELAY_MS: '0',
      ES2_NOTIFY_TOKEN: TOKEN,
      ES2_NOTIFY_PORT: '0',
      ES2_NOTIFY_TLS_CERT: certs.files.serverCert,
      ES2_NOTIFY_TLS_KEY: certs.files.serverKey,
      ES2_NOTIFY_CLIENT_CA: certs.files.ca,
    },
  });
  merchant = await server.merchant({ balance: 100_000_000 });
});
afterAll(async () => {
  await server?.close();
  certs?.remove();
});

describe('the mutual-TLS notification listener', () => {
  it('takes a notification from a client certificate the CA signed, without the token (204, both ES2+ headers)', async () => {
    expect(server.es2NotifyUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.es2NotifyUrl).not.toBe(server.baseUrl.replace('http:', 'https:'));
    const esim = await orderOne();
    const answer = await tlsPost(PATH, progress(esim.iccid, 3), clientCert());
    expect(answer.status, answer.text).toBe(204);
    expect(answer.text).toBe('');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-admin-protocol']).toMatch(/^gsma\/rsp\/v2\./);
    expect(await smdpStatus(esim.esimTranNo)).toBe('DOWNLOAD');
    const stored = await server.runtime.ctx.db.kysely.selectFrom('es2_notifications').select(['notification_point', 'outcome']).where('iccid', '=', esim.iccid).execute();
    expect(stored).toEqual([{ notification_point: 3, outcome: 'applied' }]);
  });

  it('does not look at a bearer token sent alongside the certificate (decisions.md)', async () => {
    const esim = await orderOne();
    const answer = await tlsPost(PATH, progress(esim.iccid, 3), clientCert(), { authorization: 'Bearer not-the-token-not-the-token-00' });
    expect(answer.status, answer.text).toBe(204);
    expect(await smdpStatus(esim.esimTranNo)).toBe('DOWNLOAD');
  });

  it('checks the request as the main listener does (one handler): a bad body is refused with its ES2+ code', async () => {
    const answer = await tlsPost(PATH, { ...progress('8985242000000000017', 3), iccid: 'nope' }, clientCert());
    expect(answer.status).toBe(200);
    expect(answer.headers['x-admin-protocol']).toMatch(/^gsma\/rsp\/v2\./);
    expect(JSON.parse(answer.text).header.functionExecutionStatus).toMatchObject({ status: 'Failed', statusCodeData: { subjectCode: '8.2.1', reasonCode: '2.1' } });
  });

  it('refuses the TLS handshake without a client certificate, and with one another CA signed', async () => {
    const esim = await orderOne();
    await expect(tlsPost(PATH, progress(esim.iccid, 3), undefined)).rejects.toThrow(/certificate required|ECONNRESET|socket hang up/);
    const otherCa = { cert: certs.pem.otherCa, key: readFileSync(join(certs.dir, 'other-ca.key'), 'utf8') };
    await expect(tlsPost(PATH, progress(esim.iccid, 3), otherCa)).rejects.toThrow(/unknown ca|ECONNRESET|socket hang up/);
    expect(await smdpStatus(esim.esimTranNo)).toBe('RELEASED');
    expect(await server.runtime.ctx.db.kysely.selectFrom('es2_notifications').selectAll().where('iccid', '=', esim.iccid).execute()).toEqual([]);
  });

  it('serves nothing but handleDownloadProgressInfo', async () => {
    const answer = await tlsPost('/api/v1/open/package/list', {}, clientCert());
    expect(answer.status).toBe(404);
  });

  it('leaves the main port asking for the token', async () => {
    const esim = await orderOne();
    const post = (headers: Record<string, string>) =>
      fetch(`${server.baseUrl}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.2.0', ...headers }, body: JSON.stringify(progress(esim.iccid, 3)) });
    expect((await post({})).status).toBe(401);
    expect(await smdpStatus(esim.esimTranNo)).toBe('RELEASED');
    expect((await post({ authorization: `Bearer ${TOKEN}` })).status).toBe(204);
    expect(await smdpStatus(esim.esimTranNo)).toBe('DOWNLOAD');
  });
});

describe('settings', () => {
  it('wants the port, certificate, key and client CA together', () => {
    const all = { ES2_NOTIFY_PORT: '8443', ES2_NOTIFY_TLS_CERT: 'cert.pem', ES2_NOTIFY_TLS_KEY: 'key.pem', ES2_NOTIFY_CLIENT_CA: 'ca.pem' };
    expect(loadConfig(all).es2.notifyListener).toEqual({ port: 8443, host: '127.0.0.1', certFile: 'cert.pem', keyFile: 'key.pem', clientCaFile: 'ca.pem' });
    expect(loadConfig({ ...all, ES2_NOTIFY_HOST: '0.0.0.0' }).es2.notifyListener?.host).toBe('0.0.0.0');
    expect(loadConfig({}).es2.notifyListener).toBeUndefined();
    const { ES2_NOTIFY_CLIENT_CA: _ca, ...withoutCa } = all;
    expect(() => loadConfig(withoutCa)).toThrow(ConfigError);
    expect(() => loadConfig({ ES2_NOTIFY_PORT: '8443' })).toThrow(/ES2_NOTIFY_TLS_CERT.*\n.*ES2_NOTIFY_TLS_KEY.*\n.*ES2_NOTIFY_CLIENT_CA/);
  });

  it('fails the start naming the setting whose file cannot be read', async () => {
    await expect(
      startTestServer({ env: { ES2_NOTIFY_PORT: '0', ES2_NOTIFY_TLS_CERT: certs.files.serverCert, ES2_NOTIFY_TLS_KEY: join(certs.dir, 'missing.key'), ES2_NOTIFY_CLIENT_CA: certs.files.ca } }),
    ).rejects.toThrow(/ES2_NOTIFY_TLS_KEY: cannot read/);
  });

  it('closes the listener with the server', async () => {
    const other = await startTestServer({ env: { ES2_NOTIFY_PORT: '0', ES2_NOTIFY_TLS_CERT: certs.files.serverCert, ES2_NOTIFY_TLS_KEY: certs.files.serverKey, ES2_NOTIFY_CLIENT_CA: certs.files.ca } });
    const url = other.es2NotifyUrl;
    expect(url).toBeDefined();
    await other.close();
    const port = Number(new URL(url ?? '').port);
    await expect(
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
