// The lists family on one simulated node: replies and errors in Redis's order, nil versus empty array in both
// protocols, keyspace events, dirty counting and propagation, hit/miss stats, and the blocking commands on virtual
// time: wake-up by another client, FIFO order, timeouts, BLMOVE chains, MULTI, CLIENT UNBLOCK and disconnects.

import { describe, it, expect } from 'vitest';
import { recordingHarness } from '../../helpers/node-harness.js';
import { ListValue } from '../../../src/node/types/list.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_POSITIVE = { error: 'ERR value is out of range, must be positive' };

const harness = recordingHarness;

describe('pushes and reads', () => {
  it('pushes at both ends and reads ranges and indexes', () => {
    const { h } = harness();
    expect(h.run('RPUSH', 'l', 'a', 'b', 'c')).toBe(3);
    expect(h.run('LPUSH', 'l', 'y', 'z')).toBe(5);
    expect(h.run('LRANGE', 'l', 0, -1)).toEqual(['z', 'y', 'a', 'b', 'c']);
    expect(h.run('LRANGE', 'l', -2, 100)).toEqual(['b', 'c']);
    expect(h.run('LRANGE', 'l', 3, 1)).toEqual([]);
    expect(h.run('LRANGE', 'l', 10, 20)).toEqual([]);
    expect(h.run('LRANGE', 'nokey', 0, -1)).toEqual([]);
    expect(h.run('LRANGE', 'l', 'a', 1)).toEqual(NOT_INT);
    expect(h.run('LINDEX', 'l', 0)).toBe('z');
    expect(h.run('LINDEX', 'l', -1)).toBe('c');
    expect(h.run('LINDEX', 'l', 5)).toBe(null);
    expect(h.run('LINDEX', 'l', 'x')).toEqual(NOT_INT);
    expect(h.run('LINDEX', 'nokey', 'x')).toBe(null);
    expect(h.run('LLEN', 'l')).toBe(5);
    expect(h.run('LLEN', 'nokey')).toBe(0);
  });

  it('LPUSHX/RPUSHX only push to existing lists', () => {
    const { h, fed } = harness();
    expect(h.run('LPUSHX', 'l', 'a')).toBe(0);
    expect(h.run('EXISTS', 'l')).toBe(0);
    h.run('RPUSH', 'l', 'a');
    expect(h.run('RPUSHX', 'l', 'b', 'c')).toBe(3);
    expect(h.run('LPUSHX', 'l', 'z')).toBe(4);
    expect(fed).toEqual([
      ['RPUSH', 'l', 'a'],
      ['RPUSHX', 'l', 'b', 'c'],
      ['LPUSHX', 'l', 'z'],
    ]);
  });

  it('answers WRONGTYPE for other types, before anything else', () => {
    const { h } = harness();
    h.run('SET', 's', 'v');
    for (const cmd of [
      ['LPUSH', 's', 'a'],
      ['LPUSHX', 's', 'a'],
      ['LPOP', 's'],
      ['LLEN', 's'],
      ['LRANGE', 's', 0, 1],
      ['LINDEX', 's', 0],
      ['LSET', 's', 0, 'x'],
      ['LINSERT', 's', 'BEFORE', 'a', 'b'],
      ['LREM', 's', 0, 'a'],
      ['LTRIM', 's', 0, 1],
      ['LPOS', 's', 'a'],
      ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
      ['LMPOP', 1, 's', 'LEFT'],
      ['BLPOP', 's', 0],
      ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', 0],
    ]) {
      expect({ cmd, reply: h.run(...cmd) }).toEqual({ cmd, reply: WRONGTYPE });
    }
  });

  it('counts keyspace hits and misses on reads only', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a');
    const stats = h.node.stats;
    const [hits, misses] = [stats.keyspaceHits, stats.keyspaceMisses];
    h.run('LRANGE', 'l', 0, -1);
    h.run('LLEN', 'nokey');
    h.run('LPOS', 'l', 'a');
    h.run('RPUSH', 'l', 'b');
    h.run('LPOP', 'nokey');
    expect([stats.keyspaceHits - hits, stats.keyspaceMisses - misses]).toEqual([2, 1]);
  });

  it('always reports the quicklist encoding, before and after growing and shrinking', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a');
    const value = () => h.node.databases[0]!.get('l') as ListValue;
    expect(value().encoding).toBe('quicklist');
    h.run('RPUSH', 'l', ...Array.from({ length: 2000 }, (_, i) => `element-${i}`));
    expect(value().nodeCount).toBeGreaterThan(1);
    h.run('LTRIM', 'l', 0, 0);
    expect(value().encoding).toBe('quicklist');
  });

  it('creates lists with the configured node size', () => {
    const { h } = harness([['list-max-listpack-size', ['2']]]);
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    expect((h.node.databases[0]!.get('l') as ListValue).nodeCount).toBe(3);
    h.run('CONFIG', 'SET', 'list-max-listpack-size', '100');
    h.run('RPUSH', 'm', 'a', 'b', 'c', 'd', 'e');
    expect((h.node.databases[0]!.get('m') as ListValue).nodeCount).toBe(1);
    expect((h.node.databases[0]!.get('l') as ListValue).fill).toBe(2);
  });
});

