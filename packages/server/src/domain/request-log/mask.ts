// What the request log keeps of a body: its first 4 KB, with secrets masked. The API's own
// bodies hold few secrets (signing secrets in the webhook secret answers, activation codes,
// PIN and PUK); headers (access code, signature) are never kept at all. This runs on every
// request, so it works on the text: a regular expression over at most 4 KB, no JSON parse of
// a 300 KB package list.

export const MAX_LOGGED_BYTES = 4096;
const SECRET_FIELD = /"(secret|secretKey|signingSecret|webhookSecret|previousSecret|password|token|signature|accessCode|ac|pin|puk)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const SECRET_VALUE = /"whsec_(?:[^"\\]|\\.)*"/g;
export const MASK = '••••';

/** A body as the log keeps it. */
export function loggedBody(body: string | Buffer): string {
  // Most bodies are short strings: at most 3 UTF-8 bytes a UTF-16 unit, so one this short
  // is kept whole, without encoding it to count its bytes.
  if (typeof body === 'string' && body.length <= MAX_LOGGED_BYTES / 3) return masked(body);
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = masked(bytes.subarray(0, MAX_LOGGED_BYTES).toString('utf8'));
  return bytes.length > MAX_LOGGED_BYTES ? `${head}… (${bytes.length} bytes in all)` : head;
}

function masked(text: string): string {
  // A raw NUL byte is written as \u0000: PostgreSQL text cannot hold one.
  return text.replace(/\u0000/g, '\\u0000').replace(SECRET_FIELD, `"$1"$2"${MASK}"`).replace(SECRET_VALUE, `"${MASK}"`);
}
