import { WebhookEvent as WebhookEventSchema, type NotifyType } from '@esimkit/contract';
import { describe, expect, it } from 'vitest';
import { notifyTypes, parseWebhookEvent, WebhookParseError } from '../src/index.js';

// parseWebhookEvent checks by hand what the contract's zod schemas check: the same verdict
// on every valid sample and on every broken variant of them.
const envelope = { eventGenerateTime: '2025-07-21T10:57:28Z', notifyId: 'f776267e8d6745db8cc316e4c146ea0c' };
const ids = { orderNo: 'B25052822150009', transactionId: 'txn-1', esimTranNo: '25052822150009', iccid: '8943108170001029631' };

const samples: Record<NotifyType, Record<string, unknown>> = {
  ORDER_STATUS: { orderNo: 'B25052822150009', orderStatus: 'GOT_RESOURCE', transactionId: 'txn-1' },
  ESIM_STATUS: { ...ids, esimStatus: 'CANCEL', smdpStatus: 'RELEASED' },
  SMDP_EVENT: { ...ids, eid: '89049032007108882600137544319616', esimStatus: 'GOT_RESOURCE', smdpStatus: 'DOWNLOAD' },
  DATA_USAGE: { ...ids, totalVolume: 53687091200, orderUsage: 48335585458, remain: 5351505742, lastUpdateTime: '2025-07-21T09:38:25Z', remainThreshold: 0.1 },
  VALIDITY_USAGE: { ...ids, durationUnit: 'DAY', totalDuration: 30, expiredTime: '2024-01-11T08:10:19Z', remain: 1 },
  CHECK_HEALTH: { orderNo: '1234567890', orderStatus: 'Test' },
};
const event = (type: string, content: unknown, extra: Record<string, unknown> = {}) => ({ notifyType: type, ...envelope, content, ...extra });

/** Broken variants of one valid event: each content field missing, null, of the wrong type. */
function variants(type: NotifyType): { label: string; body: Record<string, unknown> }[] {
  const content = samples[type];
  const out: { label: string; body: Record<string, unknown> }[] = [];
  for (const [field, value] of Object.entries(content)) {
    const { [field]: _dropped, ...without } = content;
    out.push({ label: `${field} missing`, body: event(type, without) });
    out.push({ label: `${field} null`, body: event(type, { ...content, [field]: null }) });
    out.push({ label: `${field} wrong type`, body: event(type, { ...content, [field]: typeof value === 'number' ? String(value) : 7 }) });
    if (typeof value === 'string') out.push({ label: `${field} other text`, body: event(type, { ...content, [field]: `${value}x` }) });
    if (Number.isInteger(value)) out.push({ label: `${field} fractional`, body: event(type, { ...content, [field]: 1.5 }) });
  }
  out.push({ label: 'no notifyId', body: event(type, content, { notifyId: undefined }) });
  out.push({ label: 'bad notifyId', body: event(type, content, { notifyId: 'XYZ' }) });
  out.push({ label: 'no eventGenerateTime', body: event(type, content, { eventGenerateTime: undefined }) });
  out.push({ label: 'content an array', body: event(type, [content]) });
  out.push({ label: 'content missing', body: event(type, undefined) });
  return out;
}

const accepts = (body: unknown) => {
  try {
    parseWebhookEvent(JSON.stringify(body));
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookParseError);
    return false;
  }
};

describe('parseWebhookEvent', () => {
  it('knows every notifyType of the contract', () => {
    expect([...notifyTypes].sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(Object.keys(samples) as NotifyType[])('accepts a valid %s (text, bytes or parsed) and keeps extra fields', (type) => {
    const body = event(type, { ...samples[type], extra: 'kept' });
    expect(WebhookEventSchema.safeParse(body).success).toBe(true);
    const parsed = parseWebhookEvent(JSON.stringify(body));
    expect(parsed).toEqual(body);
    expect(parsed.notifyType).toBe(type);
    expect(parseWebhookEvent(Buffer.from(JSON.stringify(body)))).toEqual(body);
    expect(parseWebhookEvent(body)).toEqual(body);
  });

  it.each(Object.keys(samples) as NotifyType[])('agrees with the contract schema on every broken %s', (type) => {
    for (const { label, body } of variants(type)) {
      const json = JSON.parse(JSON.stringify(body));
      expect(accepts(json), `${type}: ${label}`).toBe(WebhookEventSchema.safeParse(json).success);
    }
  });

  it('names every problem in its message', () => {
    const error = (() => {
      try {
        parseWebhookEvent(event('DATA_USAGE', { ...samples.DATA_USAGE, remain: '12', iccid: undefined }));
      } catch (e) {
        return e as WebhookParseError;
      }
    })();
    expect(error?.problems).toEqual(['DATA_USAGE: content.iccid must be a string, got undefined', 'DATA_USAGE: content.remain must be a number, got "12"']);
    expect(error?.message).toBe(`invalid webhook event: ${error?.problems.join('; ')}`);
  });

  it('refuses what is not an event at all', () => {
    expect(() => parseWebhookEvent('{not json')).toThrow('invalid webhook event: the body is not JSON');
    expect(() => parseWebhookEvent('[1]')).toThrow('the body must be a JSON object, got an array');
    expect(() => parseWebhookEvent(event('ORDER_CHANGED', {}))).toThrow(/notifyType must be one of ORDER_STATUS, .*got "ORDER_CHANGED"/);
  });
});
