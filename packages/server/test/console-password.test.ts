import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from '../src/domain/console-users/password.js';

// Console passwords: scrypt with its parameters stored beside a random salt.

describe('console password hash', () => {
  it('verifies the password it was made from, and nothing else', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash: one password, two different hashes, both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password here', a)).toBe(true);
    expect(await verifyPassword('same password here', b)).toBe(true);
  });

  it('reads the parameters from the stored hash (a hash made with other parameters still verifies)', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('older password!', salt, 32, { N: 2 ** 10, r: 8, p: 1 });
    const stored = `scrypt$10$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('older password!', stored)).toBe(true);
    expect(await verifyPassword('older password?', stored)).toBe(false);
  });

  it('never matches a malformed hash or the dummy hash', async () => {
    for (const stored of ['', 'plain', 'scrypt$15$8$1$$', 'bcrypt$1$2$3$4$5', 'scrypt$99$8$1$AAAA$AAAA', DUMMY_HASH]) {
      expect(await verifyPassword('anything at all', stored), stored).toBe(false);
    }
  });

  it('takes memory: N = 2^15, r = 8 (32 MiB per guess)', async () => {
    const started = performance.now();
    await hashPassword('timing the hash');
    // Far from instant (a fast hash would be well under a millisecond).
    expect(performance.now() - started).toBeGreaterThan(10);
  });

  it('asks for at least 10 characters', () => {
    expect(passwordProblem('short')).toBe('The password must have at least 10 characters.');
    expect(passwordProblem('ten chars!')).toBeUndefined();
  });
});
