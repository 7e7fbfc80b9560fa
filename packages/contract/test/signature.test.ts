import { describe, expect, it } from 'vitest';
import { computeSignature, dollarsToUnits, formatUnits, formatWireTime, parseWireTime } from '../src/index.js';

describe('request signature', () => {
  it('reproduces the vendor test vector', () => {
    const signature = computeSignature('1111', {
      timestamp: '1628670421',
      requestId: '4ce9d9cdac9e4e17b3a2c66c358c1ce2',
      accessCode: '11111',
      body: '{"imsi":"326543826"}',
    });
    expect(signature).toBe('7eb765e27df5373dea2dbc8c41a7d9557743e46c8054750f3d851b3fd01d0835');
    expect(signature.toUpperCase()).toBe('7EB765E27DF5373DEA2DBC8C41A7D9557743E46C8054750F3D851B3FD01D0835');
  });

  it('signs the exact bytes: a changed body changes the signature', () => {
    const base = { timestamp: '1628670421', requestId: 'x', accessCode: 'a' };
    expect(computeSignature('k', { ...base, body: '{"a":1}' })).not.toBe(computeSignature('k', { ...base, body: '{"a": 1}' }));
  });
});

describe('money', () => {
  it('converts dollars to integer units exactly', () => {
    expect(dollarsToUnits('$7.60')).toBe(76000);
    expect(dollarsToUnits('0.1')).toBe(1000);
    expect(dollarsToUnits('$1234.5678')).toBe(12345678);
    expect(() => dollarsToUnits('7.123456')).toThrow();
    expect(() => dollarsToUnits('abc')).toThrow();
  });

  it('formats units as dollars', () => {
    expect(formatUnits(76000)).toBe('$7.60');
    expect(formatUnits(10_000_000)).toBe('$1000.00');
    expect(formatUnits(12345)).toBe('$1.2345');
    expect(formatUnits(-5000)).toBe('-$0.50');
  });
});

describe('wire time', () => {
  it('formats UTC without a colon in the offset', () => {
    expect(formatWireTime(new Date('2023-03-03T06:20:00.123Z'))).toBe('2023-03-03T06:20:00+0000');
  });

  it('parses the forms clients send', () => {
    expect(parseWireTime('2010-06-30T01:20+00:00')?.toISOString()).toBe('2010-06-30T01:20:00.000Z');
    expect(parseWireTime('2010-06-30T01:20:05+0000')?.toISOString()).toBe('2010-06-30T01:20:05.000Z');
    expect(parseWireTime('2010-06-30T03:20:05+02:00')?.toISOString()).toBe('2010-06-30T01:20:05.000Z');
    expect(parseWireTime('2010-06-30T01:20:05Z')?.toISOString()).toBe('2010-06-30T01:20:05.000Z');
    expect(parseWireTime('yesterday')).toBeNull();
    expect(parseWireTime('2010-13-45T01:20')).toBeNull();
  });
});
