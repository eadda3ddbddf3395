// The hashes family on one simulated node: replies and errors in Redis's order, encoding conversions at the
// configured thresholds, keyspace events, dirty counting, propagation of HINCRBYFLOAT, hit/miss stats, HSCAN
// cursors and HRANDFIELD's count semantics in both protocols.

import { describe, it, expect } from 'vitest';
import { NodeHarness, recordingHarness } from '../../helpers/node-harness.js';
import { HashValue } from '../../../src/node/types/hash.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const NOT_FLOAT = { error: 'ERR value is not a valid float' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };

const harness = recordingHarness;

function encodingOf(h: NodeHarness, key: string): string | undefined {
  const v = h.node.databases[0]!.get(key);
  return v === undefined || typeof v === 'string' ? undefined : v.encoding;
}

describe('HSET, HMSET, HSETNX, HGET, HMGET', () => {
  it('sets pairs and counts only new fields', () => {
    const { h } = harness();
    expect(h.run('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(h.run('HSET', 'h', 'a', '10', 'c', '3')).toBe(1);
    expect(h.run('HSET', 'h', 'd', '1', 'd', '2')).toBe(1);
    expect(h.run('HGET', 'h', 'a')).toBe('10');
    expect(h.run('HGET', 'h', 'd')).toBe('2');
    expect(h.run('HGET', 'h', 'zz')).toBe(null);
    expect(h.run('HGET', 'nokey', 'a')).toBe(null);
    expect(h.run('HMGET', 'h', 'a', 'zz', 'c')).toEqual(['10', null, '3']);
    expect(h.run('HMGET', 'nokey', 'a', 'b')).toEqual([null, null]);
    expect(h.run('HMSET', 'h', 'e', '5')).toBe('OK');
    expect(h.run('HLEN', 'h')).toBe(5);
  });

  it('rejects an odd number of arguments with the arity error of the name used', () => {
    const { h } = harness();
    expect(h.run('HSET', 'h', 'a', '1', 'b')).toEqual({ error: "ERR wrong number of arguments for 'hset' command" });
    expect(h.run('HMSET', 'h', 'a', '1', 'b')).toEqual({
      error: "ERR wrong number of arguments for 'hmset' command",
    });
    expect(h.run('EXISTS', 'h')).toBe(0);
  });

  it('HSETNX sets only missing fields', () => {
    const { h } = harness();
    expect(h.run('HSETNX', 'h', 'a', '1')).toBe(1);
    expect(h.run('HSETNX', 'h', 'a', '2')).toBe(0);
    expect(h.run('HGET', 'h', 'a')).toBe('1');
  });

  it('is binary safe', () => {
    const { h } = harness();
    expect(h.run('HSET', 'h', 'f\x00\xff', 'v\r\n\x00')).toBe(1);
    expect(h.run('HGET', 'h', 'f\x00\xff')).toBe('v\r\n\x00');
    expect(h.run('HSTRLEN', 'h', 'f\x00\xff')).toBe(4);
  });

  it('answers WRONGTYPE on other types, after the arity check', () => {
    const { h } = harness();
    h.run('SET', 's', 'v');
    for (const cmd of [
      ['HSET', 's', 'a', '1'],
      ['HMSET', 's', 'a', '1'],
      ['HSETNX', 's', 'a', '1'],
      ['HGET', 's', 'a'],
      ['HMGET', 's', 'a'],
      ['HDEL', 's', 'a'],
      ['HLEN', 's'],
      ['HSTRLEN', 's', 'a'],
      ['HEXISTS', 's', 'a'],
      ['HINCRBY', 's', 'a', '1'],
      ['HINCRBYFLOAT', 's', 'a', '1'],
      ['HKEYS', 's'],
      ['HVALS', 's'],
      ['HGETALL', 's'],
      ['HSCAN', 's', '0'],
      ['HRANDFIELD', 's'],
      ['HRANDFIELD', 's', '2', 'WITHVALUES'],
    ]) {
      expect(h.run(...cmd)).toEqual(WRONGTYPE);
    }
    expect(h.run('HSET', 's', 'a')).toEqual({ error: "ERR wrong number of arguments for 'hset' command" });
    expect(h.run('HINCRBY', 's', 'a', 'x')).toEqual(NOT_INT);
    expect(h.run('HINCRBYFLOAT', 's', 'a', 'inf')).toEqual({ error: 'ERR value is NaN or Infinity' });
    expect(h.run('HRANDFIELD', 's', '1', 'x')).toEqual(SYNTAX);
    expect(h.run('HSCAN', 's', 'x')).toEqual({ error: 'ERR invalid cursor' });
  });
});

describe('HDEL, HLEN, HSTRLEN, HEXISTS', () => {
  it('deletes fields and the key once empty', () => {
    const { h, events } = harness();
    h.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(h.run('HDEL', 'h', 'a', 'zz', 'a')).toBe(1);
    expect(h.run('HDEL', 'nokey', 'a')).toBe(0);
    expect(h.run('HDEL', 'h', 'zz')).toBe(0);
    expect(h.run('HEXISTS', 'h', 'b')).toBe(1);
    expect(h.run('HEXISTS', 'h', 'a')).toBe(0);
    expect(h.run('HEXISTS', 'nokey', 'a')).toBe(0);
    expect(h.run('HSTRLEN', 'h', 'b')).toBe(1);
    expect(h.run('HSTRLEN', 'h', 'zz')).toBe(0);
    expect(h.run('HSTRLEN', 'nokey', 'zz')).toBe(0);
    events.length = 0;
    expect(h.run('HDEL', 'h', 'b', 'c', 'b')).toBe(2);
    expect(h.run('EXISTS', 'h')).toBe(0);
    expect(h.run('HLEN', 'h')).toBe(0);
    expect(events.filter((e) => !e.startsWith('m:'))).toEqual(['h:hdel:h', 'g:del:h']);
  });
});

describe('HINCRBY and HINCRBYFLOAT', () => {
  it('HINCRBY adds to integers and checks the stored value and overflow', () => {
    const { h } = harness();
    expect(h.run('HINCRBY', 'h', 'n', '5')).toBe(5);
    expect(h.run('HINCRBY', 'h', 'n', '-7')).toBe(-2);
    h.run('HSET', 'h', 's', 'abc', 'z', '007', 'big', '9223372036854775807');
    expect(h.run('HINCRBY', 'h', 's', '1')).toEqual({ error: 'ERR hash value is not an integer' });
    expect(h.run('HINCRBY', 'h', 'z', '1')).toEqual({ error: 'ERR hash value is not an integer' });
    expect(h.run('HINCRBY', 'h', 'big', '1')).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(h.run('HINCRBY', 'h', 'big', '-1')).toBe(9223372036854775806n);
    expect(h.run('HINCRBY', 'h', 'n', '1.5')).toEqual(NOT_INT);
    expect(h.run('HINCRBY', 'h', 'n', '9223372036854775808')).toEqual(NOT_INT);
  });

  it('HINCRBYFLOAT uses long double arithmetic and formatting and propagates as HSET', () => {
    const { h, fed, events } = harness();
    expect(h.run('HINCRBYFLOAT', 'h', 'f', '10.5')).toBe('10.5');
    expect(h.run('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('10.6');
    expect(h.run('HINCRBYFLOAT', 'h', 'f', '-5.0e3')).toBe('-4989.39999999999999991');
    expect(fed.at(-1)).toEqual(['HSET', 'h', 'f', '-4989.39999999999999991']);
    expect(events.at(-1)).toBe('h:hincrbyfloat:h');
    h.run('HSET', 'h', 's', 'abc', 'i', 'inf', 'n', '3');
    expect(h.run('HINCRBYFLOAT', 'h', 's', '1')).toEqual({ error: 'ERR hash value is not a float' });
    expect(h.run('HINCRBYFLOAT', 'h', 'i', '1')).toEqual({ error: 'ERR increment would produce NaN or Infinity' });
    expect(h.run('HINCRBYFLOAT', 'h', 'n', 'abc')).toEqual(NOT_FLOAT);
    expect(h.run('HINCRBYFLOAT', 'h', 'n', '-inf')).toEqual({ error: 'ERR value is NaN or Infinity' });
    expect(h.run('HINCRBYFLOAT', 'h', 'n', '0x10')).toBe('19');
  });

  it('converts when the result is longer than the value limit (hashTypeSet)', () => {
    const { h } = harness([['hash-max-listpack-value', ['4']]]);
    h.run('HINCRBY', 'h', 'n', '1000');
    expect(encodingOf(h, 'h')).toBe('listpack');
    h.run('HINCRBY', 'h', 'n', '9000');
    expect(encodingOf(h, 'h')).toBe('hashtable');
    h.run('HINCRBYFLOAT', 'g', 'abcd', '0.5');
    expect(encodingOf(h, 'g')).toBe('listpack');
    h.run('HINCRBYFLOAT', 'g', 'abcd', '0.125');
    expect(encodingOf(h, 'g')).toBe('hashtable');
  });
});

describe('HKEYS, HVALS, HGETALL', () => {
  it('replies in listpack order, with an empty map or array for a missing key', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'b', '1', 'a', '2', 'c', '3');
    h.run('HSET', 'h', 'b', '9');
    expect(h.run('HKEYS', 'h')).toEqual(['b', 'a', 'c']);
    expect(h.run('HVALS', 'h')).toEqual(['9', '2', '3']);
    expect(h.run('HGETALL', 'h')).toEqual(['b', '9', 'a', '2', 'c', '3']);
    expect(h.run('HGETALL', 'nokey')).toEqual([]);
    expect(h.run('HKEYS', 'nokey')).toEqual([]);
  });

  it('HGETALL is a map in RESP3', () => {
    const { h } = harness();
    const client = h.client();
    client.run('HELLO', '3');
    client.run('HSET', 'h', 'a', '1');
    expect(client.raw('HGETALL', 'h')).toEqual({
      t: 'map',
      items: [
        { t: 'bulk', s: 'a' },
        { t: 'bulk', s: '1' },
      ],
    });
    expect(client.raw('HGETALL', 'nokey')).toEqual({ t: 'map', items: [] });
  });
});

describe('encoding thresholds', () => {
  it('stays listpack up to hash-max-listpack-entries fields, then hashtable for good', () => {
    const { h } = harness([['hash-max-listpack-entries', ['3']]]);
    h.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(encodingOf(h, 'h')).toBe('listpack');
    h.run('HSET', 'h', 'd', '4');
    expect(encodingOf(h, 'h')).toBe('hashtable');
    h.run('HDEL', 'h', 'a', 'b', 'c');
    expect(encodingOf(h, 'h')).toBe('hashtable');
  });

  it('checks every HSET argument before inserting, even updated fields', () => {
    const { h } = harness([['hash-max-listpack-value', ['3']]]);
    h.run('HSET', 'h', 'a', '1');
    h.run('HSET', 'h', 'a', '1', 'a', 'long');
    expect(encodingOf(h, 'h')).toBe('hashtable');
    h.run('HSETNX', 'g', 'a', '1');
    expect(h.run('HSETNX', 'g', 'a', 'long')).toBe(0);
    expect(encodingOf(h, 'g')).toBe('listpack');
    h.run('HSETNX', 'g', 'long', '1');
    expect(encodingOf(h, 'g')).toBe('hashtable');
  });

  it('uses the defaults 512 and 64', () => {
    const { h } = harness();
    const args: string[] = [];
    for (let i = 0; i < 512; i++) args.push(`f${i}`, 'v');
    h.run('HSET', 'h', ...args);
    expect(encodingOf(h, 'h')).toBe('listpack');
    h.run('HSET', 'h', 'one-more', 'v');
    expect(encodingOf(h, 'h')).toBe('hashtable');
    h.run('HSET', 'g', 'f', 'x'.repeat(64));
    expect(encodingOf(h, 'g')).toBe('listpack');
    h.run('HSET', 'g', 'f', 'x'.repeat(65));
    expect(encodingOf(h, 'g')).toBe('hashtable');
  });
});

describe('events, dirty, propagation and stats', () => {
  it('notifies hset/hdel/hincrby with the key creation first', () => {
    const { h, events } = harness();
    h.run('HSET', 'h', 'a', '1');
    h.run('HSETNX', 'h', 'a', '1');
    h.run('HSETNX', 'h', 'b', '1');
    h.run('HINCRBY', 'h', 'n', '1');
    h.run('HDEL', 'h', 'zz');
    expect(events).toEqual(['n:new:h', 'h:hset:h', 'h:hset:h', 'h:hincrby:h']);
  });

  it('counts dirty like server.dirty', () => {
    const { h } = harness();
    const d0 = h.node.dirty;
    h.run('HSET', 'h', 'a', '1', 'a', '1');
    expect(h.node.dirty - d0).toBe(2);
    h.run('HSETNX', 'h', 'a', '1');
    expect(h.node.dirty - d0).toBe(2);
    h.run('HDEL', 'h', 'a', 'a');
    expect(h.node.dirty - d0).toBe(3);
  });

  it('propagates writes as sent, HINCRBYFLOAT as HSET', () => {
    const { h, fed } = harness();
    h.run('HSET', 'h', 'a', '1');
    h.run('HINCRBYFLOAT', 'h', 'a', '2');
    h.run('HGET', 'h', 'a');
    expect(fed).toEqual([
      ['HSET', 'h', 'a', '1'],
      ['HSET', 'h', 'a', '3'],
    ]);
  });

  it('counts keyspace hits and misses on reads only', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a', '1');
    const stats = h.node.stats;
    const hits = stats.keyspaceHits;
    const misses = stats.keyspaceMisses;
    h.run('HGET', 'h', 'a');
    h.run('HGET', 'nokey', 'a');
    h.run('HLEN', 'h');
    h.run('HSET', 'h', 'b', '1');
    h.run('HDEL', 'h', 'b');
    expect(stats.keyspaceHits - hits).toBe(2);
    expect(stats.keyspaceMisses - misses).toBe(1);
  });

  it('WATCH sees in-place changes', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a', '1');
    const other = h.client();
    h.run('WATCH', 'h');
    other.run('HSET', 'h', 'a', '2');
    h.run('MULTI');
    h.run('HGET', 'h', 'a');
    expect(h.run('EXEC')).toBe(null);
  });
});

