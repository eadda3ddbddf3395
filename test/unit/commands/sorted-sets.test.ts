// The sorted sets family on one simulated node: replies and errors in Redis's order, RESP2 and RESP3 shapes,
// encodings and their conversions, keyspace events, dirty counts and propagation, and the blocking pops under
// virtual time.

import { describe, it, expect } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import type { CollectionValue } from '../../../src/node/values.js';
import { SortedSet } from '../../../src/node/types/zset.js';
import { array, bulk, double } from '../../../src/protocol/reply.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const NOT_FLOAT = { error: 'ERR value is not a valid float' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const RANGE_NOT_FLOAT = { error: 'ERR min or max is not a float' };
const RANGE_NOT_LEX = { error: 'ERR min or max not valid string range item' };

/** A harness recording propagated commands and keyspace events. */
function harness(directives: readonly (readonly [string, readonly string[]])[] = []): {
  h: NodeHarness;
  fed: string[][];
  events: string[];
} {
  const h = new NodeHarness({ directives });
  const fed: string[][] = [];
  const events: string[] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  h.node.notify = (_cls, event, key) => {
    if (event !== 'keymiss') events.push(`${event}:${key}`);
  };
  return { h, fed, events };
}

function putList(h: NodeHarness, key: string): void {
  const list: CollectionValue = { type: 'list', clone: () => list, encoding: 'quicklist' };
  h.node.databases[0]!.set(key, list);
}

function zsetAt(h: NodeHarness, key: string): SortedSet {
  return h.node.databases[0]!.get(key) as SortedSet;
}

describe('ZADD and ZINCRBY', () => {
  it('adds, updates and counts with CH', () => {
    const { h, fed, events } = harness();
    expect(h.run('ZADD', 'z', '1', 'a', '2', 'b')).toBe(2);
    expect(h.run('ZADD', 'z', '1', 'a', '3', 'b', '4', 'c')).toBe(1);
    expect(h.run('ZADD', 'z', 'CH', '5', 'a', '3', 'b', '9', 'd')).toBe(2);
    expect(h.run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['b', '3', 'c', '4', 'a', '5', 'd', '9']);
    expect(h.node.dirty).toBe(2 + 2 + 2);
    expect(fed.length).toBe(3);
    expect(events.filter((e) => e.startsWith('zadd')).length).toBe(3);
    expect(events[0]).toBe('new:z');
  });

  it('applies NX, XX, GT, LT and INCR', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '5', 'a');
    expect(h.run('ZADD', 'z', 'NX', '1', 'a', '1', 'b')).toBe(1);
    expect(h.run('ZADD', 'z', 'XX', '7', 'a', '1', 'c')).toBe(0);
    expect(h.run('ZSCORE', 'z', 'a')).toBe('7');
    expect(h.run('ZSCORE', 'z', 'c')).toBe(null);
    expect(h.run('ZADD', 'z', 'GT', 'CH', '6', 'a', '2', 'b')).toBe(1);
    expect(h.run('ZADD', 'z', 'LT', 'CH', '6', 'a')).toBe(1);
    expect(h.run('ZADD', 'z', 'INCR', '1.5', 'a')).toBe('7.5');
    expect(h.run('ZADD', 'z', 'GT', 'INCR', '-1', 'a')).toBe(null);
    expect(h.run('ZADD', 'z', 'NX', 'INCR', '1', 'a')).toBe(null);
    expect(h.run('ZADD', 'z', 'xx', 'incr', '1', 'nope')).toBe(null);
    expect(h.run('ZADD', 'missing', 'XX', '1', 'a')).toBe(0);
    expect(h.run('ZADD', 'missing', 'XX', 'INCR', '1', 'a')).toBe(null);
    expect(h.run('EXISTS', 'missing')).toBe(0);
    expect(h.run('ZINCRBY', 'z', '10', 'new')).toBe('10');
    expect(h.run('ZINCRBY', 'z', '-2.5', 'new')).toBe('7.5');
  });

  it('refuses bad option combinations and scores before touching anything', () => {
    const { h } = harness();
    expect(h.run('ZADD', 'z', 'NX', 'XX', '1', 'a')).toEqual({
      error: 'ERR XX and NX options at the same time are not compatible',
    });
    const gtLt = { error: 'ERR GT, LT, and/or NX options at the same time are not compatible' };
    expect(h.run('ZADD', 'z', 'GT', 'LT', '1', 'a')).toEqual(gtLt);
    expect(h.run('ZADD', 'z', 'GT', 'NX', '1', 'a')).toEqual(gtLt);
    expect(h.run('ZADD', 'z', 'INCR', '1', 'a', '2', 'b')).toEqual({
      error: 'ERR INCR option supports a single increment-element pair',
    });
    expect(h.run('ZADD', 'z', '1', 'a', '2')).toEqual(SYNTAX);
    expect(h.run('ZADD', 'z', 'NX', 'XX')).toEqual(SYNTAX);
    expect(h.run('ZADD', 'z', '1', 'a', 'x', 'b')).toEqual(NOT_FLOAT);
    expect(h.run('ZADD', 'z', 'nan', 'a')).toEqual(NOT_FLOAT);
    expect(h.run('ZADD', 'z', '1e-400', 'a')).toEqual(NOT_FLOAT);
    expect(h.run('EXISTS', 'z')).toBe(0);
    // ZINCRBY is ZADD INCR: an increment spelled like an option shifts the pairs.
    expect(h.run('ZINCRBY', 'z', 'nx', 'a')).toEqual(SYNTAX);
    putList(h, 'l');
    expect(h.run('ZADD', 'l', '1', 'a')).toEqual(WRONGTYPE);
  });

  it('answers NaN from an increment with an error and changes nothing', () => {
    const { h, fed } = harness();
    h.run('ZADD', 'z', 'inf', 'a');
    expect(h.run('ZINCRBY', 'z', '-inf', 'a')).toEqual({ error: 'ERR resulting score is not a number (NaN)' });
    expect(h.run('ZSCORE', 'z', 'a')).toBe('inf');
    expect(fed.length).toBe(1);
  });

  it('keeps -0 as a reply but stores 0 in a listpack', () => {
    const { h } = harness();
    expect(h.run('ZINCRBY', 'z', '-0', 'a')).toBe('-0');
    expect(h.run('ZSCORE', 'z', 'a')).toBe('0');
    h.run('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    h.run('ZADD', 's', '-0', 'a');
    expect(h.run('ZSCORE', 's', 'a')).toBe('-0');
  });
});

