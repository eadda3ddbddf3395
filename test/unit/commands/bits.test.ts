// The bits family on one simulated node: SETBIT/GETBIT, BITCOUNT and BITPOS ranges (BYTE and BIT), BITOP,
// BITFIELD overflow policies and error order, with dirty counting and propagation.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NodeHarness } from '../../helpers/node-harness.js';
import type { CollectionValue } from '../../../src/node/values.js';
import { fitSigned, fitUnsigned } from '../../../src/node/strings/bitfield.js';
import { firstBit, readSigned, readUnsigned, writeBits } from '../../../src/node/strings/bitmap.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const BAD_OFFSET = { error: 'ERR bit offset is not an integer or out of range' };
const BAD_TYPE = {
  error: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
};

function harness(directives: readonly (readonly [string, readonly string[]])[] = []): {
  h: NodeHarness;
  fed: string[][];
} {
  const h = new NodeHarness({ directives });
  const fed: string[][] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  const list: CollectionValue = { type: 'list', encoding: 'quicklist', clone: () => list };
  h.node.databases[0]!.set('l', list);
  return { h, fed };
}

describe('SETBIT and GETBIT', () => {
  it('sets bits most significant first, growing the string with zero bytes', () => {
    const { h } = harness();
    expect(h.run('SETBIT', 'k', '1', '1')).toBe(0);
    expect(h.run('GET', 'k')).toBe('\x40');
    expect(h.run('SETBIT', 'k', '1', '1')).toBe(1);
    expect(h.run('SETBIT', 'k', '17', '1')).toBe(0);
    expect(h.run('GET', 'k')).toBe('\x40\x00\x40');
    expect(h.run('SETBIT', 'k', '1', '0')).toBe(1);
    expect(h.run('GETBIT', 'k', '17')).toBe(1);
    expect(h.run('GETBIT', 'k', '16')).toBe(0);
    expect(h.run('GETBIT', 'k', '1000')).toBe(0);
    expect(h.run('GETBIT', 'none', '3')).toBe(0);
  });

  it('counts dirty only when the string grows or the bit changes', () => {
    const { h, fed } = harness();
    h.run('SETBIT', 'k', '3', '0');
    h.run('SETBIT', 'k', '3', '0');
    h.run('SETBIT', 'k', '3', '1');
    h.run('SETBIT', 'k', '3', '1');
    expect(fed).toEqual([
      ['SETBIT', 'k', '3', '0'],
      ['SETBIT', 'k', '3', '1'],
    ]);
  });

  it('keeps the TTL', () => {
    const { h } = harness();
    h.run('SET', 'k', 'a', 'EX', '100');
    h.run('SETBIT', 'k', '100', '1');
    expect(h.node.databases[0]!.expiryOf('k')).toBeGreaterThan(0);
  });

  it('checks the offset, then the value, then the type', () => {
    const { h } = harness([['proto-max-bulk-len', ['1mb']]]);
    expect(h.run('SETBIT', 'l', 'x', '5')).toEqual(BAD_OFFSET);
    expect(h.run('SETBIT', 'l', '-1', '1')).toEqual(BAD_OFFSET);
    expect(h.run('SETBIT', 'l', '#1', '1')).toEqual(BAD_OFFSET);
    expect(h.run('SETBIT', 'l', String(8 * 1024 * 1024), '1')).toEqual(BAD_OFFSET);
    expect(h.run('SETBIT', 'l', '1', '2')).toEqual({ error: 'ERR bit is not an integer or out of range' });
    expect(h.run('SETBIT', 'l', '1', '4294967297')).toEqual({ error: 'ERR bit is not an integer or out of range' });
    expect(h.run('SETBIT', 'l', '1', '1')).toEqual(WRONGTYPE);
    expect(h.run('GETBIT', 'l', 'x')).toEqual(BAD_OFFSET);
    expect(h.run('GETBIT', 'l', '1')).toEqual(WRONGTYPE);
    expect(h.run('SETBIT', 'k', String(8 * 1024 * 1024 - 1), '1')).toBe(0);
    expect(h.run('STRLEN', 'k')).toBe(1024 * 1024);
  });
});