describe('HSCAN', () => {
  it('returns a listpack hash whole with cursor 0, filtered by MATCH', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3');
    expect(h.run('HSCAN', 'h', '0')).toEqual(['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    expect(h.run('HSCAN', 'h', '12345', 'COUNT', '1')).toEqual(['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    expect(h.run('HSCAN', 'h', '0', 'MATCH', 'a*')).toEqual(['0', ['a1', '1', 'a2', '3']]);
    expect(h.run('HSCAN', 'nokey', '0', 'bad')).toEqual(['0', []]);
  });

  it('checks the cursor, then the key, then the options', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a', '1');
    expect(h.run('HSCAN', 'h', ' 1')).toEqual({ error: 'ERR invalid cursor' });
    expect(h.run('HSCAN', 'h', '18446744073709551616')).toEqual({ error: 'ERR invalid cursor' });
    expect(h.run('HSCAN', 'h', '-1')).toEqual(['0', ['a', '1']]);
    expect(h.run('HSCAN', 'h', '0', 'COUNT', '0')).toEqual(SYNTAX);
    expect(h.run('HSCAN', 'h', '0', 'COUNT', 'x')).toEqual(NOT_INT);
    expect(h.run('HSCAN', 'h', '0', 'TYPE', 'string')).toEqual(SYNTAX);
    expect(h.run('HSCAN', 'h', '0', 'COUNT')).toEqual(SYNTAX);
  });

  it('walks a hashtable hash with cursors', () => {
    const { h } = harness([['hash-max-listpack-entries', ['0']]]);
    const args: string[] = [];
    for (let i = 0; i < 30; i++) args.push(`f${i}`, `${i}`);
    h.run('HSET', 'h', ...args);
    expect(encodingOf(h, 'h')).toBe('hashtable');
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = h.run('HSCAN', 'h', cursor, 'COUNT', '7') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(1);
    expect(seen.size).toBe(30);
    expect(seen.get('f17')).toBe('17');
  });
});