describe('encodings', () => {
  it('converts past zset-max-listpack-entries and -value, never back', () => {
    const { h } = harness([
      ['zset-max-listpack-entries', ['3']],
      ['zset-max-listpack-value', ['4']],
    ]);
    h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(zsetAt(h, 'z').encoding).toBe('listpack');
    h.run('ZADD', 'z', '4', 'd');
    expect(zsetAt(h, 'z').encoding).toBe('skiplist');
    h.run('ZREMRANGEBYRANK', 'z', '0', '2');
    expect(zsetAt(h, 'z').encoding).toBe('skiplist');
    h.run('ZADD', 'long', '1', 'abcde');
    expect(zsetAt(h, 'long').encoding).toBe('skiplist');
    h.run('ZADD', 'w', '1', 'abcd');
    expect(zsetAt(h, 'w').encoding).toBe('listpack');
  });

  it('chooses the destination encoding of the STORE commands from the result', () => {
    const { h } = harness([['zset-max-listpack-entries', ['3']]]);
    h.run('ZADD', 'big', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(zsetAt(h, 'big').encoding).toBe('skiplist');
    h.run('ZRANGESTORE', 'small', 'big', '0', '1');
    expect(zsetAt(h, 'small').encoding).toBe('listpack');
    h.run('ZRANGESTORE', 'all', 'big', '0', '-1');
    expect(zsetAt(h, 'all').encoding).toBe('skiplist');
    h.run('ZRANGESTORE', 'byscore', 'big', '-inf', '+inf', 'BYSCORE');
    expect(zsetAt(h, 'byscore').encoding).toBe('skiplist');
    h.run('ZUNIONSTORE', 'u', '1', 'small');
    expect(zsetAt(h, 'u').encoding).toBe('listpack');
    h.run('ZINTERSTORE', 'i', '1', 'big');
    expect(zsetAt(h, 'i').encoding).toBe('skiplist');
    h.run('ZDIFFSTORE', 'd', '2', 'big', 'small');
    expect(zsetAt(h, 'd').encoding).toBe('listpack');
    expect(h.run('OBJECT', 'ENCODING', 'd')).toBe('listpack');
  });
});

describe('ZREM and ZREMRANGEBY*', () => {
  it('removes members and deletes an emptied key', () => {
    const { h, events, fed } = harness();
    h.run('ZADD', 'z', '1', 'a', '2', 'b');
    expect(h.run('ZREM', 'z', 'a', 'x')).toBe(1);
    expect(h.run('ZREM', 'z', 'b', 'a')).toBe(1);
    expect(h.run('EXISTS', 'z')).toBe(0);
    expect(events.slice(-3)).toEqual(['zrem:z', 'zrem:z', 'del:z']);
    expect(h.run('ZREM', 'z', 'a')).toBe(0);
    expect(fed.length).toBe(3);
  });

  it('removes rank, score and lex ranges, parsing the range before the key', () => {
    const { h, events } = harness();
    h.run('ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e');
    expect(h.run('ZREMRANGEBYLEX', 'z', '(a', '[b')).toBe(1);
    expect(h.run('ZREMRANGEBYRANK', 'z', '-1', '-1')).toBe(1);
    expect(h.run('ZREMRANGEBYRANK', 'z', '5', '10')).toBe(0);
    expect(h.run('ZREMRANGEBYSCORE', 'z', '(0', '+inf')).toBe(0);
    expect(h.run('ZRANGE', 'z', '0', '-1')).toEqual(['a', 'c', 'd']);
    expect(h.run('ZREMRANGEBYSCORE', 'z', '-inf', '0')).toBe(3);
    expect(events.slice(-4)).toEqual(['zremrangebylex:z', 'zremrangebyrank:z', 'zremrangebyscore:z', 'del:z']);
    expect(h.run('ZREMRANGEBYRANK', 'nokey', 'a', '1')).toEqual(NOT_INT);
    expect(h.run('ZREMRANGEBYSCORE', 'nokey', 'a', '1')).toEqual(RANGE_NOT_FLOAT);
    expect(h.run('ZREMRANGEBYLEX', 'nokey', 'a', '+')).toEqual(RANGE_NOT_LEX);
    expect(h.run('ZREMRANGEBYLEX', 'nokey', '-', '+')).toBe(0);
  });
});

describe('read commands', () => {
  it('ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c');
    expect(h.run('ZCARD', 'z')).toBe(3);
    expect(h.run('ZCARD', 'nokey')).toBe(0);
    expect(h.run('ZSCORE', 'z', 'b')).toBe('2.5');
    expect(h.run('ZSCORE', 'z', 'c')).toBe('inf');
    expect(h.run('ZMSCORE', 'z', 'a', 'x', 'c')).toEqual(['1', null, 'inf']);
    expect(h.run('ZMSCORE', 'nokey', 'a')).toEqual([null]);
    expect(h.run('ZRANK', 'z', 'b')).toBe(1);
    expect(h.run('ZREVRANK', 'z', 'b')).toBe(1);
    expect(h.run('ZREVRANK', 'z', 'c')).toBe(0);
    expect(h.run('ZRANK', 'z', 'x')).toBe(null);
    expect(h.run('ZRANK', 'nokey', 'x')).toBe(null);
    putList(h, 'l');
    for (const cmd of [
      ['ZCARD', 'l'],
      ['ZSCORE', 'l', 'a'],
      ['ZMSCORE', 'l', 'a'],
      ['ZRANK', 'l', 'a'],
    ]) {
      expect(h.run(...cmd)).toEqual(WRONGTYPE);
    }
  });

  it('counts keyspace hits and misses', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '1', 'a');
    const { keyspaceHits, keyspaceMisses } = h.node.stats;
    h.run('ZSCORE', 'z', 'a');
    h.run('ZCARD', 'nokey');
    h.run('ZUNION', '2', 'z', 'nokey');
    expect(h.node.stats.keyspaceHits - keyspaceHits).toBe(2);
    expect(h.node.stats.keyspaceMisses - keyspaceMisses).toBe(2);
  });

  it('ZCOUNT and ZLEXCOUNT', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(h.run('ZCOUNT', 'z', '(1', '3')).toBe(2);
    expect(h.run('ZCOUNT', 'z', '-inf', '+inf')).toBe(3);
    expect(h.run('ZCOUNT', 'z', '3', '1')).toBe(0);
    expect(h.run('ZCOUNT', 'z', 'x', '1')).toEqual(RANGE_NOT_FLOAT);
    expect(h.run('ZCOUNT', 'nokey', '0', '1')).toBe(0);
    h.run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c');
    expect(h.run('ZLEXCOUNT', 'l', '[b', '+')).toBe(2);
    expect(h.run('ZLEXCOUNT', 'l', '-', '(b')).toBe(1);
    expect(h.run('ZLEXCOUNT', 'l', '+', '-')).toBe(0);
    expect(h.run('ZLEXCOUNT', 'l', 'b', '+')).toEqual(RANGE_NOT_LEX);
  });
});

