import type { z } from 'zod';
import type { ServiceContext } from '../../domain/context.js';
import type { OperatorScope } from '../../domain/operator-tokens/scopes.js';
import type { OperatorErrorCode } from './errors.js';

/**
 * One operator endpoint as data, with the function that answers it: POST on `path` with a
 * JSON body validated by `request`, answering `response` as the envelope's `obj`. The routes
 * and the OpenAPI document (openapi.ts) are both made from this, so they cannot disagree.
 */
export interface OperatorRoute<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** e.g. `operator.merchant.create`. */
  name: string;
  path: `/api/v1/operator/${string}`;
  summary: string;
  /** What a token must hold to call it. */
  scope: OperatorScope;
  request: Req;
  response: Res;
  /** Codes beyond the ones every endpoint may answer (authentication, parsing). */
  errors: readonly OperatorErrorCode[];
  /** Largest body, when more than BODY_LIMIT (file imports). */
  bodyLimit?: number;
  handle(ctx: ServiceContext, input: z.output<Req>): Promise<z.input<Res>>;
}

export function operatorRoute<Req extends z.ZodType, Res extends z.ZodType>(route: OperatorRoute<Req, Res>): OperatorRoute {
  return route as unknown as OperatorRoute;
}

/** Codes any operator endpoint may answer: authentication, then the body's checks, then a server error. */
export const COMMON_CODES: readonly OperatorErrorCode[] = ['800101', '800102', '800103', '800104', '000104', '000105', '000106', '000107', '000001'];

/** Imports take files as large as the bundled price list (about 0.5 MB) and more: the console's upload limit. */
export const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;
