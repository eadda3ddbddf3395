// A streaming parser for client requests in both of Redis's request forms: RESP multibulk (`*2\r\n$3\r\nGET\r\n…`)
// and inline (`GET key\r\n`). It mirrors processMultibulkBuffer/processInlineBuffer in networking.c: the same
// limits, the same error texts, and the same tolerance (the byte after `\r` is assumed to be `\n`).
// Arguments come out as latin1 strings, one char per byte, which is how the whole core stores binary-safe data.

import {
  DEFAULT_PROTO_MAX_BULK_LEN,
  MAX_MULTIBULK,
  PROTO_INLINE_MAX_SIZE,
  UNAUTHENTICATED_MAX_BULK,
  UNAUTHENTICATED_MAX_MULTIBULK,
} from './limits.js';
import { ProtocolError } from './protocol-error.js';
import { latin1String } from './latin1.js';
import { splitArgs } from './split-args.js';

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const EMPTY = Buffer.alloc(0);

/** Options that change the parser's limits. */
export interface RequestParserOptions {
  /** `proto-max-bulk-len`; read for each request with a bulk header, so CONFIG SET applies from the next request. */
  maxBulkLength?: () => number;
  /** Whether the client still has to AUTH, which tightens the limits (authRequired in Redis). */
  authRequired?: () => boolean;
}

/**
 * Parses requests from a byte stream delivered in arbitrary chunks. Call `push` with each chunk, then `next` until it
 * returns null. `next` throws ProtocolError on malformed input; the parser must not be used after that.
 */
export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks held back while a large bulk is incomplete, so a big argument is joined once, not once per chunk. */
  private held: Buffer[] = [];
  private heldLength = 0;
  /** Bytes that must be buffered (from `pos`) before parsing can make progress. */
  private needed = 0;
  /** Multibulk state that survives between chunks. */
  private remaining = 0;
  private bulkLength = -1;
  private args: string[] = [];
  private readonly maxBulkLength: () => number;
  private readonly authRequired: () => boolean;

  constructor(options: RequestParserOptions = {}) {
    this.maxBulkLength = options.maxBulkLength ?? (() => DEFAULT_PROTO_MAX_BULK_LEN);
    this.authRequired = options.authRequired ?? (() => false);
  }

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.needed > 0 && this.buffered() + chunk.length < this.needed) {
      this.held.push(chunk);
      this.heldLength += chunk.length;
      return;
    }
    if (this.heldLength > 0) {
      this.held.push(chunk);
      const parts = this.pos < this.buf.length ? [this.buf.subarray(this.pos), ...this.held] : this.held;
      this.buf = Buffer.concat(parts);
      this.held = [];
      this.heldLength = 0;
    } else if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
    this.needed = 0;
  }

  /** Bytes received but not yet consumed. */
  buffered(): number {
    return this.buf.length - this.pos + this.heldLength;
  }

  /**
   * Returns the next complete request's arguments, or null when more bytes are needed. Empty requests (`*0`, blank
   * inline lines) are skipped, as Redis does.
   */
  next(): string[] | null {
    for (;;) {
      if (this.pos >= this.buf.length || this.needed > 0) return null;
      const args = this.remaining > 0 || this.buf[this.pos] === STAR ? this._multibulk() : this._inline();
      if (args === null) return null;
      if (args.length > 0) return args;
    }
  }

  // --- internal ---

  private _inline(): string[] | null {
    const buf = this.buf;
    const newline = _findInLine(buf, this.pos, LF);
    if (newline === -1) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError('too-big-inline', 'Protocol error: too big inline request');
      }
      return null;
    }
    const end = newline > this.pos && buf[newline - 1] === CR ? newline - 1 : newline;
    const args = splitArgs(latin1String(buf, this.pos, end));
    if (args === null) throw new ProtocolError('unbalanced-quotes', 'Protocol error: unbalanced quotes in request');
    this.pos = newline + 1;
    return args;
  }

  private _multibulk(): string[] | null {
    const buf = this.buf;
    if (this.remaining === 0) {
      const cr = _findInLine(buf, this.pos, CR);
      if (cr === -1) {
        if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) {
          throw new ProtocolError('too-big-mbulk-count', 'Protocol error: too big mbulk count string');
        }
        return null;
      }
      if (cr + 2 > buf.length) return null;
      const count = _parseLength(buf, this.pos + 1, cr);
      if (count === null || count > MAX_MULTIBULK) {
        throw new ProtocolError('invalid-mbulk-count', 'Protocol error: invalid multibulk length');
      }
      if (count > UNAUTHENTICATED_MAX_MULTIBULK && this.authRequired()) {
        throw new ProtocolError('unauth-mbulk-count', 'Protocol error: unauthenticated multibulk length');
      }
      this.pos = cr + 2;
      if (count <= 0) return [];
      this.remaining = count;
      this.args = [];
    }
    let maxBulk = -1;
    while (this.remaining > 0) {
      if (this.bulkLength === -1) {
        const cr = _findInLine(buf, this.pos, CR);
        if (cr === -1) {
          if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) {
            throw new ProtocolError('too-big-bulk-count', 'Protocol error: too big bulk count string');
          }
          return null;
        }
        if (cr + 2 > buf.length) return null;
        if (buf[this.pos] !== DOLLAR) {
          const got = String.fromCharCode(buf[this.pos] ?? 0);
          throw new ProtocolError('expected-dollar', `Protocol error: expected '$', got '${got}'`);
        }
        const length = _parseLength(buf, this.pos + 1, cr);
        // No command runs while one request is parsed, so one read of the limit per request is as fresh as Redis's.
        if (maxBulk < 0) maxBulk = this.maxBulkLength();
        if (length === null || length < 0 || length > maxBulk) {
          throw new ProtocolError('invalid-bulk-length', 'Protocol error: invalid bulk length');
        }
        if (length > UNAUTHENTICATED_MAX_BULK && this.authRequired()) {
          throw new ProtocolError('unauth-bulk-length', 'Protocol error: unauthenticated bulk length');
        }
        this.pos = cr + 2;
        this.bulkLength = length;
      }
      if (buf.length - this.pos < this.bulkLength + 2) {
        this.needed = this.bulkLength + 2;
        return null;
      }
      this.args.push(latin1String(buf, this.pos, this.pos + this.bulkLength));
      this.pos += this.bulkLength + 2;
      this.bulkLength = -1;
      this.remaining--;
    }
    const args = this.args;
    this.args = [];
    return args;
  }
}