describe('BITCOUNT', () => {
  it('counts in byte and bit ranges', () => {
    const { h } = harness();
    h.run('SET', 'k', 'foobar');
    expect(h.run('BITCOUNT', 'k')).toBe(26);
    expect(h.run('BITCOUNT', 'k', '0', '0')).toBe(4);
    expect(h.run('BITCOUNT', 'k', '1', '1', 'BYTE')).toBe(6);
    expect(h.run('BITCOUNT', 'k', '5', '30', 'BIT')).toBe(17);
    expect(h.run('BITCOUNT', 'k', '-3', '-1', 'bit')).toBe(1);
    expect(h.run('BITCOUNT', 'k', '3', '1')).toBe(0);
    expect(h.run('BITCOUNT', 'k', '-100', '100')).toBe(26);
  });

  it('looks the key up before parsing the range, and checks the reversed negative range before the unit', () => {
    const { h } = harness();
    h.run('SET', 'k', 'foobar');
    expect(h.run('BITCOUNT', 'none', 'x')).toBe(0);
    expect(h.run('BITCOUNT', 'l', 'x')).toEqual(WRONGTYPE);
    expect(h.run('BITCOUNT', 'k', '0')).toEqual(SYNTAX);
    expect(h.run('BITCOUNT', 'k', 'x', '1')).toEqual(NOT_INT);
    expect(h.run('BITCOUNT', 'k', '0', '1', 'FOO')).toEqual(SYNTAX);
    expect(h.run('BITCOUNT', 'k', '-1', '-3', 'FOO')).toBe(0);
    expect(h.run('BITCOUNT', 'k', '0', '1', 'BIT', 'x')).toEqual(SYNTAX);
  });
});

