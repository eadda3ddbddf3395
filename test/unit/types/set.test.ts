import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RedisSet } from '../../../src/node/types/set.js';
import { decodeIntset } from '../../../src/node/persistence/intset.js';
import { Prng } from '../../../src/sim/prng.js';
import { readSet } from '../../../src/node/types/set-codecs.js';
import { dumpPayload, restorePayload } from '../../../src/node/persistence/rdb.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../../../src/node/persistence/rdb-codec.js';
import { RdbType } from '../../../src/node/persistence/rdb-types.js';
import { datasetDigest, digestHex, valueDigest } from '../../../src/node/persistence/digest.js';
import { Database, type DatabaseHooks } from '../../../src/node/database.js';
import { rewriteDatasetAsCommands } from '../../../src/node/persistence/aof.js';

const MAX = 512;

function setOf(...members: string[]): RedisSet {
  const s = RedisSet.createFor(members[0]!);
  for (const m of members) s.add(m, MAX);
  return s;
}

const memberArb = fc.oneof(
  fc.integer({ min: -50, max: 50 }).map(String),
  fc.constantFrom(
    'a',
    'b',
    '',
    '-0',
    '007',
    '+1',
    ' 1',
    '9223372036854775807',
    '-9223372036854775808',
    '9223372036854775808',
  ),
);