describe('LPOP and RPOP', () => {
  it('pops one element as a bulk string, or several as an array', () => {
    const { h, events, fed } = harness();
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    expect(h.run('LPOP', 'l')).toBe('a');
    expect(h.run('RPOP', 'l', 2)).toEqual(['e', 'd']);
    expect(h.run('LPOP', 'l', 0)).toEqual([]);
    expect(h.run('LPOP', 'l', 10)).toEqual(['b', 'c']);
    expect(h.run('EXISTS', 'l')).toBe(0);
    expect(events.filter((e) => /^[lg]:/.test(e))).toEqual([
      'l:rpush:l',
      'l:lpop:l',
      'l:rpop:l',
      'l:lpop:l',
      'g:del:l',
    ]);
    expect(fed).toEqual([
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LPOP', 'l'],
      ['RPOP', 'l', '2'],
      ['LPOP', 'l', '10'],
    ]);
  });

  it('answers nil for a missing key without COUNT and a null array with it, in both protocols', () => {
    const { h } = harness();
    const c = h.client();
    expect(c.raw('LPOP', 'nokey')).toEqual({ t: 'nil' });
    expect(c.raw('LPOP', 'nokey', 1)).toEqual({ t: 'nilarray' });
    expect(c.raw('LPOP', 'nokey', 0)).toEqual({ t: 'nilarray' });
    c.run('HELLO', '3');
    expect(c.raw('RPOP', 'nokey')).toEqual({ t: 'nil' });
    c.run('RPUSH', 'l', 'a');
    expect(c.raw('RPOP', 'l', 0)).toEqual({ t: 'array', items: [] });
  });

  it('rejects bad counts and extra arguments', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a');
    expect(h.run('LPOP', 'l', -1)).toEqual(NOT_POSITIVE);
    expect(h.run('LPOP', 'l', 'x')).toEqual(NOT_POSITIVE);
    expect(h.run('LPOP', 'nokey', -1)).toEqual(NOT_POSITIVE);
    expect(h.run('RPOP', 'l', 1, 2)).toEqual({ error: "ERR wrong number of arguments for 'rpop' command" });
  });
});

