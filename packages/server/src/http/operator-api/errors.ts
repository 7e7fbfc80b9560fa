import { errorCodes as partnerCodes } from '@esimkit/contract';

// The codes the operator API answers with. It shares the partner API's envelope and its
// request-level codes (a body that is no JSON is 000104 on both), and its own start with 8,
// a range the partner API never uses, so a client that talks to both cannot mix them up.

export const operatorOwnCodes = {
  '800101': 'Authorization: Bearer <operator token> is missing or the token is not valid.',
  '800102': 'This operator token was revoked.',
  '800103': 'This operator token does not have the scope this endpoint needs.',
  '800104': 'Too many requests with a wrong operator token from this address: wait and retry.',
  '800201': 'There is no merchant with this merchantId.',
  '800202': 'There is no order with this orderNo.',
  '800203': 'There is no eSIM with this esimTranNo.',
  '800204': 'The catalogue was refused: nothing was imported.',
  '800205': 'The inventory was refused: nothing was imported.',
} as const;

/** Partner codes the operator API answers with too, in their partner meaning. */
const sharedCodes = ['000001', '000103', '000104', '000105', '000106', '000107', '200007', '310241'] as const;

export const operatorErrorCodes = {
  ...Object.fromEntries(sharedCodes.map((code) => [code, partnerCodes[code]])),
  ...operatorOwnCodes,
} as Record<(typeof sharedCodes)[number], string> & typeof operatorOwnCodes;

export type OperatorErrorCode = keyof typeof operatorErrorCodes;

/**
 * HTTP status of a failure: authentication answers say so in HTTP too (401, 403, 429), so
 * that `curl --fail` and HTTP clients stop on a credential problem; every other answer,
 * refusals included, is HTTP 200 with the envelope, as on the partner API.
 */
export function httpStatusOf(code: string): number {
  if (code === '800101' || code === '800102') return 401;
  if (code === '800103') return 403;
  if (code === '800104') return 429;
  return 200;
}

/** A refusal of the operator API (the domain's ApiError carries the shared codes). */
export class OperatorError extends Error {
  constructor(
    readonly code: OperatorErrorCode,
    message?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message ?? operatorErrorCodes[code]);
    this.name = 'OperatorError';
  }
}

export function isOperatorErrorCode(code: string): code is OperatorErrorCode {
  return Object.hasOwn(operatorErrorCodes, code);
}