describe('BITPOS', () => {
  it('finds set and clear bits with Redis’s end-of-string rules', () => {
    const { h } = harness();
    h.run('SET', 'k', '\xff\xf0\x00');
    expect(h.run('BITPOS', 'k', '0')).toBe(12);
    expect(h.run('BITPOS', 'k', '1', '2')).toBe(-1);
    expect(h.run('BITPOS', 'k', '0', '0', '0')).toBe(-1);
    expect(h.run('BITPOS', 'k', '1', '7', '15', 'BIT')).toBe(7);
    expect(h.run('BITPOS', 'k', '0', '3', '7', 'BIT')).toBe(-1);
    expect(h.run('BITPOS', 'k', '0', '10', '2', 'BIT')).toBe(-1);
    h.run('SET', 'f', '\xff\xff');
    expect(h.run('BITPOS', 'f', '0')).toBe(16);
    expect(h.run('BITPOS', 'f', '0', '1')).toBe(16);
    expect(h.run('BITPOS', 'f', '0', '1', '-1')).toBe(-1);
    h.run('SET', 'e', '');
    expect(h.run('BITPOS', 'e', '0')).toBe(-1);
    expect(h.run('BITPOS', 'none', '0')).toBe(0);
    expect(h.run('BITPOS', 'none', '1')).toBe(-1);
  });

  it('checks the bit, then the key, then the range (unit before end)', () => {
    const { h } = harness();
    h.run('SET', 'k', 'x');
    expect(h.run('BITPOS', 'l', '2')).toEqual({ error: 'ERR The bit argument must be 1 or 0.' });
    expect(h.run('BITPOS', 'l', 'x')).toEqual(NOT_INT);
    expect(h.run('BITPOS', 'none', '1', 'x')).toBe(-1);
    expect(h.run('BITPOS', 'l', '1', 'x')).toEqual(WRONGTYPE);
    expect(h.run('BITPOS', 'k', '1', '0', 'x', 'FOO')).toEqual(SYNTAX);
    expect(h.run('BITPOS', 'k', '1', '0', 'x', 'BIT')).toEqual(NOT_INT);
    expect(h.run('BITPOS', 'k', '1', '0', '1', 'BIT', 'x')).toEqual(SYNTAX);
  });

  it('agrees with a bit-by-bit search on random data', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 12 }),
        fc.constantFrom<0 | 1>(0, 1),
        fc.integer({ min: 0, max: 95 }),
        fc.integer({ min: 0, max: 95 }),
        (bytes, bit, s, e) => {
          const { h } = harness();
          const value = Buffer.from(bytes).toString('latin1');
          h.run('SET', 'k', value);
          const total = bytes.length * 8;
          const start = Math.min(s, total);
          const end = Math.min(e, total - 1);
          let want = -1;
          for (let i = start; i <= end; i++) {
            if (((bytes[i >> 3]! >> (7 - (i & 7))) & 1) === bit) {
              want = i;
              break;
            }
          }
          expect(h.run('BITPOS', 'k', String(bit), String(s), String(e), 'BIT')).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('BITOP', () => {
  it('combines strings, padding shorter ones with zeros', () => {
    const { h } = harness();
    h.run('MSET', 'a', '\xf0\x0f', 'b', '\xff');
    expect(h.run('BITOP', 'AND', 'd', 'a', 'b')).toBe(2);
    expect(h.run('GET', 'd')).toBe('\xf0\x00');
    expect(h.run('BITOP', 'or', 'd', 'a', 'b', 'none')).toBe(2);
    expect(h.run('GET', 'd')).toBe('\xff\x0f');
    expect(h.run('BITOP', 'XOR', 'd', 'a', 'b')).toBe(2);
    expect(h.run('GET', 'd')).toBe('\x0f\x0f');
    expect(h.run('BITOP', 'NOT', 'd', 'a')).toBe(2);
    expect(h.run('GET', 'd')).toBe('\x0f\xf0');
  });

  it('deletes the destination for an empty result and clears its TTL otherwise', () => {
    const { h, fed } = harness();
    h.run('SET', 'd', 'x', 'EX', '100');
    h.run('SET', 'a', 'y');
    h.run('BITOP', 'AND', 'd', 'a');
    expect(h.node.databases[0]!.expiryOf('d')).toBe(0);
    fed.length = 0;
    expect(h.run('BITOP', 'AND', 'd', 'none')).toBe(0);
    expect(h.run('GET', 'd')).toBe(null);
    expect(h.run('BITOP', 'AND', 'd', 'none')).toBe(0);
    expect(fed).toEqual([['BITOP', 'AND', 'd', 'none']]);
  });

  it('reports errors in Redis order', () => {
    const { h } = harness();
    expect(h.run('BITOP', 'NAND', 'd', 'l')).toEqual(SYNTAX);
    expect(h.run('BITOP', 'NOT', 'd', 'a', 'b')).toEqual({
      error: 'ERR BITOP NOT must be called with a single source key.',
    });
    expect(h.run('BITOP', 'AND', 'd', 'a', 'l')).toEqual(WRONGTYPE);
  });
});

describe('BITFIELD', () => {
  it('gets, sets and increments signed and unsigned fields', () => {
    const { h } = harness();
    expect(h.run('BITFIELD', 'k', 'SET', 'u8', '0', '255', 'GET', 'u8', '0', 'GET', 'i8', '0')).toEqual([0, 255, -1]);
    expect(h.run('BITFIELD', 'k', 'INCRBY', 'u8', '0', '1')).toEqual([0]);
    expect(h.run('BITFIELD', 'k', 'SET', 'i5', '#1', '-3', 'GET', 'i5', '5')).toEqual([0, -3]);
    expect(h.run('BITFIELD', 'k', 'SET', 'i64', '16', '-9223372036854775808', 'GET', 'i64', '16')).toEqual([
      0,
      -9223372036854775808n,
    ]);
    expect(h.run('BITFIELD', 'none', 'GET', 'u8', '0')).toEqual([0]);
    expect(h.node.databases[0]!.has('none')).toBe(false);
    expect(h.run('BITFIELD', 'k')).toEqual([]);
  });

  it('applies WRAP, SAT and FAIL', () => {
    const { h } = harness();
    h.run('BITFIELD', 'k', 'SET', 'u8', '0', '250');
    expect(h.run('BITFIELD', 'k', 'INCRBY', 'u8', '0', '10')).toEqual([4]);
    expect(h.run('BITFIELD', 'k', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '-10', 'INCRBY', 'u8', '0', '300')).toEqual([
      0, 255,
    ]);
    expect(h.run('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1', 'GET', 'u8', '0')).toEqual([null, 255]);
    expect(h.run('BITFIELD', 'k', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-5')).toEqual([255]);
    expect(h.run('BITFIELD', 'k', 'OVERFLOW', 'WRAP', 'SET', 'i4', '0', '9', 'GET', 'i4', '0')).toEqual([-1, -7]);
    expect(
      h.run('BITFIELD', 'k', 'OVERFLOW', 'SAT', 'SET', 'i8', '0', '-9223372036854775808', 'GET', 'i8', '0'),
    ).toEqual([-97, 127]);
  });

  it('creates the key even when every write fails, without counting a change', () => {
    const { h, fed } = harness();
    expect(h.run('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '10')).toEqual([null]);
    expect(h.run('GET', 'k')).toBe('\x00'.repeat(13));
    expect(fed).toEqual([]);
    h.run('BITFIELD', 'k', 'SET', 'u2', '100', '1');
    expect(fed).toEqual([['BITFIELD', 'k', 'SET', 'u2', '100', '1']]);
  });

  it('parses every operation before touching the key', () => {
    const { h } = harness();
    expect(h.run('BITFIELD', 'l', 'GET', 'u8', '0', 'FOO')).toEqual(SYNTAX);
    expect(h.run('BITFIELD', 'l', 'GET', 'u8')).toEqual(SYNTAX);
    expect(h.run('BITFIELD', 'l', 'GET', 'u64', '0')).toEqual(BAD_TYPE);
    expect(h.run('BITFIELD', 'l', 'GET', 'I8', '0')).toEqual(BAD_TYPE);
    expect(h.run('BITFIELD', 'l', 'GET', 'i65', '0')).toEqual(BAD_TYPE);
    expect(h.run('BITFIELD', 'l', 'GET', 'u8', '#-1')).toEqual(BAD_OFFSET);
    expect(h.run('BITFIELD', 'l', 'SET', 'u8', '0', 'x')).toEqual(NOT_INT);
    expect(h.run('BITFIELD', 'l', 'OVERFLOW', 'NOPE')).toEqual({ error: 'ERR Invalid OVERFLOW type specified' });
    expect(h.run('BITFIELD', 'l', 'GET', 'u8', '0')).toEqual(WRONGTYPE);
    expect(h.run('BITFIELD', 'l', 'SET', 'u8', '0', '1')).toEqual(WRONGTYPE);
    expect(h.run('BITFIELD', 'k', 'GET', 'i64', '#288230376151711744')).toEqual([0]);
  });

  it('BITFIELD_RO allows only GET', () => {
    const { h } = harness();
    h.run('SET', 'k', '\x81');
    expect(h.run('BITFIELD_RO', 'k', 'GET', 'u1', '0', 'GET', 'u1', '1', 'GET', 'i8', '0')).toEqual([1, 0, -127]);
    expect(h.run('BITFIELD_RO', 'k', 'SET', 'u8', '0', '1')).toEqual({
      error: 'ERR BITFIELD_RO only supports the GET subcommand',
    });
    expect(h.run('BITFIELD_RO', 'k', 'SET', 'u8', 'x', '1')).toEqual(BAD_OFFSET);
  });
});

describe('bitfield arithmetic helpers', () => {
  it('round-trips fields through a buffer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 40 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        (bits, offset, value) => {
          const buf = new Uint8Array(16).fill(0xa5);
          writeBits(buf, offset, bits, value);
          expect(readUnsigned(buf, offset, bits)).toBe(BigInt.asUintN(bits, value));
          expect(readSigned(buf, offset, bits)).toBe(BigInt.asIntN(bits, value));
        },
      ),
    );
  });

  it('wraps like two’s complement arithmetic of the field width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 63 }),
        fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
        fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
        (bits, a, incr) => {
          const uv = BigInt.asUintN(bits, a);
          const u = fitUnsigned(uv, incr, bits, 'wrap');
          const usum = uv + incr;
          expect(u.overflow).toBe(usum < 0n || usum >= 2n ** BigInt(bits));
          if (u.overflow) expect(u.limit).toBe(BigInt.asUintN(bits, usum));
          const sv = BigInt.asIntN(bits, a);
          const s = fitSigned(sv, incr, bits, 'sat');
          const ssum = sv + incr;
          const max = 2n ** BigInt(bits - 1) - 1n;
          expect(s.overflow).toBe(ssum > max || ssum < -max - 1n);
          if (s.overflow) expect(s.limit).toBe(ssum > max ? max : -max - 1n);
        },
      ),
    );
  });

  it('searches bits like redisBitpos', () => {
    expect(firstBit('\x00\x00', 0, 2, 1)).toBe(-1);
    expect(firstBit('\xff\xff', 0, 2, 0)).toBe(16);
    expect(firstBit('\xff\x7f', 0, 2, 0)).toBe(8);
    expect(firstBit('\x00\x01', 1, 1, 1)).toBe(7);
  });
});
