import { describe, expect, it } from 'vitest';
import { storedIccid } from '../src/domain/usage/record-input.js';
import { readIccid } from '../src/es2plus/wire.js';

// ES2+ (answers, notifications) and usage records read ICCIDs from outside; both must agree
// with es2plus-notes: 18-20 digits, and only a 19-digit ICCID may carry one trailing F.
const cases: [string, string | undefined][] = [
  ['898600000000000001', '898600000000000001'],
  ['8986000000000000012', '8986000000000000012'],
  ['89860000000000000123', '89860000000000000123'],
  ['8986000000000000012F', '8986000000000000012'],
  ['8986000000000000012f', '8986000000000000012'],
  ['898600000000000001F', undefined],
  ['89860000000000000123F', undefined],
  ['8986000000000000012FF', undefined],
  ['89860000000000001', undefined],
  ['8986000000000000012X', undefined],
  ['', undefined],
];

describe('one ICCID reader', () => {
  it.each(cases)('%s -> %s, for ES2+ and for usage records alike', (text, stored) => {
    expect(readIccid(text)).toBe(stored);
    expect(storedIccid(text)).toBe(stored);
  });

  it('reads only strings', () => {
    expect(readIccid(8986000000000000012)).toBeUndefined();
    expect(storedIccid(null)).toBeUndefined();
  });
});
