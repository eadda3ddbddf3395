// RDB building blocks checked against bytes produced by real Redis 7.0.15: CRC64, LZF, string encodings, whole
// files and DUMP payloads.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import vectors from './fixtures/dump-vectors.json' with { type: 'json' };
import { crc64 } from '../../../src/node/persistence/crc64.js';
import { lzfCompress, lzfDecompress } from '../../../src/node/persistence/lzf.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../../../src/node/persistence/rdb-codec.js';
import {
  decodeRdb,
  dumpPayload,
  encodeRdb,
  rdbValueLength,
  restorePayload,
  verifyDumpPayload,
} from '../../../src/node/persistence/rdb.js';
import { registerRdbType } from '../../../src/node/persistence/rdb-types.js';
import { Database, type DatabaseHooks } from '../../../src/node/database.js';
import type { CollectionValue, Value } from '../../../src/node/values.js';

/** dump.rdb written by real Redis 7.0.15: db 0 {big, long, neg, n, ex (with expiry), hello}, db 2 {k2}. */
const REAL_DUMP_RDB = Buffer.from(
  '524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65c239ae096bfa0875' +
    '7365642d6d656dc220d90f00fa08616f662d62617365c000fe00fb060100036269670c31323334353637383930313200046c6f6e67c309' +
    '38016161e02b0001616100036e6567c0fb00016ec13930fc00d8c32cbb030000000265780176000568656c6c6f05776f726c64fe02fb01' +
    '0000026b32027632ff3953775c11d8130e',
  'hex',
);

function hooks(now = () => 1_700_000_000_000): DatabaseHooks {
  return { now, modified: () => {}, expired: () => {}, mayDeleteExpired: () => true };
}

function load(data: Buffer, databases = 16): Map<string, { value: Value; expiresAt: number }> {
  const out = new Map<string, { value: Value; expiresAt: number }>();
  decodeRdb(data, (db, key, value, expiresAt) => out.set(`${db}:${key}`, { value, expiresAt }), {
    databases,
    verifyChecksum: true,
  });
  return out;
}

describe('crc64', () => {
  it('matches the check value of Redis crc64.c', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca');
  });

  it('matches the trailer of an RDB file written by real Redis', () => {
    const body = REAL_DUMP_RDB.subarray(0, REAL_DUMP_RDB.length - 8);
    expect(crc64(body)).toBe(REAL_DUMP_RDB.readBigUInt64LE(REAL_DUMP_RDB.length - 8));
  });

  it('is 0 for empty input', () => {
    expect(crc64(Buffer.alloc(0))).toBe(0n);
  });
});

describe('DUMP payloads of strings', () => {
  for (const [i, v] of vectors.entries()) {
    const value = Buffer.from(v.hex, 'hex').toString('latin1').repeat(v.repeat);
    it(`equals real Redis's DUMP for vector ${i} (${value.length} bytes)`, () => {
      expect(dumpPayload(value).toString('hex')).toBe(v.dump);
      expect(restorePayload(Buffer.from(v.dump, 'hex'))).toBe(value);
    });
  }

  it('rejects a payload with a wrong checksum or a newer RDB version', () => {
    const good = dumpPayload('hello');
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 1]! ^= 1;
    expect(verifyDumpPayload(badCrc)).toBe(false);
    expect(verifyDumpPayload(badCrc, false)).toBe(true);
    expect(() => restorePayload(badCrc)).toThrow(RdbFormatError);
    const newer = Buffer.from(good);
    newer[newer.length - 10] = 11;
    expect(verifyDumpPayload(newer, false)).toBe(false);
    expect(verifyDumpPayload(Buffer.from('short'))).toBe(false);
  });
});

