// The hash value type on its own: listpack order, the one-way conversion rules of hashTypeSet and
// hashTypeTryConversion, scan cursors that survive concurrent changes, the random pickers' guarantees, and its RDB
// and digest codecs (payload bytes and digests checked against values taken from real Redis 7.0.15).

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import '../../../src/node/types/index.js';
import { digestHex, valueDigest } from '../../../src/node/persistence/digest.js';
import { encodeListpack } from '../../../src/node/persistence/listpack.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../../../src/node/persistence/rdb-codec.js';
import { RdbType } from '../../../src/node/persistence/rdb-types.js';
import { dumpPayload, restorePayload } from '../../../src/node/persistence/rdb.js';
import { hashAofCommands, readHash } from '../../../src/node/types/hash-codecs.js';
import { HashValue, type HashLimits } from '../../../src/node/types/hash.js';

const LIMITS: HashLimits = { maxEntries: 4, maxValue: 8 };

/** A deterministic generator of numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('HashValue basics', () => {
  it('keeps insertion order, updates in place, and re-adds at the end', () => {
    const h = new HashValue();
    expect(h.set('a', '1', LIMITS)).toBe(true);
    expect(h.set('b', '2', LIMITS)).toBe(true);
    expect(h.set('c', '3', LIMITS)).toBe(true);
    expect(h.set('a', '10', LIMITS)).toBe(false);
    expect([...h.entries()]).toEqual([
      ['a', '10'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(h.delete('a')).toBe(true);
    expect(h.delete('a')).toBe(false);
    h.set('a', 'x', LIMITS);
    expect([...h.fields()]).toEqual(['b', 'c', 'a']);
    expect(h.size).toBe(3);
    expect(h.get('b')).toBe('2');
    expect(h.get('zz')).toBeUndefined();
    expect(h.has('c')).toBe(true);
    expect(h.encoding).toBe('listpack');
  });

  it('converts after an insert that exceeds the entry limit, never on an update', () => {
    const h = new HashValue();
    for (let i = 0; i < 4; i++) h.set(`f${i}`, 'v', LIMITS);
    h.set('f0', 'w', LIMITS);
    expect(h.encoding).toBe('listpack');
    h.set('f4', 'v', LIMITS);
    expect(h.encoding).toBe('hashtable');
    h.delete('f4');
    h.delete('f3');
    expect(h.encoding).toBe('hashtable');
  });

  it('converts before inserting a field or value longer than the value limit', () => {
    const long = 'x'.repeat(9);
    const a = new HashValue();
    a.set('f', '12345678', LIMITS);
    expect(a.encoding).toBe('listpack');
    a.set('f', long, LIMITS);
    expect(a.encoding).toBe('hashtable');
    const b = new HashValue();
    b.set(long, 'v', LIMITS);
    expect(b.encoding).toBe('hashtable');
  });

  it('converts for any long argument of a command (hashTypeTryConversion)', () => {
    const h = new HashValue();
    h.convertForArguments(['HSET', 'k', 'f', 'short'], 2, LIMITS);
    expect(h.encoding).toBe('listpack');
    h.convertForArguments(['HSET', 'k', 'f', 'short', 'g', 'x'.repeat(9)], 2, LIMITS);
    expect(h.encoding).toBe('hashtable');
  });

  it('a zero entry limit means hashtable from the first field', () => {
    const h = new HashValue();
    h.set('f', 'v', { maxEntries: 0, maxValue: 64 });
    expect(h.encoding).toBe('hashtable');
  });

  it('clones deeply with the same encoding and order', () => {
    const h = HashValue.from(
      [
        ['b', '1'],
        ['a', '2'],
      ],
      false,
    );
    const copy = h.clone();
    expect(copy.encoding).toBe('hashtable');
    expect([...copy.entries()]).toEqual([...h.entries()]);
    copy.set('c', '3', LIMITS);
    expect(h.has('c')).toBe(false);
  });
});

describe('HashValue scan', () => {
  it('walks everything in steps and ends with cursor 0', () => {
    const h = HashValue.from(
      Array.from({ length: 25 }, (_, i) => [`f${i}`, `${i}`] as const),
      false,
    );
    const seen: string[] = [];
    let cursor = 0;
    let steps = 0;
    do {
      const page = h.scan(cursor, 10);
      seen.push(...page.fields);
      cursor = page.cursor;
      steps++;
    } while (cursor !== 0);
    expect(steps).toBe(3);
    expect(seen.sort()).toEqual([...h.fields()].sort());
  });

  it('returns every field present for the whole scan exactly once, whatever changes meanwhile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'del'), fc.integer({ min: 0, max: 200 })), { maxLength: 400 }),
        fc.integer({ min: 1, max: 20 }),
        (ops, count) => {
          const h = new HashValue();
          const big: HashLimits = { maxEntries: 0, maxValue: 64 };
          for (let i = 0; i < 60; i++) h.set(`s${i}`, 'v', big);
          const stable = new Set<string>();
          for (let i = 0; i < 60; i += 3) stable.add(`s${i}`);
          const seen = new Map<string, number>();
          let cursor = 0;
          let op = 0;
          do {
            const page = h.scan(cursor, count);
            for (const f of page.fields) seen.set(f, (seen.get(f) ?? 0) + 1);
            cursor = page.cursor;
            for (let k = 0; k < 5 && op < ops.length; k++, op++) {
              const [kind, n] = ops[op]!;
              const field = `s${n}`;
              if (stable.has(field)) continue;
              if (kind === 'add') h.set(field, 'w', big);
              else h.delete(field);
            }
          } while (cursor !== 0);
          for (const f of stable) expect(seen.get(f)).toBe(1);
        },
      ),
    );
  });
});

describe('HashValue random picks', () => {
  it('randomField only returns live fields, even after many deletions', () => {
    const h = new HashValue();
    for (let i = 0; i < 100; i++) h.set(`f${i}`, 'v', { maxEntries: 0, maxValue: 64 });
    for (let i = 0; i < 97; i++) h.delete(`f${i}`);
    const random = lcg(7);
    const got = new Set<string>();
    for (let i = 0; i < 200; i++) got.add(h.randomField(random));
    expect([...got].sort()).toEqual(['f97', 'f98', 'f99']);
  });

  it('randomFields repeats and has the requested length', () => {
    const h = HashValue.from([['a', '1']]);
    expect(h.randomFields(5, lcg(1))).toEqual(['a', 'a', 'a', 'a', 'a']);
  });

  it('distinctRandomFields returns distinct live fields, in listpack order for listpack hashes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 50 }),
        fc.boolean(),
        fc.integer(),
        (size, count, listpack, seed) => {
          const h = HashValue.from(
            Array.from({ length: size }, (_, i) => [`f${i}`, 'v'] as const),
            listpack,
          );
          const got = h.distinctRandomFields(count, lcg(seed));
          expect(got.length).toBe(Math.min(count, size));
          expect(new Set(got).size).toBe(got.length);
          for (const f of got) expect(h.has(f)).toBe(true);
          if (listpack) {
            const order = [...h.fields()];
            const positions = got.map((f) => order.indexOf(f));
            expect(positions).toEqual([...positions].sort((a, b) => a - b));
          }
        },
      ),
    );
  });

  it('distinctRandomFields is roughly uniform', () => {
    const h = HashValue.from(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'v'] as const));
    const random = lcg(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      for (const f of h.distinctRandomFields(3, random)) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    for (let i = 0; i < 10; i++) {
      const n = counts.get(`f${i}`) ?? 0;
      expect(n).toBeGreaterThan(1200);
      expect(n).toBeLessThan(1800);
    }
  });
});

describe('hash RDB codecs', () => {
  const payloadOf = (value: HashValue): Buffer => dumpPayload(value);
  const bodyReader = (write: (w: RdbWriter) => void): RdbReader => {
    const w = new RdbWriter();
    write(w);
    return new RdbReader(w.toBuffer());
  };

  it('writes listpack hashes as RDB_TYPE_HASH_LISTPACK and hashtable ones as RDB_TYPE_HASH, and reads both back', () => {
    const lp = HashValue.from([
      ['a', '1'],
      ['b', 'hello'],
    ]);
    const lpPayload = payloadOf(lp);
    expect(lpPayload[0]).toBe(16);
    // Real Redis 7.0.15's DUMP of HSET h a 1 b hello.
    expect(lpPayload.toString('hex')).toBe('101616000000040081610201018162028568656c6c6f06ff0a00e8c5fe99ee07955d');
    const back = restorePayload(lpPayload) as HashValue;
    expect(back.encoding).toBe('listpack');
    expect([...back.entries()]).toEqual([...lp.entries()]);

    const ht = HashValue.from(
      Array.from({ length: 600 }, (_, i) => [`f${i}`, `${i}`] as const),
      false,
    );
    const htPayload = payloadOf(ht);
    expect(htPayload[0]).toBe(4);
    const htBack = restorePayload(htPayload) as HashValue;
    expect(htBack.encoding).toBe('hashtable');
    expect(new Map(htBack.entries())).toEqual(new Map(ht.entries()));
  });

  it('chooses the encoding on load like rdbLoadObject', () => {
    const limits = { maxEntries: 2, maxValue: 3 };
    const pairs = (w: RdbWriter, entries: readonly (readonly [string, string])[]): void => {
      w.length(entries.length);
      for (const [f, v] of entries) {
        w.string(f);
        w.string(v);
      }
    };
    const small = readHash(
      bodyReader((w) => pairs(w, [['a', '1']])),
      RdbType.HASH,
      limits,
    );
    expect(small.encoding).toBe('listpack');
    const many = readHash(
      bodyReader((w) =>
        pairs(w, [
          ['a', '1'],
          ['b', '2'],
          ['c', '3'],
        ]),
      ),
      RdbType.HASH,
      limits,
    );
    expect(many.encoding).toBe('hashtable');
    const long = readHash(
      bodyReader((w) => pairs(w, [['a', 'long']])),
      RdbType.HASH,
      limits,
    );
    expect(long.encoding).toBe('hashtable');
    // A listpack blob is only checked by count: a long value stays listpack.
    const blob = (elements: string[]) => (w: RdbWriter) => w.string(encodeListpack(elements).toString('latin1'));
    expect(readHash(bodyReader(blob(['a', 'long'])), RdbType.HASH_LISTPACK, limits).encoding).toBe('listpack');
    expect(readHash(bodyReader(blob(['a', '1', 'b', '2', 'c', '3'])), RdbType.HASH_LISTPACK, limits).encoding).toBe(
      'hashtable',
    );
  });

  it('refuses empty hashes, duplicate fields and odd element counts', () => {
    const blob = (elements: string[]) => (w: RdbWriter) => w.string(encodeListpack(elements).toString('latin1'));
    expect(() => readHash(bodyReader(blob([])), RdbType.HASH_LISTPACK)).toThrow(RdbFormatError);
    expect(() => readHash(bodyReader(blob(['a', '1', 'a', '2'])), RdbType.HASH_LISTPACK)).toThrow(RdbFormatError);
    expect(() => readHash(bodyReader(blob(['a', '1', 'b'])), RdbType.HASH_LISTPACK)).toThrow(RdbFormatError);
    expect(() =>
      readHash(
        bodyReader((w) => w.length(0)),
        RdbType.HASH,
      ),
    ).toThrow(RdbFormatError);
    const dup = (w: RdbWriter): void => {
      w.length(2);
      for (const s of ['a', '1', 'a', '2']) w.string(s);
    };
    expect(() => readHash(bodyReader(dup), RdbType.HASH)).toThrow(RdbFormatError);
  });

  it('reads zipmaps, converting on count or element length', () => {
    const zipmap = Buffer.from('\x02\x03foo\x03\x00bar\x05hello\x05\x02world!!\xff', 'latin1');
    const h = readHash(
      bodyReader((w) => w.string(zipmap.toString('latin1'))),
      RdbType.HASH_ZIPMAP,
    );
    expect([...h.entries()]).toEqual([
      ['foo', 'bar'],
      ['hello', 'world'],
    ]);
    expect(h.encoding).toBe('listpack');
    const tight = readHash(
      bodyReader((w) => w.string(zipmap.toString('latin1'))),
      RdbType.HASH_ZIPMAP,
      { maxEntries: 512, maxValue: 4 },
    );
    expect(tight.encoding).toBe('hashtable');
  });

  it('digests like DEBUG DIGEST-VALUE in real Redis 7.0.15', () => {
    const small = HashValue.from([
      ['a', '1'],
      ['b', 'hello'],
    ]);
    expect(digestHex(valueDigest(small, false))).toBe('c8c107ce0a38c9173267c96fa732f89c6a52d977');
    // Order does not matter: the same pairs in another order and encoding give the same digest.
    const reordered = HashValue.from(
      [
        ['b', 'hello'],
        ['a', '1'],
      ],
      false,
    );
    expect(digestHex(valueDigest(reordered, false))).toBe('c8c107ce0a38c9173267c96fa732f89c6a52d977');
    const mixed = HashValue.from(
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '-300'],
        ['d', '100000'],
        ['e', '9223372036854775807'],
        ['f', 'y'.repeat(100)],
      ],
      false,
    );
    expect(digestHex(valueDigest(mixed, false))).toBe('79f1bdb67541b3950eda53380aa1ce589068cc7d');
  });
});

describe('hash AOF rewrite', () => {
  it('rebuilds a hash with HMSET commands of at most 64 pairs', () => {
    const h = HashValue.from(Array.from({ length: 130 }, (_, i) => [`f${i}`, `${i}`] as const));
    const commands = hashAofCommands('k', h);
    expect(commands.map((c) => c.length)).toEqual([130, 130, 6]);
    expect(commands[0]!.slice(0, 4)).toEqual(['HMSET', 'k', 'f0', '0']);
    expect(commands[2]).toEqual(['HMSET', 'k', 'f128', '128', 'f129', '129']);
    expect(hashAofCommands('k', HashValue.from([['a', '1']]))).toEqual([['HMSET', 'k', 'a', '1']]);
  });
});
