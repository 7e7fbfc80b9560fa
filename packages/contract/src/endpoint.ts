import { z } from 'zod';
import type { ErrorCode } from './errors.js';

/**
 * One partner endpoint described as data. The server validates requests with `request`,
 * renders `response` inside the envelope, the OpenAPI document and the SDK's types derive
 * from both.
 */
export interface Endpoint<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** Stable name, e.g. `package.list`; used for metrics labels and SDK method names. */
  name: string;
  /** Partner API paths are under /api/v1/open; esimkit's additions under /api/v1/esimkit; the sandbox under /sandbox/v1. */
  path: `/${string}`;
  summary: string;
  request: Req;
  /** The `obj` of a successful envelope. */
  response: Res;
  /** `errorCode` on success: the vendor's examples use null for some endpoints, "0" for others. */
  successCode: null | '0';
  /** Business codes this endpoint can answer with, beyond the request-level ones. */
  errors: readonly ErrorCode[];
  /**
   * Code for a request whose parameters fail validation in a way that is not a missing,
   * null or over-long field (e.g. a count out of range). Default `000104`.
   */
  invalidParamCode?: ErrorCode;
}

export function endpoint<Req extends z.ZodType, Res extends z.ZodType>(def: Endpoint<Req, Res>): Endpoint<Req, Res> {
  return def;
}

export type RequestOf<E> = E extends Endpoint<infer Req, z.ZodType> ? z.input<Req> : never;
export type ParsedRequestOf<E> = E extends Endpoint<infer Req, z.ZodType> ? z.output<Req> : never;
export type ResponseOf<E> = E extends Endpoint<z.ZodType, infer Res> ? z.output<Res> : never;
