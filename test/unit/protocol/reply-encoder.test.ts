import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { OutputBuffer } from '../../../src/protocol/output-buffer.js';
import { encodeReply, type RespVersion } from '../../../src/protocol/reply-encoder.js';
import { ReplyParser, parseReplies } from '../../../src/protocol/reply-parser.js';
import {
  NIL,
  NIL_ARRAY,
  OK,
  array,
  bool,
  bulk,
  bulkArray,
  bulkOrNil,
  double,
  error,
  integer,
  map,
  mapOf,
  push,
  sequence,
  set,
  simple,
  verbatim,
  type Reply,
} from '../../../src/protocol/reply.js';

const encode = (reply: Reply, resp: RespVersion): string => {
  const out = new OutputBuffer();
  encodeReply(reply, resp, out);
  return out.take().toString('latin1');
};

describe('encodeReply', () => {
  it.each<[string, Reply, string, string]>([
    ['status', OK, '+OK\r\n', '+OK\r\n'],
    ['error', error('ERR no such key'), '-ERR no such key\r\n', '-ERR no such key\r\n'],
    ['error with newlines', error('ERR a\r\nb\nc'), '-ERR a  b c\r\n', '-ERR a  b c\r\n'],
    ['integer', integer(-42), ':-42\r\n', ':-42\r\n'],
    ['64-bit integer', integer(-9223372036854775808n), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
    ['bulk', bulk('abc'), '$3\r\nabc\r\n', '$3\r\nabc\r\n'],
    ['empty bulk', bulk(''), '$0\r\n\r\n', '$0\r\n\r\n'],
    ['binary bulk', bulk('\0\r\n\xff'), '$4\r\n\0\r\n\xff\r\n', '$4\r\n\0\r\n\xff\r\n'],
    ['null bulk', NIL, '$-1\r\n', '_\r\n'],
    ['bulkOrNil(null)', bulkOrNil(null), '$-1\r\n', '_\r\n'],
    ['null array', NIL_ARRAY, '*-1\r\n', '_\r\n'],
    ['empty array', array([]), '*0\r\n', '*0\r\n'],
    [
      'nested array',
      array([integer(1), bulkArray(['a']), NIL]),
      '*3\r\n:1\r\n*1\r\n$1\r\na\r\n$-1\r\n',
      '*3\r\n:1\r\n*1\r\n$1\r\na\r\n_\r\n',
    ],
    ['set', set([bulk('a')]), '*1\r\n$1\r\na\r\n', '~1\r\n$1\r\na\r\n'],
    ['push', push([bulk('message')]), '*1\r\n$7\r\nmessage\r\n', '>1\r\n$7\r\nmessage\r\n'],
    [
      'map',
      mapOf([
        ['a', integer(1)],
        ['b', NIL],
      ]),
      '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n',
      '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n',
    ],
    ['empty map', map([]), '*0\r\n', '%0\r\n'],
    ['double', double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
    ['double 0.1', double(0.1), '$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n'],
    ['inf', double(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
    ['-inf', double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
    ['double with text', double(3, '3.0'), '$3\r\n3.0\r\n', ',3.0\r\n'],
    ['true', bool(true), ':1\r\n', '#t\r\n'],
    ['false', bool(false), ':0\r\n', '#f\r\n'],
    ['verbatim', verbatim('a\r\nb'), '$4\r\na\r\nb\r\n', '=8\r\ntxt:a\r\nb\r\n'],
    ['sequence', sequence([OK, set([integer(1)])]), '+OK\r\n*1\r\n:1\r\n', '+OK\r\n~1\r\n:1\r\n'],
  ])('%s', (_name, reply, resp2, resp3) => {
    expect(encode(reply, 2)).toBe(resp2);
    expect(encode(reply, 3)).toBe(resp3);
  });

  it('writes large bulks intact', () => {
    const big = 'x'.repeat(100_000) + '\xff';
    expect(encode(bulk(big), 2)).toBe(`$100001\r\n${big}\r\n`);
  });

  it('keeps replies in order across buffer growth and takes', () => {
    const out = new OutputBuffer();
    for (let i = 0; i < 5000; i++) encodeReply(integer(i), 2, out);
    const first = out.take().toString('latin1');
    encodeReply(OK, 2, out);
    expect(first).toBe(Array.from({ length: 5000 }, (_, i) => `:${i}\r\n`).join(''));
    expect(out.take().toString('latin1')).toBe('+OK\r\n');
    expect(out.size).toBe(0);
  });
});

/** Arbitrary reply trees, without the values the wire cannot carry (CR/LF in status and error lines). */
const lineArb = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '_'));
const binaryArb = fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u).toString('latin1'));
const doubleArb = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 0.1, 1e-5, 1e17, Infinity, -Infinity));
const { reply: replyArb } = fc.letrec<{ reply: Reply }>((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    lineArb.map(simple),
    lineArb.map((s) => error(`ERR ${s}`)),
    fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })).map(integer),
    binaryArb.map(bulk),
    fc.constant(NIL),
    fc.constant(NIL_ARRAY),
    doubleArb.map((n) => double(n)),
    fc.boolean().map(bool),
    binaryArb.map(verbatim),
    fc.array(tie('reply'), { maxLength: 4 }).map(array),
    fc.array(tie('reply'), { maxLength: 4 }).map(set),
    fc.array(tie('reply'), { maxLength: 4 }).map(push),
    fc.array(fc.tuple(tie('reply'), tie('reply')), { maxLength: 3 }).map((pairs) => map(pairs.flat())),
  ),
}));

