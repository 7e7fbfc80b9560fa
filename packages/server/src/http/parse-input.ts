import type { Endpoint, ErrorCode } from '@esimkit/contract';
import type { z } from 'zod';
import { ApiError } from '../domain/errors.js';

/**
 * Raw body to the endpoint's input: an absent or blank body is `{}` (balance/query is
 * documented with `--data ''`), anything but a JSON object is 000104, empty strings mean
 * "not given", unknown fields are dropped, and each validation problem gets its code.
 */
export function parseInput<E extends Endpoint>(endpoint: E, rawBody: Buffer): z.output<E['request']> {
  const text = rawBody.toString('utf8');
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError('000104', 'Request in invalid JSON format: the body is not valid JSON.');
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('000104', 'Request in invalid JSON format: the body must be a JSON object.');
  }
  const cleaned = withoutEmptyStrings(body as Record<string, unknown>);
  const result = endpoint.request.safeParse(cleaned);
  if (result.success) return result.data as z.output<E['request']>;
  throw toApiError(endpoint, result.error.issues, body);
}

function withoutEmptyStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyStrings);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === '' || (typeof v === 'string' && v.trim() === '')) continue;
      out[key] = withoutEmptyStrings(v);
    }
    return out;
  }
  return value;
}

function valueAt(body: unknown, path: PropertyKey[]): { present: boolean; value: unknown } {
  let current: unknown = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in (current as object))) return { present: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: current };
}

function toApiError(endpoint: Endpoint, issues: z.core.$ZodIssue[], body: unknown): ApiError {
  const issue = issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'body';
  const original = valueAt(body, issue.path);
  let code: ErrorCode;
  let message: string;
  if (issue.code === 'invalid_type' && !original.present) {
    code = '000105';
    message = `Request parameters (mandatory) are not contained: ${field}`;
  } else if (issue.code === 'invalid_type' && (original.value === null || (typeof original.value === 'string' && original.value.trim() === ''))) {
    code = '000106';
    message = `Request parameter (mandatory) is null: ${field}`;
  } else if ((issue.code === 'too_big' || issue.code === 'too_small') && (issue.origin === 'string' || issue.origin === 'array')) {
    code = '000107';
    message = `The length of the request parameter does not meet the requirement: ${field} ${issue.message}`;
  } else {
    code = endpoint.invalidParamCode ?? '000104';
    message = `Invalid request parameter ${field}: ${issue.message}`;
  }
  return new ApiError(code, message);
}
