// The strings family on one simulated node: replies, errors in Redis's order, TTL handling, propagation rewrites,
// dirty counting and keyspace hit/miss stats. Long double arithmetic and formatting have their own cases at the end.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NodeHarness } from '../../helpers/node-harness.js';
import type { CollectionValue } from '../../../src/node/values.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  parseLongDouble,
  type LongDouble,
} from '../../../src/node/strings/long-double.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const NOT_FLOAT = { error: 'ERR value is not a valid float' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };

/** A harness whose propagated commands are recorded. */
function harness(directives: readonly (readonly [string, readonly string[]])[] = []): {
  h: NodeHarness;
  fed: string[][];
} {
  const h = new NodeHarness({ directives });
  const fed: string[][] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  return { h, fed };
}

/** Puts a non-string value under a key, for WRONGTYPE checks without depending on other families. */
function putList(h: NodeHarness, key: string): void {
  const list: CollectionValue = { type: 'list', encoding: 'quicklist', clone: () => list };
  h.node.databases[0]!.set(key, list);
}

function expiry(h: NodeHarness, key: string): number | undefined {
  return h.node.databases[0]!.expiryOf(key);
}

describe('GET and SET', () => {
  it('stores and returns binary-safe values', () => {
    const { h } = harness();
    expect(h.run('GET', 'k')).toBe(null);
    expect(h.run('SET', 'k', 'a\x00b\xff\r\n')).toBe('OK');
    expect(h.run('GET', 'k')).toBe('a\x00b\xff\r\n');
    expect(h.run('SET', 'k', '')).toBe('OK');
    expect(h.run('GET', 'k')).toBe('');
  });

  it('answers WRONGTYPE for GET on another type, while SET overwrites it', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('GET', 'l')).toEqual(WRONGTYPE);
    expect(h.run('SET', 'l', 'v')).toBe('OK');
    expect(h.run('GET', 'l')).toBe('v');
  });

  it('honours NX and XX, with GET returning the old value either way', () => {
    const { h } = harness();
    expect(h.run('SET', 'k', 'v1', 'XX')).toBe(null);
    expect(h.run('SET', 'k', 'v1', 'nx')).toBe('OK');
    expect(h.run('SET', 'k', 'v2', 'NX')).toBe(null);
    expect(h.run('SET', 'k', 'v2', 'NX', 'GET')).toBe('v1');
    expect(h.run('GET', 'k')).toBe('v1');
    expect(h.run('SET', 'k', 'v3', 'XX', 'GET')).toBe('v1');
    expect(h.run('SET', 'm', 'v', 'XX', 'GET')).toBe(null);
    expect(h.run('SET', 'k', 'v4', 'GET', 'GET')).toBe('v3');
  });

  it('rejects clashing options as syntax errors but accepts repeats', () => {
    const { h } = harness();
    expect(h.run('SET', 'k', 'v', 'NX', 'XX')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'EX', '10', 'PX', '100')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'KEEPTTL', 'EX', '10')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'EX', '10', 'KEEPTTL')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'EXAT', '10', 'PXAT', '10')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'PERSIST')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'EX')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'FOO')).toEqual(SYNTAX);
    expect(h.run('SET', 'k', 'v', 'nx\x00junk')).toBe('OK');
    expect(h.run('SET', 'k', 'v', 'EX', '10', 'EX', '20')).toBe('OK');
    expect(h.run('SET', 'k', 'v', 'NX', 'NX')).toBe(null);
    expect(h.run('SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL')).toBe('OK');
  });

  it('validates expire values after the syntax and before GET and NX', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('SET', 'k', 'v', 'EX', 'abc')).toEqual(NOT_INT);
    expect(h.run('SET', 'k', 'v', 'EX', '0')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(h.run('SET', 'k', 'v', 'PX', '-5')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(h.run('SET', 'k', 'v', 'EX', '9223372036854775')).toEqual({
      error: "ERR invalid expire time in 'set' command",
    });
    expect(h.run('SET', 'k', 'v', 'PX', '9223372036854775807')).toEqual({
      error: "ERR invalid expire time in 'set' command",
    });
    expect(h.run('SET', 'l', 'v', 'EX', '0', 'GET')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(h.run('SET', 'l', 'v', 'GET')).toEqual(WRONGTYPE);
    expect(h.run('SET', 'k', 'v', 'EX', 'x', 'FOO')).toEqual(SYNTAX);
    expect(h.run('GET', 'k')).toBe(null);
  });

  it('sets relative and absolute expiries and propagates them as PXAT', () => {
    const { h, fed } = harness();
    const now = h.node.now();
    expect(h.run('SET', 'a', '1', 'EX', '10')).toBe('OK');
    expect(expiry(h, 'a')).toBe(now + 10_000);
    expect(h.run('SET', 'b', '2', 'px', '1500')).toBe('OK');
    expect(expiry(h, 'b')).toBe(now + 1500);
    expect(h.run('SET', 'c', '3', 'EXAT', String(Math.floor(now / 1000) + 100))).toBe('OK');
    expect(expiry(h, 'c')).toBe((Math.floor(now / 1000) + 100) * 1000);
    expect(h.run('SET', 'd', '4', 'PXAT', String(now + 7))).toBe('OK');
    expect(expiry(h, 'd')).toBe(now + 7);
    expect(fed).toEqual([
      ['SET', 'a', '1', 'PXAT', String(now + 10_000)],
      ['SET', 'b', '2', 'PXAT', String(now + 1500)],
      ['SET', 'c', '3', 'PXAT', String((Math.floor(now / 1000) + 100) * 1000)],
      ['SET', 'd', '4', 'PXAT', String(now + 7)],
    ]);
    h.advance(1501);
    expect(h.run('GET', 'b')).toBe(null);
    expect(h.run('GET', 'a')).toBe('1');
  });

  it('clears the TTL on a plain SET and keeps it with KEEPTTL', () => {
    const { h } = harness();
    h.run('SET', 'k', 'v', 'EX', '100');
    h.run('SET', 'k', 'w', 'KEEPTTL');
    expect(expiry(h, 'k')).toBeGreaterThan(0);
    h.run('SET', 'k', 'x');
    expect(expiry(h, 'k')).toBe(0);
  });

  it('propagates SET … GET without its GET arguments', () => {
    const { h, fed } = harness();
    h.run('SET', 'k', 'get', 'GET', 'NX', 'get');
    h.run('SET', 'k', 'v', 'GET', 'KEEPTTL');
    h.run('SET', 'k', 'w');
    expect(fed).toEqual([
      ['SET', 'k', 'get', 'NX'],
      ['SET', 'k', 'v', 'KEEPTTL'],
      ['SET', 'k', 'w'],
    ]);
  });

  it('counts dirty changes and keyspace hits and misses', () => {
    const { h } = harness();
    const stats = h.node.stats;
    const dirty = h.node.dirty;
    h.run('SET', 'k', 'v');
    h.run('SET', 'k', 'v', 'NX');
    expect(h.node.dirty).toBe(dirty + 1);
    h.run('GET', 'k');
    h.run('GET', 'nope');
    h.run('SET', 'k', 'v', 'GET');
    expect([stats.keyspaceHits, stats.keyspaceMisses]).toEqual([2, 1]);
  });
});

