import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Es2Smdp, SmdpOutcome, SmdpRefusal } from '../domain/ports.js';
import { ADMIN_PROTOCOL_PREFIX, ES2_PATH_PREFIX, es2Headers, readIccid, type ResponseHeader } from './wire.js';

// esimkit's ES2+ client (SGP.22 §5.3, binding §6.5): the operator side of a real SM-DP+.
// It holds no rule: it sends one call and says what came back, as the port's three outcomes.
// "Refused" is only ever an answer the SM-DP+ gave deliberately (Failed / Expired); anything
// that might be a broken network or a broken server (timeouts, 5xx, a body that is not the
// binding's) is "unreachable", which the allocation retries, because a retry with the same
// functionCallIdentifier is safe and failing an order on a proxy's hiccup is not.

export interface Es2ClientOptions {
  /** Base URL; functions are POSTed to `<url>/gsma/rsp2/es2plus/<function>`. */
  smdpUrl: string;
  requesterId: string;
  timeoutMs: number;
  /** PEM texts for mutual TLS (https only). */
  tls?: { cert?: string | undefined; key?: string | undefined; ca?: string | undefined };
  /**
   * The SM-DP+ address written into activation codes when confirmOrder answers none
   * (smdpAddress is an optional output of §5.3.2): SMDP_ADDRESS.
   */
  defaultSmdpAddress: string;
}

type Es2Call = 'downloadOrder' | 'confirmOrder' | 'cancelOrder';

/** Answer bodies are small; anything larger is no ES2+ answer. */
const MAX_ANSWER_BYTES = 1 << 20;

export class Es2PlusClient implements Es2Smdp {
  private readonly url: URL;
  private readonly agent: HttpsAgent | undefined;

