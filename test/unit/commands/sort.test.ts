// SORT and SORT_RO on one simulated node: numeric and ALPHA orders, LIMIT clamping, BY/GET patterns with hash
// fields, STORE (events, dirty count, TTL, deleting the destination), errors in Redis's order, cluster-mode
// restrictions, the listpack→skiplist conversion of sorted sets, stats, RESP3 nulls, strtod's acceptance rules as
// observed on Redis 7.0.15, and the partial quicksort.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NodeHarness } from '../../helpers/node-harness.js';
import { parseSortScore, partialQuickSort } from '../../../src/node/commands/sort.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const SCORES = { error: "ERR One or more scores can't be converted into double" };

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
  const notify = h.node.notify.bind(h.node);
  h.node.notify = (cls, event, key, dbId) => {
    if (cls !== 'm') events.push(`${cls}:${event}:${key}`);
    notify(cls, event, key, dbId);
  };
  return { h, fed, events };
}

describe('SORT orders', () => {
  it('sorts numerically, breaking ties by bytes, and by bytes with ALPHA', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', '10', '2', '1.5', '-1', '02', '2', '0x10', ' 3', 'inf', '-inf', '');
    expect(h.run('SORT', 'l')).toEqual(['-inf', '-1', '', '1.5', '02', '2', '2', ' 3', '10', '0x10', 'inf']);
    expect(h.run('SORT', 'l', 'DESC')).toEqual(['inf', '0x10', '10', ' 3', '2', '2', '02', '1.5', '', '-1', '-inf']);
    expect(h.run('SORT', 'l', 'ALPHA')).toEqual(['', ' 3', '-1', '-inf', '02', '0x10', '1.5', '10', '2', '2', 'inf']);
    h.run('RPUSH', 'bad', '1', 'a');
    expect(h.run('SORT', 'bad')).toEqual(SCORES);
    expect(h.run('SORT', 'bad', 'ALPHA')).toEqual(['1', 'a']);
    expect(h.run('SORT', 'nokey')).toEqual([]);
  });

  it('ties elements equal up to a NUL without STORE (strcoll), but not with it', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a\0c', 'a\0b', 'a');
    expect(h.run('SORT', 'l', 'ALPHA')).toEqual(['a\0c', 'a\0b', 'a']);
    expect(h.run('SORT', 'l', 'ALPHA', 'DESC')).toEqual(['a\0c', 'a\0b', 'a']);
    expect(h.run('SORT', 'l', 'ALPHA', 'STORE', 'd')).toBe(3);
    expect(h.run('LRANGE', 'd', '0', '-1')).toEqual(['a', 'a\0b', 'a\0c']);
  });

  it('sorts sets and sorted sets, and keeps list and sorted set order with BY nosort', () => {
    const { h } = harness();
    h.run('SADD', 's', '3', '1', '2');
    expect(h.run('SORT', 's')).toEqual(['1', '2', '3']);
    expect(h.run('SORT', 's', 'BY', 'nosort')).toEqual(['1', '2', '3']); // intset order
    h.run('ZADD', 'z', '3', 'a', '1', 'c', '2', 'b');
    expect(h.run('SORT', 'z', 'ALPHA')).toEqual(['a', 'b', 'c']);
    expect(h.run('SORT', 'z', 'BY', 'nosort')).toEqual(['c', 'b', 'a']);
    expect(h.run('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '5')).toEqual(['b', 'c']);
    h.run('RPUSH', 'l', 'c', 'a', 'b');
    expect(h.run('SORT', 'l', 'BY', 'nosort')).toEqual(['c', 'a', 'b']);
    expect(h.run('SORT', 'l', 'BY', 'nosort', 'DESC')).toEqual(['b', 'a', 'c']);
    expect(h.run('SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '1')).toEqual(['a']);
    expect(h.run('SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '1')).toEqual(['a']);
    // A set stored unsorted would follow its hash order: Redis sorts it by bytes instead.
    h.run('SADD', 'hs', 'b', '10', 'a', '9');
    expect(h.run('SORT', 'hs', 'BY', 'nosort', 'STORE', 'd')).toBe(4);
    expect(h.run('LRANGE', 'd', '0', '-1')).toEqual(['10', '9', 'a', 'b']);
  });

  it('clamps LIMIT like Redis', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', '5', '4', '3', '2', '1');
    expect(h.run('SORT', 'l', 'LIMIT', '1', '2')).toEqual(['2', '3']);
    expect(h.run('SORT', 'l', 'LIMIT', '-5', '2')).toEqual(['1', '2']);
    expect(h.run('SORT', 'l', 'LIMIT', '3', '-1')).toEqual(['4', '5']);
    expect(h.run('SORT', 'l', 'LIMIT', '3', '0')).toEqual([]);
    expect(h.run('SORT', 'l', 'LIMIT', '5', '1')).toEqual([]);
    expect(h.run('SORT', 'l', 'LIMIT', '9223372036854775807', '9223372036854775807')).toEqual([]);
    expect(h.run('SORT', 'l', 'LIMIT', '-9223372036854775808', '2', 'DESC')).toEqual(['5', '4']);
  });
});

describe('BY and GET patterns', () => {
  it('look weights up in strings and hash fields, GET # being the element', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a', 'b', 'c');
    h.run('MSET', 'w_a', '3', 'w_b', '1', 'w_c', '2', 'o_a', 'A', 'o_c', 'C');
    h.run('HSET', 'h_a', 'f', 'z', 'n', '1');
    h.run('HSET', 'h_b', 'f', 'y', 'n', '2');
    expect(h.run('SORT', 'l', 'BY', 'w_*')).toEqual(['b', 'c', 'a']);
    expect(h.run('SORT', 'l', 'BY', 'h_*->f', 'ALPHA')).toEqual(['c', 'b', 'a']); // c has no weight
    expect(h.run('SORT', 'l', 'BY', 'h_*->f')).toEqual(SCORES);
    expect(h.run('SORT', 'l', 'BY', 'h_*->n', 'GET', '#', 'GET', 'o_*', 'GET', 'h_*->f', 'GET', 'nostar')).toEqual([
      'c',
      'C',
      null,
      null,
      'a',
      'A',
      'z',
      null,
      'b',
      null,
      'y',
      null,
    ]);
    // A field after `->` must not be empty; `->` before the `*` is part of the key name.
    h.run('SET', 'w_a->', 'x');
    expect(h.run('SORT', 'l', 'BY', 'nosort', 'GET', 'w_*->')).toEqual(['x', null, null]);
    // The pattern is a C string for the search, but what follows the NUL is kept.
    h.run('SET', 'a\0z', 'nul');
    expect(h.run('SORT', 'l', 'BY', 'nosort', 'GET', '*\0z')).toEqual(['nul', null, null]);
    expect(h.run('SORT', 'l', 'BY', 'nosort', 'GET', '#\0x')).toEqual(['a', 'b', 'c']);
  });

  it('count keyspace hits and misses for every weight and GET lookup', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a', 'b');
    h.run('SET', 'w_a', '1');
    const { keyspaceHits, keyspaceMisses } = h.node.stats;
    h.run('SORT', 'l', 'BY', 'w_*', 'GET', 'w_*');
    expect(h.node.stats.keyspaceHits - keyspaceHits).toBe(3); // l, w_a twice
    expect(h.node.stats.keyspaceMisses - keyspaceMisses).toBe(2); // w_b twice
  });

  it('answers RESP3 nulls for missing GET values', () => {
    const { h } = harness();
    const c = h.client();
    c.run('HELLO', '3');
    c.run('RPUSH', 'l', 'a');
    const reply = c.raw('SORT', 'l', 'ALPHA', 'GET', 'x_*');
    expect(reply).toEqual({ t: 'array', items: [{ t: 'nil' }] });
  });
});

describe('STORE', () => {
  it('stores a list, clears the TTL, raises sortstore and counts every element', () => {
    const { h, fed, events } = harness();
    h.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    h.run('RPUSH', 'l', '3', '1', '2');
    h.run('SET', 'd', 'x', 'EX', '100');
    events.length = 0;
    fed.length = 0;
    const dirty = h.node.dirty;
    expect(h.run('SORT', 'l', 'GET', '#', 'GET', 'nostar', 'STORE', 'd')).toBe(6);
    expect(h.node.dirty - dirty).toBe(6);
    expect(h.run('LRANGE', 'd', '0', '-1')).toEqual(['1', '', '2', '', '3', '']);
    expect(h.run('TTL', 'd')).toBe(-1);
    expect(h.run('TYPE', 'd')).toBe('list');
    expect(events).toEqual(['l:sortstore:d']);
    expect(fed).toEqual([['SORT', 'l', 'GET', '#', 'GET', 'nostar', 'STORE', 'd']]);
  });

  it('deletes the destination when the result is empty', () => {
    const { h, fed, events } = harness();
    h.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    h.run('SET', 'd', 'x');
    events.length = 0;
    fed.length = 0;
    expect(h.run('SORT', 'nokey', 'STORE', 'd')).toBe(0);
    expect(h.run('EXISTS', 'd')).toBe(0);
    expect(events).toEqual(['g:del:d']);
    expect(h.run('SORT', 'nokey', 'STORE', 'd')).toBe(0);
    expect(fed).toEqual([['SORT', 'nokey', 'STORE', 'd']]);
  });

  it('is a syntax error for SORT_RO', () => {
    const { h } = harness();
    expect(h.run('SORT_RO', 'l', 'STORE', 'd')).toEqual(SYNTAX);
    expect(h.run('SORT_RO', 'l', 'ALPHA')).toEqual([]);
  });
});

describe('errors and side effects', () => {
  it('parses options first, in order, then checks the type', () => {
    const { h } = harness();
    h.run('SET', 's', 'x');
    expect(h.run('SORT', 's', 'LIMIT', 'x', '1')).toEqual(NOT_INT);
    expect(h.run('SORT', 's', 'LIMIT', '1')).toEqual(SYNTAX);
    expect(h.run('SORT', 's', 'BY')).toEqual(SYNTAX);
    expect(h.run('SORT', 's', 'BOGUS')).toEqual(SYNTAX);
    expect(h.run('SORT', 's', 'asc', 'Alpha', 'dEsC')).toEqual(WRONGTYPE);
    expect(h.run('SORT', 's')).toEqual(WRONGTYPE);
    h.run('HSET', 'h', 'f', 'v');
    expect(h.run('SORT', 'h')).toEqual(WRONGTYPE);
  });

  it('denies BY and GET patterns in cluster mode, but not BY without a star', () => {
    const { h } = harness([['cluster-enabled', ['yes']]]);
    // A cluster node serves keys only in slots it owns, while the cluster is up.
    h.run('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    h.node.cluster!.state.state = 'ok';
    h.run('RPUSH', 'l', '2', '1');
    expect(h.run('SORT', 'l', 'BY', 'w_*')).toEqual({ error: 'ERR BY option of SORT denied in Cluster mode.' });
    expect(h.run('SORT', 'l', 'GET', '#')).toEqual({ error: 'ERR GET option of SORT denied in Cluster mode.' });
    expect(h.run('SORT', 'l', 'LIMIT', 'x', '1', 'BY', 'w_*')).toEqual(NOT_INT);
    expect(h.run('SORT', 'l', 'BY', 'nosort')).toEqual(['2', '1']);
  });

  it('converts a listpack sorted set to a skiplist, even for SORT_RO', () => {
    const { h } = harness();
    h.run('ZADD', 'z', '1', 'a');
    expect(h.run('OBJECT', 'ENCODING', 'z')).toBe('listpack');
    h.run('SORT_RO', 'z', 'ALPHA');
    expect(h.run('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
  });
});

describe('weights as strtod reads them (observed on Redis 7.0.15)', () => {
  it('accepts what converts wholly, up to a NUL, and rejects range errors, NaN and trailing bytes', () => {
    const accepted: [string, number][] = [
      ['1.5', 1.5],
      [' 5', 5],
      ['', 0],
      ['\0x', 0],
      ['1\0x', 1],
      ['0x10', 16],
      ['inf', Infinity],
      ['-Infinity', -Infinity],
      ['1e308', 1e308],
      ['0e-500', 0],
      ['0x0p-5000', 0],
      ['0x1p-1070', 2 ** -1070],
      ['0x1p-1022', 2 ** -1022],
      ['2.2250738585072014e-308', 2.2250738585072014e-308],
    ];
    for (const [text, value] of accepted) expect(parseSortScore(text), JSON.stringify(text)).toBe(value);
    for (const text of [
      '   ',
      '5 ',
      'nan',
      'abc',
      '1e400',
      '1e-400',
      '1e-310',
      '1e-320',
      '0x1.8p-1074',
      '0x1p-1075',
      '2.2250738585072011e-308',
      '1.7976931348623159e308',
    ]) {
      expect(parseSortScore(text), JSON.stringify(text)).toBeNull();
    }
  });
});

describe('partialQuickSort', () => {
  it('puts the requested positions where a full sort would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.nat(),
        (values, a, b) => {
          const items = [...new Set(values)];
          const l = a % items.length;
          const r = l + (b % (items.length - l));
          const sorted = [...items].sort((x, y) => x - y);
          const partial = [...items];
          partialQuickSort(partial, (x, y) => x - y, l, r);
          expect(partial.slice(l, r + 1)).toEqual(sorted.slice(l, r + 1));
          expect([...partial].sort((x, y) => x - y)).toEqual(sorted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
