import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/protocol/protocol-error.js';
import { RequestParser } from '../../../src/protocol/request-parser.js';
import { requestTokenArb } from '../../helpers/protocol-arbitraries.js';
import {
  chunk,
  cutsArb,
  encodeMultibulk,
  inlineRequestArb,
  parseChunks,
  requestArb,
  type ParseOutcome,
} from './protocol-fixtures.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const parse = (s: string, options = {}) => parseChunks([b(s)], options);
const errorOf = (s: string, options = {}) => parse(s, options).error;

const streamArb = fc.array(requestTokenArb, { maxLength: 60 }).map((t) => b(t.join('')));

describe('RequestParser error texts (processMultibulkBuffer / processInlineBuffer)', () => {
  it.each([
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*99999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*2147483648\r\n', 'Protocol error: invalid multibulk length'],
    ['*-9223372036854775809\r\n', 'Protocol error: invalid multibulk length'],
    ['*99999999999999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*01\r\n', 'Protocol error: invalid multibulk length'],
    ['*+1\r\n', 'Protocol error: invalid multibulk length'],
    ['*-0\r\n', 'Protocol error: invalid multibulk length'],
    ['*\r\n', 'Protocol error: invalid multibulk length'],
    ['*1 \r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$abc\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$04\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$+4\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$9223372036854775808\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\nx3\r\n', "Protocol error: expected '$', got 'x'"],
    ['*2\r\n$4\r\nPING\r\n:1\r\n', "Protocol error: expected '$', got ':'"],
    ['*1\r\n\r\n', "Protocol error: expected '$', got '\r'"],
    ['"abc\r\n', 'Protocol error: unbalanced quotes in request'],
    ["PING 'abc\r\n", 'Protocol error: unbalanced quotes in request'],
    ['PING "a"b\r\n', 'Protocol error: unbalanced quotes in request'],
    ["PING 'a'b\r\n", 'Protocol error: unbalanced quotes in request'],
    ['PING "a\\"\r\n', 'Protocol error: unbalanced quotes in request'],
  ])('%j fails with %j', (input, message) => {
    expect(errorOf(input)).toBe(message);
  });

  it('answers the requests before a protocol error, then stops', () => {
    expect(parse('PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n')).toEqual({
      requests: [['PING'], ['ECHO']],
      error: 'Protocol error: invalid multibulk length',
    });
  });

  it('uses the proto-max-bulk-len it is given, read at each header', () => {
    let max = 10;
    const options = { maxBulkLength: () => max };
    expect(errorOf('*1\r\n$11\r\n', options)).toBe('Protocol error: invalid bulk length');
    expect(parse('*1\r\n$10\r\n0123456789\r\n', options).requests).toEqual([['0123456789']]);
    max = 11;
    expect(parse('*1\r\n$11\r\n0123456789a\r\n', options).error).toBeNull();
  });

  it('applies the unauthenticated limits only while AUTH is required', () => {
    const unauth = { authRequired: () => true };
    expect(errorOf('*11\r\n', unauth)).toBe('Protocol error: unauthenticated multibulk length');
    expect(errorOf('*10\r\n', unauth)).toBeNull();
    expect(errorOf('*1\r\n$16385\r\n', unauth)).toBe('Protocol error: unauthenticated bulk length');
    expect(errorOf('*1\r\n$16384\r\n', unauth)).toBeNull();
    // An invalid count is reported as such even when it is also over the unauthenticated limit.
    expect(errorOf('*2147483648\r\n', unauth)).toBe('Protocol error: invalid multibulk length');
    expect(errorOf('*11\r\n')).toBeNull();
    expect(errorOf('*1\r\n$16385\r\n')).toBeNull();
  });

  it('gives up on an inline request of more than 64KB without a newline', () => {
    expect(errorOf('a'.repeat(65536))).toBeNull();
    expect(errorOf('a'.repeat(65537))).toBe('Protocol error: too big inline request');
    // The limit is checked when a read leaves no newline, so chunks that complete the line in time are fine.
    expect(parseChunks([b('ECHO '), b(`${'a'.repeat(65530)}\r\n`)]).requests).toEqual([['ECHO', 'a'.repeat(65530)]]);
  });

  it('gives up on count lines of more than 64KB without \\r', () => {
    expect(errorOf(`*${'1'.repeat(65536)}`)).toBe('Protocol error: too big mbulk count string');
    expect(errorOf(`*1\r\n$${'1'.repeat(65536)}`)).toBe('Protocol error: too big bulk count string');
    expect(errorOf(`*1\r\n$${'1'.repeat(65534)}`)).toBeNull();
  });

  it('treats a NUL before the line end as no line end at all, like strchr on the query buffer', () => {
    expect(parse('PI\0NG\r\nPING\r\n')).toEqual({ requests: [], error: null });
    expect(parse('*1\0\r\n$4\r\nPING\r\n')).toEqual({ requests: [], error: null });
    expect(parse('*1\r\n$4\0\r\nPING\r\n')).toEqual({ requests: [], error: null });
    expect(parseChunks([b('PI\0NG\r\n'), b('x'.repeat(65536))]).error).toBe('Protocol error: too big inline request');
    expect(parseChunks([b('*1\0\r\n'), b('x'.repeat(65536))]).error).toBe('Protocol error: too big mbulk count string');
    // NULs inside bulk payloads are data.
    expect(parse('*1\r\n$3\r\n\0\0\0\r\n').requests).toEqual([['\0\0\0']]);
  });
});