describe('LSET, LINSERT, LREM, LTRIM', () => {
  it('LSET replaces by index with its two errors', () => {
    const { h, events } = harness();
    expect(h.run('LSET', 'nokey', 0, 'x')).toEqual({ error: 'ERR no such key' });
    h.run('RPUSH', 'l', 'a', 'b');
    expect(h.run('LSET', 'l', 2, 'x')).toEqual({ error: 'ERR index out of range' });
    expect(h.run('LSET', 'l', 'i', 'x')).toEqual(NOT_INT);
    expect(h.run('LSET', 'l', -1, 'z')).toBe('OK');
    expect(h.run('LRANGE', 'l', 0, -1)).toEqual(['a', 'z']);
    expect(events).toContain('l:lset:l');
  });

  it('LINSERT inserts around the first pivot from the head', () => {
    const { h, fed } = harness();
    expect(h.run('LINSERT', 'nokey', 'BEFORE', 'a', 'x')).toBe(0);
    h.run('RPUSH', 'l', 'a', 'b', 'a');
    expect(h.run('LINSERT', 'l', 'before', 'a', 'x')).toBe(4);
    expect(h.run('LINSERT', 'l', 'AFTER', 'a', 'y')).toBe(5);
    expect(h.run('LINSERT', 'l', 'AFTER', 'zz', 'y')).toBe(-1);
    expect(h.run('LINSERT', 'l', 'around', 'a', 'y')).toEqual(SYNTAX);
    expect(h.run('LRANGE', 'l', 0, -1)).toEqual(['x', 'a', 'y', 'b', 'a']);
    expect(fed.map((c) => c[0])).toEqual(['RPUSH', 'LINSERT', 'LINSERT']);
  });

  it('LREM removes from the head, the tail, or everywhere, deleting an emptied list', () => {
    const { h, events } = harness();
    h.run('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a');
    expect(h.run('LREM', 'l', 1, 'a')).toBe(1);
    expect(h.run('LRANGE', 'l', 0, -1)).toEqual(['b', 'a', 'c', 'a']);
    expect(h.run('LREM', 'l', -1, 'a')).toBe(1);
    expect(h.run('LRANGE', 'l', 0, -1)).toEqual(['b', 'a', 'c']);
    expect(h.run('LREM', 'l', 0, 'zz')).toBe(0);
    expect(h.run('LREM', 'l', 'x', 'a')).toEqual(NOT_INT);
    expect(h.run('LREM', 'nokey', 0, 'a')).toBe(0);
    h.run('RPUSH', 'm', 'q', 'q');
    expect(h.run('LREM', 'm', 0, 'q')).toBe(2);
    expect(h.run('EXISTS', 'm')).toBe(0);
    expect(events.filter((e) => /^[lg]:/.test(e)).slice(-2)).toEqual(['l:lrem:m', 'g:del:m']);
  });

  it('LTRIM keeps a range, deleting the list when nothing is left', () => {
    const { h, fed, events } = harness();
    expect(h.run('LTRIM', 'nokey', 0, 1)).toBe('OK');
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    expect(h.run('LTRIM', 'l', 1, -2)).toBe('OK');
    expect(h.run('LRANGE', 'l', 0, -1)).toEqual(['b', 'c', 'd']);
    expect(h.run('LTRIM', 'l', 0, 100)).toBe('OK');
    expect(h.run('LTRIM', 'l', 2, 1)).toBe('OK');
    expect(h.run('EXISTS', 'l')).toBe(0);
    // A trim that removes nothing is not propagated, though it still fires its event.
    expect(fed.map((c) => c.join(' '))).toEqual(['RPUSH l a b c d e', 'LTRIM l 1 -2', 'LTRIM l 2 1']);
    expect(events.filter((e) => e.includes('ltrim') || e.includes('del'))).toEqual([
      'l:ltrim:l',
      'l:ltrim:l',
      'l:ltrim:l',
      'g:del:l',
    ]);
  });
});

describe('LPOS', () => {
  it('finds positions with RANK, COUNT and MAXLEN', () => {
    const { h } = harness();
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a');
    expect(h.run('LPOS', 'l', 'a')).toBe(0);
    expect(h.run('LPOS', 'l', 'a', 'RANK', 2)).toBe(3);
    expect(h.run('LPOS', 'l', 'a', 'RANK', -1)).toBe(5);
    expect(h.run('LPOS', 'l', 'a', 'COUNT', 0)).toEqual([0, 3, 5]);
    expect(h.run('LPOS', 'l', 'a', 'COUNT', 2, 'RANK', -1)).toEqual([5, 3]);
    expect(h.run('LPOS', 'l', 'a', 'MAXLEN', 4, 'COUNT', 0)).toEqual([0, 3]);
    expect(h.run('LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', 2)).toEqual([5, 3, 0]);
    expect(h.run('LPOS', 'l', 'zz')).toBe(null);
    expect(h.run('LPOS', 'l', 'zz', 'COUNT', 1)).toEqual([]);
    expect(h.run('LPOS', 'nokey', 'a')).toBe(null);
    expect(h.run('LPOS', 'nokey', 'a', 'COUNT', 1)).toEqual([]);
  });

  it('rejects bad options with their own messages', () => {
    const { h } = harness();
    expect(h.run('LPOS', 'l', 'a', 'RANK', 0)).toEqual({
      error:
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start " +
        'from the end of the list',
    });
    expect(h.run('LPOS', 'l', 'a', 'COUNT', -1)).toEqual({ error: "ERR COUNT can't be negative" });
    expect(h.run('LPOS', 'l', 'a', 'MAXLEN', 'x')).toEqual({ error: "ERR MAXLEN can't be negative" });
    expect(h.run('LPOS', 'l', 'a', 'RANK', 'x')).toEqual(NOT_INT);
    expect(h.run('LPOS', 'l', 'a', 'RANK')).toEqual(SYNTAX);
    expect(h.run('LPOS', 'l', 'a', 'FOO', 1)).toEqual(SYNTAX);
  });
});

