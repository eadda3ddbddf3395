// Redis's listpack format (listpack.c), byte for byte, for RDB and DUMP payloads of listpack-encoded lists, hashes
// and sorted sets; plus a reader for the older ziplist format (ziplist.c) that RDB files from before Redis 7.0 use.
//
// A listpack is a 6-byte header (total bytes as uint32 LE, element count as uint16 LE, 65535 meaning "unknown"),
// the entries, and a 0xFF terminator. Each entry is its encoding (with the data) followed by a "backlen": the size
// of encoding + data, written big-end first in 7-bit groups so it can be read backwards. An element that is the
// canonical decimal form of a 64-bit integer is stored with the smallest integer encoding; anything else as a string
// with a 6-, 12- or 32-bit length. The format is canonical: the same elements always give the same bytes.

import { RdbFormatError } from './rdb-codec.js';

/** Bytes of the listpack header (LP_HDR_SIZE). */
export const LISTPACK_HEADER_SIZE = 6;

/** The element count written in the header when the real count does not fit (LP_HDR_NUMELE_UNKNOWN). */
export const LISTPACK_COUNT_UNKNOWN = 0xffff;

/** Encodes elements (latin1 strings) as a listpack (what lpNew + lpAppend of each element builds). */
export function encodeListpack(elements: readonly string[]): Buffer {
  let size = LISTPACK_HEADER_SIZE + 1;
  for (const e of elements) size += listpackEntrySize(e);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(size, 0);
  buf.writeUInt16LE(Math.min(elements.length, LISTPACK_COUNT_UNKNOWN), 4);
  let pos = LISTPACK_HEADER_SIZE;
  for (const e of elements) pos = _writeEntry(buf, pos, e);
  buf[pos] = 0xff;
  return buf;
}

/** The bytes one element takes in a listpack: encoding, data and backlen (lpEncodeGetType + lpEncodeBacklen). */
export function listpackEntrySize(element: string): number {
  const v = listpackInteger(element);
  const encoded = v === null ? _stringEncodedSize(element.length) : _integerEncodedSize(v);
  return encoded + _backlenSize(encoded);
}

/** The total size of a listpack holding `elements` (lpBytes), without building it. */
export function listpackBytes(elements: Iterable<string>): number {
  let size = LISTPACK_HEADER_SIZE + 1;
  for (const e of elements) size += listpackEntrySize(e);
  return size;
}

/**
 * The integer a listpack stores an element as, or null when it is stored as a string: the element must be the
 * canonical decimal form of a signed 64-bit integer (lpStringToInt64: no sign but '-', no leading zeros, no "-0").
 */
export function listpackInteger(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1) {
    const c = s.charCodeAt(0);
    return c >= 0x30 && c <= 0x39 ? BigInt(c - 0x30) : null;
  }
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  const first = s.charCodeAt(i);
  if (first < 0x31 || first > 0x39) return null;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = BigInt(s);
  return v < _INT64_MIN || v > _INT64_MAX ? null : v;
}

/**
 * Decodes a listpack into its elements (integers as their decimal strings), validating it as lpValidateIntegrity
 * does with deep checks: header size and count, every entry's bounds and backlen, and the terminator. Throws
 * RdbFormatError('corrupt').
 */
