import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real webhook receiver on loopback. Its answers can be scripted: fail the next N
// requests, or hold each answer for a while.
export interface Received {
  body: string;
  json: any;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answer the next `count` requests with `status` (default 500). */
  failNext(count: number, status?: number): void;
  /** Hold every answer this long. */
  delayMs: number;
  /** Answer 500 to each request this says yes to (decided per request: it may count). */
  failIf: ((json: any) => boolean) | undefined;
  /** Events of one type, in arrival order (CHECK_HEALTH included only if asked). */
  events(type?: string): any[];
  waitFor(predicate: (r: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let failures = 0;
  let failStatus = 500;
  const received: Received[] = [];
  const state: { delayMs: number; failIf: ((json: any) => boolean) | undefined } = { delayMs: 0, failIf: undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const scripted = failures > 0;
      if (scripted) failures -= 1;
      const refused = !scripted && Boolean(state.failIf?.(json));
      const failing = scripted || refused;
      if (!failing) received.push({ body, json, headers: request.headers, at: Date.now() });
      setTimeout(() => {
        response.statusCode = scripted ? failStatus : refused ? 500 : 200;
        response.end(failing ? 'not now' : 'ok');
      }, state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    failNext(count, status = 500) {
      failures = count;
      failStatus = status;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get failIf() {
      return state.failIf;
    },
    set failIf(value) {
      state.failIf = value;
    },
    events(type) {
      return received.map((r) => r.json).filter((j) => (type ? j?.notifyType === type : j?.notifyType !== 'CHECK_HEALTH'));
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms; got ${received.map((r) => r.json?.notifyType).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