describe('RequestParser request framing', () => {
  it('skips empty requests: *0, negative counts, blank inline lines', () => {
    expect(parse('*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\n\r\n\n   \r\n\t\nPING\r\n').requests).toEqual([
      ['PING'],
    ]);
  });

  it('does not check the byte after \\r, as Redis does not', () => {
    expect(parse('*1\rx$4\rxPING\r\n').requests).toEqual([['PING']]);
    expect(parse('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n').requests).toEqual([['PING'], ['PING']]);
  });

  it('strips one \\r before the inline newline and splits on the rest', () => {
    expect(parse('PING\nPING\rPING\r\r\n').requests).toEqual([['PING'], ['PING', 'PING']]);
    expect(parse('ECHO "\\x41\\x4g\\n" \'a\\\'b\' ""\r\n').requests).toEqual([['ECHO', 'Ax4g\n', "a'b", '']]);
  });

  it('keeps waiting on an incomplete request and resumes where it stopped', () => {
    const parser = new RequestParser();
    parser.push(b('*2\r\n$3\r\nGET\r\n$1'));
    expect(parser.next()).toBeNull();
    parser.push(b('\r\nk'));
    expect(parser.next()).toBeNull();
    parser.push(b('\r\n*1'));
    expect(parser.next()).toEqual(['GET', 'k']);
    expect(parser.next()).toBeNull();
    expect(parser.buffered()).toBe(2);
  });

  it('round-trips multibulk requests split at arbitrary points', () => {
    fc.assert(
      fc.property(fc.array(requestArb, { minLength: 1, maxLength: 8 }), cutsArb, (requests, cuts) => {
        const stream = Buffer.concat(requests.map(encodeMultibulk));
        expect(parseChunks(chunk(stream, cuts))).toEqual({ requests, error: null });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips inline requests with quotes and escapes that splitArgs must undo', () => {
    const caseArb = fc
      .array(requestArb, { minLength: 1, maxLength: 5 })
      .chain((requests) => fc.tuple(fc.constant(requests), fc.tuple(...requests.map(inlineRequestArb)), cutsArb));
    fc.assert(
      fc.property(caseArb, ([requests, lines, cuts]) => {
        expect(parseChunks(chunk(Buffer.concat(lines), cuts))).toEqual({ requests, error: null });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips pipelined mixes of multibulk, inline and empty requests', () => {
    const itemArb = fc.oneof(
      requestArb.map((r) => ({ request: r as string[] | null, bytes: fc.constant(encodeMultibulk(r)) })),
      requestArb.map((r) => ({ request: r as string[] | null, bytes: inlineRequestArb(r) })),
      fc
        .constantFrom('*0\r\n', '*-1\r\n', '\r\n', '\n', '  \r\n')
        .map((s) => ({ request: null as string[] | null, bytes: fc.constant(b(s)) })),
    );
    const caseArb = fc
      .array(itemArb, { minLength: 1, maxLength: 10 })
      .chain((items) =>
        fc.tuple(fc.constant(items.map((i) => i.request)), fc.tuple(...items.map((i) => i.bytes)), cutsArb),
      );
    fc.assert(
      fc.property(caseArb, ([requests, parts, cuts]) => {
        const expected = requests.filter((r): r is string[] => r !== null);
        expect(parseChunks(chunk(Buffer.concat(parts), cuts))).toEqual({ requests: expected, error: null });
      }),
      { numRuns: 300 },
    );
  });
});

describe('RequestParser on arbitrary bytes', () => {
  it('throws nothing but ProtocolError and does bounded work', () => {
    fc.assert(
      fc.property(streamArb, cutsArb, (stream, cuts) => {
        const parser = new RequestParser();
        let calls = 0;
        try {
          for (const c of chunk(stream, cuts)) {
            parser.push(c);
            // Each request consumes at least one byte, so a parser that loops without progress is caught here.
            for (let r = parser.next(); r !== null; r = parser.next())
              expect(++calls).toBeLessThanOrEqual(stream.length);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same outcome however the stream is chunked', () => {
    fc.assert(
      fc.property(streamArb, cutsArb, (stream, cuts) => {
        const whole: ParseOutcome = parseChunks([stream]);
        expect(parseChunks(chunk(stream, cuts))).toEqual(whole);
        const byByte = chunk(
          stream,
          Array.from({ length: stream.length }, (_, i) => i),
        );
        expect(parseChunks(byByte)).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RequestParser memory and speed', () => {
  it('does not allocate a huge declared bulk up front, and holds chunks without joining them', () => {
    const before = process.memoryUsage().arrayBuffers;
    const parser = new RequestParser();
    parser.push(b('*1\r\n$536870000\r\n'));
    expect(parser.next()).toBeNull();
    const piece = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 64; i++) {
      parser.push(piece);
      expect(parser.next()).toBeNull();
    }
    expect(parser.buffered()).toBe(64 * 64 * 1024);
    // The same 64KB buffer is held 64 times; any join or up-front allocation would cost 4MB or 512MB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * 1024 * 1024);
  });

  it('does not allocate for a huge declared argument count', () => {
    const parser = new RequestParser();
    const before = process.memoryUsage().heapUsed;
    parser.push(b('*2147483647\r\n$1\r\na\r\n$1\r\nb\r\n'));
    expect(parser.next()).toBeNull();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('joins a 50MB bulk arriving in 64KB chunks once', () => {
    const size = 50 * 1024 * 1024;
    const piece = Buffer.alloc(64 * 1024, 0x62);
    const parser = new RequestParser();
    const start = performance.now();
    parser.push(b(`*2\r\n$3\r\nSET\r\n$${size}\r\n`));
    let sent = 0;
    let args: string[] | null = null;
    while (sent < size) {
      const n = Math.min(piece.length, size - sent);
      parser.push(n === piece.length ? piece : piece.subarray(0, n));
      sent += n;
      args = parser.next();
      if (sent < size) expect(args).toBeNull();
    }
    parser.push(b('\r\n'));
    args = parser.next();
    const elapsed = performance.now() - start;
    // One join is the unavoidable cost; measure it here so a loaded machine does not fail the test, while a
    // join per chunk (800 copies of up to 50MB) would still be far over.
    const baselineStart = performance.now();
    const joined = Buffer.concat(Array.from({ length: size / piece.length }, () => piece)).toString('latin1');
    const baseline = performance.now() - baselineStart;
    expect(joined.length).toBe(size);
    expect(args?.[0]).toBe('SET');
    expect(args?.[1]?.length).toBe(size);
    expect(args?.[1]?.charCodeAt(size - 1)).toBe(0x62);
    expect(parser.buffered()).toBe(0);
    expect(elapsed).toBeLessThan(Math.max(1000, 3 * baseline));
  });
});
