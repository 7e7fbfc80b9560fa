import { ApiError } from '../../domain/errors.js';
import { OperatorError, type OperatorErrorCode } from './errors.js';

/**
 * An import's refusal of its file, as an answer. The catalogue and inventory verbs refuse a
 * bad file (a bad row, a slug clash, an unknown package) with a plain Error saying what is
 * wrong, as the CLI prints it; anything else (a driver's error, which is a subclass) is no
 * fault of the file and goes on to be a server error.
 */
export function refusedFileError(error: unknown, code: OperatorErrorCode, what: string): unknown {
  if (error instanceof OperatorError || error instanceof ApiError) return error;
  if (error instanceof Error && Object.getPrototypeOf(error) === Error.prototype) return new OperatorError(code, `${what}: ${error.message}`);
  return error;
}
