// The byte-level building blocks of the RDB format (rdb.c): Redis's length encoding, strings with their integer and
// LZF encodings, millisecond times, and the errors a reader raises. Type codecs (rdb-types.ts) and whole files
// (rdb.ts) are written with these.

import { lzfCompress, lzfDecompress } from './lzf.js';

/** The RDB format version redis-sim writes and the newest it reads (RDB_VERSION in Redis 7.0). */
export const RDB_VERSION = 10;

/** Special opcodes that may appear where a value type byte is expected (rdb.h). */
export const RdbOpcode = {
  FUNCTION2: 245,
  FUNCTION: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Why an RDB file or payload could not be read. */
export type RdbErrorCode = 'eof' | 'corrupt' | 'checksum' | 'version' | 'signature' | 'unknown-type' | 'unsupported';

/** Raised when RDB bytes cannot be decoded; `code` says why. */
export class RdbFormatError extends Error {
  override readonly name = 'RdbFormatError';
  constructor(
    readonly code: RdbErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Appends RDB-encoded data to a growing buffer. */
export class RdbWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(
    /** Whether strings longer than 20 bytes are LZF-compressed when it pays (`rdbcompression`). */
    readonly compress = true,
    initialSize = 256,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.pos;
  }

  /** One raw byte (a type or opcode). */
  byte(b: number): void {
    this._reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Raw bytes. */
  bytes(data: Uint8Array): void {
    this._reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Raw latin1 text (one byte per char), without a length prefix. */
  latin1(s: string): void {
    this._reserve(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** A length in Redis's 6/14/32/64-bit encoding (rdbSaveLen). */
  length(n: number): void {
    if (n < 1 << 6) {
      this.byte(n);
    } else if (n < 1 << 14) {
      this.byte(0x40 | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this._reserve(5);
      this.buf[this.pos++] = 0x80;
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      this._reserve(9);
      this.buf[this.pos++] = 0x81;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /**
   * A string (latin1 JS string) as rdbSaveRawString writes it: as an 8/16/32-bit integer when it is the canonical
   * decimal form of one, LZF-compressed when longer than 20 bytes and compressible, else length-prefixed.
   */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0 && this._tryInteger(s)) return;
    if (this.compress && n > 20) {
      const raw = Buffer.from(s, 'latin1');
      const packed = lzfCompress(raw, n - 4);
      if (packed !== null) {
        this.byte(0xc3);
        this.length(packed.length);
        this.length(n);
        this.bytes(packed);
        return;
      }
    }
    this.length(n);
    this.latin1(s);
  }

  /** A millisecond time as 8 little-endian bytes (rdbSaveMillisecondTime). */
  millis(t: number): void {
    this._reserve(8);
    this.buf.writeBigInt64LE(BigInt(t), this.pos);
    this.pos += 8;
  }

  /** A copy of everything written. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** The bytes written so far, sharing memory with the writer (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  // --- internal ---

  private _reserve(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** rdbTryIntegerEncoding: writes the INT8/16/32 form when `s` is a canonical integer in 32-bit range. */
  private _tryInteger(s: string): boolean {
    if (!_CANONICAL_INTEGER.test(s)) return false;
    const v = Number(s);
    if (v >= -128 && v <= 127) {
      this.byte(0xc0);
      this.byte(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.byte(0xc1);
      this.byte(v & 0xff);
      this.byte((v >> 8) & 0xff);
    } else if (v >= -2147483648 && v <= 2147483647) {
      this._reserve(5);
      this.buf[this.pos++] = 0xc2;
      this.buf.writeInt32LE(v, this.pos);
      this.pos += 4;
    } else {
      return false;
    }
    return true;
  }
}

/** Reads RDB-encoded data from a buffer, failing with RdbFormatError. */
export class RdbReader {
  pos: number;

  constructor(
    readonly data: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Whether every byte has been consumed. */
  get done(): boolean {
    return this.pos >= this.data.length;
  }

  /** One raw byte. */
  byte(): number {
    if (this.pos >= this.data.length) throw _eof();
    return this.data[this.pos++]!;
  }

  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number): Buffer {
    if (this.pos + n > this.data.length) throw _eof();
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A plain length (rdbLoadLen); fails on a special encoding. */
  length(): number {
    const { encoded, value } = this.lengthOrEncoding();
    if (encoded)
      throw new RdbFormatError('corrupt', `Unexpected special encoding ${value} where a length was expected`);
    return value;
  }

  /** A length, or the special-encoding number when the top two bits are 11 (rdbLoadLenByRef). */
  lengthOrEncoding(): { encoded: boolean; value: number } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 3) return { encoded: true, value: first & 0x3f };
    if (kind === 0) return { encoded: false, value: first & 0x3f };
    if (kind === 1) return { encoded: false, value: ((first & 0x3f) << 8) | this.byte() };
    if (first === 0x80) {
      const v = this.bytes(4).readUInt32BE(0);
      return { encoded: false, value: v };
    }
    if (first === 0x81) {
      const v = this.bytes(8).readBigUInt64BE(0);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError('corrupt', `Length ${v} is too large`);
      return { encoded: false, value: Number(v) };
    }
    throw new RdbFormatError('corrupt', `Unknown length encoding ${kind} in rdbLoadLen()`);
  }

  /** A string in any of its encodings, as a latin1 JS string (rdbGenericLoadStringObject). */
  string(): string {
    const { encoded, value } = this.lengthOrEncoding();
    if (!encoded) {
      const start = this.pos;
      if (start + value > this.data.length) throw _eof();
      this.pos += value;
      return this.data.toString('latin1', start, this.pos);
    }
    switch (value) {
      case 0:
        return String(this.bytes(1).readInt8(0));
      case 1:
        return String(this.bytes(2).readInt16LE(0));
      case 2:
        return String(this.bytes(4).readInt32LE(0));
      case 3: {
        const compressedLength = this.length();
        const length = this.length();
        const plain = lzfDecompress(this.bytes(compressedLength), length);
        if (plain === null) throw new RdbFormatError('corrupt', 'Invalid LZF compressed string');
        return plain.toString('latin1');
      }
      default:
        throw new RdbFormatError('corrupt', `Unknown RDB string encoding type ${value}`);
    }
  }

  /** A millisecond time stored as 8 little-endian bytes. */
  millis(): number {
    return Number(this.bytes(8).readBigInt64LE(0));
  }

  /** A second time stored as 4 little-endian bytes (the pre-RDB-3 EXPIRETIME opcode). */
  seconds(): number {
    return this.bytes(4).readInt32LE(0);
  }
}

/** Whether `s` is the canonical decimal form of a 64-bit signed integer (Redis's string2ll acceptance). */
export function isCanonicalInt64(s: string): boolean {
  if (s.length === 0 || s.length > 20 || !_CANONICAL_INTEGER.test(s)) return false;
  if (s.length < 19) return true;
  const v = BigInt(s);
  return v >= -9223372036854775808n && v <= 9223372036854775807n;
}

// --- internal ---

/** No sign but '-', no leading zeros, no "-0": the strings string2ll turns back into themselves. */
const _CANONICAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

function _eof(): RdbFormatError {
  return new RdbFormatError('eof', 'Unexpected EOF reading RDB file');
}