describe('RedisSet encodings', () => {
  it('starts as an intset only for a canonical int64 (setTypeCreate with string2ll)', () => {
    for (const m of ['0', '1', '-1', '9223372036854775807', '-9223372036854775808']) {
      expect(RedisSet.createFor(m).encoding).toBe('intset');
    }
    for (const m of ['a', '', '-0', '007', '+1', ' 1', '1 ', '1.0', '9223372036854775808', '0x10']) {
      expect(RedisSet.createFor(m).encoding).toBe('hashtable');
    }
  });

  it('becomes a hashtable for good on a non-integer member', () => {
    const s = setOf('3', '1', '2');
    expect(s.encoding).toBe('intset');
    expect(s.add('x', MAX)).toBe(true);
    expect(s.encoding).toBe('hashtable');
    // The integers move over in ascending order, then the new member follows.
    expect(s.toArray()).toEqual(['1', '2', '3', 'x']);
    s.remove('x');
    expect(s.encoding).toBe('hashtable');
    expect(s.has('2')).toBe(true);
  });

  it('becomes a hashtable once it holds more than set-max-intset-entries integers', () => {
    const s = RedisSet.emptyIntset();
    for (let i = 0; i < 4; i++) s.add(String(i), 4);
    expect(s.encoding).toBe('intset');
    expect(s.add('3', 4)).toBe(false);
    expect(s.encoding).toBe('intset');
    s.add('4', 4);
    expect(s.encoding).toBe('hashtable');
    expect(s.size).toBe(5);
    // A limit of 0 converts on the very first member.
    const z = RedisSet.emptyIntset();
    z.add('1', 0);
    expect(z.encoding).toBe('hashtable');
  });

  it('keeps an intset sorted ascending by value, not by text', () => {
    const s = setOf('10', '-3', '2', '9223372036854775807', '-9223372036854775808', '0');
    expect(s.toArray()).toEqual(['-9223372036854775808', '-3', '0', '2', '10', '9223372036854775807']);
    expect([...s.members()]).toEqual(s.toArray());
  });

  it('answers membership only for canonical spellings in an intset', () => {
    const s = setOf('1', '7');
    expect(s.has('7')).toBe(true);
    expect(s.has('07')).toBe(false);
    expect(s.has('+7')).toBe(false);
    expect(s.remove('07')).toBe(false);
    expect(s.remove('7')).toBe(true);
    expect(s.has('7')).toBe(false);
  });

  it('grows the intset width and never narrows it (intsetUpgradeAndAdd)', () => {
    const s = setOf('1');
    expect(s.intsetWidth).toBe(2);
    s.add('100000', MAX);
    expect(s.intsetWidth).toBe(4);
    s.remove('100000');
    expect(s.intsetWidth).toBe(4);
    expect(s.intsetBlob().toString('hex')).toBe('040000000100000001000000');
    s.add('-9223372036854775808', MAX);
    expect(s.intsetWidth).toBe(8);
    expect([...decodeIntset(s.intsetBlob()).values]).toEqual([-(2n ** 63n), 1n]);
  });

  it('converts an oversized intset read from RDB (rdbLoadObject)', () => {
    const values = BigInt64Array.from([1n, 2n, 3n]);
    expect(RedisSet.fromIntset(values, 2, 3).encoding).toBe('intset');
    expect(RedisSet.fromIntset(values.slice(), 2, 2).encoding).toBe('hashtable');
  });

  it('clones deeply, keeping encoding and width', () => {
    const s = setOf('1', '70000');
    s.remove('70000');
    const copy = s.clone();
    expect(copy.encoding).toBe('intset');
    expect(copy.intsetWidth).toBe(4);
    copy.add('5', MAX);
    expect(s.has('5')).toBe(false);
    const h = setOf('a', 'b');
    const hc = h.clone();
    hc.remove('a');
    expect(h.toArray()).toEqual(['a', 'b']);
    expect(hc.toArray()).toEqual(['b']);
    expect(hc.encoding).toBe('hashtable');
  });

  it('behaves as a mathematical set under any sequence of adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), memberArb), { maxLength: 200 }),
        fc.integer({ min: 0, max: 8 }),
        (ops, max) => {
          const s = RedisSet.emptyIntset();
          const model = new Set<string>();
          let everHashtable = false;
          for (const [add, m] of ops) {
            if (add) expect(s.add(m, max)).toBe(!model.has(m));
            else expect(s.remove(m)).toBe(model.has(m));
            if (add) model.add(m);
            else model.delete(m);
            expect(s.size).toBe(model.size);
            if (s.encoding === 'hashtable') everHashtable = true;
            else expect(everHashtable).toBe(false);
          }
          expect([...s.toArray()].sort()).toEqual([...model].sort());
          for (const m of model) expect(s.has(m)).toBe(true);
          if (s.encoding === 'intset') {
            const ints = s.toArray().map(BigInt);
            expect(ints).toEqual([...ints].sort((a, b) => (a < b ? -1 : 1)));
            expect(s.size).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });
});

describe('RedisSet random members', () => {
  it('returns only members, reaching every one, deterministically for a seed', () => {
    for (const s of [setOf('1', '2', '3', '4'), setOf('a', 'b', 'c', 'd')]) {
      const draw = (seed: number) => {
        const rng = new Prng(seed);
        return Array.from({ length: 200 }, () => s.randomMember(() => rng.nextFloat()));
      };
      const picks = draw(7);
      expect(new Set(picks)).toEqual(new Set(s.toArray()));
      expect(draw(7)).toEqual(picks);
    }
  });

  it('skips removed members in a hashtable with many removals', () => {
    const s = RedisSet.emptyHashtable();
    for (let i = 0; i < 100; i++) s.add(`m${i}`, MAX);
    for (let i = 0; i < 99; i++) s.remove(`m${i}`);
    const rng = new Prng(3);
    for (let i = 0; i < 20; i++) expect(s.randomMember(() => rng.nextFloat())).toBe('m99');
  });
});

describe('RedisSet scan', () => {
  it('answers an intset whole with cursor 0, whatever the cursor', () => {
    const s = setOf('3', '1', '2');
    expect(s.scan(0, 1)).toEqual({ cursor: 0, members: ['1', '2', '3'] });
    expect(s.scan(12345, 1)).toEqual({ cursor: 0, members: ['1', '2', '3'] });
  });

  it('returns every member present for a whole hashtable scan, despite concurrent changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 90 })), { maxLength: 80 }),
        (initial, count, changes) => {
          const s = RedisSet.emptyHashtable();
          for (let i = 0; i < initial; i++) s.add(`m${i}`, MAX);
          const stable = new Set(s.toArray());
          const seen = new Set<string>();
          let cursor = 0;
          let step = 0;
          do {
            const page = s.scan(cursor, count);
            expect(page.members.length).toBeLessThanOrEqual(count);
            for (const m of page.members) seen.add(m);
            cursor = page.cursor;
            // Between steps, other members come and go.
            for (const [add, n] of changes.slice(step * 3, step * 3 + 3)) {
              if (add) s.add(`m${n}`, MAX);
              else {
                s.remove(`m${n}`);
                stable.delete(`m${n}`);
              }
            }
            step++;
          } while (cursor !== 0);
          for (const m of stable) expect(seen.has(m)).toBe(true);
        },
      ),
    );
  });
});

