import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

// A small SM-DP+ speaking ES2+ (SGP.22 §5.3 / §6.5) that a test controls: a stock of
// profiles per profileType, downloadOrder / confirmOrder / cancelOrder as SGP.22 describes
// them, every call recorded, and per-function overrides to make it refuse, stall, break or
// talk nonsense. It de-duplicates functionCallIdentifier on downloadOrder (a retried call
// gets the profile the first one reserved), as esimkit's recovery assumes.

export interface RecordedCall {
  fn: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** What an override makes the server do with one call. */
export type Behaviour =
  | { kind: 'answer'; status?: number; headers?: Record<string, string>; body: string }
  | { kind: 'hang' }
  | { kind: 'destroy' }
  /** Does the call as an SM-DP+ would, then cuts the connection before answering. */
  | { kind: 'lose-answer' }
  | { kind: 'default' };

export interface TestSmdpOptions {
  /** profileType -> ICCIDs in stock. */
  stock: Record<string, string[]>;
  /** https with these PEMs; `requestCert`: clients must present a certificate the CA signed. */
  tls?: { key: string; cert: string; ca: string; requestCert: boolean };
  /** The smdpAddress confirmOrder answers. */
  address?: string;
  /** A port to listen on (a restart on the same URL). */
  port?: number;
}

export interface TestSmdp {
  url: string;
  port: number;
  calls: RecordedCall[];
  /** Overrides per function; `default` or absent: behave as an SM-DP+. */
  override: Partial<Record<string, (call: RecordedCall) => Behaviour>>;
  /** ICCIDs reserved or released now (not back in stock). */
  taken(): string[];
  /** Every ICCID handed out by downloadOrder, once per reservation (a second reservation of one is a bug). */
  reservations: string[];
  close(): Promise<void>;
}

export const ADMIN = 'gsma/rsp/v2.2.0';

export function executed(fields: Record<string, unknown> = {}): Behaviour {
  return { kind: 'answer', body: JSON.stringify({ header: { functionExecutionStatus: { status: 'Executed-Success' } }, ...fields }) };
}

export function failed(subjectCode: string, reasonCode: string, message?: string): Behaviour {
  return {
    kind: 'answer',
    body: JSON.stringify({ header: { functionExecutionStatus: { status: 'Failed', statusCodeData: { subjectCode, reasonCode, ...(message ? { message } : {}) } } } }),
  };
}

export async function startTestSmdp(options: TestSmdpOptions): Promise<TestSmdp> {
  const stock = new Map(Object.entries(options.stock).map(([type, iccids]) => [type, [...iccids]]));
  const typeOf = new Map<string, string>();
  for (const [type, iccids] of stock) for (const iccid of iccids) typeOf.set(iccid, type);
  const byCallId = new Map<string, string>();
  const state = new Map<string, { matchingId?: string }>();
  const calls: RecordedCall[] = [];
  const reservations: string[] = [];
  const override: TestSmdp['override'] = {};
  const address = options.address ?? 'rsp.smdp.test';
  const sockets = new Set<Socket>();

  const standard = (call: RecordedCall): Behaviour => {
    const b = call.body;
    switch (call.fn) {
      case 'downloadOrder': {
        const callId = b?.header?.functionCallIdentifier;
        const earlier = byCallId.get(callId);
        if (earlier) return executed({ iccid: earlier });
        const pool = stock.get(b.profileType);
        if (!pool) return failed('8.2.5', '3.9', `unknown profileType ${b.profileType}`);
        const iccid = pool.shift();
        if (!iccid) return failed('8.2.5', '3.7', `no profile of type ${b.profileType} available`);
        byCallId.set(callId, iccid);
        state.set(iccid, {});
        reservations.push(iccid);
        return executed({ iccid });
      }
      case 'confirmOrder': {
        const profile = state.get(b.iccid);
        if (!profile) return failed('8.2.1', '3.9', 'profile not reserved');
        profile.matchingId ??= randomBytes(8).toString('hex').toUpperCase();
        return executed({ matchingId: profile.matchingId, smdpAddress: address });
      }
      case 'cancelOrder': {
        if (!state.delete(b.iccid)) return failed('8.2.1', '3.9', 'no such order');
        if (b.finalProfileStatusIndicator === 'Available') stock.get(typeOf.get(b.iccid)!)!.push(b.iccid);
        return executed();
      }
      default:
        return { kind: 'answer', status: 404, body: '' };
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fn = (req.url ?? '').replace(/^.*\/gsma\/rsp2\/es2plus\//, '');
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const call: RecordedCall = { fn, headers: req.headers, body };
      calls.push(call);
      let behaviour = override[fn]?.(call) ?? { kind: 'default' };
      if (behaviour.kind === 'lose-answer') standard(call);
      if (behaviour.kind === 'default') behaviour = standard(call);
      if (behaviour.kind === 'destroy' || behaviour.kind === 'lose-answer') {
        req.socket.destroy();
        return;
      }
      if (behaviour.kind !== 'answer') return; // hang: never answer
      res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', 'x-admin-protocol': ADMIN, ...behaviour.headers });
      res.end(behaviour.body);
    });
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: options.tls.requestCert, rejectUnauthorized: options.tls.requestCert }, handle)
    : createHttpServer(handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    calls,
    override,
    reservations,
    taken: () => [...state.keys()],
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `count` distinct 19-digit ICCIDs under a prefix (Luhn is not checked by ES2+). */
export function iccids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(19 - prefix.length, '0')}`);
}
