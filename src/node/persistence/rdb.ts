// Whole RDB files (rdbSaveRio / rdbLoadRio) and DUMP payloads (createDumpPayload / verifyDumpPayload) in Redis 7.0's
// format, so real redis-server loads what redis-sim writes and the other way round. Values go through the type
// codec registry (rdb-types.ts).

import type { Database } from '../database.js';
import type { Value } from '../values.js';
import { REDIS_VERSION } from '../version.js';
import { crc64EqualsLE, crc64Init, crc64Update, crc64Value, crc64WriteLE } from './crc64.js';
import { RDB_VERSION, RdbFormatError, RdbOpcode, RdbReader, RdbWriter } from './rdb-codec.js';
import { isRdbObjectType, readRdbValue, writeRdbType, writeRdbValue } from './rdb-types.js';

/** How an RDB file is written. */
export interface RdbSaveOptions {
  /** The time in ms, for the `ctime` AUX field. */
  now: number;
  /** What the `used-mem` AUX field reports. */
  usedMemory: number;
  /** Whether this RDB is the base of a multi-part AOF (the `aof-base` AUX field). */
  aofBase: boolean;
  /** LZF-compress long strings (`rdbcompression`). */
  compress: boolean;
  /** Write the CRC64 trailer; zero when false (`rdbchecksum`). */
  checksum: boolean;
}

/**
 * Receives each key an RDB file holds; `expiresAt` is an absolute ms time or 0, and `exactExpiresAt` the exact time
 * when `expiresAt` is rounded (beyond 2^53 ms).
 */
export type RdbKeySink = (
  dbId: number,
  key: string,
  value: Value,
  expiresAt: number,
  exactExpiresAt: bigint | undefined,
) => void;

/** How an RDB file is read. */
export interface RdbLoadOptions {
  /** The number of databases; a SELECTDB beyond it fails, as in Redis. */
  databases: number;
  /** Check the CRC64 trailer (`rdbchecksum`, unless DEBUG SET-SKIP-CHECKSUM-VALIDATION). */
  verifyChecksum: boolean;
  /** Receives the AUX fields. */
  onAux?: (name: string, value: string) => void;
}

/** What reading an RDB file found. */
export interface RdbLoadResult {
  version: number;
  /** The offset just past the file (after the checksum): where an old-style AOF tail would start. */
  end: number;
}

/** The `REDIS` magic every RDB file starts with. */
export const RDB_MAGIC = 'REDIS';

/** Serialises every database into an RDB file (rdbSaveRio). */
export function encodeRdb(databases: readonly Database[], options: RdbSaveOptions): Buffer {
  const w = new RdbWriter(options.compress, 4096);
  w.latin1(`${RDB_MAGIC}${String(RDB_VERSION).padStart(4, '0')}`);
  _aux(w, 'redis-ver', REDIS_VERSION);
  _aux(w, 'redis-bits', '64');
  _aux(w, 'ctime', String(Math.floor(options.now / 1000)));
  _aux(w, 'used-mem', String(options.usedMemory));
  _aux(w, 'aof-base', options.aofBase ? '1' : '0');
  for (const db of databases) {
    if (db.size === 0) continue;
    w.byte(RdbOpcode.SELECTDB);
    w.length(db.id);
    w.byte(RdbOpcode.RESIZEDB);
    w.length(db.size);
    w.length(db.volatileCount);
    for (const [key, entry] of db.rawEntries()) {
      if (entry.expiresAt !== 0) {
        w.byte(RdbOpcode.EXPIRETIME_MS);
        if (entry.expiresAtExact === undefined) w.millis(entry.expiresAt);
        else w.bytes(_int64LE(entry.expiresAtExact));
      }
      writeRdbType(w, entry.value);
      w.string(key);
      writeRdbValue(w, entry.value);
    }
  }
  w.byte(RdbOpcode.EOF);
  const trailer = Buffer.alloc(8);
  if (options.checksum) {
    const state = crc64Init();
    crc64Update(state, w.view());
    crc64WriteLE(state, trailer, 0);
  }
  w.bytes(trailer);
  // The writer is done with: its bytes are handed over without another copy of the whole file.
  return w.view();
}

