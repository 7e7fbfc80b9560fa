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