/**
 * Finds `byte` from `start` the way Redis's strchr on the query buffer does: a NUL byte ends the search, so a request
 * line with a NUL before its terminator is never complete (Redis waits until the too-big limits trip). Returns -1 when
 * not found. Header lines are a few bytes long, so a plain loop beats a native search here.
 */
function _findInLine(buf: Buffer, start: number, byte: number): number {
  for (let i = start, n = buf.length; i < n; i++) {
    const c = buf[i]!;
    if (c === byte) return i;
    if (c === 0) return -1;
  }
  return -1;
}

/** The decimal digits of LLONG_MAX, and of -LLONG_MIN, for string2ll's overflow check. */
const LLONG_MAX_DIGITS = '9223372036854775807';
const LLONG_MIN_DIGITS = '9223372036854775808';

/**
 * Parses a decimal integer the way Redis's string2ll does (no sign but '-', no leading zeros, no spaces, no overflow
 * of a 64-bit signed integer); returns null when the text is not one. Values past 2^53 lose precision, which is
 * harmless: every caller rejects them as too large, or treats negatives alike.
 */
function _parseLength(buf: Buffer, start: number, end: number): number | null {
  if (start >= end) return null;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i >= end) return null;
  }
  const first = buf[i]!;
  if (first === 0x30) return end - i === 1 && !negative ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  const digits = end - i;
  if (digits > 19) return null;
  if (digits === 19 && buf.toString('latin1', i, end) > (negative ? LLONG_MIN_DIGITS : LLONG_MAX_DIGITS)) return null;
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return null;
    value = value * 10 + (c - 0x30);
  }
  return negative ? -value : value;
}