describe('lzf', () => {
  it('round-trips arbitrary data whenever it compresses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 21, maxLength: 3000 }), fc.nat(5), (bytes, repeat) => {
        const input = Buffer.concat(Array.from({ length: repeat + 1 }, () => Buffer.from(bytes)));
        const packed = lzfCompress(input, input.length - 4);
        if (packed === null) return;
        expect(packed.length).toBeLessThanOrEqual(input.length - 4);
        expect(lzfDecompress(packed, input.length)?.equals(input)).toBe(true);
      }),
    );
  });

  it('refuses corrupt input', () => {
    expect(lzfDecompress(Buffer.from([0x05, 0x61]), 6)).toBeNull();
    expect(lzfDecompress(Buffer.from([0x20, 0x00]), 4)).toBeNull();
  });
});

describe('string encodings', () => {
  it('uses integer encodings only for canonical 32-bit integers', () => {
    const cases: [string, string][] = [
      ['0', 'c000'],
      ['-128', 'c080'],
      ['127', 'c07f'],
      ['128', 'c18000'],
      ['-32768', 'c10080'],
      ['2147483647', 'c2ffffff7f'],
      ['-2147483648', 'c200000080'],
      ['2147483648', '0a32313437343833363438'],
      ['007', '03303037'],
      ['-0', '022d30'],
      ['+1', '022b31'],
    ];
    for (const [s, hex] of cases) {
      const w = new RdbWriter();
      w.string(s);
      expect(w.toBuffer().toString('hex'), s).toBe(hex);
      expect(new RdbReader(w.toBuffer()).string()).toBe(s);
    }
  });

  it('encodes lengths in 6, 14, 32 and 64 bits', () => {
    for (const n of [0, 63, 64, 16383, 16384, 2 ** 32 - 1, 2 ** 32, 2 ** 40]) {
      const w = new RdbWriter();
      w.length(n);
      const r = new RdbReader(w.toBuffer());
      expect(r.length()).toBe(n);
      expect(r.done).toBe(true);
    }
  });

  it('round-trips any binary string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const s = Buffer.from(bytes).toString('latin1');
        const w = new RdbWriter();
        w.string(s);
        expect(new RdbReader(w.toBuffer()).string()).toBe(s);
      }),
    );
  });
});