describe('HRANDFIELD', () => {
  it('checks the count and options before the key', () => {
    const { h } = harness();
    expect(h.run('HRANDFIELD', 'nokey')).toBe(null);
    expect(h.run('HRANDFIELD', 'nokey', '5')).toEqual([]);
    expect(h.run('HRANDFIELD', 'nokey', 'x')).toEqual(NOT_INT);
    expect(h.run('HRANDFIELD', 'nokey', '1', 'foo')).toEqual(SYNTAX);
    expect(h.run('HRANDFIELD', 'nokey', '1', 'WITHVALUES', 'x')).toEqual(SYNTAX);
    expect(h.run('HRANDFIELD', 'nokey', '-9223372036854775808')).toEqual({
      error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    });
    expect(h.run('HRANDFIELD', 'nokey', '4611686018427387904', 'WITHVALUES')).toEqual({
      error: 'ERR value is out of range',
    });
    expect(h.run('HRANDFIELD', 'nokey', '-4611686018427387904', 'withvalues')).toEqual({
      error: 'ERR value is out of range',
    });
    expect(h.run('HRANDFIELD', 'nokey', '4611686018427387903', 'WITHVALUES')).toEqual([]);
  });

  it('returns distinct fields for positive counts and the whole hash in order when the count covers it', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    expect(h.run('HRANDFIELD', 'h', '0')).toEqual([]);
    expect(h.run('HRANDFIELD', 'h', '10')).toEqual(['a', 'b', 'c', 'd']);
    expect(h.run('HRANDFIELD', 'h', '4', 'WITHVALUES')).toEqual(['a', '1', 'b', '2', 'c', '3', 'd', '4']);
    for (let i = 0; i < 20; i++) {
      const got = h.run('HRANDFIELD', 'h', '3') as string[];
      expect(got.length).toBe(3);
      expect(new Set(got).size).toBe(3);
      for (const f of got) expect(['a', 'b', 'c', 'd']).toContain(f);
    }
    expect(['a', 'b', 'c', 'd']).toContain(h.run('HRANDFIELD', 'h'));
  });

  it('repeats for negative counts, with values paired', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a', '1', 'b', '2');
    const got = h.run('HRANDFIELD', 'h', '-20') as string[];
    expect(got.length).toBe(20);
    expect(new Set(got)).toEqual(new Set(['a', 'b']));
    const pairs = h.run('HRANDFIELD', 'h', '-6', 'WITHVALUES') as string[];
    expect(pairs.length).toBe(12);
    for (let i = 0; i < pairs.length; i += 2) expect(pairs[i + 1]).toBe(pairs[i] === 'a' ? '1' : '2');
  });

  it('nests field/value pairs in RESP3', () => {
    const { h } = harness();
    const client = h.client();
    client.run('HELLO', '3');
    client.run('HSET', 'h', 'a', '1');
    expect(client.run('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toEqual([
      ['a', '1'],
      ['a', '1'],
    ]);
    expect(client.run('HRANDFIELD', 'h', '5', 'WITHVALUES')).toEqual([['a', '1']]);
    expect(client.run('HRANDFIELD', 'h', '5')).toEqual(['a']);
  });

  it('works on hashtable hashes too, and is deterministic for a seed', () => {
    const run = (): unknown[] => {
      const { h } = harness([['hash-max-listpack-entries', ['0']]]);
      const args: string[] = [];
      for (let i = 0; i < 50; i++) args.push(`f${i}`, `${i}`);
      h.run('HSET', 'h', ...args);
      const out: unknown[] = [];
      out.push(h.run('HRANDFIELD', 'h', '5'), h.run('HRANDFIELD', 'h', '40'), h.run('HRANDFIELD', 'h', '-5'));
      return out;
    };
    const first = run();
    expect(run()).toEqual(first);
    const [five, forty] = first as [string[], string[]];
    expect(new Set(five).size).toBe(5);
    expect(new Set(forty).size).toBe(40);
  });

  it('refuses repeated picks beyond what a reply can hold', () => {
    const { h } = harness();
    h.run('HSET', 'h', 'a', '1');
    expect(h.run('HRANDFIELD', 'h', '-9223372036854775807')).toEqual({ error: 'ERR value is out of range' });
  });
});

