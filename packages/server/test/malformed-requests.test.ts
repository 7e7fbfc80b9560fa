import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, paths, startTestServer, type TestServer } from './support/harness.js';

// Requests that are broken below JSON: undecodable and non-ASCII paths, over-long request
// lines and headers, content types fastify cannot parse, bodies shorter than their
// Content-Length. Each is answered in the envelope (HTTP 200) within the request timeout,
// with `Connection: close` where the connection cannot carry another request.

let server: TestServer;
let accessCode: string;
const TIMEOUT_SECONDS = 2;

beforeAll(async () => {
  server = await startTestServer({ env: { REQUEST_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) } });
  accessCode = (await server.merchant()).accessCode;
});
afterAll(() => server?.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
  closed: boolean;
  ms: number;
}

/** Sends bytes as they are (no client library fixes them up) and reads one answer. */
function rawRequest(bytes: Buffer | string, waitMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(server.baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${waitMs} ms`));
    }, waitMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const body = rest.join('\r\n\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined, closed, ms: Date.now() - started });
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      const length = /content-length:\s*(\d+)/i.exec(text)?.[1];
      const split = text.indexOf('\r\n\r\n');
      // A keep-alive answer leaves the connection open: stop once the body is in.
      if (length && split >= 0 && Buffer.byteLength(text.slice(split + 4)) >= Number(length)) {
        socket.destroy();
        finish();
      }
    });
    socket.on('end', () => {
      closed = true;
    });
    socket.on('close', () => {
      closed = true;
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(new Error('closed without an answer'));
      } else finish();
    });
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

const post = (path: string, headers: string[], body: string) =>
  [`POST ${path} HTTP/1.1`, 'Host: localhost', `RT-AccessCode: ${accessCode}`, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');

describe('requests broken below JSON are answered in the envelope', () => {
  it('an undecodable percent-escape in the path (%ff%fe): 000103', async () => {
    const answer = await call(server, '/api/v1/open/%ff%fe', {}, { accessCode });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: false, errorCode: '000103' });
  });

  it('raw non-ASCII bytes in the path: 000103, connection closed', async () => {
    const answer = await rawRequest(Buffer.from(post('/api/v1/open/\xe9t\xff', [], '{}'), 'latin1'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: false, errorCode: '000103' });
    expect(answer.headers.connection).toBe('close');
  });

  it('a path and a header past the size limit: 000102, connection closed', async () => {
    for (const request of [post(`/api/v1/open/${'a'.repeat(70_000)}`, [], '{}'), post(paths.balance, [`X-Big: ${'b'.repeat(70_000)}`], '{}')]) {
      const answer = await rawRequest(request);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ success: false, errorCode: '000102' });
      expect(answer.headers.connection).toBe('close');
    }
  });

  it('a body shorter than its Content-Length: 000104 within the request timeout, connection closed', async () => {
    const request = [`POST ${paths.balance} HTTP/1.1`, 'Host: localhost', `RT-AccessCode: ${accessCode}`, 'Content-Type: application/json', 'Content-Length: 100', '', '{}'].join('\r\n');
    const answer = await rawRequest(request);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: false, errorCode: '000104' });
    expect(answer.body.errorMsg).toContain(`within ${TIMEOUT_SECONDS} s`);
    expect(answer.headers.connection).toBe('close');
    expect(answer.ms).toBeLessThan((TIMEOUT_SECONDS + 2) * 1000);
  });

  it.each(['', ';', '/', 'a/b/c', 'application/json; charset=', 'application/json;;;=='])('a valid JSON body under Content-Type %j is served', async (type) => {
    const answer = await rawRequest(post(paths.balance, type === '' ? ['Content-Type:'] : [`Content-Type: ${type}`], '{}'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: true, errorCode: '0' });
  });

  it('the server goes on serving after each of them', async () => {
    const answer = await call(server, paths.balance, {}, { accessCode });
    expect(answer.json.success).toBe(true);
  });
});