  constructor(private readonly options: Es2ClientOptions) {
    this.url = new URL(options.smdpUrl);
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, cert: options.tls?.cert, key: options.tls?.key, ca: options.tls?.ca })
        : undefined;
  }

  /** A client from the ES2_* settings, reading the PEM files once (a missing file fails the start). */
  static fromSettings(settings: { smdpUrl: string; requesterId: string; timeoutMs: number; clientCert?: string | undefined; clientKey?: string | undefined; caBundle?: string | undefined }, defaultSmdpAddress: string): Es2PlusClient {
    const read = (setting: string, path: string | undefined) => {
      if (path === undefined) return undefined;
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        throw new Error(`${setting}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    return new Es2PlusClient({
      smdpUrl: settings.smdpUrl,
      requesterId: settings.requesterId,
      timeoutMs: settings.timeoutMs,
      tls: { cert: read('ES2_CLIENT_CERT', settings.clientCert), key: read('ES2_CLIENT_KEY', settings.clientKey), ca: read('ES2_CA_BUNDLE', settings.caBundle) },
      defaultSmdpAddress,
    });
  }

  async downloadOrder(call: { callId: string; profileType?: string | undefined; iccid?: string | undefined; eid?: string | undefined }): Promise<SmdpOutcome<{ iccid: string }>> {
    const answer = await this.send('downloadOrder', call.callId, { eid: call.eid, iccid: call.iccid, profileType: call.profileType });
    if (!answer.ok) return answer;
    const iccid = readIccid(answer.value.iccid);
    if (!iccid) return { ok: false, unreachable: 'downloadOrder answered no valid iccid' };
    return { ok: true, value: { iccid } };
  }

  async confirmOrder(call: { callId: string; iccid: string; eid?: string | undefined }): Promise<SmdpOutcome<{ matchingId: string; smdpAddress: string }>> {
    const answer = await this.send('confirmOrder', call.callId, { iccid: call.iccid, eid: call.eid, releaseFlag: true });
    if (!answer.ok) return answer;
    const { matchingId, smdpAddress } = answer.value;
    // The matching id and address end up in `LPA:1$address$matchingId`: no `$` in either.
    if (typeof matchingId !== 'string' || !/^[^$\s]{1,255}$/.test(matchingId)) return { ok: false, unreachable: 'confirmOrder answered no valid matchingId' };
    if (smdpAddress !== undefined && (typeof smdpAddress !== 'string' || !/^[^$\s]{1,255}$/.test(smdpAddress))) {
      return { ok: false, unreachable: 'confirmOrder answered an invalid smdpAddress' };
    }
    return { ok: true, value: { matchingId, smdpAddress: (smdpAddress as string | undefined) ?? this.options.defaultSmdpAddress } };
  }

  async cancelOrder(call: { callId: string; iccid: string; matchingId?: string | undefined; finalProfileStatusIndicator: 'Available' | 'Unavailable' }): Promise<SmdpOutcome<Record<string, never>>> {
    const answer = await this.send('cancelOrder', call.callId, { iccid: call.iccid, matchingId: call.matchingId, finalProfileStatusIndicator: call.finalProfileStatusIndicator });
    return answer.ok ? { ok: true, value: {} } : answer;
  }

  /** Stops keeping connections to the SM-DP+ open. */
  close(): void {
    this.agent?.destroy();
  }

  /** One ES2+ call: its answer's fields on success, else refused or unreachable. */
  private async send(fn: Es2Call, callId: string, fields: Record<string, unknown>): Promise<SmdpOutcome<Record<string, unknown>>> {
    const body = JSON.stringify({ header: { functionRequesterIdentifier: this.options.requesterId, functionCallIdentifier: callId }, ...withoutUndefined(fields) });
    let response: { status: number; protocol: string | undefined; text: string };
    try {
      response = await this.post(fn, body);
    } catch (error) {
      return { ok: false, unreachable: `${fn}: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.status !== 200) return { ok: false, unreachable: `${fn}: HTTP ${response.status}` };
    if (!response.protocol?.startsWith(ADMIN_PROTOCOL_PREFIX)) {
      return { ok: false, unreachable: `${fn}: the answer's X-Admin-Protocol is ${response.protocol === undefined ? 'missing' : JSON.stringify(response.protocol)}, not ${ADMIN_PROTOCOL_PREFIX}*` };
    }
    let answer: unknown;
    try {
      answer = JSON.parse(response.text);
    } catch {
      return { ok: false, unreachable: `${fn}: the answer is not JSON` };
    }
    if (!isObject(answer) || !isObject(answer.header) || !isObject(answer.header.functionExecutionStatus)) {
      return { ok: false, unreachable: `${fn}: the answer has no header.functionExecutionStatus` };
    }
    const status = (answer.header as unknown as ResponseHeader).functionExecutionStatus;
    switch (status.status) {
      case 'Executed-Success':
      case 'Executed-WithWarning':
        return { ok: true, value: answer };
      case 'Failed':
      case 'Expired':
        return { ok: false, refused: refusal(fn, status.status, status.statusCodeData) };
      default:
        return { ok: false, unreachable: `${fn}: unknown functionExecutionStatus ${JSON.stringify(status.status)}` };
    }
  }

  private post(fn: Es2Call, body: string): Promise<{ status: number; protocol: string | undefined; text: string }> {
    const target = new URL(`${this.url.pathname.replace(/\/+$/, '')}${ES2_PATH_PREFIX}${fn}`, this.url);
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { ...es2Headers(), accept: 'application/json', 'content-length': Buffer.byteLength(body) },
          ...(this.agent ? { agent: this.agent } : {}),
          timeout: this.options.timeoutMs,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            clearTimeout(deadline);
            const protocol = res.headers['x-admin-protocol'];
            resolve({ status: res.statusCode ?? 0, protocol: Array.isArray(protocol) ? protocol[0] : protocol, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      // `timeout` above is idle time on the socket; this bounds the whole call, so a server
      // that trickles its answer byte by byte is cut off too.
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      req.end(body);
    });
  }
}

function refusal(fn: Es2Call, status: 'Failed' | 'Expired', data: unknown): SmdpRefusal {
  const codes = isObject(data) ? data : {};
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 500) : undefined);
  return {
    function: fn,
    status,
    // An Expired answer carries no statusCodeData in SGP.22; a Failed one without it is read
    // as "no code given" rather than as nonsense, since the SM-DP+ did say Failed.
    subjectCode: text(codes.subjectCode) ?? '',
    reasonCode: text(codes.reasonCode) ?? '',
    message: text(codes.message),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