describe('persistence', () => {
  it('survives DEBUG RELOAD with contents, order and encoding', () => {
    const { h } = harness([['enable-debug-command', ['yes']]]);
    h.run('HSET', 'small', 'b', '1', 'a', '-20', 'c', 'x');
    const args: string[] = [];
    for (let i = 0; i < 600; i++) args.push(`f${i}`, `${i}`);
    h.run('HSET', 'big', ...args);
    h.run('HSET', 'long', 'a', 'y'.repeat(100));
    const digest = h.run('DEBUG', 'DIGEST');
    expect(h.run('DEBUG', 'RELOAD')).toBe('OK');
    expect(h.run('DEBUG', 'DIGEST')).toEqual(digest);
    expect(h.run('HGETALL', 'small')).toEqual(['b', '1', 'a', '-20', 'c', 'x']);
    expect(encodingOf(h, 'small')).toBe('listpack');
    expect(encodingOf(h, 'big')).toBe('hashtable');
    expect(encodingOf(h, 'long')).toBe('hashtable');
    expect(h.run('HLEN', 'big')).toBe(600);
  });
});

describe('COPY keeps the encoding', () => {
  it('deep-copies a hash', () => {
    const { h } = harness();
    const v = HashValue.from([['a', '1']]);
    h.node.databases[0]!.set('src', v);
    const copy = v.clone();
    copy.set('b', '2', { maxEntries: 512, maxValue: 64 });
    expect(v.has('b')).toBe(false);
    expect(copy.encoding).toBe('listpack');
  });
});