describe('RDB files', () => {
  it('loads an RDB written by real Redis', () => {
    const data = load(REAL_DUMP_RDB);
    expect([...data.keys()].sort()).toEqual(['0:big', '0:ex', '0:hello', '0:long', '0:n', '0:neg', '2:k2']);
    expect(data.get('0:hello')).toEqual({ value: 'world', expiresAt: 0 });
    expect(data.get('0:long')?.value).toBe('a'.repeat(56));
    expect(data.get('0:n')?.value).toBe('12345');
    expect(data.get('0:neg')?.value).toBe('-5');
    expect(data.get('0:big')?.value).toBe('123456789012');
    expect(data.get('0:ex')).toEqual({ value: 'v', expiresAt: 4102444800000 });
    expect(data.get('2:k2')?.value).toBe('v2');
  });

  it('fails on a corrupted checksum, a truncated file, a bad signature and too many databases', () => {
    const bad = Buffer.from(REAL_DUMP_RDB);
    bad[bad.length - 1]! ^= 0xff;
    expect(() => load(bad)).toThrow(/Wrong RDB checksum/);
    expect(() => load(REAL_DUMP_RDB.subarray(0, 60))).toThrow(/Unexpected EOF/);
    expect(() => load(Buffer.from('RUBBISH00'))).toThrow(/Wrong signature/);
    expect(() => load(REAL_DUMP_RDB, 2)).toThrow(/more than 2 databases/);
  });

  it('round-trips several databases with expiries and binary keys', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            db: fc.integer({ min: 0, max: 3 }),
            key: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
            value: fc.oneof(
              fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
              fc.integer().map(String),
              fc.string({ minLength: 21, maxLength: 300 }).map((s) => s.repeat(3)),
            ),
            expiresAt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 45 })),
          }),
          { maxLength: 30 },
        ),
        (items) => {
          const dbs = Array.from(
            { length: 4 },
            (_, i) =>
              new Database(
                i,
                hooks(() => 0),
              ),
          );
          const expected = new Map<string, { value: Value; expiresAt: number }>();
          for (const { db, key, value, expiresAt } of items) {
            dbs[db]!.set(key, value);
            dbs[db]!.setExpiry(key, expiresAt);
            expected.set(`${db}:${key}`, { value, expiresAt });
          }
          const file = encodeRdb(dbs, { now: 0, usedMemory: 1000, aofBase: false, compress: true, checksum: true });
          expect(load(file, 4)).toEqual(expected);
        },
      ),
    );
  });

  it('writes the header and AUX fields Redis writes, and a zero checksum when rdbchecksum is off', () => {
    const db = new Database(0, hooks());
    db.set('hello', 'world');
    const file = encodeRdb([db], {
      now: 1_800_000_000_123,
      usedMemory: 123456,
      aofBase: true,
      compress: true,
      checksum: false,
    });
    expect(file.subarray(0, 9).toString()).toBe('REDIS0010');
    const aux = new Map<string, string>();
    decodeRdb(file, () => {}, { databases: 1, verifyChecksum: true, onAux: (k, v) => aux.set(k, v) });
    expect(Object.fromEntries(aux)).toEqual({
      'redis-ver': '7.0.15',
      'redis-bits': '64',
      ctime: '1800000000',
      'used-mem': '123456',
      'aof-base': '1',
    });
    expect(file.subarray(file.length - 8).equals(Buffer.alloc(8))).toBe(true);
  });

  it('writes the same key section bytes as real Redis for the same dataset', () => {
    const db0 = new Database(0, hooks());
    for (const [k, v] of [
      ['big', '123456789012'],
      ['long', 'a'.repeat(56)],
      ['neg', '-5'],
      ['n', '12345'],
      ['ex', 'v'],
      ['hello', 'world'],
    ] as const) {
      db0.set(k, v);
    }
    db0.setExpiry('ex', 4102444800000);
    const db2 = new Database(2, hooks());
    db2.set('k2', 'v2');
    const file = encodeRdb([db0, new Database(1, hooks()), db2], {
      now: 0,
      usedMemory: 0,
      aofBase: false,
      compress: true,
      checksum: true,
    });
    const section = (f: Buffer) => f.subarray(f.indexOf(Buffer.from([0xfe, 0x00, 0xfb])), f.length - 8);
    expect(section(file).toString('hex')).toBe(section(REAL_DUMP_RDB).toString('hex'));
  });

  it('reports the serialized length DEBUG OBJECT shows', () => {
    expect(rdbValueLength('world')).toBe(6);
    expect(rdbValueLength('12345')).toBe(3);
    expect(rdbValueLength('123456789012')).toBe(13);
    expect(rdbValueLength('a'.repeat(56))).toBe(12);
  });
});

describe('type registry', () => {
  it('fails clearly on an RDB value type nobody registered, and on unknown type bytes', () => {
    const w = new RdbWriter();
    w.latin1('REDIS0010');
    w.byte(0xfe);
    w.byte(0);
    w.byte(18); // quicklist 2: a list
    w.string('key');
    w.byte(0xff);
    w.bytes(Buffer.alloc(8));
    expect(() => load(w.toBuffer())).toThrow(/RDB value type 18 \(list_quicklist_2\) is not supported/);
    const unknown = Buffer.from(w.toBuffer());
    unknown[11] = 42;
    expect(() => load(unknown)).toThrow(/Unknown RDB type or opcode 42/);
  });

  it('lets another type plug in a codec', () => {
    class Box implements CollectionValue {
      readonly type = 'set' as const;
      readonly encoding = 'hashtable';
      constructor(readonly items: string[]) {}
      clone(): CollectionValue {
        return new Box([...this.items]);
      }
    }
    registerRdbType('set', {
      loads: [2],
      typeOf: () => 2,
      write: (w, v) => {
        const items = (v as Box).items;
        w.length(items.length);
        for (const item of items) w.string(item);
      },
      read: (r) => {
        const n = r.length();
        return new Box(Array.from({ length: n }, () => r.string()));
      },
    });
    const restored = restorePayload(dumpPayload(new Box(['a', '1', 'zz']))) as Box;
    expect(restored.items).toEqual(['a', '1', 'zz']);
  });
});
