import { createHash, randomBytes } from 'node:crypto';

// An operator token is `esk_op_` and 32 random bytes in base64url (256 bits): the prefix
// lets secret scanners and people tell it apart from a merchant's credentials. The database
// keeps its SHA-256 only, so a copy of the database opens nothing; a token of 256 random bits
// needs no salt or slow hash.

export const TOKEN_PREFIX = 'esk_op_';
const TOKEN_SHAPE = /^esk_op_[A-Za-z0-9_-]{43}$/;

export function newOperatorToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether a string could be a token at all (anything else is refused before the database is asked). */
export function looksLikeOperatorToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export function operatorTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