describe('LMOVE, RPOPLPUSH and LMPOP', () => {
  it('moves elements between and within lists with their events', () => {
    const { h, events, fed } = harness();
    h.run('RPUSH', 'a', '1', '2', '3');
    expect(h.run('LMOVE', 'a', 'b', 'LEFT', 'RIGHT')).toBe('1');
    expect(h.run('LMOVE', 'a', 'a', 'RIGHT', 'LEFT')).toBe('3');
    expect(h.run('LRANGE', 'a', 0, -1)).toEqual(['3', '2']);
    expect(h.run('RPOPLPUSH', 'a', 'b')).toBe('2');
    expect(h.run('RPOPLPUSH', 'a', 'b')).toBe('3');
    expect(h.run('EXISTS', 'a')).toBe(0);
    expect(h.run('LRANGE', 'b', 0, -1)).toEqual(['3', '2', '1']);
    expect(h.run('RPOPLPUSH', 'nokey', 'b')).toBe(null);
    expect(h.run('LMOVE', 'b', 'c', 'up', 'LEFT')).toEqual(SYNTAX);
    h.run('SET', 's', 'v');
    expect(h.run('LMOVE', 'b', 's', 'LEFT', 'LEFT')).toEqual(WRONGTYPE);
    expect(h.run('LLEN', 'b')).toBe(3);
    expect(events.filter((e) => /^[lg]:/.test(e)).slice(-3)).toEqual(['l:lpush:b', 'l:rpop:a', 'g:del:a']);
    expect(fed.filter((c) => c[0] === 'LMOVE' || c[0] === 'RPOPLPUSH').length).toBe(4);
  });

  it('LMPOP pops from the first non-empty list and propagates as a counted pop', () => {
    const { h, fed } = harness();
    h.run('RPUSH', 'b', '1', '2', '3');
    expect(h.run('LMPOP', 2, 'nokey', 'b', 'RIGHT', 'COUNT', 2)).toEqual(['b', ['3', '2']]);
    expect(h.run('LMPOP', 1, 'b', 'LEFT', 'COUNT', 10)).toEqual(['b', ['1']]);
    expect(h.run('LMPOP', 1, 'b', 'LEFT')).toBe(null);
    expect(fed.slice(1)).toEqual([
      ['RPOP', 'b', '2'],
      ['LPOP', 'b', '1'],
    ]);
  });

  it('LMPOP argument errors', () => {
    const { h } = harness();
    const numkeys = { error: 'ERR numkeys should be greater than 0' };
    expect(h.run('LMPOP', 0, 'a', 'LEFT')).toEqual(numkeys);
    expect(h.run('LMPOP', 'x', 'a', 'LEFT')).toEqual(numkeys);
    expect(h.run('LMPOP', 3, 'a', 'LEFT')).toEqual(SYNTAX);
    expect(h.run('LMPOP', 1, 'a', 'UP')).toEqual(SYNTAX);
    expect(h.run('LMPOP', 1, 'a', 'LEFT', 'COUNT', 0)).toEqual({ error: 'ERR count should be greater than 0' });
    expect(h.run('LMPOP', 1, 'a', 'LEFT', 'COUNT', 1, 'COUNT', 1)).toEqual(SYNTAX);
    expect(h.run('LMPOP', 1, 'a', 'LEFT', 'COUNT')).toEqual(SYNTAX);
  });
});

