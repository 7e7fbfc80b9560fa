import { errorCodes, retryableCodes, type ErrorCode } from '@esimkit/contract';
import { code, heading, inline, table, type Section } from './html.js';
import { endpointId, errorId, shortPath, type Operation } from './endpoints.js';

// The closed list of codes: what each means, when esimkit answers it, whether a retry can
// help, and which endpoints answer it (every endpoint for the request-level ones).

/** Codes any endpoint can answer, before or while reading the request, and when. */
const requestLevel: Partial<Record<ErrorCode, string>> = {
  '000001': 'An unexpected fault; the message carries the request id (also in `X-Request-Id`) to find it in the logs.',
  '000101': '`RT-AccessCode` missing or unknown; or a signed request without `RT-Timestamp` or `RT-RequestID`; or no `RT-Signature` for a merchant whose policy is `required`.',
  '000102': 'A malformed header: `RT-Timestamp` not a number, `RT-RequestID` not a UUID, an access code longer than 128 characters.',
  '000103': 'Any method but POST, or a path that does not exist.',
  '000104': 'The body is not a JSON object, or a field has the wrong type or form (the default for a field that fails validation).',
  '000105': 'A mandatory field is absent.',
  '000106': 'A mandatory field is `null` or an empty string.',
  '000107': 'A string or list is shorter or longer than its limits, or the body is larger than `BODY_LIMIT`.',
  '101001': '`RT-Timestamp` further from now than the signature window (5 minutes by default), or an `RT-RequestID` used again within the window (a replay).',
  '101002': "The caller's IP address is on the merchant's block list.",
  '101003': '`RT-Signature` does not match the request.',
  '900001': 'The merchant sent more requests than its rate limit (8 a second by default); the answer carries `Retry-After` in seconds.',
};

/** Business codes: when esimkit answers them. */
const business: Partial<Record<ErrorCode, string>> = {
  '200002': 'The eSIM is not in a state that allows the operation (e.g. cancelling an installed eSIM, suspending one not in use).',
  '200005': 'A `price` given in the order is not the package price (per day for daily plans).',
  '200006': 'The `amount` given is not the total of the order or the top-up.',
  '200007': 'The balance does not cover the order or top-up; nothing is charged.',
  '200008': 'An order or top-up that cannot be served as asked: more than 30 eSIMs, `periodNum` for a plan that is not daily, a `transactionId` already used for a different order, a top-up that does not fit the eSIM’s plan, or a field out of range.',
  '200009': 'The order’s allocation failed; the order has been refunded.',
  '200010': 'The order is still being allocated: query again in a few seconds, or wait for ORDER_STATUS.',
  '200011': 'The package is served from imported inventory and there are not enough free profiles left.',
  '200042': 'A top-up names neither `iccid` nor `esimTranNo`.',
  '310241': 'No package has this `packageCode` or slug.',
  '310272': 'No order of this merchant has this `orderNo`.',
  '310403': 'No eSIM of this merchant has this ICCID or esimTranNo (another merchant’s eSIM gets the same answer).',
};

const groupNames: Record<string, string> = { partner: 'partner API', esimkit: 'esimkit addition', sandbox: 'sandbox' };

/** The endpoints answering a code, per family; a family that answers it everywhere is named once. */
function answeredBy(errorCode: string, operations: Operation[]): string {
  if (errorCode in requestLevel) return 'every endpoint';
  const parts: string[] = [];
  for (const group of Object.keys(groupNames)) {
    const all = operations.filter((op) => op.tag === group);
    const ops = all.filter((op) => op.errorCodes.includes(errorCode));
    if (ops.length === 0) continue;
    if (ops.length === all.length && all.length > 2) parts.push(`every ${groupNames[group]} endpoint`);
    else parts.push(`${groupNames[group]}: ${ops.map((op) => `<a href="#${endpointId(op.name)}">${code(shortPath(op.path))}</a>`).join(' ')}`);
  }
  return parts.length ? parts.join('<br>') : '<span class="none">none today (kept for clients that handle it)</span>';
}

export function errorsSection(operations: Operation[]): Section {
  // Sorted: six-digit keys without a leading zero would otherwise come first (integer-like keys).
  const rows = (Object.keys(errorCodes) as ErrorCode[]).sort().map((c) => ({
    cells: [
      `<span id="${errorId(c)}">${code(c)}</span>`,
      inline(errorCodes[c]),
      inline(requestLevel[c] ?? business[c] ?? ''),
      retryableCodes.has(c) ? 'yes' : 'no',
      answeredBy(c, operations),
    ],
  }));
  const html = `${heading(2, 'errors', 'Error codes')}
<p>A failure is still HTTP 200: ${code('success')} is ${code('false')}, ${code('obj')} is ${code('null')}, ${code('errorCode')} is one of the six-digit strings below, and ${code('errorMsg')} and ${code('errorMessage')} carry the same message, often more precise than the standard one shown here. The list is closed: no other code is ever sent. Request-level codes come from checks made before the endpoint runs (authentication, rate limit, signature, parsing), in that order. In the sandbox, ${code('faults/set')} can make any partner endpoint answer any of these codes on purpose.</p>
${table(['code', 'standard message', 'when esimkit answers it', 'retry unchanged?', 'answered by'], rows, 'errors')}`;
  return { id: 'errors', title: 'Error codes', html };
}
