import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

// Secrets at rest (docs/secrets.md): one 32-byte master key, from which three keys are
// derived (HKDF-SHA256), so no key serves two purposes:
// - an AES-256-GCM key that seals secrets (merchants' API secret keys, webhook signing secrets,
//   access codes kept for display), each with a fresh random 12-byte IV;
// - an HMAC-SHA256 key for the keyed hash access codes are looked up by;
// - a key id, 8 hex characters, written into every sealed value and hash, so a value tells
//   which key made it: rotation can resume, and a start with the wrong key is told apart from
//   a database with no secrets.
// Formats, base64url without padding:
//   sealed:  v1:<keyId>:<iv>:<ciphertext>:<tag>
//   hash:    h1:<keyId>:<hmac>
// A stored value in neither format is plain (a database from before sealing).

const SEALED = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;
const HASHED = /^h1:([0-9a-f]{8}):[A-Za-z0-9_-]{43}$/;

export const SECRET_KEY_BYTES = 32;

/** A stored value that the key in hand cannot open: sealed with another key, or altered. */
export class SecretBoxError extends Error {}

export class SecretBox {
  /** Names this key in every value it seals or hashes; safe to print. */
  readonly keyId: string;
  // KeyObjects: made once, not imported again on every call.
  private readonly sealKey: KeyObject;
  private readonly hashKey: KeyObject;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== SECRET_KEY_BYTES) throw new Error(`a secret key is ${SECRET_KEY_BYTES} bytes, not ${masterKey.length}`);
    this.sealKey = createSecretKey(derive(masterKey, 'esimkit v1 seal'));
    this.hashKey = createSecretKey(derive(masterKey, 'esimkit v1 access code hash'));
    this.keyId = derive(masterKey, 'esimkit v1 key id').subarray(0, 4).toString('hex');
  }

  /** A new random master key. */
  static generateKey(): Buffer {
    return randomBytes(SECRET_KEY_BYTES);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1:${this.keyId}:${b64(iv)}:${b64(ciphertext)}:${b64(cipher.getAuthTag())}`;
  }

  /** The plain text of a value this key sealed; SecretBoxError for any other value. */
  open(sealed: string): string {
    const parts = SEALED.exec(sealed);
    if (!parts) throw new SecretBoxError('not a sealed value');
    if (parts[1] !== this.keyId) throw new SecretBoxError(`sealed with key ${parts[1]}, not with key ${this.keyId}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(parts[2]!, 'base64url'));
      decipher.setAuthTag(Buffer.from(parts[4]!, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`a value sealed with key ${this.keyId} does not open: it was altered`);
    }
  }

  /** The keyed hash an access code is stored and looked up by (deterministic, so it can be a unique index). */
  hashAccessCode(accessCode: string): string {
    return `h1:${this.keyId}:${b64(createHmac('sha256', this.hashKey).update(accessCode, 'utf8').digest())}`;
  }
}

/** The key id a sealed value or access code hash carries; undefined for a plain value. */
export function keyIdOf(stored: string): string | undefined {
  return SEALED.exec(stored)?.[1] ?? (HASHED.test(stored) ? stored.slice(3, 11) : undefined);
}

/**
 * A master key as written in ESIMKIT_SECRET_KEY or a key file: 64 hex characters or the
 * base64 (or base64url) of 32 bytes. Undefined for anything else.
 */
export function parseSecretKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/=$/, ''), value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    return bytes.length === SECRET_KEY_BYTES ? bytes : undefined;
  }
  return undefined;
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
