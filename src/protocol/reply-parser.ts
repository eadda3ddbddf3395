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
  /** Chunks held back until `needed` bytes are there, so a big reply is joined once rather than once per chunk. */
  private held: Buffer[] = [];
  private heldLength = 0;
  private needed = 0;

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

  /** Returns the next complete reply, or undefined when more bytes are needed. */
  next(): Reply | undefined {
    if (this.buf.length < this.needed || this.heldLength > 0) return undefined;
    _needed = this.buf.length + 1;
    const result = _parse(this.buf, 0);
    if (result === undefined) {
      this.needed = _needed;
      return undefined;
    }
    this.buf = this.buf.subarray(result.end);
    return result.reply;
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

/** Set by `_parse` when a reply is incomplete: how many buffered bytes it needs at least before trying again. */
let _needed = 0;

interface Parsed {
  reply: Reply;
  end: number;
}

function _line(buf: Buffer, pos: number): { text: string; end: number } | undefined {
  const cr = buf.indexOf(CRLF, pos);
  if (cr === -1) return undefined;
  return { text: buf.toString('latin1', pos, cr), end: cr + 2 };
}

function _aggregate(buf: Buffer, count: number, pos: number): { items: Reply[]; end: number } | undefined {
  const items: Reply[] = [];
  for (let i = 0; i < count; i++) {
    const item = _parse(buf, pos);
    if (item === undefined) return undefined;
    items.push(item.reply);
    pos = item.end;
  }
  return { items, end: pos };
}

function _parse(buf: Buffer, pos: number): Parsed | undefined {
  if (pos >= buf.length) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = _line(buf, pos + 1);
  if (line === undefined) return undefined;
  const { text, end } = line;
  switch (type) {
    case '+':
      return { reply: { t: 'simple', s: text }, end };
    case '-':
      return { reply: { t: 'error', s: text }, end };
    case ':': {
      const n = BigInt(text);
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
      return { reply: { t: 'int', n: BigInt(text) }, end };
    case '$':
    case '=':
    case '!': {
      const length = Number(text);
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
      const count = Number(text);
      if (count < 0) return { reply: { t: 'nilarray' }, end };
      const agg = _aggregate(buf, type === '%' ? count * 2 : count, end);
      if (agg === undefined) return undefined;
      const t = type === '*' ? 'array' : type === '~' ? 'set' : type === '>' ? 'push' : 'map';
      return { reply: t === 'map' ? { t, items: agg.items } : { t, items: agg.items }, end: agg.end };
    }
    default:
      throw new ReplyParseError(`unexpected reply type byte '${type}'`);
  }
}
