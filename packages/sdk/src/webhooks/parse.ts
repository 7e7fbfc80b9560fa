import type { NotifyType, WebhookEvent } from '../types.js';

// Incoming webhook bodies checked by hand against the contract's event schemas (no zod at
// run time). A test holds these rules and the contract's schemas to the same verdicts.
type Rule = 'string' | 'int' | 'number' | { literal: string };

const ids = { orderNo: 'string', transactionId: 'string', esimTranNo: 'string', iccid: 'string' } as const;

const contentRules: Record<NotifyType, Record<string, Rule>> = {
  ORDER_STATUS: { orderNo: 'string', orderStatus: { literal: 'GOT_RESOURCE' }, transactionId: 'string' },
  ESIM_STATUS: { ...ids, esimStatus: 'string', smdpStatus: 'string' },
  SMDP_EVENT: { ...ids, eid: 'string', esimStatus: 'string', smdpStatus: 'string' },
  DATA_USAGE: { ...ids, totalVolume: 'int', orderUsage: 'int', remain: 'int', lastUpdateTime: 'string', remainThreshold: 'number' },
  VALIDITY_USAGE: { ...ids, durationUnit: { literal: 'DAY' }, totalDuration: 'int', expiredTime: 'string', remain: 'int' },
  CHECK_HEALTH: { orderNo: { literal: '1234567890' }, orderStatus: { literal: 'Test' } },
};

export const notifyTypes = Object.keys(contentRules) as NotifyType[];

export class WebhookParseError extends Error {
  override readonly name = 'WebhookParseError';
  constructor(readonly problems: string[]) {
    super(`invalid webhook event: ${problems.join('; ')}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value) : typeof value;
}

function check(path: string, value: unknown, rule: Rule): string | undefined {
  if (typeof rule === 'object') return value === rule.literal ? undefined : `${path} must be "${rule.literal}", got ${describe(value)}`;
  if (rule === 'string') return typeof value === 'string' ? undefined : `${path} must be a string, got ${describe(value)}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} must be a number, got ${describe(value)}`;
  return rule === 'int' && !Number.isSafeInteger(value) ? `${path} must be a whole number, got ${value}` : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decode(body: string | Uint8Array | object): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookParseError(['the body is not JSON']);
  }
}

/**
 * Checks a webhook body (the raw text or bytes, or JSON already parsed) and returns it as the
 * typed event union; throws WebhookParseError listing every problem. Unknown extra fields
 * are kept (the vendor adds fields over time).
 */
export function parseWebhookEvent(body: string | Uint8Array | object): WebhookEvent {
  const event = decode(body);
  if (!isRecord(event)) throw new WebhookParseError([`the body must be a JSON object, got ${describe(event)}`]);
  const type = event.notifyType;
  if (typeof type !== 'string' || !Object.hasOwn(contentRules, type)) {
    throw new WebhookParseError([`notifyType must be one of ${notifyTypes.join(', ')}, got ${describe(type)}`]);
  }
  const problems: string[] = [];
  const push = (problem: string | undefined) => problem && problems.push(problem);
  if (typeof event.notifyId !== 'string' || !/^[0-9a-f]{32}$/.test(event.notifyId)) problems.push(`notifyId must be 32 lower-case hex digits, got ${describe(event.notifyId)}`);
  push(check('eventGenerateTime', event.eventGenerateTime, 'string'));
  if (!isRecord(event.content)) problems.push(`content must be an object, got ${describe(event.content)}`);
  else for (const [field, rule] of Object.entries(contentRules[type as NotifyType])) push(check(`content.${field}`, event.content[field], rule));
  if (problems.length) throw new WebhookParseError(problems.map((p) => `${type}: ${p}`));
  return event as unknown as WebhookEvent;
}
