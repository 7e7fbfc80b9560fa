// The GSMA ES2+ JSON binding (SGP.22 §6.5), shared by esimkit's ES2+ client, the simulated
// SM-DP+ that serves ES2+ (`esimkit smdp serve`) and the operator's handleDownloadProgressInfo
// endpoint. Facts in ../shared/spec/es2plus-notes.md; decisions in docs/decisions.md.

/** What both sides send in X-Admin-Protocol; answers are checked to start with `gsma/rsp/v2.`. */
export const ADMIN_PROTOCOL = 'gsma/rsp/v2.2.0';
export const ADMIN_PROTOCOL_PREFIX = 'gsma/rsp/v2.';

/** Where every ES2+ function is served, under a base URL. */
export const ES2_PATH_PREFIX = '/gsma/rsp2/es2plus/';

export type Es2Function = 'downloadOrder' | 'confirmOrder' | 'cancelOrder' | 'releaseProfile' | 'handleDownloadProgressInfo';

export interface RequestHeader {
  functionRequesterIdentifier: string;
  functionCallIdentifier: string;
}

export type ExecutionStatus = 'Executed-Success' | 'Executed-WithWarning' | 'Failed' | 'Expired';

export interface StatusCodeData {
  subjectCode: string;
  reasonCode: string;
  subjectIdentifier?: string;
  message?: string;
}

export interface FunctionExecutionStatus {
  status: ExecutionStatus;
  statusCodeData?: StatusCodeData;
}

export interface ResponseHeader {
  functionExecutionStatus: FunctionExecutionStatus;
}

export interface DownloadOrderRequest {
  header: RequestHeader;
  eid?: string;
  iccid?: string;
  profileType?: string;
}
export interface DownloadOrderResponse {
  header: ResponseHeader;
  iccid: string;
}

export interface ConfirmOrderRequest {
  header: RequestHeader;
  iccid: string;
  releaseFlag: boolean;
  eid?: string;
  matchingId?: string;
  confirmationCode?: string;
  smdsAddress?: string;
}
export interface ConfirmOrderResponse {
  header: ResponseHeader;
  matchingId: string;
  eid?: string;
  smdpAddress?: string;
}

export interface CancelOrderRequest {
  header: RequestHeader;
  iccid: string;
  finalProfileStatusIndicator: 'Available' | 'Unavailable';
  eid?: string;
  matchingId?: string;
}

export interface ReleaseProfileRequest {
  header: RequestHeader;
  iccid: string;
}

/** SM-DP+ -> operator (§5.3.5); the operator answers HTTP 204 with no body. */
export interface DownloadProgressInfo {
  header: RequestHeader;
  iccid: string;
  profileType: string;
  /** W3C date-time, e.g. 2026-12-03T10:00:00Z. */
  timestamp: string;
  notificationPointId: number;
  notificationPointStatus: FunctionExecutionStatus;
  eid?: string;
  resultData?: string;
}

/** Notification points of handleDownloadProgressInfo (§5.3.5); 5+ are mapped by ES2_NOTIFICATION_POINTS. */
export const NotificationPoint = {
  eligibilityCheck: 1,
  confirmationFailure: 2,
  bppDownload: 3,
  bppInstallation: 4,
} as const;

/**
 * Subject and reason codes esimkit sends. The ones es2plus-notes.md names (1.2.1, 1.2.2, 8.2.1;
 * 2.1, 2.2, 3.8, 3.9) are SGP.22's; the others follow SGP.22's tables as best known and are
 * listed in docs/decisions.md ("ES2+ status codes").
 */
export const Subject = {
  contentType: '1.2.1',
  adminProtocol: '1.2.2',
  requesterIdentifier: '1.1.1',
  functionCallIdentifier: '1.6',
  iccid: '8.2.1',
  profileType: '8.2.5',
  eid: '8.1.1',
  matchingId: '8.2.6',
  order: '8.2.7',
  body: '1.2',
} as const;
export const Reason = {
  invalid: '2.1',
  missing: '2.2',
  conflict: '3.3',
  refused: '3.8',
  unknown: '3.9',
  unavailable: '3.7',
} as const;

export const successStatus: FunctionExecutionStatus = { status: 'Executed-Success' };

export function failedStatus(subjectCode: string, reasonCode: string, message?: string, subjectIdentifier?: string): FunctionExecutionStatus {
  return {
    status: 'Failed',
    statusCodeData: {
      subjectCode,
      reasonCode,
      ...(subjectIdentifier !== undefined ? { subjectIdentifier } : {}),
      ...(message !== undefined ? { message } : {}),
    },
  };
}

/** The headers every ES2+ request and answer carries. */
export function es2Headers(): Record<string, string> {
  return { 'content-type': 'application/json', 'x-admin-protocol': ADMIN_PROTOCOL };
}

/** An ICCID as esimkit stores it (the trailing `F` of a padded 19-digit one dropped): lib/iccid.ts. */
export { readIccid } from '../lib/iccid.js';

/** A 32-digit EID, or undefined. */
export function readEid(text: unknown): string | undefined {
  return typeof text === 'string' && /^\d{32}$/.test(text) ? text : undefined;
}

/** A W3C date-time (with a zone designator) as epoch milliseconds, or undefined. */
export function readTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `LPA:1$<smdpAddress>$<matchingId>`: the activation code a device scans. */
export function activationCode(smdpAddress: string, matchingId: string): string {
  return `LPA:1$${smdpAddress}$${matchingId}`;
}
