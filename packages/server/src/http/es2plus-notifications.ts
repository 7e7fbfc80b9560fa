import { timingSafeEqual, createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceContext } from '../domain/context.js';
import { takeDownloadProgress, type DownloadProgress } from '../domain/es2plus/download-progress.js';
import { isValidEid } from '../lib/identifiers.js';
import {
  ADMIN_PROTOCOL_PREFIX,
  ES2_PATH_PREFIX,
  Reason,
  Subject,
  es2Headers,
  failedStatus,
  readIccid,
  readTimestamp,
  type FunctionExecutionStatus,
} from '../es2plus/wire.js';

// The operator's side of ES2+: POST /gsma/rsp2/es2plus/handleDownloadProgressInfo (SGP.22
// §5.3.5), where an SM-DP+ reports a profile's download, installation and the eUICC's later
// notifications. Taken in: HTTP 204 with no body. Refused (a bad body, an unknown ICCID):
// HTTP 200 with the ES2+ header saying Failed, and nothing changes. The codes and the
// closed endpoint's answer are in docs/decisions.md ("ES2+ status codes").

export const DOWNLOAD_PROGRESS_PATH = `${ES2_PATH_PREFIX}handleDownloadProgressInfo`;

/** Subjects SGP.22's tables name by element, for the elements wire.ts has no code for. */
const ELEMENT = { timestamp: '1.2', notificationPointId: '1.2', notificationPointStatus: '1.2' } as const;

class Refusal {
  constructor(
    readonly status: FunctionExecutionStatus,
    readonly httpStatus = 200,
  ) {}
}

function refuse(subject: string, reason: string, message: string): never {
  throw new Refusal(failedStatus(subject, reason, message));
}

