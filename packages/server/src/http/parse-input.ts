import type { Endpoint, ErrorCode } from '@esimkit/contract';
import type { z } from 'zod';
import { ApiError } from '../domain/errors.js';

/**
 * Raw body to the endpoint's input: an absent or blank body is `{}` (balance/query is
 * documented with `--data ''`), anything but a JSON object is 000104, `null` and empty
 * strings mean "not given" at any depth (clients send both for optional fields), unknown
 * fields are dropped, and each validation problem gets its code.
 */
export function parseInput<E extends Pick<Endpoint, 'request' | 'invalidParamCode'>>(endpoint: E, rawBody: Buffer): z.output<E['request']> {
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
  const given = withoutUnsetValues(body, 0);
  const result = endpoint.request.safeParse(given);
  if (result.success) return result.data as z.output<E['request']>;
  throw toApiError(endpoint, result.error.issues, body);
}

/** No request of this API nests deeper than a few levels; far deeper input is refused, not walked. */
const MAX_DEPTH = 32;

function isUnset(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * The body with every object member that is null or blank left out, at any depth. Text with a
 * NUL character is refused here: no field of this API can hold one, and PostgreSQL cannot
 * store one (it would be a 000001 deep inside a write).
 */
function withoutUnsetValues(value: unknown, depth: number, path: PropertyKey[] = []): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new ApiError('000104', `Request in invalid JSON format: ${fieldPath(path)} contains a NUL character (\\u0000), which no field may hold.`);
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) throw new ApiError('000104', `Request in invalid JSON format: the body nests deeper than ${MAX_DEPTH} levels.`);
  if (Array.isArray(value)) return value.map((item, index) => withoutUnsetValues(item, depth + 1, [...path, index]));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!isUnset(v)) out[key] = withoutUnsetValues(v, depth + 1, [...path, key]);
  }
  return out;
}

/** `packageInfoList[0].price`: a field's path as a client would write it. */
function fieldPath(path: PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

function valueAt(body: unknown, path: PropertyKey[]): { present: boolean; value: unknown } {
  let current: unknown = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in (current as object))) return { present: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: current };
}

/**
 * A union (an integer sent as a number or as digits) fails as a whole; the issue that
 * explains it is the one of the branch the value's JSON type chose, or, when the type
 * fits no branch (absent, or an object), the first branch's type error.
 */
function explainingIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const branches = issue.errors.filter((issues) => issues.length > 0);
  const branch = branches.find((issues) => issues[0]!.code !== 'invalid_type') ?? branches[0];
  const inner = branch?.[0];
  return inner ? explainingIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue) : issue;
}

function toApiError(endpoint: Pick<Endpoint, 'invalidParamCode'>, issues: z.core.$ZodIssue[], body: unknown): ApiError {
  const issue = explainingIssue(issues[0]!);
  const field = fieldPath(issue.path);
  const original = valueAt(body, issue.path);
  let code: ErrorCode;
  let message: string;
  if (issue.code === 'invalid_type' && !original.present) {
    code = '000105';
    message = `Request parameters (mandatory) are not contained: ${field}`;
  } else if (issue.code === 'invalid_type' && isUnset(original.value)) {
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