/** Reads an RDB file starting at `start`, handing every key to `onKey` (rdbLoadRio). Throws RdbFormatError. */
export function decodeRdb(data: Buffer, onKey: RdbKeySink, options: RdbLoadOptions, start = 0): RdbLoadResult {
  const r = new RdbReader(data, start);
  const header = r.bytes(9).toString('latin1');
  if (!header.startsWith(RDB_MAGIC))
    throw new RdbFormatError('signature', 'Wrong signature trying to load DB from file');
  const version = /^[0-9]{4}$/.test(header.slice(5)) ? Number(header.slice(5)) : 0;
  if (version < 1 || version > RDB_VERSION) {
    throw new RdbFormatError('version', `Can't handle RDB format version ${header.slice(5)}`);
  }
  let dbId = 0;
  let expiresAt = -1;
  let exactExpiresAt: bigint | undefined;
  for (;;) {
    const type = r.byte();
    if (type === RdbOpcode.EXPIRETIME) {
      expiresAt = r.seconds() * 1000;
      exactExpiresAt = undefined;
      continue;
    }
    if (type === RdbOpcode.EXPIRETIME_MS) {
      const exact = r.bytes(8).readBigInt64LE(0);
      expiresAt = Number(exact);
      exactExpiresAt = Number.isSafeInteger(expiresAt) ? undefined : exact;
      continue;
    }
    if (type === RdbOpcode.FREQ) {
      r.byte();
      continue;
    }
    if (type === RdbOpcode.IDLE) {
      r.length();
      continue;
    }
    if (type === RdbOpcode.EOF) break;
    if (type === RdbOpcode.SELECTDB) {
      dbId = r.length();
      if (dbId >= options.databases) {
        throw new RdbFormatError(
          'unsupported',
          `Data file was created with a Redis server configured to handle more than ${options.databases} databases`,
        );
      }
      continue;
    }
    if (type === RdbOpcode.RESIZEDB) {
      r.length();
      r.length();
      continue;
    }
    if (type === RdbOpcode.AUX) {
      const name = r.string();
      const value = r.string();
      options.onAux?.(name, value);
      continue;
    }
    if (type === RdbOpcode.MODULE_AUX) {
      throw new RdbFormatError('unsupported', 'The RDB file contains AUX module data, which redis-sim cannot load');
    }
    if (type === RdbOpcode.FUNCTION || type === RdbOpcode.FUNCTION2) {
      throw new RdbFormatError('unsupported', 'The RDB file contains function libraries, which redis-sim cannot load');
    }
    if (!isRdbObjectType(type)) throw new RdbFormatError('unknown-type', `Unknown RDB type or opcode ${type}`);
    const key = r.string();
    const value = readRdbValue(r, type);
    onKey(dbId, key, value, expiresAt === -1 ? 0 : expiresAt, exactExpiresAt);
    expiresAt = -1;
    exactExpiresAt = undefined;
  }
  if (version >= 5) {
    const covered = r.pos;
    r.bytes(8);
    const stored = data.subarray(covered, covered + 8);
    if (options.verifyChecksum && !stored.equals(_ZERO_CHECKSUM)) {
      const state = crc64Init();
      crc64Update(state, data, start, covered);
      if (!crc64EqualsLE(state, data, covered)) {
        throw new RdbFormatError(
          'checksum',
          `Wrong RDB checksum expected: (${crc64Value(state).toString(16)}) but got (${stored.readBigUInt64LE(0).toString(16)})`,
        );
      }
    }
  }
  return { version, end: r.pos };
}

/** Serialises one value as a DUMP payload: type byte, value, RDB version (2 bytes LE), CRC64 (8 bytes LE). */
export function dumpPayload(value: Value, compress = true): Buffer {
  const w = new RdbWriter(compress);
  writeRdbType(w, value);
  writeRdbValue(w, value);
  w.byte(RDB_VERSION & 0xff);
  w.byte((RDB_VERSION >> 8) & 0xff);
  const state = crc64Init();
  crc64Update(state, w.view());
  const trailer = Buffer.alloc(8);
  crc64WriteLE(state, trailer, 0);
  w.bytes(trailer);
  return w.toBuffer();
}

/** Whether a DUMP payload's footer is acceptable: an RDB version we read and, unless skipped, a matching CRC64. */
export function verifyDumpPayload(payload: Buffer, verifyChecksum = true): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer]! | (payload[footer + 1]! << 8);
  if (version > RDB_VERSION) return false;
  if (!verifyChecksum) return true;
  const state = crc64Init();
  crc64Update(state, payload, 0, payload.length - 8);
  return crc64EqualsLE(state, payload, payload.length - 8);
}

/**
 * Decodes a DUMP payload into a value. Fails with RdbFormatError code 'checksum' when the footer is wrong (RESTORE's
 * "DUMP payload version or checksum are wrong") and with another code when the body cannot be read ("Bad data format").
 */
export function restorePayload(payload: Buffer, verifyChecksum = true): Value {
  if (!verifyDumpPayload(payload, verifyChecksum)) {
    throw new RdbFormatError('checksum', 'DUMP payload version or checksum are wrong');
  }
  const r = new RdbReader(payload.subarray(0, payload.length - 10));
  const type = r.byte();
  if (!isRdbObjectType(type)) throw new RdbFormatError('unknown-type', `Unknown RDB value type ${type}`);
  return readRdbValue(r, type);
}

/** The number of bytes a value's body takes in RDB (rdbSavedObjectLen, DEBUG OBJECT's serializedlength). */
export function rdbValueLength(value: Value, compress = true): number {
  const w = new RdbWriter(compress);
  writeRdbValue(w, value);
  return w.size;
}

// --- internal ---

const _ZERO_CHECKSUM = Buffer.alloc(8);

function _aux(w: RdbWriter, name: string, value: string): void {
  w.byte(RdbOpcode.AUX);
  w.string(name);
  w.string(value);
}

/** An exact 64-bit time as 8 little-endian bytes (rdbSaveMillisecondTime), for times a double would round. */
function _int64LE(t: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(t);
  return b;
}