describe('set codecs (RDB, DUMP, DEBUG DIGEST)', () => {
  // DUMP payloads and digests printed by real Redis 7.0.15 for:
  //   SADD a 1 2 3 / SADD b 1 100000 -5 / SADD c 1 9223372036854775807 -9223372036854775808 /
  //   SADD d 1 100000 + SREM d 100000 / SADD e x y 1
  const REAL_DUMPS = {
    a: '0b0e02000000030000000100020003000a00a5025ce26d6e4d1b',
    b: '0b140400000003000000fbffffff01000000a08601000a007620b061c03ddef4',
    c: '0bc316200408000000032003a000018001a00800ff600001ff7f0a00c895268b19c8d67b',
    d: '0b0c0400000001000000010000000a00ca59bf87762d2635',
    e: '02030179c00101780a0095e49c16a9d6af60',
  } as const;

  const hooks: DatabaseHooks = { now: () => 0, modified: () => {}, expired: () => {}, mayDeleteExpired: () => true };

  it('reads real Redis DUMP payloads of both encodings', () => {
    const read = (k: keyof typeof REAL_DUMPS) => restorePayload(Buffer.from(REAL_DUMPS[k], 'hex')) as RedisSet;
    expect(read('a').encoding).toBe('intset');
    expect(read('a').toArray()).toEqual(['1', '2', '3']);
    expect(read('b').toArray()).toEqual(['-5', '1', '100000']);
    expect(read('c').toArray()).toEqual(['-9223372036854775808', '1', '9223372036854775807']);
    expect(read('d').intsetWidth).toBe(4);
    expect(read('e').encoding).toBe('hashtable');
    expect([...read('e').toArray()].sort()).toEqual(['1', 'x', 'y']);
  });

  it('writes intset payloads byte for byte like real Redis (LZF and sticky width included)', () => {
    const a = setOf('1', '2', '3');
    const b = setOf('1', '100000', '-5');
    const c = setOf('1', '9223372036854775807', '-9223372036854775808');
    const d = setOf('1', '100000');
    d.remove('100000');
    expect(dumpPayload(a).toString('hex')).toBe(REAL_DUMPS.a);
    expect(dumpPayload(b).toString('hex')).toBe(REAL_DUMPS.b);
    expect(dumpPayload(c).toString('hex')).toBe(REAL_DUMPS.c);
    expect(dumpPayload(d).toString('hex')).toBe(REAL_DUMPS.d);
  });

  it('round-trips hashtable sets through RDB_TYPE_SET, keeping the encoding', () => {
    const h = setOf('x', 'y', '1', '', 'z'.repeat(100));
    const back = restorePayload(dumpPayload(h)) as RedisSet;
    expect(back.encoding).toBe('hashtable');
    expect(back.toArray()).toEqual(h.toArray());
    expect(dumpPayload(h)[0]).toBe(RdbType.SET);
    expect(dumpPayload(setOf('1'))[0]).toBe(RdbType.SET_INTSET);
  });

  it('loads RDB_TYPE_SET as an intset when small and all-integer, as a hashtable when over the limit', () => {
    const body = (members: string[]) => {
      const w = new RdbWriter();
      w.length(members.length);
      for (const m of members) w.string(m);
      return new RdbReader(w.toBuffer());
    };
    expect(readSet(body(['3', '1', '2']), RdbType.SET).encoding).toBe('intset');
    expect(readSet(body(['3', '1', 'x']), RdbType.SET).encoding).toBe('hashtable');
    expect(readSet(body(['3', '1', '2']), RdbType.SET, 2).encoding).toBe('hashtable');
    expect(() => readSet(body(['1', '1']), RdbType.SET)).toThrow(/Duplicate/);
    expect(() => readSet(body(['a', 'a']), RdbType.SET)).toThrow(/Duplicate/);
    expect(() => readSet(body([]), RdbType.SET)).toThrow(RdbFormatError);
    const big = Array.from({ length: 600 }, (_, i) => String(i));
    expect(readSet(body(big), RdbType.SET).encoding).toBe('hashtable');
  });

  it('refuses a Redis 7.2 listpack set (type 20) and corrupt intsets with RdbFormatError', () => {
    const payload = (hexBody: string) => {
      const w = new RdbWriter();
      w.bytes(Buffer.from(hexBody, 'hex'));
      w.byte(10);
      w.byte(0);
      w.bytes(Buffer.alloc(8));
      return w.toBuffer();
    };
    // restorePayload checks the CRC first; skip it to reach the type byte.
    expect(() => restorePayload(payload('14' + '0b0b000000010081ff'), false)).toThrow(RdbFormatError);
    expect(() => restorePayload(payload('14' + '0b0b000000010081ff'), false)).toThrow(/Unknown RDB value type 20/);
    expect(() => restorePayload(payload('0b' + '0c' + '020000000200000002000100'), false)).toThrow(/Intset/);
  });

  it('digests like real Redis DEBUG DIGEST-VALUE and DEBUG DIGEST, whatever the order', () => {
    expect(digestHex(valueDigest(setOf('1', '2', '3'), false))).toBe('2a462a3f51a1db89738ebbeef0c47ce1bbc85246');
    expect(digestHex(valueDigest(setOf('x', 'y', '1'), false))).toBe('03ee76a1ebe8db27d61b3ea784011d5acc537675');
    expect(digestHex(valueDigest(setOf('1', 'y', 'x'), false))).toBe('03ee76a1ebe8db27d61b3ea784011d5acc537675');
    const c = setOf('1', '9223372036854775807', '-9223372036854775808');
    expect(digestHex(valueDigest(c, false))).toBe('a3826c3c2bfd543824393b162ceab56f9a0e4ce3');
    const db = new Database(0, hooks);
    db.set('a', setOf('1', '2', '3'));
    db.set('e', setOf('x', 'y', '1'));
    db.set('c', c);
    db.setExpiry('a', 4102444800000);
    expect(digestHex(datasetDigest([db]))).toBe('3c713a9aef9a37c708d1bf170232042ccee495bb');
  });
});

describe('set AOF rewrite', () => {
  it('writes SADD commands of at most 64 members in iteration order (rewriteSetObject)', () => {
    const hooks: DatabaseHooks = { now: () => 0, modified: () => {}, expired: () => {}, mayDeleteExpired: () => true };
    const db = new Database(0, hooks);
    const big = RedisSet.emptyIntset();
    for (let i = 130; i > 0; i--) big.add(String(i), MAX);
    db.set('s', big);
    db.set('h', setOf('x', 'y'));
    const text = rewriteDatasetAsCommands([db]).toString('latin1');
    const saddHeaders = text.match(/\*\d+\r\n\$4\r\nSADD\r\n\$1\r\ns\r\n/g);
    expect(saddHeaders).toEqual([
      '*66\r\n$4\r\nSADD\r\n$1\r\ns\r\n',
      '*66\r\n$4\r\nSADD\r\n$1\r\ns\r\n',
      '*4\r\n$4\r\nSADD\r\n$1\r\ns\r\n',
    ]);
    expect(text).toContain('*66\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(text).toContain('*4\r\n$4\r\nSADD\r\n$1\r\nh\r\n$1\r\nx\r\n$1\r\ny\r\n');
  });
});