describe('SETNX, SETEX, PSETEX, GETSET', () => {
  it('SETNX answers 1 or 0', () => {
    const { h } = harness();
    expect(h.run('SETNX', 'k', 'a')).toBe(1);
    expect(h.run('SETNX', 'k', 'b')).toBe(0);
    expect(h.run('GET', 'k')).toBe('a');
  });

  it('SETEX and PSETEX set a TTL, name themselves in expire errors and propagate as SET PXAT', () => {
    const { h, fed } = harness();
    const now = h.node.now();
    expect(h.run('SETEX', 'k', '5', 'v')).toBe('OK');
    expect(expiry(h, 'k')).toBe(now + 5000);
    expect(h.run('PSETEX', 'p', '250', 'v')).toBe('OK');
    expect(expiry(h, 'p')).toBe(now + 250);
    expect(h.run('SETEX', 'k', '0', 'v')).toEqual({ error: "ERR invalid expire time in 'setex' command" });
    expect(h.run('PSETEX', 'k', '-1', 'v')).toEqual({ error: "ERR invalid expire time in 'psetex' command" });
    expect(h.run('SETEX', 'k', 'x', 'v')).toEqual(NOT_INT);
    expect(fed).toEqual([
      ['SET', 'k', 'v', 'PXAT', String(now + 5000)],
      ['SET', 'p', 'v', 'PXAT', String(now + 250)],
    ]);
    h.advance(251);
    expect(h.run('GET', 'p')).toBe(null);
  });

  it('GETSET returns the old value, clears the TTL and propagates as SET', () => {
    const { h, fed } = harness();
    putList(h, 'l');
    expect(h.run('GETSET', 'k', 'a')).toBe(null);
    h.run('SET', 'k', 'b', 'EX', '100');
    expect(h.run('GETSET', 'k', 'c')).toBe('b');
    expect(expiry(h, 'k')).toBe(0);
    expect(h.run('GETSET', 'l', 'x')).toEqual(WRONGTYPE);
    expect(fed[0]).toEqual(['SET', 'k', 'a']);
    expect(fed[2]).toEqual(['SET', 'k', 'c']);
  });
});

