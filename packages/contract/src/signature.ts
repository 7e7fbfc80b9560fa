import { createHmac } from 'node:crypto';

// Request signing per the vendor doc and field-notes §2:
//   signData = RT-Timestamp + RT-RequestID + RT-AccessCode + rawBody
//   RT-Signature = hex(HMAC-SHA256(SecretKey, signData))
export interface SignatureInput {
  timestamp: string;
  requestId: string;
  accessCode: string;
  body: string | Buffer;
}

export function computeSignature(secretKey: string, input: SignatureInput): string {
  return createHmac('sha256', secretKey)
    .update(input.timestamp)
    .update(input.requestId)
    .update(input.accessCode)
    .update(input.body)
    .digest('hex');
}

export const headerNames = {
  accessCode: 'rt-accesscode',
  timestamp: 'rt-timestamp',
  requestId: 'rt-requestid',
  signature: 'rt-signature',
} as const;

/**
 * What a merchant's signature policy does with `RT-Signature` (field-notes §2; the live
 * service does not enforce signatures):
 * - `off`: never checked.
 * - `warn`: checked when sent; any problem is served anyway with an `X-Esimkit-Warning`
 *   header naming it (the sandbox default: existing clients work, their bugs show).
 * - `optional`: checked when sent; a problem is refused with its code.
 * - `required`: every request must be signed.
 */
export const signaturePolicies = ['off', 'warn', 'optional', 'required'] as const;
export type SignaturePolicy = (typeof signaturePolicies)[number];
export const WARNING_HEADER = 'x-esimkit-warning';
