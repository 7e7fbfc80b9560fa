import { randomBytes, randomFillSync, randomInt } from 'node:crypto';

// Random bytes for identifiers come from a pool filled POOL_BYTES at a time: each eSIM takes
// three (matching ID, public token, PIN and PUK), and a call into the CSPRNG per identifier
// cost more than the rest of making them. The bytes are the CSPRNG's all the same, each
// handed out once (node's randomUUID pools its bytes in the same way).
const POOL_BYTES = 8192;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let taken = POOL_BYTES;

/** Lower-case hex of n random bytes. */
export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES / 8) return randomBytes(bytes).toString('hex');
  if (taken + bytes > POOL_BYTES) {
    randomFillSync(pool);
    taken = 0;
  }
  const hex = pool.toString('hex', taken, taken + bytes);
  taken += bytes;
  return hex;
}

const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A human-friendly code without look-alike characters (no 0/O, 1/I). */
export function randomCode(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}
