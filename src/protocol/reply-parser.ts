// A streaming parser for replies (RESP2 and RESP3), for the client side: tests, the simulation's clients, and later
// Sentinel and the cluster manager, which talk to nodes as ordinary clients.

import type { Reply } from './reply.js';

const CRLF = Buffer.from('\r\n');

/** A reply the parser could not understand. */
export class ReplyParseError extends Error {
  override readonly name = 'ReplyParseError';
}

/** Parses replies from a byte stream delivered in arbitrary chunks. */
export class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  /** Chunks held back until `needed` bytes are there, so a big bulk is joined once rather than once per chunk. */
  private held: Buffer[] = [];
  private heldLength = 0;
  private needed = 0;
  /**
   * Aggregates opened but not complete yet, innermost last. Parsed elements leave the buffer at once, so a big
   * array arriving in many chunks is parsed once, not again from its start on every chunk.
   */
  private readonly open: _OpenAggregate[] = [];

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.buf.length + this.heldLength + chunk.length < this.needed) {
      this.held.push(chunk);
      this.heldLength += chunk.length;
      return;
    }
    if (this.buf.length === 0 && this.heldLength === 0) {
      this.buf = chunk;
    } else {
      this.held.push(chunk);
      this.buf = Buffer.concat([this.buf, ...this.held]);
      this.held = [];
      this.heldLength = 0;
    }
    this.needed = 0;
  }

  /**
   * Hands over every byte not yet parsed and empties the parser: for a stream that stops being RESP, as replication's
   * does after `+FULLRESYNC` (the RDB payload that follows is a bulk without its trailing CRLF). Only valid between
   * replies (no aggregate half-parsed).
   */
  takeRemaining(): Buffer {
    if (this.open.length > 0) throw new ReplyParseError('Cannot take raw bytes in the middle of an aggregate reply');
    const rest = this.held.length === 0 ? this.buf : Buffer.concat([this.buf, ...this.held]);
    this.buf = Buffer.alloc(0);
    this.held = [];
    this.heldLength = 0;
    this.needed = 0;
    return rest;
  }

  /** Returns the next complete reply, or undefined when more bytes are needed. */
  next(): Reply | undefined {
    if (this.buf.length < this.needed || this.heldLength > 0) return undefined;
    for (;;) {
      const token = _token(this.buf);
      if (token === undefined) {
        this.needed = _needed;
        return undefined;
      }
      this.buf = this.buf.subarray(token.end);
      if (token.open !== undefined) {
        this.open.push(token.open);
        continue;
      }
      let value = token.reply!;
      for (;;) {
        const parent = this.open.at(-1);
        if (parent === undefined) return value;
        parent.items.push(value);
        if (parent.items.length < parent.size) break;
        this.open.pop();
        value = parent.t === 'map' ? { t: 'map', items: parent.items } : { t: parent.t, items: parent.items };
      }
    }
  }
}

/** Parses every complete reply in a buffer (convenience for tests); throws if bytes are left over. */
export function parseReplies(data: Buffer): Reply[] {
  const parser = new ReplyParser();
  parser.push(data);
  const out: Reply[] = [];
  for (let r = parser.next(); r !== undefined; r = parser.next()) out.push(r);
  return out;
}

// --- internal ---

/** An aggregate whose elements are still arriving. */
interface _OpenAggregate {
  readonly t: 'array' | 'set' | 'push' | 'map';
  /** How many elements it has in all (twice the pair count for a map). */
  readonly size: number;
  readonly items: Reply[];
}

/** One parsed token: a complete scalar or empty aggregate (`reply`), or the header of a non-empty one (`open`). */
interface _Token {
  reply?: Reply;
  open?: _OpenAggregate;
  end: number;
}

/** Set by `_token` when the buffer is incomplete: how many bytes it needs at least before trying again. */
let _needed = 0;

function _token(buf: Buffer): _Token | undefined {
  _needed = buf.length + 1;
  if (buf.length === 0) return undefined;
  const cr = buf.indexOf(CRLF, 1);
  if (cr === -1) return undefined;
  const type = String.fromCharCode(buf[0]!);
  const text = buf.toString('latin1', 1, cr);
  const end = cr + 2;
  switch (type) {
    case '+':
      return { reply: { t: 'simple', s: text }, end };
    case '-':
      return { reply: { t: 'error', s: text }, end };
    case ':': {
      const n = _bigint(text);
      const small = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
      return { reply: { t: 'int', n: small ? Number(n) : n }, end };
    }
    case '_':
      return { reply: { t: 'nil' }, end };
    case '#':
      return { reply: { t: 'bool', b: text === 't' }, end };
    case ',':
      return { reply: { t: 'double', n: Number(text.replace(/^(-?)inf$/, '$1Infinity')), text }, end };
    case '(':
      return { reply: { t: 'int', n: _bigint(text) }, end };
    case '$':
    case '=':
    case '!': {
      const length = _length(text);
      if (length < 0) return { reply: { t: 'nil' }, end };
      if (buf.length < end + length + 2) {
        _needed = end + length + 2;
        return undefined;
      }
      const body = buf.toString('latin1', end, end + length);
      const reply: Reply =
        type === '$'
          ? { t: 'bulk', s: body }
          : type === '='
            ? { t: 'verbatim', s: body.slice(4) }
            : { t: 'error', s: body };
      return { reply, end: end + length + 2 };
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const count = _length(text);
      if (count < 0) return { reply: { t: 'nilarray' }, end };
      const t = type === '*' ? 'array' : type === '~' ? 'set' : type === '>' ? 'push' : 'map';
      if (count === 0) return { reply: t === 'map' ? { t, items: [] } : { t, items: [] }, end };
      return { open: { t, size: t === 'map' ? count * 2 : count, items: [] }, end };
    }
    default:
      throw new ReplyParseError(`unexpected reply type byte '${type}'`);
  }
}

/** An integer reply's value; anything but an optional sign and digits is a protocol error. */
function _bigint(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new ReplyParseError(`invalid integer '${text.slice(0, 32)}'`);
  return BigInt(text);
}

/** A length or count: -1 (or any negative, as hiredis reads it) means null; non-numbers are protocol errors. */
function _length(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new ReplyParseError(`invalid length '${text.slice(0, 32)}'`);
  return Number(text);
}
