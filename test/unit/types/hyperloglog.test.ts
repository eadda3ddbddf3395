// The HyperLogLog string format and algorithms: MurmurHash64A against a plain BigInt reference, bytes Redis 7.0.15
// produced for known inputs, sparse and dense encodings agreeing register for register, the sparse opcodes staying
// canonical, promotion, corrupt sketches, the cached cardinality and the estimator.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HyperLogLog,
  countRawRegisters,
  estimateCardinality,
  hllPatLen,
  murmurHash64A,
} from '../../../src/node/types/hyperloglog.js';

const MAX_BYTES = 3000;
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const fromBytes = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');

/** MurmurHash64A written the obvious way with BigInt, as a reference for the 32-bit-halves implementation. */
function referenceMurmur(data: Buffer, seed: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (seed ^ (BigInt(data.length) * m)) & mask;
  const blocks = data.length - (data.length % 8);
  for (let i = 0; i < blocks; i += 8) {
    let k = data.readBigUInt64LE(i);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const tail = data.length & 7;
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]!) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

function sparseOf(...elements: string[]): HyperLogLog {
  const hll = HyperLogLog.create();
  for (const e of elements) hll.add(e, MAX_BYTES);
  return hll;
}

/** The first index where two register arrays differ, or -1 (cheaper than a deep equality on 16384 entries). */
function _firstDifference(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

function registersOf(hll: HyperLogLog): number[] {
  const copy = HyperLogLog.fromString(hll.toString())!;
  expect(copy.toDense()).toBe(true);
  const out: number[] = [];
  for (let i = 0; i < HLL_REGISTERS; i++) out.push(copy.register(i));
  return out;
}

describe('hashing', () => {
  it('MurmurHash64A matches the BigInt reference for any bytes and seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.integer({ min: 0, max: 0xffffffff }), (bytes, seed) => {
        const data = Buffer.from(bytes);
        expect(murmurHash64A(data.toString('latin1'), seed)).toBe(referenceMurmur(data, BigInt(seed)));
      }),
      { numRuns: 500 },
    );
  });

  it('hllPatLen takes the index from the low 14 bits and counts the zero run above them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 30 }), (s) => {
        const h = referenceMurmur(latin1(s), 0xadc83b19n);
        let rest = (h >> 14n) | (1n << 50n);
        let count = 1;
        while ((rest & 1n) === 0n) {
          count++;
          rest >>= 1n;
        }
        const packed = hllPatLen(s);
        expect(packed >>> 6).toBe(Number(h & 0x3fffn));
        expect(packed & 63).toBe(count);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the sparse encoding', () => {
  it('starts as one XZERO covering every register, with a zero cache', () => {
    const hll = HyperLogLog.create();
    expect(latin1(hll.toString())).toEqual(Buffer.from('HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff', 'latin1'));
    expect(hll.encoding).toBe('sparse');
    expect(hll.decodeSparse()).toBe('Z:16384');
    expect(hll.cachedCardinality()).toBe(0n);
    expect(hll.count()).toBe(0n);
  });

  it('leaves the bytes Redis 7.0.15 leaves for known elements', () => {
    // Captured from real Redis: PFADD h a; PFADD h2 foo bar baz hello world (then PFCOUNT h2).
    const a = sparseOf('a');
    a.invalidateCache();
    expect(a.toString()).toBe('HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80q\xa6\x84NW');
    const five = sparseOf('foo', 'bar', 'baz', 'hello', 'world');
    expect(five.toString()).toBe('HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80J\xb5\x88N\xe6\x8cC\x14\x90GJ\x80C\x15\x80X\xe7');
    expect(five.decodeSparse()).toBe('Z:2742 v:3,1 Z:3815 v:4,1 Z:789 v:5,1 Z:1867 v:1,1 Z:790 v:1,1 Z:6376');
    expect(five.count()).toBe(5n);
  });

  it('agrees with the dense encoding register for register, and stays canonical', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: HLL_REGISTERS - 1 }), fc.integer({ min: 1, max: 32 })), {
          maxLength: 300,
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 32 })), { maxLength: 60 }),
        (scattered, clustered) => {
          const sparse = HyperLogLog.create();
          const expected = new Array<number>(HLL_REGISTERS).fill(0);
          for (const [index, count] of [...scattered, ...clustered]) {
            const changed = sparse.setRegister(index, count, 1_000_000);
            expect(changed).toBe(count > expected[index]! ? 1 : 0);
            expected[index] = Math.max(expected[index]!, count);
          }
          expect(sparse.encoding).toBe('sparse');
          expect(_firstDifference(registersOf(sparse), expected)).toBe(-1);
          // Canonical: no two adjacent VAL opcodes of equal value that would fit one opcode.
          const ops = sparse.decodeSparse().split(' ');
          for (let i = 1; i < ops.length; i++) {
            const [p, q] = [ops[i - 1]!, ops[i]!];
            if (p.startsWith('v:') && q.startsWith('v:')) {
              const [pv, pl] = p.slice(2).split(',').map(Number);
              const [qv, ql] = q.slice(2).split(',').map(Number);
              if (pv === qv) expect(pl! + ql!).toBeGreaterThan(4);
            }
          }
          const dense = HyperLogLog.fromString(sparse.toString())!;
          dense.toDense();
          expect(dense.count()).toBe(sparse.count());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('promotes to dense past hll-sparse-max-bytes or for a value above 32', () => {
    const hll = HyperLogLog.create();
    let i = 0;
    while (hll.encoding === 'sparse') {
      expect(hll.length).toBeLessThanOrEqual(200);
      hll.add(`element-${i++}`, 200);
    }
    expect(hll.length).toBe(HLL_DENSE_SIZE);
    const big = HyperLogLog.create();
    expect(big.setRegister(5, 33, MAX_BYTES)).toBe(1);
    expect(big.encoding).toBe('dense');
    expect(big.register(5)).toBe(33);
    expect(big.setRegister(5, 20, MAX_BYTES)).toBe(0);
  });

  it('reports corrupt opcodes instead of trusting them', () => {
    const header = 'HYLL\x01' + '\0'.repeat(11);
    for (const ops of ['\x7f\xfe', '\x7f\xff\x00', '', '\x7f\xfe\x83']) {
      const hll = HyperLogLog.fromString(header + ops)!;
      expect(hll).not.toBeNull();
      expect(hll.count()).toBeNull();
      expect(hll.mergeInto(new Uint8Array(HLL_REGISTERS))).toBe(false);
      expect(HyperLogLog.fromString(header + ops)!.toDense()).toBe(false);
    }
    // An update beyond the covered registers fails; one inside them works.
    const short = HyperLogLog.fromString(header + '\x7f\xfe')!;
    expect(short.setRegister(HLL_REGISTERS - 1, 3, MAX_BYTES)).toBe(-1);
    expect(short.setRegister(0, 3, MAX_BYTES)).toBe(1);
    expect(HyperLogLog.fromString(header)!.setRegister(0, 1, MAX_BYTES)).toBe(-1);
  });
});