export function decodeListpack(lp: Uint8Array): string[] {
  const buf = Buffer.isBuffer(lp) ? lp : Buffer.from(lp.buffer, lp.byteOffset, lp.byteLength);
  const size = buf.length;
  if (size < LISTPACK_HEADER_SIZE + 1) throw _corrupt('listpack too short');
  if (buf.readUInt32LE(0) !== size) throw _corrupt('listpack size does not match its header');
  if (buf[size - 1] !== 0xff) throw _corrupt('listpack without terminator');
  const declared = buf.readUInt16LE(4);
  const out: string[] = [];
  let pos = LISTPACK_HEADER_SIZE;
  const last = size - 1;
  while (pos < last) {
    const b = buf[pos]!;
    let headerBytes: number;
    let dataBytes: number;
    let element: string;
    if (b < 0x80) {
      headerBytes = 1;
      dataBytes = 0;
      element = String(b);
    } else if ((b & 0xc0) === 0x80) {
      headerBytes = 1;
      dataBytes = b & 0x3f;
      element = '';
    } else if ((b & 0xe0) === 0xc0) {
      headerBytes = 2;
      dataBytes = 0;
      if (pos + 1 >= last) throw _corrupt('listpack entry out of range');
      const u = ((b & 0x1f) << 8) | buf[pos + 1]!;
      element = String(u >= 1 << 12 ? u - (1 << 13) : u);
    } else if (b === 0xf1 || b === 0xf2 || b === 0xf3 || b === 0xf4) {
      const width = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : 8;
      headerBytes = 1 + width;
      dataBytes = 0;
      if (pos + width >= last) throw _corrupt('listpack entry out of range');
      element = _readSigned(buf, pos + 1, width);
    } else if ((b & 0xf0) === 0xe0) {
      headerBytes = 2;
      if (pos + 1 >= last) throw _corrupt('listpack entry out of range');
      dataBytes = ((b & 0x0f) << 8) | buf[pos + 1]!;
      element = '';
    } else if (b === 0xf0) {
      headerBytes = 5;
      if (pos + 4 >= last) throw _corrupt('listpack entry out of range');
      dataBytes = buf.readUInt32LE(pos + 1);
      element = '';
    } else {
      throw _corrupt(`invalid listpack entry encoding 0x${b.toString(16)}`);
    }
    const encoded = headerBytes + dataBytes;
    const backlen = _backlenSize(encoded);
    const end = pos + encoded + backlen;
    if (end > last) throw _corrupt('listpack entry out of range');
    if (_readBacklen(buf, end - 1) !== encoded) throw _corrupt('listpack entry backlen mismatch');
    if (element === '' && dataBytes > 0) element = buf.toString('latin1', pos + headerBytes, pos + encoded);
    out.push(element);
    pos = end;
  }
  if (declared !== LISTPACK_COUNT_UNKNOWN && declared !== out.length) throw _corrupt('listpack count mismatch');
  return out;
}

/**
 * Decodes a ziplist (RDB files before Redis 7.0) into its elements: a 10-byte header (total bytes, tail offset,
 * count), entries of previous-entry length + encoding + data, and a 0xFF terminator. Validated like
 * ziplistValidateIntegrity's deep mode; throws RdbFormatError('corrupt').
 */
export function decodeZiplist(zl: Uint8Array): string[] {
  const buf = Buffer.isBuffer(zl) ? zl : Buffer.from(zl.buffer, zl.byteOffset, zl.byteLength);
  const size = buf.length;
  if (size < _ZIPLIST_HEADER_SIZE + 1) throw _corrupt('ziplist too short');
  if (buf.readUInt32LE(0) !== size) throw _corrupt('ziplist size does not match its header');
  if (buf[size - 1] !== 0xff) throw _corrupt('ziplist without terminator');
  const tail = buf.readUInt32LE(4);
  const declared = buf.readUInt16LE(8);
  const out: string[] = [];
  let pos = _ZIPLIST_HEADER_SIZE;
  let prevEntryLength = 0;
  let lastEntry = _ZIPLIST_HEADER_SIZE;
  const last = size - 1;
  const need = (n: number): void => {
    if (pos + n > last) throw _corrupt('ziplist entry out of range');
  };
  while (pos < last) {
    const start = pos;
    need(1);
    let prevlen = buf[pos++]!;
    if (prevlen === 0xfe) {
      need(4);
      prevlen = buf.readUInt32LE(pos);
      pos += 4;
    } else if (prevlen === 0xff) {
      throw _corrupt('invalid ziplist prevlen');
    }
    if (prevlen !== prevEntryLength) throw _corrupt('ziplist prevlen mismatch');
    need(1);
    const b = buf[pos++]!;
    let element: string;
    const kind = b >> 6;
    if (kind < 3) {
      let length: number;
      if (kind === 0) {
        length = b & 0x3f;
      } else if (kind === 1) {
        need(1);
        length = ((b & 0x3f) << 8) | buf[pos++]!;
      } else {
        if (b !== 0x80) throw _corrupt(`invalid ziplist encoding 0x${b.toString(16)}`);
        need(4);
        length = buf.readUInt32BE(pos);
        pos += 4;
      }
      need(length);
      element = buf.toString('latin1', pos, pos + length);
      pos += length;
    } else if (b >= 0xf1 && b <= 0xfd) {
      element = String((b & 0x0f) - 1);
    } else {
      const width = b === 0xc0 ? 2 : b === 0xd0 ? 4 : b === 0xe0 ? 8 : b === 0xf0 ? 3 : b === 0xfe ? 1 : 0;
      if (width === 0) throw _corrupt(`invalid ziplist encoding 0x${b.toString(16)}`);
      need(width);
      element = _readSigned(buf, pos, width);
      pos += width;
    }
    out.push(element);
    prevEntryLength = pos - start;
    lastEntry = start;
  }
  if (tail !== lastEntry) throw _corrupt('ziplist tail offset mismatch');
  if (declared !== 0xffff && declared !== out.length) throw _corrupt('ziplist count mismatch');
  return out;
}

