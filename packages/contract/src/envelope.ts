import { z } from 'zod';

/** Every answer of the partner API, success or failure, is this object with HTTP 200. */
export interface Envelope<T> {
  success: boolean;
  /** Six-digit string on failure; null or "0" on success, per endpoint. */
  errorCode: string | null;
  /** The vendor's examples spell it errorMsg, its tables errorMessage: both are sent. */
  errorMsg: string | null;
  errorMessage: string | null;
  obj: T | null;
}

export function envelopeSchema<T extends z.ZodType>(obj: T) {
  return z.object({
    success: z.boolean(),
    errorCode: z.string().nullable().describe('Six-digit code on failure; null or "0" on success'),
    errorMsg: z.string().nullable(),
    errorMessage: z.string().nullable(),
    obj: obj.nullable(),
  });
}