describe('validation, cache and estimates', () => {
  it('accepts only the header, a known encoding and the exact dense size', () => {
    expect(HyperLogLog.fromString('HYLL')).toBeNull();
    expect(HyperLogLog.fromString('hyll' + '\x01' + '\0'.repeat(13))).toBeNull();
    expect(HyperLogLog.fromString('HYLL\x02' + '\0'.repeat(13))).toBeNull();
    expect(HyperLogLog.fromString('HYLL\x00' + '\0'.repeat(13))).toBeNull();
    expect(HyperLogLog.fromString('HYLL\x00' + '\0'.repeat(HLL_DENSE_SIZE - 5))?.encoding).toBe('dense');
    expect(HyperLogLog.fromString('HYLL\x01' + '\0'.repeat(11))?.encoding).toBe('sparse');
  });

  it('keeps the cardinality little endian with the top bit as the stale flag', () => {
    const hll = sparseOf('x');
    expect(hll.cachedCardinality()).toBeNull();
    hll.storeCardinality(0x0102030405n);
    expect([...latin1(hll.toString()).subarray(8, 16)]).toEqual([5, 4, 3, 2, 1, 0, 0, 0]);
    expect(hll.cachedCardinality()).toBe(0x0102030405n);
    hll.invalidateCache();
    expect(hll.cachedCardinality()).toBeNull();
    hll.storeCardinality(1n << 63n);
    expect(hll.cachedCardinality()).toBeNull();
  });

  it('estimates like Redis: 0 when empty, exact for tiny sets, LLONG_MIN when saturated', () => {
    const histogram = new Array<number>(64).fill(0);
    histogram[0] = HLL_REGISTERS;
    expect(estimateCardinality(histogram)).toBe(0n);
    histogram[0] = 0;
    histogram[51] = HLL_REGISTERS;
    expect(estimateCardinality(histogram)).toBe(1n << 63n);
    const mid: string[] = [];
    for (let i = 0; i < 1000; i++) mid.push(`e${i}`);
    expect(sparseOf(...mid).count()).toBe(1008n); // real Redis: PFADD mid e0..e999; PFCOUNT mid → 1008
    const big = HyperLogLog.create();
    for (let i = 0; i < 20000; i++) big.add(`e${i}`, MAX_BYTES);
    expect(big.encoding).toBe('dense');
    expect(big.count()).toBe(19901n); // real Redis: e0..e19999 → 19901
    const max = new Uint8Array(HLL_REGISTERS);
    expect(big.mergeInto(max)).toBe(true);
    expect(countRawRegisters(max)).toBe(19901n);
  });

  it('merges by register maximum across encodings', () => {
    const a = sparseOf('a', 'b', 'c');
    const b = sparseOf('c', 'd');
    b.toDense();
    const max = new Uint8Array(HLL_REGISTERS);
    expect(a.mergeInto(max)).toBe(true);
    expect(b.mergeInto(max)).toBe(true);
    expect(_firstDifference([...max], registersOf(sparseOf('a', 'b', 'c', 'd')))).toBe(-1);
    expect(fromBytes([...HyperLogLog.create().toBytes()])).toBe(HyperLogLog.create().toString());
  });
});