/** What a client parsing the encoding of `r` in protocol `resp` must see. */
function expected(r: Reply, resp: RespVersion): Reply {
  switch (r.t) {
    case 'int': {
      const small = BigInt(r.n) >= BigInt(Number.MIN_SAFE_INTEGER) && BigInt(r.n) <= BigInt(Number.MAX_SAFE_INTEGER);
      return integer(small ? Number(r.n) : BigInt(r.n));
    }
    case 'nilarray':
      return resp === 2 ? r : NIL;
    case 'double': {
      const text = encode(r, 3).slice(1, -2);
      return resp === 2 ? bulk(text) : { t: 'double', n: Number(text.replace(/inf$/, 'Infinity')), text };
    }
    case 'bool':
      return resp === 2 ? integer(r.b ? 1 : 0) : r;
    case 'verbatim':
      return resp === 2 ? bulk(r.s) : r;
    case 'array':
    case 'set':
    case 'push':
      return { t: resp === 2 ? 'array' : r.t, items: r.items.map((i) => expected(i, resp)) };
    case 'map':
      return resp === 2 ? array(r.items.map((i) => expected(i, resp))) : map(r.items.map((i) => expected(i, resp)));
    default:
      return r;
  }
}

describe('ReplyParser round trip with the encoder', () => {
  it.each([2, 3] as const)('parses back what RESP%i encodes, in any chunking', (resp) => {
    fc.assert(
      fc.property(
        fc.array(replyArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 10 }),
        (replies, cuts) => {
          const out = new OutputBuffer();
          for (const r of replies) encodeReply(r, resp, out);
          const bytes = out.take();
          expect(parseReplies(bytes)).toEqual(replies.map((r) => expected(r, resp)));
          // The same bytes in pieces: every reply comes out once it is complete, never before.
          const parser = new ReplyParser();
          const got: Reply[] = [];
          let start = 0;
          for (const cut of [...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length]) {
            parser.push(bytes.subarray(start, Math.max(start, cut)));
            start = Math.max(start, cut);
            for (let r = parser.next(); r !== undefined; r = parser.next()) got.push(r);
          }
          expect(got).toEqual(replies.map((r) => expected(r, resp)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ReplyParser on big replies', () => {
  it('joins a big bulk arriving in small chunks once, and parses what follows', () => {
    const size = 20 * 1024 * 1024;
    const bytes = Buffer.concat([
      Buffer.from(`*2\r\n$${size}\r\n`),
      Buffer.alloc(size, 0x61),
      Buffer.from('\r\n:7\r\n+OK\r\n'),
    ]);
    const parser = new ReplyParser();
    const got: Reply[] = [];
    const start = performance.now();
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      parser.push(bytes.subarray(at, at + 64 * 1024));
      for (let r = parser.next(); r !== undefined; r = parser.next()) got.push(r);
    }
    const elapsed = performance.now() - start;
    expect(got).toHaveLength(2);
    expect(got[0]!.t === 'array' && got[0]!.items[0]!.t === 'bulk' && got[0]!.items[0]!.s.length).toBe(size);
    expect(got[1]).toEqual(OK);
    // 320 joins of up to 20MB would take many seconds; one join takes a fraction of one.
    expect(elapsed).toBeLessThan(3000);
  });

  it('parses a big array arriving in small chunks once, not from its start on every chunk', () => {
    const count = 300_000;
    const out = new OutputBuffer();
    encodeReply(array(Array.from({ length: count }, (_, i) => bulk(`key:${i}`))), 2, out);
    const bytes = out.take();
    const parser = new ReplyParser();
    let got: Reply | undefined;
    const start = performance.now();
    for (let at = 0; at < bytes.length; at += 16 * 1024) {
      parser.push(bytes.subarray(at, at + 16 * 1024));
      got ??= parser.next();
    }
    const elapsed = performance.now() - start;
    expect(got?.t === 'array' && got.items.length).toBe(count);
    expect(got?.t === 'array' && got.items[count - 1]).toEqual(bulk(`key:${count - 1}`));
    expect(elapsed).toBeLessThan(3000);
  });
});
