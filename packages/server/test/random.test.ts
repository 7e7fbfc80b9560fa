import { describe, expect, it } from 'vitest';
import { randomHex } from '../src/lib/random.js';

// Identifiers' random bytes come from a pool refilled from the CSPRNG (lib/random.ts): each
// byte must be handed out once, across refills.
describe('randomHex', () => {
  it('gives n bytes as lower-case hex, never the same twice across many refills of its pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const hex = randomHex(16);
      expect(hex).toMatch(/^[0-9a-f]{32}$/);
      seen.add(hex);
    }
    expect(seen.size).toBe(20_000);
  });

  it('uses every byte value, in draws of odd sizes too', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 5_000; i++) for (const byte of Buffer.from(randomHex(7), 'hex')) counts[byte]!++;
    // 35,000 bytes: about 137 of each value; a pool handing out the same bytes, or zeros, would not spread so.
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(240);
  });

  it('gives a draw larger than its pool share straight from the CSPRNG', () => {
    const hex = randomHex(4096);
    expect(hex).toMatch(/^[0-9a-f]{8192}$/);
    expect(randomHex(4096)).not.toBe(hex);
  });
});