describe('GETDEL and GETEX', () => {
  it('GETDEL returns and deletes, propagating DEL', () => {
    const { h, fed } = harness();
    putList(h, 'l');
    h.run('SET', 'k', 'v');
    expect(h.run('GETDEL', 'k')).toBe('v');
    expect(h.run('GETDEL', 'k')).toBe(null);
    expect(h.run('GETDEL', 'l')).toEqual(WRONGTYPE);
    expect(fed.at(-1)).toEqual(['DEL', 'k']);
  });

  it('GETEX sets, replaces or removes the TTL and propagates PEXPIREAT or PERSIST', () => {
    const { h, fed } = harness();
    const now = h.node.now();
    h.run('SET', 'k', 'v');
    fed.length = 0;
    expect(h.run('GETEX', 'k')).toBe('v');
    expect(h.run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(fed).toEqual([]);
    expect(h.run('GETEX', 'k', 'EX', '10')).toBe('v');
    expect(expiry(h, 'k')).toBe(now + 10_000);
    expect(h.run('GETEX', 'k', 'PX', '20')).toBe('v');
    expect(h.run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(expiry(h, 'k')).toBe(0);
    expect(fed).toEqual([
      ['PEXPIREAT', 'k', String(now + 10_000)],
      ['PEXPIREAT', 'k', String(now + 20)],
      ['PERSIST', 'k'],
    ]);
  });

  it('GETEX with EXAT/PXAT in the past deletes the key and propagates DEL', () => {
    const { h, fed } = harness();
    h.run('SET', 'k', 'v');
    expect(h.run('GETEX', 'k', 'PXAT', '1')).toBe('v');
    expect(h.run('GET', 'k')).toBe(null);
    expect(fed.at(-1)).toEqual(['DEL', 'k']);
  });

  it('GETEX checks options, then the key, then the expire value', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('GETEX', 'k', 'EX', '1', 'PERSIST')).toEqual(SYNTAX);
    expect(h.run('GETEX', 'k', 'KEEPTTL')).toEqual(SYNTAX);
    expect(h.run('GETEX', 'k', 'NX')).toEqual(SYNTAX);
    expect(h.run('GETEX', 'missing', 'EX', '0')).toBe(null);
    expect(h.run('GETEX', 'l', 'EX', '0')).toEqual(WRONGTYPE);
    h.run('SET', 'k', 'v');
    expect(h.run('GETEX', 'k', 'EX', '0')).toEqual({ error: "ERR invalid expire time in 'getex' command" });
    expect(h.run('GETEX', 'k', 'EX', 'x')).toEqual(NOT_INT);
  });
});

describe('MGET, MSET, MSETNX', () => {
  it('MGET answers nil for missing keys and other types', () => {
    const { h } = harness();
    putList(h, 'l');
    h.run('SET', 'a', '1');
    expect(h.run('MGET', 'a', 'b', 'l', 'a')).toEqual(['1', null, null, '1']);
    expect(h.node.stats.keyspaceHits).toBe(3);
    expect(h.node.stats.keyspaceMisses).toBe(1);
  });

  it('MSET sets all, clears TTLs and counts one change per key', () => {
    const { h } = harness();
    h.run('SET', 'a', 'x', 'EX', '100');
    const dirty = h.node.dirty;
    expect(h.run('MSET', 'a', '1', 'b', '2', 'a', '3')).toBe('OK');
    expect(h.node.dirty).toBe(dirty + 3);
    expect(h.run('MGET', 'a', 'b')).toEqual(['3', '2']);
    expect(expiry(h, 'a')).toBe(0);
    expect(h.run('MSET', 'a', '1', 'b')).toEqual({ error: "ERR wrong number of arguments for 'mset' command" });
  });

  it('MSETNX sets nothing when any key exists', () => {
    const { h } = harness();
    expect(h.run('MSETNX', 'a', '1', 'b', '2')).toBe(1);
    expect(h.run('MSETNX', 'c', '3', 'b', '4')).toBe(0);
    expect(h.run('GET', 'c')).toBe(null);
    expect(h.run('MSETNX', 'x', '1', 'x', '2')).toBe(1);
    expect(h.run('GET', 'x')).toBe('2');
    expect(h.run('MSETNX', 'a')).toEqual({ error: "ERR wrong number of arguments for 'msetnx' command" });
  });
});

