import { errorCodes, type Endpoint, type ErrorCode } from '@esimkit/contract';

import { RawJson } from '../lib/raw-json.js';

export { RawJson };

/** Envelopes around cached answers (package lists), built once per cached answer. */
const envelopes = new WeakMap<RawJson, Buffer>();

export function successBody(endpoint: Endpoint, obj: unknown): string | Buffer {
  const code = endpoint.successCode === null ? 'null' : `"${endpoint.successCode}"`;
  const wrap = (objJson: string) => `{"success":true,"errorCode":${code},"errorMsg":null,"errorMessage":null,"obj":${objJson}}`;
  if (!(obj instanceof RawJson)) return wrap(JSON.stringify(obj ?? {}));
  let envelope = envelopes.get(obj);
  if (!envelope) {
    envelope = Buffer.from(wrap(obj.json));
    envelopes.set(obj, envelope);
  }
  return envelope;
}

/** Both message spellings, always non-empty (field-notes §1). */
export function errorBody(code: ErrorCode, message?: string): string {
  const text = message && message.trim() !== '' ? message : errorCodes[code];
  return JSON.stringify({ success: false, errorCode: code, errorMsg: text, errorMessage: text, obj: null });
}
