import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeIntset, encodeIntset, intsetWidthFor, type IntsetWidth } from '../../../src/node/persistence/intset.js';
import { RdbFormatError } from '../../../src/node/persistence/rdb-codec.js';

const INT64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

function blob(values: bigint[], width?: IntsetWidth): Buffer {
  const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const w = width ?? sorted.reduce<IntsetWidth>((m, v) => Math.max(m, intsetWidthFor(v)) as IntsetWidth, 2);
  return encodeIntset(BigInt64Array.from(sorted), sorted.length, w);
}

describe('intset widths', () => {
  it('picks the narrowest width holding a value (_intsetValueEncoding)', () => {
    expect(intsetWidthFor(0n)).toBe(2);
    expect(intsetWidthFor(32767n)).toBe(2);
    expect(intsetWidthFor(-32768n)).toBe(2);
    expect(intsetWidthFor(32768n)).toBe(4);
    expect(intsetWidthFor(-32769n)).toBe(4);
    expect(intsetWidthFor(2147483647n)).toBe(4);
    expect(intsetWidthFor(-2147483648n)).toBe(4);
    expect(intsetWidthFor(2147483648n)).toBe(8);
    expect(intsetWidthFor(-(2n ** 63n))).toBe(8);
  });
});

describe('intset blobs', () => {
  it('match the bytes real Redis 7.0.15 writes', () => {
    // From DUMP of `SADD a 1 2 3`, `SADD b 1 100000 -5` and `SADD d 1 100000; SREM d 100000` on real Redis.
    expect(blob([1n, 2n, 3n]).toString('hex')).toBe('020000000300000001000200' + '0300');
    expect(blob([1n, 100000n, -5n]).toString('hex')).toBe('0400000003000000fbffffff01000000a0860100');
    // Removing never narrows: the width stays what the set grew to.
    expect(blob([1n], 4).toString('hex')).toBe('040000000100000001000000');
  });

  it('round-trip any distinct int64 values at any width that holds them', () => {
    fc.assert(
      fc.property(fc.array(INT64, { minLength: 1, maxLength: 40 }), fc.constantFrom<IntsetWidth>(2, 4, 8), (vs, w) => {
        const sorted = [...new Set(vs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const needed = sorted.reduce<IntsetWidth>((m, v) => Math.max(m, intsetWidthFor(v)) as IntsetWidth, 2);
        const width = Math.max(needed, w) as IntsetWidth;
        const decoded = decodeIntset(encodeIntset(BigInt64Array.from(sorted), sorted.length, width));
        expect(decoded.width).toBe(width);
        expect([...decoded.values]).toEqual(sorted);
      }),
    );
  });

  it('encode only the first `count` elements of a larger buffer', () => {
    const buf = new BigInt64Array([5n, 6n, 7n, 0n, 0n]);
    expect([...decodeIntset(encodeIntset(buf, 3, 2)).values]).toEqual([5n, 6n, 7n]);
  });

  it('decode from an unaligned view inside a larger buffer', () => {
    const inner = blob([-3n, 40000n, 2n ** 40n]);
    const outer = Buffer.concat([Buffer.from([9]), inner, Buffer.from([9])]);
    expect([...decodeIntset(outer.subarray(1, 1 + inner.length)).values]).toEqual([-3n, 40000n, 2n ** 40n]);
  });

  it('are refused when corrupt, as intsetValidateIntegrity with deep checks refuses them', () => {
    const bad = (hex: string) => () => decodeIntset(Buffer.from(hex, 'hex'));
    expect(bad('0200000001')).toThrow(RdbFormatError); // shorter than the header
    expect(bad('03000000010000000100')).toThrow(/unknown encoding 3/);
    expect(bad('0200000002000000' + '0100')).toThrow(/size/); // count says 2, one element present
    expect(bad('0200000000000000')).toThrow(/empty/);
    expect(bad('0200000002000000' + '0200' + '0100')).toThrow(/order/);
    expect(bad('0200000002000000' + '0100' + '0100')).toThrow(/duplicated/);
  });
});
