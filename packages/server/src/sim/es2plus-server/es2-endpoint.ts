import type { IncomingMessage } from 'node:http';
import { ADMIN_PROTOCOL_PREFIX, Reason, Subject, failedStatus, readIccid } from '../../es2plus/wire.js';
import { runFunction, type Answer, type SmdpFunction } from './functions.js';
import { answerKey, type SmdpState } from './state.js';

// One ES2+ call to the simulated SM-DP+: the binding's checks (SGP.22 §6.5: Content-Type,
// X-Admin-Protocol, the request header), the answer stored by functionCallIdentifier, the
// fault switches, then the function itself.

export type Es2Outcome = { drop: true } | { drop: false; answer: Answer; delayMs: number };

function failed(subject: string, reason: string, message: string): Answer {
  return { status: failedStatus(subject, reason, message) };
}

function nonEmptyText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 256;
}

/** The binding's checks before the body is read as the function's: a refusal, or the body. */
function readCall(request: IncomingMessage, raw: string): Answer | { body: Record<string, unknown>; requester: string; callId: string } {
  const type = request.headers['content-type'];
  if (type === undefined) return failed(Subject.contentType, Reason.missing, 'Content-Type is missing (application/json).');
  if (!/^application\/json\s*(;.*)?$/i.test(type.trim())) return failed(Subject.contentType, Reason.invalid, 'Content-Type must be application/json.');
  const protocol = request.headers['x-admin-protocol'];
  if (typeof protocol !== 'string') return failed(Subject.adminProtocol, Reason.missing, `X-Admin-Protocol is missing (${ADMIN_PROTOCOL_PREFIX}x.y).`);
  if (!protocol.startsWith(ADMIN_PROTOCOL_PREFIX)) return failed(Subject.adminProtocol, Reason.invalid, `X-Admin-Protocol ${protocol} is not supported (${ADMIN_PROTOCOL_PREFIX}x.y).`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return failed(Subject.body, Reason.invalid, 'The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return failed(Subject.body, Reason.invalid, 'The body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const header = fields.header as Record<string, unknown> | undefined;
  if (header === undefined) return failed(Subject.body, Reason.missing, 'Mandatory element header is missing.');
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return failed(Subject.body, Reason.invalid, 'header must be an object.');
  if (header.functionRequesterIdentifier === undefined) return failed(Subject.requesterIdentifier, Reason.missing, 'Mandatory element header.functionRequesterIdentifier is missing.');
  if (!nonEmptyText(header.functionRequesterIdentifier)) return failed(Subject.requesterIdentifier, Reason.invalid, 'header.functionRequesterIdentifier must be a non-empty string.');
  if (header.functionCallIdentifier === undefined) return failed(Subject.functionCallIdentifier, Reason.missing, 'Mandatory element header.functionCallIdentifier is missing.');
  if (!nonEmptyText(header.functionCallIdentifier)) return failed(Subject.functionCallIdentifier, Reason.invalid, 'header.functionCallIdentifier must be a non-empty string.');
  return { body: fields, requester: header.functionRequesterIdentifier, callId: header.functionCallIdentifier };
}

export function handleEs2Call(state: SmdpState, fn: SmdpFunction, request: IncomingMessage, raw: string): Es2Outcome {
  const at = new Date().toISOString();
  const call = readCall(request, raw);
  if (!('body' in call)) return { drop: false, answer: call, delayMs: 0 };
  const iccid = readIccid(call.body.iccid);
  const seen = { function: fn, functionRequesterIdentifier: call.requester, functionCallIdentifier: call.callId, iccid, at };

  const fault = state.takeFault(fn);
  if (fault?.mode === 'down') {
    state.calls.push({ ...seen, status: 'dropped', repeated: false, fault: 'down' });
    return { drop: true };
  }
  const key = answerKey(call.requester, call.callId);
  const stored = state.answers.get(key);
  let answer: Answer;
  let repeated = false;
  if (stored) {
    repeated = true;
    answer =
      stored.function === fn
        ? stored.answer
        : failed(Subject.functionCallIdentifier, Reason.conflict, `functionCallIdentifier ${call.callId} was already used for ${stored.function}.`);
  } else {
    answer =
      fault?.mode === 'fail'
        ? { status: { status: fault.status, statusCodeData: { subjectCode: fault.subjectCode, reasonCode: fault.reasonCode, ...(fault.message ? { message: fault.message } : {}) } } }
        : runFunction(fn, state.store, call.body, state.smdpAddress);
    state.answers.set(key, { function: fn, answer });
  }
  state.calls.push({ ...seen, status: answer.status.status, repeated, fault: fault?.mode });
  return { drop: false, answer, delayMs: fault?.mode === 'delay' ? fault.delayMs : 0 };
}
