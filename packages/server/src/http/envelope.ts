import { errorCodes, type Endpoint, type ErrorCode } from '@esimkit/contract';

import { RawJson } from '../lib/raw-json.js';

export { RawJson };

export function successBody(endpoint: Endpoint, obj: unknown): string {
  const code = endpoint.successCode === null ? 'null' : `"${endpoint.successCode}"`;
  const objJson = obj instanceof RawJson ? obj.json : JSON.stringify(obj ?? {});
  return `{"success":true,"errorCode":${code},"errorMsg":null,"errorMessage":null,"obj":${objJson}}`;
}

/** Both message spellings, always non-empty (field-notes §1). */
export function errorBody(code: ErrorCode, message?: string): string {
  const text = message && message.trim() !== '' ? message : errorCodes[code];
  return JSON.stringify({ success: false, errorCode: code, errorMsg: text, errorMessage: text, obj: null });
}