describe('INCR family', () => {
  it('counts from zero and keeps the TTL', () => {
    const { h } = harness();
    expect(h.run('INCR', 'n')).toBe(1);
    expect(h.run('INCRBY', 'n', '41')).toBe(42);
    expect(h.run('DECR', 'n')).toBe(41);
    expect(h.run('DECRBY', 'n', '-9')).toBe(50);
    h.run('SET', 't', '5', 'EX', '100');
    expect(h.run('INCR', 't')).toBe(6);
    expect(expiry(h, 't')).toBeGreaterThan(0);
    expect(h.run('GET', 'n')).toBe('50');
  });

  it('is exact over the whole 64-bit range', () => {
    const { h } = harness();
    h.run('SET', 'n', '9223372036854775806');
    expect(h.run('INCR', 'n')).toBe(9223372036854775807n);
    expect(h.run('INCR', 'n')).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(h.run('GET', 'n')).toBe('9223372036854775807');
    h.run('SET', 'm', '-9223372036854775807');
    expect(h.run('DECR', 'm')).toBe(-9223372036854775808n);
    expect(h.run('DECR', 'm')).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(h.run('INCRBY', 'm', '9223372036854775807')).toBe(-1);
    expect(h.run('INCRBY', 'z', '9007199254740993')).toBe(9007199254740993n);
    expect(h.run('INCRBY', 'z', '-9007199254740993')).toBe(0);
    expect(h.run('DECRBY', 'z', '-9223372036854775808')).toEqual({ error: 'ERR decrement would overflow' });
    expect(h.run('INCRBY', 'z', '9223372036854775808')).toEqual(NOT_INT);
  });

  it('rejects stored values and increments that are not strict integers', () => {
    const { h } = harness();
    putList(h, 'l');
    for (const bad of ['abc', ' 1', '1 ', '+1', '01', '-0', '1.0', '', '99999999999999999999']) {
      h.run('SET', 's', bad);
      expect(h.run('INCR', 's')).toEqual(NOT_INT);
    }
    expect(h.run('INCRBY', 'n', '1.5')).toEqual(NOT_INT);
    expect(h.run('INCR', 'l')).toEqual(WRONGTYPE);
    expect(h.run('INCRBY', 'l', 'x')).toEqual(NOT_INT);
  });

  it('agrees with BigInt arithmetic on random values', () => {
    const min = -(2n ** 63n);
    const max = 2n ** 63n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min, max }), fc.bigInt({ min, max }), (a, b) => {
        const { h } = harness();
        h.run('SET', 'n', String(a));
        const sum = a + b;
        const reply = h.run('INCRBY', 'n', String(b));
        if (sum > max || sum < min) expect(reply).toEqual({ error: 'ERR increment or decrement would overflow' });
        else expect(BigInt(reply as number | bigint)).toBe(sum);
      }),
      { numRuns: 200 },
    );
  });
});

