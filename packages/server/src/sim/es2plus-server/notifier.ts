import { randomUUID } from 'node:crypto';
import { ES2_PATH_PREFIX, es2Headers, type DownloadProgressInfo, type FunctionExecutionStatus } from '../../es2plus/wire.js';

// The simulated SM-DP+ telling the operator what happened to a profile:
// handleDownloadProgressInfo (SGP.22 §5.3.5), POSTed to <operator URL>/gsma/rsp2/es2plus/...
// with the operator's bearer token. One attempt per notification: the caller (a device
// action) reports what the operator answered.

export interface OperatorEndpoint {
  /** Base URL of the operator (esimkit's PUBLIC_URL). */
  url: string;
  /** Sent as `Authorization: Bearer <token>` (esimkit's ES2_NOTIFY_TOKEN). */
  token: string | undefined;
  requesterId: string;
  timeoutMs: number;
}

export interface SentNotification {
  notificationPointId: number;
  status: FunctionExecutionStatus['status'];
  functionCallIdentifier: string;
  /** The operator's HTTP status (204 when taken in), or 0 when it could not be reached. */
  operatorStatus: number;
  /** The operator's ES2+ status when it refused (HTTP 200 with a Failed header), or the network error. */
  operatorAnswer?: unknown;
}

/** W3C date-time to the second, as SGP.22's examples write it. */
function w3cNow(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

export async function sendDownloadProgress(
  operator: OperatorEndpoint | undefined,
  notification: { iccid: string; profileType: string; eid: string | undefined; notificationPointId: number; status: FunctionExecutionStatus },
): Promise<SentNotification> {
  const body: DownloadProgressInfo = {
    header: { functionRequesterIdentifier: operator?.requesterId ?? 'esimkit-smdp', functionCallIdentifier: randomUUID() },
    ...(notification.eid ? { eid: notification.eid } : {}),
    iccid: notification.iccid,
    profileType: notification.profileType,
    timestamp: w3cNow(),
    notificationPointId: notification.notificationPointId,
    notificationPointStatus: notification.status,
  };
  const sent = { notificationPointId: notification.notificationPointId, status: notification.status.status, functionCallIdentifier: body.header.functionCallIdentifier };
  if (!operator) return { ...sent, operatorStatus: 0, operatorAnswer: 'no operator URL is configured' };
  try {
    const response = await fetch(`${operator.url.replace(/\/+$/, '')}${ES2_PATH_PREFIX}handleDownloadProgressInfo`, {
      method: 'POST',
      headers: { ...es2Headers(), ...(operator.token ? { authorization: `Bearer ${operator.token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(operator.timeoutMs),
    });
    const text = await response.text();
    let answer: unknown = text === '' ? undefined : text;
    try {
      answer = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Kept as text.
    }
    return { ...sent, operatorStatus: response.status, ...(answer === undefined ? {} : { operatorAnswer: answer }) };
  } catch (error) {
    return { ...sent, operatorStatus: 0, operatorAnswer: error instanceof Error ? error.message : String(error) };
  }
}
