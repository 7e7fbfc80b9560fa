import { errorCodes, type ErrorCode } from '@esimkit/contract';

/**
 * The one error type a domain verb throws for a client's mistake or a refused operation.
 * The HTTP layer turns it into the envelope; anything else thrown becomes 000001.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? errorCodes[code]);
    this.name = 'ApiError';
  }
}
