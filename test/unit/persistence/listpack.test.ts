// The listpack encoder/decoder against Redis's exact entry encodings (vectors taken from real Redis DUMP payloads and
// listpack.c's boundaries), its integrity checks, and the ziplist reader for older RDB files.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  decodeListpack,
  decodeZiplist,
  encodeListpack,
  listpackBytes,
  listpackEntrySize,
  listpackInteger,
} from '../../../src/node/persistence/listpack.js';
import { RdbFormatError } from '../../../src/node/persistence/rdb-codec.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('encodeListpack', () => {
  it('matches the listpack inside a real Redis DUMP of HSET h a 1 b hello', () => {
    expect(hex(encodeListpack(['a', '1', 'b', 'hello']))).toBe('16000000040081610201018162028568656c6c6f06ff');
  });

  it('encodes an empty listpack as header and terminator', () => {
    expect(hex(encodeListpack([]))).toBe('0700000000' + '00ff');
  });

  it('uses the smallest integer encoding, at every boundary', () => {
    const cases: [string, string][] = [
      ['0', '0001'],
      ['127', '7f01'],
      ['128', 'c08002'],
      ['-1', 'dfff02'],
      ['4095', 'cfff02'],
      ['-4096', 'd00002'],
      ['4096', 'f1001003'],
      ['-4097', 'f1ffef03'],
      ['32767', 'f1ff7f03'],
      ['-32768', 'f1008003'],
      ['32768', 'f200800004'],
      ['8388607', 'f2ffff7f04'],
      ['-8388608', 'f200008004'],
      ['8388608', 'f30000800005'],
      ['2147483647', 'f3ffffff7f05'],
      ['-2147483648', 'f30000008005'],
      ['2147483648', 'f4000000800000000009'],
      ['9223372036854775807', 'f4ffffffffffffff7f09'],
      ['-9223372036854775808', 'f4000000000000008009'],
    ];
    for (const [element, entry] of cases) {
      const lp = encodeListpack([element]);
      expect({ element, entry: hex(lp.subarray(6, lp.length - 1)) }).toEqual({ element, entry });
      expect(decodeListpack(lp)).toEqual([element]);
    }
  });

  it('stores non-canonical integers as strings', () => {
    for (const s of ['007', '-0', '+1', ' 1', '1 ', '9223372036854775808', '-9223372036854775809', '1.0', '-']) {
      expect(listpackInteger(s)).toBeNull();
      const lp = encodeListpack([s]);
      expect(lp[6]).toBe(0x80 | s.length);
      expect(decodeListpack(lp)).toEqual([s]);
    }
    expect(listpackInteger('-9223372036854775808')).toBe(-9223372036854775808n);
  });

  it('switches string length encodings at 64 and 4096 bytes and backlen sizes at 128 and 16383', () => {
    const sizes: [number, number][] = [
      [0, 2],
      [63, 65],
      [64, 66 + 1],
      [125, 127 + 1],
      [126, 128 + 2],
      [4095, 4097 + 2],
      [4096, 4101 + 2],
      [16377, 16382 + 2],
      [16378, 16383 + 3],
    ];
    for (const [length, size] of sizes) {
      const s = 'x'.repeat(length);
      expect({ length, size: listpackEntrySize(s) }).toEqual({ length, size });
      const lp = encodeListpack([s, 'y']);
      expect(lp.length).toBe(listpackBytes([s, 'y']));
      expect(decodeListpack(lp)).toEqual([s, 'y']);
    }
  });

  it('writes the backlen most significant group first, continuation bits on the later bytes', () => {
    const lp = encodeListpack(['z'.repeat(200)]);
    // 12-bit string: 2 header bytes + 200 data = 202 = 1*128 + 74.
    expect(hex(lp.subarray(lp.length - 3, lp.length - 1))).toBe('01ca');
  });

  it('round-trips any elements', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
            fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
            fc.integer({ min: -40000, max: 40000 }).map(String),
          ),
          { maxLength: 30 },
        ),
        (elements) => {
          const lp = encodeListpack(elements);
          expect(lp.readUInt32LE(0)).toBe(lp.length);
          expect(decodeListpack(lp)).toEqual(elements);
        },
      ),
    );
  });

  it('writes 65535 as the count of a listpack with that many elements or more, and still decodes it', () => {
    const elements = Array.from({ length: 65536 }, (_, i) => String(i % 100));
    const lp = encodeListpack(elements);
    expect(lp.readUInt16LE(4)).toBe(65535);
    expect(decodeListpack(lp).length).toBe(65536);
  });
});

