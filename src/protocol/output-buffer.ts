// A growable byte buffer that replies are encoded into, flushed once per batch of requests.

import { writeLatin1At } from './latin1.js';

const INITIAL_SIZE = 16 * 1024;
/** Below this size a flush copies into Node's shared pool instead of handing over the backing store. */
const COPY_LIMIT = 4 * 1024;

/** Collects encoded bytes; `take` hands them to the transport and resets. */
export class OutputBuffer {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  private length = 0;

  /** Bytes written since the last take. */
  get size(): number {
    return this.length;
  }

  /** Appends an ASCII/latin1 string (one byte per char). */
  writeLatin1(s: string): void {
    const n = s.length;
    this._reserve(n);
    writeLatin1At(this.buf, s, this.length);
    this.length += n;
  }

  /** Appends a bulk string (`$<len>\r\n<bytes>\r\n`) without building an intermediate string. */
  writeBulk(s: string): void {
    const n = s.length;
    this._reserve(n + 24);
    const buf = this.buf;
    let at = this.length;
    buf[at++] = 0x24; // '$'
    at = _writeDecimal(buf, at, n);
    buf[at++] = 0x0d;
    buf[at++] = 0x0a;
    writeLatin1At(buf, s, at);
    at += n;
    buf[at++] = 0x0d;
    buf[at++] = 0x0a;
    this.length = at;
  }

  /** Appends raw bytes. */
  writeBytes(bytes: Uint8Array): void {
    this._reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Returns everything written so far and starts over. */
  take(): Buffer {
    const n = this.length;
    this.length = 0;
    if (n <= COPY_LIMIT) return Buffer.from(this.buf.subarray(0, n));
    const out = this.buf.subarray(0, n);
    this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
    return out;
  }

  // --- internal ---

  private _reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

/** Writes a non-negative integer in decimal at `at`; returns the position after it. */
function _writeDecimal(buf: Buffer, at: number, n: number): number {
  if (n < 10) {
    buf[at] = 0x30 + n;
    return at + 1;
  }
  const digits = String(n);
  for (let i = 0; i < digits.length; i++) buf[at + i] = digits.charCodeAt(i);
  return at + digits.length;
}