describe('ZRANGE and friends', () => {
  function setup(): NodeHarness {
    const { h } = harness();
    h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    return h;
  }

  it('ranges by rank, forward and reversed', () => {
    const h = setup();
    expect(h.run('ZRANGE', 'z', '1', '2')).toEqual(['b', 'c']);
    expect(h.run('ZRANGE', 'z', '-2', '100', 'WITHSCORES')).toEqual(['c', '3', 'd', '4']);
    expect(h.run('ZRANGE', 'z', '0', '1', 'REV')).toEqual(['d', 'c']);
    expect(h.run('ZREVRANGE', 'z', '0', '0', 'WITHSCORES')).toEqual(['d', '4']);
    expect(h.run('ZRANGE', 'z', '3', '1')).toEqual([]);
    expect(h.run('ZRANGE', 'nokey', '0', '-1')).toEqual([]);
  });

  it('ranges by score with LIMIT, forward and reversed', () => {
    const h = setup();
    expect(h.run('ZRANGE', 'z', '(1', '3', 'BYSCORE')).toEqual(['b', 'c']);
    expect(h.run('ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2')).toEqual(['c', 'b']);
    expect(h.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '-1')).toEqual(['b', 'c', 'd']);
    expect(h.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2')).toEqual([]);
    expect(h.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '4', '2')).toEqual([]);
    expect(h.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '0', '0')).toEqual([]);
    expect(h.run('ZREVRANGEBYSCORE', 'z', '3', '(1', 'WITHSCORES')).toEqual(['c', '3', 'b', '2']);
  });

  it('ranges by lex', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '0', 'a', '0', 'b', '0', 'c');
    expect(h.run('ZRANGE', 'z', '[b', '+', 'BYLEX')).toEqual(['b', 'c']);
    expect(h.run('ZRANGE', 'z', '+', '-', 'BYLEX', 'REV', 'LIMIT', '0', '2')).toEqual(['c', 'b']);
    expect(h.run('ZRANGEBYLEX', 'z', '(a', '(c')).toEqual(['b']);
    expect(h.run('ZREVRANGEBYLEX', 'z', '(c', '-')).toEqual(['b', 'a']);
  });

  it('refuses conflicting options in Redis order', () => {
    const h = setup();
    expect(h.run('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1')).toEqual({
      error: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    });
    expect(h.run('ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES')).toEqual({
      error: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
    });
    expect(h.run('ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX')).toEqual(SYNTAX);
    expect(h.run('ZRANGEBYSCORE', 'z', '0', '1', 'REV')).toEqual(SYNTAX);
    expect(h.run('ZRANGE', 'z', 'a', '1')).toEqual(NOT_INT);
    expect(h.run('ZRANGE', 'z', 'a', '1', 'BYSCORE')).toEqual(RANGE_NOT_FLOAT);
    expect(h.run('ZRANGE', 'z', 'a', '+', 'BYLEX')).toEqual(RANGE_NOT_LEX);
    expect(h.run('ZRANGE', 'z', '0', '1', 'LIMIT', 'x', '1', 'BYSCORE')).toEqual(NOT_INT);
    expect(h.run('ZRANGESTORE', 'd', 'z', '0', '1', 'WITHSCORES')).toEqual(SYNTAX);
    putList(h, 'l');
    expect(h.run('ZRANGE', 'l', '0', '1')).toEqual(WRONGTYPE);
  });

  it('ZRANGESTORE stores, replaces and deletes the destination', () => {
    const { h, events, fed } = harness();
    h.run('ZADD', 'z', '1', 'a', '2', 'b');
    h.run('SET', 'd', 'x');
    h.run('EXPIRE', 'd', '100');
    expect(h.run('ZRANGESTORE', 'd', 'z', '0', '0')).toBe(1);
    expect(h.run('TTL', 'd')).toBe(-1);
    expect(h.run('ZRANGE', 'd', '0', '-1', 'WITHSCORES')).toEqual(['a', '1']);
    expect(events.at(-1)).toBe('zrangestore:d');
    expect(h.run('ZRANGESTORE', 'd', 'z', '5', '6')).toBe(0);
    expect(h.run('EXISTS', 'd')).toBe(0);
    expect(events.at(-1)).toBe('del:d');
    expect(h.run('ZRANGESTORE', 'd', 'nokey', '0', '-1')).toBe(0);
    expect(fed.map((f) => f[0])).toEqual(['ZADD', 'SET', 'PEXPIREAT', 'ZRANGESTORE', 'ZRANGESTORE']);
  });

  it('answers pairs in RESP3', () => {
    const h = setup();
    const c = h.client();
    c.run('HELLO', '3');
    expect(c.raw('ZRANGE', 'z', '0', '1', 'WITHSCORES')).toMatchObject(
      array([array([bulk('a'), double(1)]), array([bulk('b'), double(2)])]),
    );
    expect(c.run('ZRANGE', 'z', '0', '1')).toEqual(['a', 'b']);
    expect(c.raw('ZSCORE', 'z', 'a')).toMatchObject(double(1));
  });
});

