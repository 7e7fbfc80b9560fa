import { errorCodes, type Endpoint, type ErrorCode } from '@esimkit/contract';

import { RawJson } from '../lib/raw-json.js';

export { RawJson };

export function successBody(endpoint: Endpoint, obj: unknown): string | Buffer {
  const code = endpoint.successCode === null ? 'null' : `"${endpoint.successCode}"`;
  const wrap = (objJson: string) => `{"success":true,"errorCode":${code},"errorMsg":null,"errorMessage":null,"obj":${objJson}}`;
  if (!(obj instanceof RawJson)) return wrap(JSON.stringify(obj ?? {}));
  // A cached answer (package lists) carries its envelope, built once.
  return obj.enveloped(code, wrap);
}

/** Both message spellings, always non-empty (field-notes §1). */
export function errorBody(code: ErrorCode, message?: string): string {
  const text = message && message.trim() !== '' ? message : errorCodes[code];
  return JSON.stringify({ success: false, errorCode: code, errorMsg: text, errorMessage: text, obj: null });
}
