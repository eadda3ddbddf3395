// RDB files keep expiry times past 2^53 ms exact: EXPIRETIME_MS is written from, and read back to, the 64-bit value.
import { describe, expect, it } from 'vitest';
import { RdbOpcode } from '../../../src/node/persistence/rdb-codec.js';
import { decodeRdb, encodeRdb } from '../../../src/node/persistence/rdb.js';
import { Database, type DatabaseHooks } from '../../../src/node/database.js';
import { NodeHarness } from '../../helpers/node-harness.js';

const HOOKS: DatabaseHooks = {
  now: () => 1_700_000_000_000,
  modified: () => {},
  expired: () => {},
  mayDeleteExpired: () => true,
};

/** The 8 little-endian bytes of a 64-bit time. */
function int64LE(t: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(t);
  return b;
}

describe('huge expiries in RDB files', () => {
  it('writes and reads EXPIRETIME_MS exactly, and small times as plain numbers', () => {
    const exact = 9223372036854773900n;
    const db = new Database(0, HOOKS);
    db.set('huge', 'v');
    db.setExpiry('huge', exact);
    db.set('small', 'w');
    db.setExpiry('small', 1_800_000_000_000);
    const file = encodeRdb([db], { now: 0, usedMemory: 0, aofBase: false, compress: false, checksum: true });
    expect(file.includes(Buffer.concat([Buffer.from([RdbOpcode.EXPIRETIME_MS]), int64LE(exact)]))).toBe(true);

    const loaded = new Map<string, [number, bigint | undefined]>();
    decodeRdb(file, (_db, key, _value, at, exactAt) => loaded.set(key, [at, exactAt]), {
      databases: 16,
      verifyChecksum: true,
    });
    expect(loaded.get('huge')).toEqual([Number(exact), exact]);
    expect(loaded.get('small')).toEqual([1_800_000_000_000, undefined]);
  });
});

describe('Database.setExpiry', () => {
  it('keeps a bigint exact only when a double would round it', () => {
    const db = new Database(0, HOOKS);
    db.set('k', 'v');
    db.setExpiry('k', 2n ** 53n - 1n);
    expect(db.lookup('k')?.expiresAtExact).toBeUndefined();
    expect(db.lookup('k')?.expiry).toBe(2 ** 53 - 1);
    db.setExpiry('k', 2n ** 53n + 1n);
    expect(db.lookup('k')?.expiry).toBe(2n ** 53n + 1n);
    db.setExpiry('k', 1_800_000_000_000);
    expect(db.lookup('k')?.expiry).toBe(1_800_000_000_000);
    db.setExpiry('k', 2n ** 53n + 1n);
    db.set('k', 'w');
    expect(db.lookup('k')?.expiry).toBe(0);
  });
});

describe('huge expiries survive a restart', () => {
  it('keeps the exact 64-bit expiry through SAVE and DEBUG RELOAD', () => {
    const h = new NodeHarness({ directives: [['enable-debug-command', ['yes']]] });
    h.run('SET', 'k', 'v', 'PXAT', '9007199254740993');
    expect(h.run('DEBUG', 'RELOAD')).toBe('OK');
    expect(h.run('PEXPIRETIME', 'k')).toBe(9007199254740993n);
  });
});
