// The closed list of six-digit codes the API answers with, and the message sent with each
// when nothing more specific is known. Codes come from the vendor doc; 200042 and 310402
// were seen on the live service (field-notes §8). Every error carries a message: clients
// have logged "unknown error" because the live service once sent none.
export const errorCodes = {
  '000001': 'Server error',
  '000101': 'Request header (mandatory) is null',
  '000102': 'Wrong request header format',
  '000103': 'This https request method (get/post) is not supported',
  '000104': 'Request in invalid JSON format',
  '000105': 'Request parameters (mandatory) are not contained',
  '000106': 'Request parameter (mandatory) is null',
  '000107': 'The length of the request parameter does not meet the requirement.',
  '101001': 'The timestamp of the request has expired.',
  '101002': 'This IP is in the blocklist.',
  '101003': 'Request signature mismatch.',
  '200002': 'This operation is not allowed due to the order status.',
  '200005': 'Package price error. Check price.',
  '200006': 'Total order price amount is wrong. Check prices.',
  '200007': 'Insufficient account balance',
  '200008': 'Order parameters error, please contact customer service.',
  '200009': 'Abnormal order status',
  '200010': 'Profile is being downloaded for the order.',
  '200011': 'Insufficient available Profiles for the package, please contact the customer service.',
  '200042': 'Either iccid or esimTranNo is required.',
  '310241': 'The packageCode does not exist.',
  '310243': 'The package does not exist.',
  '310272': 'The orderNo does not exist.',
  '310403': 'The ICCID does not exist in the order.',
  '900001': 'The system is busy, please try again later.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value);
}

/** Codes a client may retry unchanged with a chance of success. */
export const retryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['900001', '000001', '200010']);