describe('blocking commands', () => {
  it('serve at once when a list has elements, propagating the non-blocking form', () => {
    const { h, fed } = harness();
    h.run('RPUSH', 'a', '1', '2', '3', '4');
    expect(h.run('BLPOP', 'nokey', 'a', 0)).toEqual(['a', '1']);
    expect(h.run('BRPOP', 'a', 0)).toEqual(['a', '4']);
    expect(h.run('BLMOVE', 'a', 'b', 'left', 'RIGHT', 0)).toBe('2');
    expect(h.run('BRPOPLPUSH', 'a', 'b', 0)).toBe('3');
    expect(h.run('BLMPOP', 0, 1, 'b', 'LEFT', 'COUNT', 5)).toEqual(['b', ['3', '2']]);
    expect(fed.slice(1)).toEqual([
      ['LPOP', 'a'],
      ['RPOP', 'a'],
      ['LMOVE', 'a', 'b', 'left', 'RIGHT'],
      ['RPOPLPUSH', 'a', 'b'],
      ['LPOP', 'b', '2'],
    ]);
  });

  it('parse timeouts like Redis: seconds as a long double, rounded up to milliseconds', () => {
    const { h } = harness();
    const notFloat = { error: 'ERR timeout is not a float or out of range' };
    const negative = { error: 'ERR timeout is negative' };
    expect(h.run('BLPOP', 'k', 'abc')).toEqual(notFloat);
    expect(h.run('BLPOP', 'k', ' 1')).toEqual(notFloat);
    expect(h.run('BLPOP', 'k', 'nan')).toEqual(notFloat);
    expect(h.run('BLPOP', 'k', '-1')).toEqual(negative);
    expect(h.run('BLPOP', 'k', 'inf')).toEqual(negative);
    expect(h.run('BLPOP', 'k', '9223372036854775.808')).toEqual(negative);
    expect(h.run('BLMPOP', '-0.5', 1, 'k', 'LEFT')).toEqual(negative);
    expect(h.run('BLMPOP', '1', 0, 'k', 'LEFT')).toEqual({ error: 'ERR numkeys should be greater than 0' });
    expect(h.run('BLMOVE', 'k', 'd', 'LEFT', 'UP', 'abc')).toEqual(SYNTAX);
    // 0.0001 s rounds up to 1 ms, and -0.0001 s rounds up to 0: wait forever.
    const c = h.client();
    c.send(['BLPOP', 'k', '0.0001']);
    expect(c.nextReply()).toBeUndefined();
    h.advance(1);
    expect(c.nextReply()).toEqual({ t: 'nilarray' });
    c.send(['BLPOP', 'k', '-0.0001']);
    h.advance(100_000);
    expect(c.nextReply()).toBeUndefined();
    expect(h.node.blocking.size).toBe(1);
  });

  it('a blocked client is woken by a push from another client, and the served pop is propagated', () => {
    const { h, fed, events } = harness();
    const waiter = h.client();
    const pusher = h.client();
    waiter.send(['BLPOP', 'q1', 'q2', '10']);
    expect(waiter.nextReply()).toBeUndefined();
    expect(h.node.blocking.size).toBe(1);
    expect(pusher.run('RPUSH', 'q2', 'job', 'next')).toBe(2);
    expect(waiter.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'q2' },
        { t: 'bulk', s: 'job' },
      ],
    });
    expect(h.node.blocking.size).toBe(0);
    expect(fed).toEqual([
      ['RPUSH', 'q2', 'job', 'next'],
      ['LPOP', 'q2'],
    ]);
    expect(events.filter((e) => !e.startsWith('n:'))).toEqual(['l:rpush:q2', 'l:lpop:q2']);
    expect(pusher.run('LRANGE', 'q2', 0, -1)).toEqual(['next']);
  });

  it('serves waiters first come, first served, one element each', () => {
    const { h } = harness();
    const [w1, w2, w3] = [h.client(), h.client(), h.client()];
    w1.send(['BRPOP', 'q', '0']);
    w2.send(['BLPOP', 'other', 'q', '0']);
    w3.send(['BLMPOP', '0', '1', 'q', 'LEFT', 'COUNT', '5']);
    h.run('RPUSH', 'q', 'a', 'b');
    expect(w1.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'q' },
        { t: 'bulk', s: 'b' },
      ],
    });
    expect(w2.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'q' },
        { t: 'bulk', s: 'a' },
      ],
    });
    expect(w3.nextReply()).toBeUndefined();
    expect(h.run('EXISTS', 'q')).toBe(0);
    h.run('RPUSH', 'q', 'c', 'd', 'e');
    expect(w3.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'q' },
        { t: 'array', items: ['c', 'd', 'e'].map((s) => ({ t: 'bulk', s })) },
      ],
    });
  });

  it('times out on the virtual clock with a null array, BLMOVE included', () => {
    const { h } = harness();
    const [a, b] = [h.client(), h.client()];
    a.send(['BLPOP', 'q', '1.5']);
    b.send(['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '2']);
    h.advance(1499);
    expect(a.nextReply()).toBeUndefined();
    h.advance(2);
    expect(a.nextReply()).toEqual({ t: 'nilarray' });
    expect(b.nextReply()).toBeUndefined();
    h.advance(500);
    expect(b.nextReply()).toEqual({ t: 'nilarray' });
    expect(h.node.blocking.size).toBe(0);
    // The client reads requests again after its timeout.
    expect(a.run('PING')).toBe('PONG');
  });

  it('chains BLMOVE: a served move wakes a client blocked on its destination', () => {
    const { h, fed } = harness();
    const [m1, m2, popper] = [h.client(), h.client(), h.client()];
    m1.send(['BLMOVE', 'a', 'b', 'RIGHT', 'LEFT', '0']);
    m2.send(['BRPOPLPUSH', 'b', 'c', '0']);
    popper.send(['BLPOP', 'c', '0']);
    h.run('LPUSH', 'a', 'x');
    expect(m1.nextReply()).toEqual({ t: 'bulk', s: 'x' });
    expect(m2.nextReply()).toEqual({ t: 'bulk', s: 'x' });
    expect(popper.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'c' },
        { t: 'bulk', s: 'x' },
      ],
    });
    expect(h.run('DBSIZE')).toBe(0);
    expect(fed).toEqual([
      ['LPUSH', 'a', 'x'],
      ['LMOVE', 'a', 'b', 'RIGHT', 'LEFT'],
      ['RPOPLPUSH', 'b', 'c'],
      ['LPOP', 'c'],
    ]);
  });

  it('a served BLMOVE whose destination holds another type answers WRONGTYPE', () => {
    const { h } = harness();
    const m = h.client();
    m.send(['BLMOVE', 'a', 's', 'LEFT', 'LEFT', '0']);
    h.run('SET', 's', 'v');
    h.run('RPUSH', 'a', 'x');
    expect(m.nextReply()).toEqual({ t: 'error', s: WRONGTYPE.error });
    expect(h.run('LLEN', 'a')).toBe(1);
  });

  it('stays blocked while the key holds another type', () => {
    const { h } = harness();
    const w = h.client();
    w.send(['BLPOP', 'k', '0']);
    h.run('SET', 'k', 'v');
    expect(w.nextReply()).toBeUndefined();
    h.run('DEL', 'k');
    h.run('RPUSH', 'k', 'x');
    expect(w.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'k' },
        { t: 'bulk', s: 'x' },
      ],
    });
  });

  it('answers at once inside MULTI: a null array, but a null bulk for BLMOVE', () => {
    const { h } = harness();
    const c = h.client();
    c.run('MULTI');
    for (const cmd of [
      ['BLPOP', 'k', '0'],
      ['BRPOP', 'k', '0'],
      ['BLMPOP', '0', '1', 'k', 'LEFT'],
      ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'k', 'd', '0'],
    ])
      expect(c.run(...cmd)).toBe('QUEUED');
    expect(c.raw('EXEC')).toEqual({
      t: 'array',
      items: [{ t: 'nilarray' }, { t: 'nilarray' }, { t: 'nilarray' }, { t: 'nil' }, { t: 'nil' }],
    });
    expect(h.node.blocking.size).toBe(0);
  });

  it('serves waiters after a MULTI/EXEC that pushes, from the key that became ready first', () => {
    const { h } = harness();
    const w = h.client();
    w.send(['BLPOP', 'k1', 'k2', '0']);
    const c = h.client();
    c.run('MULTI');
    c.run('RPUSH', 'k2', 'two');
    c.run('RPUSH', 'k1', 'one');
    c.run('EXEC');
    expect(w.nextReply()).toEqual({
      t: 'array',
      items: [
        { t: 'bulk', s: 'k2' },
        { t: 'bulk', s: 'two' },
      ],
    });
  });

  it('CLIENT UNBLOCK and disconnects release a waiter', () => {
    const { h } = harness();
    const w = h.client();
    const id = w.run('CLIENT', 'ID') as number;
    w.send(['BLPOP', 'k', '0']);
    expect(h.run('CLIENT', 'UNBLOCK', id)).toBe(1);
    expect(w.nextReply()).toEqual({ t: 'nilarray' });
    w.send(['BRPOP', 'k', '0']);
    expect(h.run('CLIENT', 'UNBLOCK', id, 'ERROR')).toBe(1);
    expect(w.nextReply()).toEqual({ t: 'error', s: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
    w.send(['BRPOP', 'k', '0']);
    h.run('CLIENT', 'KILL', 'ID', id);
    expect(h.node.blocking.size).toBe(0);
    h.run('RPUSH', 'k', 'x');
    expect(h.run('LLEN', 'k')).toBe(1);
  });
});
