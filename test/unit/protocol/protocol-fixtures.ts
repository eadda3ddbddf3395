// Shared builders for the protocol unit tests: request encoders (multibulk and inline with quoting), chunkers, and a
// driver that feeds a RequestParser and collects what it produced.

import fc from 'fast-check';
import { ProtocolError } from '../../../src/protocol/protocol-error.js';
import { RequestParser, type RequestParserOptions } from '../../../src/protocol/request-parser.js';

/** What parsing a byte stream produced: the requests, then the protocol error that stopped it, if any. */
export interface ParseOutcome {
  requests: string[][];
  error: string | null;
}

/** Encodes one request as RESP multibulk (args are latin1 strings). */
export function encodeMultibulk(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${a.length}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** Splits `data` at the given cut points (any numbers; they are clamped and sorted). */
export function chunk(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(data.length, c))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of [...points, data.length]) {
    if (p > start) out.push(data.subarray(start, p));
    start = p;
  }
  return out;
}

/** Feeds chunks to a fresh parser, draining requests after each, and stops at the first protocol error. */
export function parseChunks(chunks: readonly Buffer[], options: RequestParserOptions = {}): ParseOutcome {
  const parser = new RequestParser(options);
  const requests: string[][] = [];
  try {
    for (const c of chunks) {
      parser.push(c);
      for (let args = parser.next(); args !== null; args = parser.next()) requests.push(args);
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { requests, error: e.message };
  }
  return { requests, error: null };
}

/** An argument: latin1 text of arbitrary bytes, biased towards the bytes the protocol treats specially. */
export const argArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
      { weight: 2, arbitrary: fc.constantFrom(0, 9, 10, 11, 12, 13, 32, 34, 36, 39, 42, 92, 120, 0x30, 0x61, 0xff) },
    ),
    { maxLength: 24 },
  )
  .map((bytes) => Buffer.from(bytes).toString('latin1'));

/** A request: one or more arguments. */
export const requestArb: fc.Arbitrary<string[]> = fc.array(argArb, { minLength: 1, maxLength: 6 });

/** Cut points for splitting a stream (positions beyond its end are clamped away). */
export const cutsArb: fc.Arbitrary<number[]> = fc.array(fc.nat({ max: 400 }), { maxLength: 30 });

/** An encoder for one argument inside an inline request, such that splitArgs (sdssplitargs) gives it back. */
export const inlineArgArb = (arg: string): fc.Arbitrary<string> => {
  const options: fc.Arbitrary<string>[] = [
    fc.array(fc.boolean(), { minLength: arg.length, maxLength: arg.length }).map((alt) => _doubleQuoted(arg, alt)),
  ];
  if (arg.length > 0 && _isBare(arg)) options.push(fc.constant(arg));
  if (!arg.includes('\\') && !arg.includes('\0') && !arg.includes('\n'))
    options.push(fc.constant(`'${arg.replaceAll("'", "\\'")}'`));
  return fc.oneof(...options);
};

/** Encodes a request as an inline line, with varied quoting, separators and line endings. */
export const inlineRequestArb = (args: readonly string[]): fc.Arbitrary<Buffer> =>
  fc
    .tuple(
      fc.tuple(...args.map(inlineArgArb)),
      fc.array(fc.constantFrom(' ', '\t', ' \t', '  ', ' \x0b', '\t\x0c '), {
        minLength: args.length,
        maxLength: args.length,
      }),
      fc.constantFrom('\r\n', '\n'),
      fc.constantFrom('', ' ', '\t'),
    )
    .map(([encoded, separators, eol, lead]) => {
      let line: string = lead;
      encoded.forEach((e, i) => (line += (i === 0 ? '' : separators[i]) + e));
      // A line starting with '*' would be read as multibulk; leading blanks are skipped by the splitter.
      if (line.startsWith('*')) line = ` ${line}`;
      return Buffer.from(line + eol, 'latin1');
    });

/** Which bytes may stand unquoted in an inline argument. */
function _isBare(arg: string): boolean {
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c === 0 || c === 0x22 || c === 0x27 || c === 0x20 || (c >= 0x09 && c <= 0x0d)) return false;
  }
  return true;
}

const NAMED_ESCAPES: Record<number, string> = { 10: '\\n', 13: '\\r', 9: '\\t', 8: '\\b', 7: '\\a' };

/** Double-quotes `arg`, escaping what must be escaped and, where `alt[i]`, an optional byte as `\xHH` too. */
function _doubleQuoted(arg: string, alt: readonly boolean[]): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    const hex = `\\x${c.toString(16).padStart(2, '0')}`;
    if (c === 0x22 || c === 0x5c) out += alt[i] ? hex : `\\${arg[i]}`;
    else if (NAMED_ESCAPES[c] !== undefined) out += alt[i] ? hex : NAMED_ESCAPES[c];
    else if (c < 0x20 || c === 0x7f) out += hex;
    else
      out +=
        alt[i] && c !== 0x78 && !(c >= 0x61 && c <= 0x62) && c !== 0x6e && c !== 0x72 && c !== 0x74
          ? `\\${arg[i]}`
          : arg[i];
  }
  return `${out}"`;
}