describe('set algebra', () => {
  function setup(): NodeHarness {
    const { h } = harness();
    h.run('ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
    h.run('ZADD', 'b', '10', 'y', '20', 'z', '30', 'w');
    h.run('SADD', 's', 'z', 'w', 'v');
    return h;
  }

  it('ZUNION, ZINTER, ZDIFF with weights and aggregates', () => {
    const h = setup();
    expect(h.run('ZUNION', '2', 'a', 'b', 'WITHSCORES')).toEqual(['x', '1', 'y', '12', 'z', '23', 'w', '30']);
    expect(h.run('ZINTER', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'AGGREGATE', 'MAX', 'WITHSCORES')).toEqual([
      'y',
      '5',
      'z',
      '10',
    ]);
    expect(h.run('ZINTER', '2', 'a', 'b', 'AGGREGATE', 'min')).toEqual(['y', 'z']);
    expect(h.run('ZDIFF', '2', 'a', 'b', 'WITHSCORES')).toEqual(['x', '1']);
    expect(h.run('ZDIFF', '2', 'a', 'a')).toEqual([]);
    expect(h.run('ZUNION', '2', 'a', 'nokey')).toEqual(['x', 'y', 'z']);
    expect(h.run('ZINTER', '2', 'a', 'nokey')).toEqual([]);
  });

  it('takes plain sets with score 1', () => {
    const h = setup();
    expect(h.run('ZUNION', '2', 's', 'a', 'WITHSCORES')).toEqual(['v', '1', 'w', '1', 'x', '1', 'y', '2', 'z', '4']);
    expect(h.run('ZINTER', '2', 's', 'b', 'WITHSCORES')).toEqual(['z', '21', 'w', '31']);
    expect(h.run('ZDIFF', '2', 's', 'a', 'WITHSCORES')).toEqual(['v', '1', 'w', '1']);
    expect(h.run('ZINTERCARD', '2', 's', 'b')).toBe(2);
  });

  it('turns inf - inf into 0 in sums, and 0 * inf weights into 0', () => {
    const { h } = harness();
    h.run('ZADD', 'p', 'inf', 'm');
    h.run('ZADD', 'n', '-inf', 'm');
    expect(h.run('ZUNION', '2', 'p', 'n', 'WITHSCORES')).toEqual(['m', '0']);
    expect(h.run('ZUNION', '1', 'p', 'WEIGHTS', '0', 'WITHSCORES')).toEqual(['m', '0']);
    expect(h.run('ZINTER', '2', 'p', 'n', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['m', '-inf']);
  });

  it('stores results, deleting the destination when empty', () => {
    const { h, events, fed } = harness();
    h.run('ZADD', 'a', '1', 'x');
    expect(h.run('ZUNIONSTORE', 'd', '2', 'a', 'nokey')).toBe(1);
    expect(events.at(-1)).toBe('zunionstore:d');
    expect(h.run('ZINTERSTORE', 'd', '2', 'a', 'nokey')).toBe(0);
    expect(events.at(-1)).toBe('del:d');
    expect(h.run('ZDIFFSTORE', 'd', '1', 'nokey')).toBe(0);
    expect(h.run('ZDIFFSTORE', 'a', '1', 'a')).toBe(1);
    expect(events.at(-1)).toBe('zdiffstore:a');
    expect(fed.map((f) => f[0])).toEqual(['ZADD', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
  });

  it('checks arguments in Redis order', () => {
    const h = setup();
    expect(h.run('ZUNION', '0', 'a')).toEqual({ error: "ERR at least 1 input key is needed for 'zunion' command" });
    expect(h.run('ZINTERSTORE', 'd', '0', 'a')).toEqual({
      error: "ERR at least 1 input key is needed for 'zinterstore' command",
    });
    expect(h.run('ZINTERCARD', '-1', 'a')).toEqual({
      error: "ERR at least 1 input key is needed for 'zintercard' command",
    });
    expect(h.run('ZUNION', 'x', 'a')).toEqual(NOT_INT);
    expect(h.run('ZUNION', '3', 'a', 'b')).toEqual(SYNTAX);
    h.run('SET', 'str', 'v');
    expect(h.run('ZUNION', '2', 'a', 'str', 'WEIGHTS', 'x')).toEqual(WRONGTYPE);
    expect(h.run('ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x')).toEqual({ error: 'ERR weight value is not a float' });
    expect(h.run('ZUNION', '2', 'a', 'b', 'WEIGHTS', '1')).toEqual(SYNTAX);
    expect(h.run('ZUNION', '1', 'a', 'AGGREGATE', 'avg')).toEqual(SYNTAX);
    expect(h.run('ZDIFF', '1', 'a', 'WEIGHTS', '1')).toEqual(SYNTAX);
    expect(h.run('ZUNIONSTORE', 'd', '1', 'a', 'WITHSCORES')).toEqual(SYNTAX);
    expect(h.run('ZINTERCARD', '1', 'a', 'WITHSCORES')).toEqual(SYNTAX);
    expect(h.run('ZINTERCARD', '1', 'a', 'LIMIT', '-1')).toEqual({ error: "ERR LIMIT can't be negative" });
    expect(h.run('ZINTERCARD', '1', 'a', 'LIMIT', 'x')).toEqual({ error: "ERR LIMIT can't be negative" });
    expect(h.run('ZINTERCARD', '1', 'a', 'LIMIT', '2')).toBe(2);
    expect(h.run('ZINTERCARD', '1', 'a', 'LIMIT', '0')).toBe(3);
  });

  it('answers pairs in RESP3', () => {
    const h = setup();
    const c = h.client();
    c.run('HELLO', '3');
    expect(c.run('ZINTER', '2', 'a', 'b', 'WITHSCORES')).toEqual([
      ['y', '12'],
      ['z', '23'],
    ]);
  });
});

describe('pops', () => {
  it('ZPOPMIN and ZPOPMAX, with counts, in RESP2 and RESP3', () => {
    const { h, events, fed } = harness();
    h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(h.run('ZPOPMIN', 'z')).toEqual(['a', '1']);
    expect(h.run('ZPOPMAX', 'z', '2')).toEqual(['d', '4', 'c', '3']);
    expect(h.run('ZPOPMIN', 'z', '0')).toEqual([]);
    const c = h.client();
    c.run('HELLO', '3');
    h.run('ZADD', 'z', '5', 'e');
    expect(c.run('ZPOPMIN', 'z')).toEqual(['b', '2']);
    expect(c.run('ZPOPMIN', 'z', '5')).toEqual([['e', '5']]);
    expect(h.run('EXISTS', 'z')).toBe(0);
    expect(events.slice(-2)).toEqual(['zpopmin:z', 'del:z']);
    expect(h.run('ZPOPMIN', 'z')).toEqual([]);
    expect(h.run('ZPOPMIN', 'z', '-1')).toEqual({ error: 'ERR value is out of range, must be positive' });
    expect(h.run('ZPOPMIN', 'z', 'x')).toEqual({ error: 'ERR value is out of range, must be positive' });
    expect(h.run('ZPOPMIN', 'z', '1', '2')).toEqual(SYNTAX);
    expect(fed.map((f) => f.join(' '))).toEqual([
      'ZADD z 1 a 2 b 3 c 4 d',
      'ZPOPMIN z',
      'ZPOPMAX z 2',
      'ZADD z 5 e',
      'ZPOPMIN z',
      'ZPOPMIN z 5',
    ]);
  });

  it('ZMPOP pops from the first non-empty key and propagates as ZPOPMIN/ZPOPMAX', () => {
    const { h, fed } = harness();
    h.run('ZADD', 'b', '1', 'x', '2', 'y');
    expect(h.run('ZMPOP', '2', 'a', 'b', 'MAX', 'COUNT', '5')).toEqual([
      'b',
      [
        ['y', '2'],
        ['x', '1'],
      ],
    ]);
    expect(h.run('ZMPOP', '2', 'a', 'b', 'MIN')).toBe(null);
    expect(fed.at(-1)).toEqual(['ZPOPMAX', 'b', '2']);
    expect(h.run('ZMPOP', '0', 'a', 'MIN')).toEqual({ error: 'ERR numkeys should be greater than 0' });
    expect(h.run('ZMPOP', '1', 'a', 'LEFT')).toEqual(SYNTAX);
    expect(h.run('ZMPOP', '2', 'a', 'MIN')).toEqual(SYNTAX);
    expect(h.run('ZMPOP', '1', 'a', 'MIN', 'COUNT', '0')).toEqual({ error: 'ERR count should be greater than 0' });
    expect(h.run('ZMPOP', '1', 'a', 'MIN', 'COUNT', '1', 'COUNT', '1')).toEqual(SYNTAX);
    h.run('SET', 's', 'v');
    expect(h.run('ZMPOP', '2', 's', 'b', 'MIN')).toEqual(WRONGTYPE);
  });
});

describe('blocking pops', () => {
  it('BZPOPMIN serves at once, or blocks until a ZADD and propagates ZPOPMIN', () => {
    const { h, fed } = harness();
    h.run('ZADD', 'z', '1', 'a');
    expect(h.run('BZPOPMIN', 'none', 'z', '0')).toEqual(['z', 'a', '1']);
    expect(fed.at(-1)).toEqual(['ZPOPMIN', 'z']);
    const waiter = h.client();
    waiter.send(['BZPOPMAX', 'k1', 'k2', '0']);
    expect(waiter.nextReply()).toBeUndefined();
    expect(h.node.blocking.size).toBe(1);
    h.run('ZADD', 'k2', '1', 'x', '2', 'y');
    expect(waiter.run('PING')).toEqual(['k2', 'y', '2']);
    expect(fed.slice(-2)).toEqual([
      ['ZADD', 'k2', '1', 'x', '2', 'y'],
      ['ZPOPMAX', 'k2'],
    ]);
    expect(h.run('ZRANGE', 'k2', '0', '-1')).toEqual(['x']);
  });

  it('serves waiters first come, first served, and times out with a null array', () => {
    const { h } = harness();
    const first = h.client();
    const second = h.client();
    first.send(['BZPOPMIN', 'z', '1.5']);
    second.send(['BZPOPMIN', 'z', '0']);
    h.run('ZADD', 'z', '1', 'a');
    expect(first.run('PING')).toEqual(['z', 'a', '1']);
    expect(second.nextReply()).toBeUndefined();
    const third = h.client();
    third.send(['BZPOPMIN', 'other', '1.5']);
    h.advance(1499);
    expect(third.nextReply()).toBeUndefined();
    h.advance(2);
    expect(third.nextReply()).toEqual({ t: 'nilarray' });
    h.run('ZADD', 'z', '2', 'b');
    expect(second.nextReply()).toBeDefined();
  });

  it('BZMPOP blocks and serves with a count, propagating the count popped', () => {
    const { h, fed } = harness();
    const waiter = h.client();
    waiter.send(['BZMPOP', '0', '2', 'a', 'b', 'MIN', 'COUNT', '10']);
    h.run('ZADD', 'b', '1', 'x', '2', 'y');
    expect(waiter.run('PING')).toEqual([
      'b',
      [
        ['x', '1'],
        ['y', '2'],
      ],
    ]);
    expect(fed.at(-1)).toEqual(['ZPOPMIN', 'b', '2']);
    h.run('ZADD', 'c', '1', 'x');
    expect(h.run('BZMPOP', '0', '1', 'c', 'MAX')).toEqual(['c', [['x', '1']]]);
    expect(fed.at(-1)).toEqual(['ZPOPMAX', 'c', '1']);
  });

  it('stays blocked when the key gets another type, and answers at once inside MULTI', () => {
    const { h } = harness();
    const waiter = h.client();
    waiter.send(['BZPOPMIN', 'k', '0']);
    h.run('SET', 'k', 'v');
    expect(waiter.nextReply()).toBeUndefined();
    h.run('DEL', 'k');
    h.run('ZADD', 'k', '1', 'a');
    expect(waiter.run('PING')).toEqual(['k', 'a', '1']);
    h.run('MULTI');
    h.run('BZPOPMIN', 'empty', '0');
    expect(h.run('EXEC')).toEqual([null]);
  });

  it('checks the timeout like getTimeoutFromObjectOrReply', () => {
    const { h } = harness();
    expect(h.run('BZPOPMIN', 'k', 'abc')).toEqual({ error: 'ERR timeout is not a float or out of range' });
    expect(h.run('BZPOPMIN', 'k', '-1')).toEqual({ error: 'ERR timeout is negative' });
    expect(h.run('BZPOPMIN', 'k', 'inf')).toEqual({ error: 'ERR timeout is negative' });
    expect(h.run('BZPOPMIN', 'k', '1e16')).toEqual({ error: 'ERR timeout is negative' });
    expect(h.run('BZMPOP', 'x', '1', 'k', 'LEFT')).toEqual(SYNTAX);
    h.run('SET', 's', 'v');
    expect(h.run('BZPOPMIN', 's', '0')).toEqual(WRONGTYPE);
    // A tiny negative timeout rounds up to 0: block forever.
    const waiter = h.client();
    waiter.send(['BZPOPMIN', 'k', '-0.0001']);
    h.advance(100_000);
    expect(waiter.nextReply()).toBeUndefined();
  });
});

describe('ZRANDMEMBER', () => {
  it('follows the count rules', () => {
    const { h } = harness();
    expect(h.run('ZRANDMEMBER', 'nokey')).toBe(null);
    expect(h.run('ZRANDMEMBER', 'nokey', '3')).toEqual([]);
    h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(['a', 'b', 'c']).toContain(h.run('ZRANDMEMBER', 'z'));
    expect(h.run('ZRANDMEMBER', 'z', '0')).toEqual([]);
    // At least the set's size: everything, from the highest score down.
    expect(h.run('ZRANDMEMBER', 'z', '5', 'WITHSCORES')).toEqual(['c', '3', 'b', '2', 'a', '1']);
    const two = h.run('ZRANDMEMBER', 'z', '2') as string[];
    expect(new Set(two).size).toBe(2);
    const many = h.run('ZRANDMEMBER', 'z', '-20') as string[];
    expect(many.length).toBe(20);
    expect(many.every((m) => ['a', 'b', 'c'].includes(m))).toBe(true);
    expect(h.run('ZRANDMEMBER', 'z', '1', 'x')).toEqual(SYNTAX);
    expect(h.run('ZRANDMEMBER', 'z', 'x')).toEqual(NOT_INT);
    expect(h.run('ZRANDMEMBER', 'z', '-9223372036854775808')).toEqual({
      error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    });
    expect(h.run('ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES')).toEqual({
      error: 'ERR value is out of range',
    });
    const c = h.client();
    c.run('HELLO', '3');
    expect(c.run('ZRANDMEMBER', 'z', '-2', 'WITHSCORES')).toHaveLength(2);
    expect((c.run('ZRANDMEMBER', 'z', '-2', 'WITHSCORES') as unknown[][])[0]).toHaveLength(2);
  });

  it('draws distinct members uniformly enough from a big set', () => {
    const { h } = harness();
    const args = ['ZADD', 'z'];
    for (let i = 0; i < 300; i++) args.push(String(i), `m${i}`);
    h.run(...args);
    for (const count of ['10', '150']) {
      const got = h.run('ZRANDMEMBER', 'z', count, 'WITHSCORES') as string[];
      const members = got.filter((_, i) => i % 2 === 0);
      expect(new Set(members).size).toBe(Number(count));
      for (let i = 0; i < got.length; i += 2) expect(got[i]).toBe(`m${got[i + 1]}`);
    }
  });
});

describe('ZSCAN', () => {
  it('returns a listpack-encoded set whole, with listpack-spelled scores', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '1e17', 'a', '0.1', 'b', '-0', 'c');
    expect(h.run('ZSCAN', 'z', '12345')).toEqual([
      '0',
      ['c', '0', 'b', '0.10000000000000001', 'a', '100000000000000000'],
    ]);
    expect(h.run('ZSCAN', 'z', '0', 'MATCH', '[ab]')).toEqual([
      '0',
      ['b', '0.10000000000000001', 'a', '100000000000000000'],
    ]);
    expect(h.run('ZSCAN', 'nokey', '0')).toEqual(['0', []]);
    expect(h.run('ZSCAN', 'z', 'x')).toEqual({ error: 'ERR invalid cursor' });
    expect(h.run('ZSCAN', 'z', '0', 'COUNT', '0')).toEqual(SYNTAX);
    expect(h.run('ZSCAN', 'z', '0', 'TYPE', 'zset')).toEqual(SYNTAX);
    expect(h.run('ZSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
  });

  it('walks a skiplist-encoded set with cursors and %.17g scores', () => {
    const { h } = harness();
    const args = ['ZADD', 'z'];
    for (let i = 0; i < 200; i++) args.push(String(i + 1e17), `m${i}`);
    h.run(...args);
    const seen = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, items] = h.run('ZSCAN', 'z', cursor, 'COUNT', '20') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(200);
    expect(seen.get('m0')).toBe('1e+17');
  });
});

describe('persistence', () => {
  const SCRIPT: string[][] = [
    ['ZADD', 'a', '1', 'x', '2.5', 'y', '-0', 'z', 'inf', 'w'],
    ['ZINCRBY', 'a', '0.5', 'x'],
    ['ZADD', 'b', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
    ['ZPOPMAX', 'b', '3'],
    ['ZMPOP', '1', 'b', 'MIN', 'COUNT', '2'],
    ['ZUNIONSTORE', 'u', '2', 'a', 'b', 'WEIGHTS', '2', '1'],
    ['ZRANGESTORE', 'r', 'b', '10', '(20', 'BYSCORE'],
    ['ZREMRANGEBYRANK', 'b', '0', '9'],
  ];

  function snapshot(h: NodeHarness): unknown[] {
    return ['a', 'b', 'u', 'r', 'q'].map((k) => [
      h.run('ZRANGE', k, '0', '-1', 'WITHSCORES'),
      h.run('OBJECT', 'ENCODING', k),
    ]);
  }

  for (const [name, directives] of [
    ['the AOF', [['appendonly', ['yes']]]],
    [
      'an AOF rewritten as commands',
      [
        ['appendonly', ['yes']],
        ['aof-use-rdb-preamble', ['no']],
      ],
    ],
    ['an RDB snapshot', []],
  ] as const) {
    it(`restores every set from ${name}, served blocking pops included`, () => {
      const first = new NodeHarness({ directives });
      const waiter = first.client();
      waiter.send(['BZPOPMIN', 'q', '0']);
      for (const command of SCRIPT) first.run(...command);
      first.run('ZADD', 'q', '1', 'gone', '2', 'kept');
      expect(waiter.run('PING')).toEqual(['q', 'gone', '1']);
      if (name.includes('rewritten')) expect(first.node.persistence.rewriteAof()).toBe(true);
      if (name.includes('RDB')) expect(first.run('SAVE')).toBe('OK');
      const before = snapshot(first);
      const second = new NodeHarness({ directives, storage: first.storage });
      expect(snapshot(second)).toEqual(before);
    });
  }
});