function sameSecret(given: string, expected: string): boolean {
  // Hashes first: equal lengths for timingSafeEqual, and no early exit on the length.
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/**
 * How the SM-DP+ proves who it is: the bearer ES2_NOTIFY_TOKEN on the main listener, a client
 * certificate signed by ES2_NOTIFY_CLIENT_CA on the mutual-TLS one (es2plus-notify-listener.ts).
 */
export type NotifierAuthentication = 'bearer-token' | 'client-certificate';

/** Bearer ES2_NOTIFY_TOKEN; the endpoint is closed (403) while no token is set. */
function checkToken(token: string | undefined, authorization: string | undefined): void {
  if (token === undefined) {
    throw new Refusal(failedStatus(Subject.requesterIdentifier, Reason.refused, 'handleDownloadProgressInfo is closed: ES2_NOTIFY_TOKEN is not set on this operator.'), 403);
  }
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (given === undefined || !sameSecret(given, token)) {
    throw new Refusal(failedStatus(Subject.requesterIdentifier, Reason.refused, 'Missing or wrong bearer token (Authorization: Bearer <ES2_NOTIFY_TOKEN>).'), 401);
  }
}

/**
 * On the mutual-TLS listener the TLS layer already refused every connection without a certificate
 * from ES2_NOTIFY_CLIENT_CA; this checks it again so a change of TLS options cannot open the door.
 * A bearer token sent there as well is not looked at: the certificate is the stronger proof.
 */
function checkClientCertificate(socket: unknown): void {
  if ((socket as Partial<TLSSocket>).authorized !== true) {
    throw new Refusal(failedStatus(Subject.requesterIdentifier, Reason.refused, 'A client certificate signed by ES2_NOTIFY_CLIENT_CA is required on this listener.'), 403);
  }
}

function checkTransportHeaders(headers: Record<string, string | string[] | undefined>, unparsableContentType: string | undefined): void {
  const type = headers['content-type'] ?? unparsableContentType;
  if (typeof type !== 'string' || !/^application\/json\s*(;.*)?$/i.test(type.trim())) {
    refuse(Subject.contentType, type === undefined ? Reason.missing : Reason.invalid, 'Content-Type must be application/json.');
  }
  const protocol = headers['x-admin-protocol'];
  if (typeof protocol !== 'string') refuse(Subject.adminProtocol, Reason.missing, `X-Admin-Protocol is missing (expected ${ADMIN_PROTOCOL_PREFIX}x.y).`);
  if (!protocol.startsWith(ADMIN_PROTOCOL_PREFIX)) refuse(Subject.adminProtocol, Reason.invalid, `X-Admin-Protocol ${protocol} is not supported (expected ${ADMIN_PROTOCOL_PREFIX}x.y).`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 256;
}

/** The notification, field by field, in the order SGP.22 lists them; the first problem refuses it. */
export function readDownloadProgress(raw: Buffer | undefined): DownloadProgress {
  let body: unknown;
  try {
    body = JSON.parse((raw ?? Buffer.alloc(0)).toString('utf8'));
  } catch {
    refuse(Subject.body, Reason.invalid, 'The body is not valid JSON.');
  }
  if (!isObject(body)) refuse(Subject.body, Reason.invalid, 'The body must be a JSON object.');
  const header = body.header;
  if (header === undefined) refuse(Subject.body, Reason.missing, 'Mandatory element header is missing.');
  if (!isObject(header)) refuse(Subject.body, Reason.invalid, 'header must be an object.');
  if (header.functionRequesterIdentifier === undefined) refuse(Subject.requesterIdentifier, Reason.missing, 'Mandatory element header.functionRequesterIdentifier is missing.');
  if (!nonEmptyText(header.functionRequesterIdentifier)) refuse(Subject.requesterIdentifier, Reason.invalid, 'header.functionRequesterIdentifier must be a non-empty string of at most 256 characters.');
  if (header.functionCallIdentifier === undefined) refuse(Subject.functionCallIdentifier, Reason.missing, 'Mandatory element header.functionCallIdentifier is missing.');
  if (!nonEmptyText(header.functionCallIdentifier)) refuse(Subject.functionCallIdentifier, Reason.invalid, 'header.functionCallIdentifier must be a non-empty string of at most 256 characters.');

  if (body.iccid === undefined) refuse(Subject.iccid, Reason.missing, 'Mandatory element iccid is missing.');
  const iccid = readIccid(body.iccid);
  if (iccid === undefined) refuse(Subject.iccid, Reason.invalid, 'iccid must be 18-20 digits (a 19-digit ICCID may end in F).');
  if (body.profileType === undefined) refuse(Subject.profileType, Reason.missing, 'Mandatory element profileType is missing.');
  if (!nonEmptyText(body.profileType)) refuse(Subject.profileType, Reason.invalid, 'profileType must be a non-empty string of at most 256 characters.');
  if (body.timestamp === undefined) refuse(ELEMENT.timestamp, Reason.missing, 'Mandatory element timestamp is missing.');
  if (readTimestamp(body.timestamp) === undefined) refuse(ELEMENT.timestamp, Reason.invalid, 'timestamp must be a W3C date-time with a zone, e.g. 2026-12-03T10:00:00Z.');
  if (body.notificationPointId === undefined) refuse(ELEMENT.notificationPointId, Reason.missing, 'Mandatory element notificationPointId is missing.');
  const point = body.notificationPointId;
  if (typeof point !== 'number' || !Number.isInteger(point) || point < 1 || point > 0xffff) refuse(ELEMENT.notificationPointId, Reason.invalid, 'notificationPointId must be a positive integer.');
  const pointStatus = body.notificationPointStatus;
  if (pointStatus === undefined) refuse(ELEMENT.notificationPointStatus, Reason.missing, 'Mandatory element notificationPointStatus is missing.');
  if (!isObject(pointStatus) || !['Executed-Success', 'Executed-WithWarning', 'Failed', 'Expired'].includes(pointStatus.status as string)) {
    refuse(ELEMENT.notificationPointStatus, Reason.invalid, 'notificationPointStatus.status must be Executed-Success, Executed-WithWarning, Failed or Expired.');
  }
  let eid: string | undefined;
  if (body.eid !== undefined && body.eid !== null) {
    if (typeof body.eid !== 'string' || !isValidEid(body.eid)) refuse(Subject.eid, Reason.invalid, 'eid must be 32 digits that pass the mod-97 check.');
    eid = body.eid;
  }
  return { callId: header.functionCallIdentifier, iccid, notificationPointId: point, status: pointStatus.status as string, eid };
}

function answerStatus(reply: FastifyReply, httpStatus: number, status: FunctionExecutionStatus) {
  return reply.code(httpStatus).headers(es2Headers()).send(JSON.stringify({ header: { functionExecutionStatus: status } }));
}

export function registerEs2Notifications(app: FastifyInstance, ctx: ServiceContext, authentication: NotifierAuthentication = 'bearer-token'): void {
  app.post(DOWNLOAD_PROGRESS_PATH, async (request, reply) => {
    try {
      if (authentication === 'client-certificate') checkClientCertificate(request.raw.socket);
      else checkToken(ctx.config.es2.notifyToken, request.headers.authorization);
      checkTransportHeaders(request.headers, request.unparsableContentType);
      const progress = readDownloadProgress(request.body as Buffer | undefined);
      const outcome = await takeDownloadProgress(ctx, progress);
      if (outcome === 'unknown-iccid') refuse(Subject.iccid, Reason.unknown, `No eSIM has ICCID ${progress.iccid}.`);
      if (outcome !== 'applied') request.log.info({ callId: progress.callId, iccid: progress.iccid, point: progress.notificationPointId, outcome }, 'ES2+ notification taken in without a change');
      // Both ES2+ headers on the 204 too (SGP.22: every answer carries them; pySim reads
      // Content-Type). Fastify strips Content-Type from a 204 only when a payload is sent.
      return reply.code(204).headers(es2Headers()).send();
    } catch (error) {
      if (!(error instanceof Refusal)) {
        // Not the SM-DP+'s fault: a 5xx tells it to retry later (the notification was not stored).
        request.log.error({ err: error, reqId: request.id }, 'ES2+ notification failed');
        return answerStatus(reply, 500, failedStatus(Subject.body, Reason.refused, `Server error (request id ${request.id}); retry later.`));
      }
      if (error.httpStatus === 401) reply.header('www-authenticate', 'Bearer realm="es2plus"');
      return answerStatus(reply, error.httpStatus, error.status);
    }
  });
}