describe('INCRBYFLOAT', () => {
  it('uses long double precision and formatting', () => {
    const { h } = harness();
    h.run('SET', 'f', '10.5');
    expect(h.run('INCRBYFLOAT', 'f', '0.1')).toBe('10.6');
    expect(h.run('INCRBYFLOAT', 'g', '0.1')).toBe('0.1');
    expect(h.run('INCRBYFLOAT', 'g', '0.2')).toBe('0.3');
    expect(h.run('INCRBYFLOAT', 'g', '-0.3')).toBe('0');
    expect(h.run('INCRBYFLOAT', 'h', '1e30')).toBe('1000000000000000000024696061952');
    expect(h.run('INCRBYFLOAT', 'i', '5.0e3')).toBe('5000');
    expect(h.run('INCRBYFLOAT', 'j', '-1e-20')).toBe('0');
    expect(h.run('INCRBYFLOAT', 'k', '0x1p3')).toBe('8');
    expect(h.run('INCRBYFLOAT', 'l', '3')).toBe('3');
    expect(h.run('INCRBYFLOAT', 'l', '-4.25')).toBe('-1.25');
  });

  it('rejects bad floats, NaN and infinite results', () => {
    const { h } = harness();
    putList(h, 'lst');
    for (const bad of ['abc', ' 1', '1 ', '', '1e', 'nan', '1e5000', '1e-5000', '1\x002']) {
      expect(h.run('INCRBYFLOAT', 'f', bad)).toEqual(NOT_FLOAT);
    }
    expect(h.run('INCRBYFLOAT', 'f', 'inf')).toEqual({ error: 'ERR increment would produce NaN or Infinity' });
    h.run('SET', 'big', '1e4932');
    expect(h.run('INCRBYFLOAT', 'big', '1e4932')).toEqual({ error: 'ERR increment would produce NaN or Infinity' });
    h.run('SET', 's', 'x');
    expect(h.run('INCRBYFLOAT', 's', '1')).toEqual(NOT_FLOAT);
    expect(h.run('INCRBYFLOAT', 'lst', 'x')).toEqual(WRONGTYPE);
  });

  it('keeps the TTL and propagates as SET … KEEPTTL', () => {
    const { h, fed } = harness();
    h.run('SET', 'f', '1', 'EX', '100');
    fed.length = 0;
    expect(h.run('INCRBYFLOAT', 'f', '1.5')).toBe('2.5');
    expect(expiry(h, 'f')).toBeGreaterThan(0);
    expect(fed).toEqual([['SET', 'f', '2.5', 'KEEPTTL']]);
  });
});

describe('APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE', () => {
  it('APPEND creates or extends, keeping the TTL', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('APPEND', 'k', 'ab')).toBe(2);
    h.node.databases[0]!.setExpiry('k', h.node.now() + 100_000);
    expect(h.run('APPEND', 'k', '\x00c')).toBe(4);
    expect(h.run('GET', 'k')).toBe('ab\x00c');
    expect(expiry(h, 'k')).toBeGreaterThan(0);
    expect(h.run('APPEND', 'l', 'x')).toEqual(WRONGTYPE);
  });

  it('APPEND and SETRANGE respect proto-max-bulk-len', () => {
    const { h } = harness([['proto-max-bulk-len', ['1mb']]]);
    h.run('SET', 'k', 'x'.repeat(1024 * 1024 - 1));
    expect(h.run('APPEND', 'k', 'y')).toBe(1024 * 1024);
    const tooBig = { error: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)' };
    expect(h.run('APPEND', 'k', 'z')).toEqual(tooBig);
    expect(h.run('SETRANGE', 'n', String(1024 * 1024), 'a')).toEqual(tooBig);
    expect(h.run('SETRANGE', 'n', String(1024 * 1024 - 1), 'a')).toBe(1024 * 1024);
    expect(h.run('SETRANGE', 'n', '99999999999999', '')).toBe(1024 * 1024);
  });

  it('STRLEN counts bytes', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('STRLEN', 'k')).toBe(0);
    h.run('SET', 'k', '\xff\x00é');
    expect(h.run('STRLEN', 'k')).toBe(3);
    expect(h.run('STRLEN', 'l')).toEqual(WRONGTYPE);
  });

  it('GETRANGE and SUBSTR clamp indexes like getrangeCommand', () => {
    const { h } = harness();
    h.run('SET', 'k', 'Hello World');
    const cases: [string, string, string][] = [
      ['0', '4', 'Hello'],
      ['-5', '-1', 'World'],
      ['-1', '-5', ''],
      ['5', '3', ''],
      ['0', '-100', 'H'],
      ['-100', '100', 'Hello World'],
      ['20', '30', ''],
      ['10', '10', 'd'],
    ];
    for (const [s, e, want] of cases) {
      expect(h.run('GETRANGE', 'k', s, e)).toBe(want);
      expect(h.run('SUBSTR', 'k', s, e)).toBe(want);
    }
    expect(h.run('GETRANGE', 'missing', '0', '-1')).toBe('');
    expect(h.run('GETRANGE', 'missing', 'x', '1')).toEqual(NOT_INT);
    h.run('SET', 'e', '');
    expect(h.run('GETRANGE', 'e', '0', '-1')).toBe('');
  });

  it('SETRANGE pads with zero bytes and checks offset and type', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('SETRANGE', 'k', '3', 'ab')).toBe(5);
    expect(h.run('GET', 'k')).toBe('\x00\x00\x00ab');
    expect(h.run('SETRANGE', 'k', '1', 'XYZW')).toBe(5);
    expect(h.run('GET', 'k')).toBe('\x00XYZW');
    expect(h.run('SETRANGE', 'k', '0', '')).toBe(5);
    expect(h.run('SETRANGE', 'none', '5', '')).toBe(0);
    expect(h.node.databases[0]!.has('none')).toBe(false);
    expect(h.run('SETRANGE', 'k', '-1', 'a')).toEqual({ error: 'ERR offset is out of range' });
    expect(h.run('SETRANGE', 'k', 'x', 'a')).toEqual(NOT_INT);
    expect(h.run('SETRANGE', 'l', '0', 'a')).toEqual(WRONGTYPE);
    expect(h.run('SETRANGE', 'l', '-1', 'a')).toEqual({ error: 'ERR offset is out of range' });
  });
});