// --- internal ---

const _INT64_MIN = -(1n << 63n);
const _INT64_MAX = (1n << 63n) - 1n;
const _ZIPLIST_HEADER_SIZE = 10;

function _corrupt(message: string): RdbFormatError {
  return new RdbFormatError('corrupt', message);
}

/** Bytes of an integer's encoding (lpEncodeIntegerGetType). */
function _integerEncodedSize(v: bigint): number {
  if (v >= 0n && v <= 127n) return 1;
  if (v >= -4096n && v <= 4095n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -8388608n && v <= 8388607n) return 4;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 9;
}

/** Bytes of a string's encoding including its data. */
function _stringEncodedSize(length: number): number {
  if (length < 64) return 1 + length;
  if (length < 4096) return 2 + length;
  return 5 + length;
}

/** Bytes of the backlen for an entry of `l` bytes (lpEncodeBacklen; note its thresholds are one short of 2^14...). */
function _backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Writes one entry at `pos` and returns the position after it. */
function _writeEntry(buf: Buffer, pos: number, element: string): number {
  const start = pos;
  const v = listpackInteger(element);
  if (v !== null) {
    const n = Number(v);
    if (n >= 0 && n <= 127) {
      buf[pos++] = n;
    } else if (n >= -4096 && n <= 4095) {
      const u = n < 0 ? (1 << 13) + n : n;
      buf[pos++] = (u >> 8) | 0xc0;
      buf[pos++] = u & 0xff;
    } else if (n >= -32768 && n <= 32767) {
      buf[pos++] = 0xf1;
      buf.writeInt16LE(n, pos);
      pos += 2;
    } else if (n >= -8388608 && n <= 8388607) {
      buf[pos++] = 0xf2;
      buf.writeIntLE(n, pos, 3);
      pos += 3;
    } else if (n >= -2147483648 && n <= 2147483647) {
      buf[pos++] = 0xf3;
      buf.writeInt32LE(n, pos);
      pos += 4;
    } else {
      buf[pos++] = 0xf4;
      buf.writeBigInt64LE(v, pos);
      pos += 8;
    }
  } else {
    const length = element.length;
    if (length < 64) {
      buf[pos++] = 0x80 | length;
    } else if (length < 4096) {
      buf[pos++] = 0xe0 | (length >> 8);
      buf[pos++] = length & 0xff;
    } else {
      buf[pos++] = 0xf0;
      buf.writeUInt32LE(length, pos);
      pos += 4;
    }
    pos += buf.write(element, pos, 'latin1');
  }
  return _writeBacklen(buf, pos, pos - start);
}

/** Writes the backlen of an entry of `l` bytes at `pos`, most significant group first; returns the new position. */
function _writeBacklen(buf: Buffer, pos: number, l: number): number {
  const n = _backlenSize(l);
  for (let i = 0; i < n; i++) {
    const shift = 7 * (n - 1 - i);
    const group = Math.floor(l / 2 ** shift) & 127;
    buf[pos++] = i === 0 ? group : group | 128;
  }
  return pos;
}

/** Reads a backlen backwards from its last byte (lpDecodeBacklen); -1 when it is longer than 5 bytes. */
function _readBacklen(buf: Buffer, at: number): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at]!;
    value += (b & 127) * 2 ** shift;
    if ((b & 128) === 0) return value;
    shift += 7;
    at--;
    if (shift > 28 || at < LISTPACK_HEADER_SIZE) return -1;
  }
}

/** A little-endian two's complement integer of `width` bytes, as decimal text. */
function _readSigned(buf: Buffer, at: number, width: number): string {
  if (width === 8) return buf.readBigInt64LE(at).toString();
  return String(buf.readIntLE(at, width));
}