describe('decodeListpack integrity checks', () => {
  const good = encodeListpack(['a', '1', 'b', 'hello']);
  const corrupt = (mutate: (b: Buffer) => Buffer): void => {
    const b = mutate(Buffer.from(good));
    expect(() => decodeListpack(b)).toThrow(RdbFormatError);
  };

  it('refuses a wrong size, a wrong count, a bad backlen, a bad encoding, a missing terminator or truncation', () => {
    corrupt((b) => (b.writeUInt32LE(b.length + 1, 0), b));
    corrupt((b) => (b.writeUInt16LE(3, 4), b));
    corrupt((b) => ((b[8] = 3), b));
    corrupt((b) => ((b[6] = 0xf7), b));
    corrupt((b) => ((b[b.length - 1] = 0), b));
    corrupt((b) => {
      const t = b.subarray(0, 10);
      t.writeUInt32LE(10, 0);
      t[9] = 0xff;
      return t;
    });
    corrupt(() => Buffer.from([1, 2, 3]));
    expect(decodeListpack(good)).toEqual(['a', '1', 'b', 'hello']);
  });

  it('accepts an unknown (65535) count', () => {
    const b = Buffer.from(good);
    b.writeUInt16LE(65535, 4);
    expect(decodeListpack(b)).toEqual(['a', '1', 'b', 'hello']);
  });
});

describe('decodeZiplist', () => {
  it('reads strings, immediate and sized integers, and 5-byte prevlens', () => {
    // ["a", "1"]: zlbytes 16, zltail 13, zllen 2; entries 00 01 'a' and 03 f2; end ff.
    expect(decodeZiplist(Buffer.from('10000000' + '0d000000' + '0200' + '000161' + '03f2' + 'ff', 'hex'))).toEqual([
      'a',
      '1',
    ]);
    // [int16 -300, int8 100, int24 70000, int32, int64, 14-bit string] with a 5-byte prevlen on the second entry.
    const entries = [
      Buffer.from('00c0d4fe', 'hex'),
      Buffer.from('fe04000000fe64', 'hex'),
      Buffer.from('07f0701101', 'hex'),
      Buffer.from('05d000000080', 'hex'),
      Buffer.from('06e0ffffffffffffff7f', 'hex'),
      Buffer.concat([Buffer.from('0a4046', 'hex'), Buffer.alloc(70, 0x79)]),
    ];
    const body = Buffer.concat(entries);
    const head = Buffer.alloc(10);
    head.writeUInt32LE(10 + body.length + 1, 0);
    head.writeUInt32LE(10 + body.length - entries.at(-1)!.length, 4);
    head.writeUInt16LE(entries.length, 8);
    expect(decodeZiplist(Buffer.concat([head, body, Buffer.from([0xff])]))).toEqual([
      '-300',
      '100',
      '70000',
      '-2147483648',
      '9223372036854775807',
      'y'.repeat(70),
    ]);
  });

  it('refuses a wrong tail offset, count or prevlen', () => {
    const good = Buffer.from('10000000' + '0d000000' + '0200' + '000161' + '03f2' + 'ff', 'hex');
    for (const [at, value] of [
      [4, 12],
      [8, 3],
      [13, 2],
    ] as const) {
      const b = Buffer.from(good);
      b[at] = value;
      expect(() => decodeZiplist(b)).toThrow(RdbFormatError);
    }
  });
});