describe('LCS', () => {
  it('returns the subsequence, its length, and the matches in Redis order', () => {
    const { h } = harness();
    h.run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    expect(h.run('LCS', 'key1', 'key2')).toBe('mytext');
    expect(h.run('LCS', 'key1', 'key2', 'LEN')).toBe(6);
    expect(h.run('LCS', 'key1', 'key2', 'IDX')).toEqual([
      'matches',
      [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      'len',
      6,
    ]);
    expect(h.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual([
      'matches',
      [[[4, 7], [5, 8], 4]],
      'len',
      6,
    ]);
  });

  it('treats missing keys as empty and checks options in order', () => {
    const { h } = harness();
    putList(h, 'l');
    expect(h.run('LCS', 'a', 'b')).toBe('');
    expect(h.run('LCS', 'a', 'b', 'IDX')).toEqual(['matches', [], 'len', 0]);
    expect(h.run('LCS', 'a', 'l', 'FOO')).toEqual({ error: 'ERR The specified keys must contain string values' });
    expect(h.run('LCS', 'a', 'b', 'FOO')).toEqual(SYNTAX);
    expect(h.run('LCS', 'a', 'b', 'MINMATCHLEN')).toEqual(SYNTAX);
    expect(h.run('LCS', 'a', 'b', 'MINMATCHLEN', 'x')).toEqual(NOT_INT);
    expect(h.run('LCS', 'a', 'b', 'LEN', 'IDX')).toEqual({
      error: 'ERR If you want both the length and indexes, please just use IDX.',
    });
  });

  it('refuses tables larger than proto-max-bulk-len', () => {
    const { h } = harness([['proto-max-bulk-len', ['1mb']]]);
    h.run('MSET', 'a', 'x'.repeat(600), 'b', 'y'.repeat(600));
    expect(h.run('LCS', 'a', 'b', 'LEN')).toEqual({
      error: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
    });
  });
});

describe('long double arithmetic', () => {
  const ld = (s: string): LongDouble => {
    const v = parseLongDouble(s);
    if (v === null || v === 'inf') throw new Error(`not finite: ${s}`);
    return v;
  };

  it('parses what strtold accepts and rejects what string2ld rejects', () => {
    for (const ok of ['1', '-1.5', '+.5', '5.', '1e10', '1E-3', '0x1p-2', '0X.8', '0xAp0', '0e99999', '4e-4951']) {
      expect(parseLongDouble(ok), ok).not.toBe(null);
    }
    for (const bad of ['', '.', 'e1', '1e', '1e+', '0x', '0x1p', ' 1', '1 ', 'nan', 'NaN(1)', '1e4933', '1e-4952']) {
      expect(parseLongDouble(bad), bad).toBe(null);
    }
    expect(parseLongDouble('-Infinity')).toBe('inf');
    expect(parseLongDouble('0.' + '1'.repeat(5117))).not.toBe(null);
    expect(parseLongDouble('0.' + '1'.repeat(5118))).toBe(null);
  });

  it('rounds ties to even when formatting 17 decimals', () => {
    expect(formatLongDoubleHuman(ld('0.000003814697265625'))).toBe('0.00000381469726562');
    expect(formatLongDoubleHuman(ld('0x3p-18'))).toBe('0.00001144409179688');
  });

  it('reports overflow to infinity as null', () => {
    expect(addLongDouble(ld('1.1e4932'), ld('1.1e4932'))).toBe(null);
    expect(formatLongDoubleHuman(addLongDouble(ld('1.5'), ld('-1.5'))!)).toBe('0');
  });

  it('prints integers below 2^64 exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        expect(formatLongDoubleHuman(ld(String(n)))).toBe(String(n));
      }),
      { numRuns: 200 },
    );
  });
});
