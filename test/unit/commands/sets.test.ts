// The sets family on one simulated node: replies and errors in Redis's order, intset/hashtable conversions at the
// configured threshold, keyspace events, dirty counting, propagation (SPOP as SREM/DEL, MULTI/EXEC-wrapped batches),
// hit/miss stats, SSCAN cursors, the SPOP/SRANDMEMBER count strategies and RESP3 set replies.

import { describe, it, expect } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { RedisSet } from '../../../src/node/types/set.js';

const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_POSITIVE = { error: 'ERR value is out of range, must be positive' };

type Directives = readonly (readonly [string, readonly string[]])[];

/** A harness recording propagated commands and keyspace events. */
function harness(directives: Directives = []): { h: NodeHarness; fed: string[][]; events: string[] } {
  const h = new NodeHarness({ directives });
  const fed: string[][] = [];
  const events: string[] = [];
  h.node.persistence.feed = (_db, args) => {
    fed.push([...args]);
  };
  const notify = h.node.notify.bind(h.node);
  h.node.notify = (cls, event, key, dbId) => {
    if (cls !== 'm') events.push(`${cls}:${event}:${key}`); // keymiss events are the lookups' business
    notify(cls, event, key, dbId);
  };
  return { h, fed, events };
}

function encodingOf(h: NodeHarness, key: string): string | undefined {
  const v = h.node.databases[0]!.get(key);
  return v === undefined || typeof v === 'string' ? undefined : v.encoding;
}

function sorted(v: unknown): string[] {
  return [...(v as string[])].sort();
}

describe('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS', () => {
  it('adds and removes members, counting only changes', () => {
    const { h } = harness();
    expect(h.run('SADD', 's', '3', '1', '2', '1')).toBe(3);
    expect(h.run('SADD', 's', '3', '4')).toBe(1);
    expect(h.run('SCARD', 's')).toBe(4);
    expect(h.run('SMEMBERS', 's')).toEqual(['1', '2', '3', '4']);
    expect(h.run('SISMEMBER', 's', '2')).toBe(1);
    expect(h.run('SISMEMBER', 's', '02')).toBe(0);
    expect(h.run('SISMEMBER', 'nokey', '2')).toBe(0);
    expect(h.run('SMISMEMBER', 's', '1', 'x', '4')).toEqual([1, 0, 1]);
    expect(h.run('SMISMEMBER', 'nokey', '1', 'x')).toEqual([0, 0]);
    expect(h.run('SREM', 's', '1', 'x', '2')).toBe(2);
    expect(h.run('SREM', 'nokey', '1')).toBe(0);
    expect(h.run('SMEMBERS', 's')).toEqual(['3', '4']);
    expect(h.run('SCARD', 'nokey')).toBe(0);
    expect(h.run('SMEMBERS', 'nokey')).toEqual([]);
  });

  it('deletes a set emptied by SREM, stopping at that point', () => {
    const { h, events } = harness();
    h.run('SADD', 's', 'a', 'b');
    expect(h.run('SREM', 's', 'a', 'b', 'a')).toBe(2);
    expect(h.run('EXISTS', 's')).toBe(0);
    expect(events).toEqual(['n:new:s', 's:sadd:s', 's:srem:s', 'g:del:s']);
  });

  it('answers WRONGTYPE for other types, and SADD leaves them alone', () => {
    const { h } = harness();
    h.run('SET', 'str', 'x');
    for (const c of [
      ['SADD', 'str', 'a'],
      ['SREM', 'str', 'a'],
      ['SCARD', 'str'],
      ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '0'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '0'],
      ['SSCAN', 'str', '0'],
      ['SINTER', 'nokey', 'str'],
      ['SUNION', 'str'],
      ['SDIFF', 'nokey', 'str'],
      ['SINTERCARD', '1', 'str'],
    ]) {
      expect(h.run(...c)).toEqual(WRONGTYPE);
    }
    expect(h.run('GET', 'str')).toBe('x');
  });

  it('replies with RESP3 sets where Redis uses addReplySetLen, arrays elsewhere', () => {
    const { h } = harness();
    const c = h.client();
    c.run('HELLO', '3');
    c.run('SADD', 's', 'a', 'b');
    for (const cmd of [
      ['SMEMBERS', 's'],
      ['SMEMBERS', 'nokey'],
      ['SINTER', 's'],
      ['SUNION', 's'],
      ['SDIFF', 's'],
      ['SPOP', 'nokey', '2'],
      ['SPOP', 's', '0'],
    ]) {
      expect(c.raw(...cmd).t).toBe('set');
    }
    expect(c.raw('SRANDMEMBER', 's', '2').t).toBe('array');
    expect(c.raw('SRANDMEMBER', 'nokey', '2').t).toBe('array');
    expect(c.raw('SMISMEMBER', 's', 'a').t).toBe('array');
    expect(c.raw('SSCAN', 's', '0').t).toBe('array');
    expect(c.raw('SPOP', 's', '5').t).toBe('set');
  });
});

describe('encodings', () => {
  it('stays an intset for canonical integers up to set-max-intset-entries, then a hashtable for good', () => {
    const { h } = harness([['set-max-intset-entries', ['3']]]);
    h.run('SADD', 's', '1', '2', '3');
    expect(encodingOf(h, 's')).toBe('intset');
    h.run('SADD', 's', '4');
    expect(encodingOf(h, 's')).toBe('hashtable');
    h.run('SREM', 's', '4', '3');
    expect(encodingOf(h, 's')).toBe('hashtable');
    h.run('SADD', 't', '1', '007');
    expect(encodingOf(h, 't')).toBe('hashtable');
    h.run('SADD', 'u', 'x');
    expect(encodingOf(h, 'u')).toBe('hashtable');
    h.run('SADD', 'v', '9223372036854775807', '-9223372036854775808');
    expect(encodingOf(h, 'v')).toBe('intset');
    h.run('SADD', 'w', '9223372036854775808');
    expect(encodingOf(h, 'w')).toBe('hashtable');
  });

  it('follows CONFIG SET set-max-intset-entries at the next add', () => {
    const { h } = harness();
    h.run('SADD', 's', '1', '2');
    h.run('CONFIG', 'SET', 'set-max-intset-entries', '2');
    expect(encodingOf(h, 's')).toBe('intset');
    h.run('SADD', 's', '3');
    expect(encodingOf(h, 's')).toBe('hashtable');
  });

  it('builds *STORE results from an empty intset, so all-integer results are intsets', () => {
    const { h } = harness();
    h.run('SADD', 'a', 'x', '1', '2', '3');
    h.run('SADD', 'b', '2', '3', 'y');
    expect(encodingOf(h, 'a')).toBe('hashtable');
    expect(h.run('SINTERSTORE', 'd', 'a', 'b')).toBe(2);
    expect(encodingOf(h, 'd')).toBe('intset');
    expect(h.run('SMEMBERS', 'd')).toEqual(['2', '3']);
    expect(h.run('SUNIONSTORE', 'u', 'a', 'b')).toBe(5);
    expect(encodingOf(h, 'u')).toBe('hashtable');
  });

  it('SDIFFSTORE algorithm 2 leaves a hashtable even when only integers remain', () => {
    const { h } = harness();
    // First set big, others small: algorithm 2 (copy the first set, then remove) is chosen.
    h.run('SADD', 'a', 'x', ...Array.from({ length: 20 }, (_, i) => String(i)));
    h.run('SADD', 'b', 'x');
    h.run('SADD', 'c', '0');
    expect(h.run('SDIFFSTORE', 'd', 'a', 'b', 'c')).toBe(19);
    expect(encodingOf(h, 'd')).toBe('hashtable');
    // One other set of similar size: algorithm 1 (test each member) adds only what survives.
    h.run('SADD', 'e', 'x', '0', '1');
    expect(h.run('SDIFFSTORE', 'f', 'a', 'e')).toBe(18);
    expect(encodingOf(h, 'f')).toBe('intset');
  });
});

describe('SMOVE', () => {
  it('moves a member, creating and deleting keys as needed, with Redis events and dirty count', () => {
    const { h, events } = harness();
    h.run('SADD', 'src', 'a');
    events.length = 0;
    const dirty = h.node.dirty;
    expect(h.run('SMOVE', 'src', 'dst', 'a')).toBe(1);
    expect(h.node.dirty - dirty).toBe(2);
    expect(h.run('EXISTS', 'src')).toBe(0);
    expect(h.run('SMEMBERS', 'dst')).toEqual(['a']);
    expect(events).toEqual(['s:srem:src', 'g:del:src', 'n:new:dst', 's:sadd:dst']);
    // Already in the destination: removed from the source only.
    h.run('SADD', 'src', 'a', 'b');
    expect(h.run('SMOVE', 'src', 'dst', 'a')).toBe(1);
    expect(h.run('SMEMBERS', 'src')).toEqual(['b']);
  });

  it('answers 0 for a missing source or member, membership for the same key, WRONGTYPE in Redis order', () => {
    const { h } = harness();
    h.run('SET', 'str', 'x');
    h.run('SADD', 's', '1');
    expect(h.run('SMOVE', 'nokey', 'str', '1')).toBe(0);
    expect(h.run('SMOVE', 'str', 's', '1')).toEqual(WRONGTYPE);
    expect(h.run('SMOVE', 's', 'str', '1')).toEqual(WRONGTYPE);
    expect(h.run('SMOVE', 's', 's', '1')).toBe(1);
    expect(h.run('SMOVE', 's', 's', '2')).toBe(0);
    expect(h.run('SMOVE', 's', 'd', '2')).toBe(0);
    expect(h.run('EXISTS', 'd')).toBe(0);
  });

  it('converts an intset destination for a non-integer member', () => {
    const { h } = harness();
    h.run('SADD', 'src', 'x');
    h.run('SADD', 'dst', '1');
    h.run('SMOVE', 'src', 'dst', 'x');
    expect(encodingOf(h, 'dst')).toBe('hashtable');
  });
});

describe('SPOP', () => {
  it('pops one member, propagated as SREM, deleting the emptied key', () => {
    const { h, fed, events } = harness();
    h.run('SADD', 's', '5');
    fed.length = 0;
    events.length = 0;
    expect(h.run('SPOP', 's')).toBe('5');
    expect(fed).toEqual([['SREM', 's', '5']]);
    expect(events).toEqual(['s:spop:s', 'g:del:s']);
    expect(h.run('SPOP', 's')).toBe(null);
    expect(h.run('SPOP', 's', '1', '2')).toEqual(SYNTAX);
  });

  it('validates the count before the key, and answers an empty set for 0 or a missing key', () => {
    const { h, fed } = harness();
    h.run('SET', 'str', 'x');
    h.run('SADD', 's', 'a');
    fed.length = 0;
    expect(h.run('SPOP', 'str', '-1')).toEqual(NOT_POSITIVE);
    expect(h.run('SPOP', 's', 'abc')).toEqual(NOT_POSITIVE);
    expect(h.run('SPOP', 's', '9223372036854775808')).toEqual(NOT_POSITIVE);
    expect(h.run('SPOP', 's', '0')).toEqual([]);
    expect(h.run('SPOP', 'nokey', '3')).toEqual([]);
    expect(fed).toEqual([]);
  });

  it('pops everything when count >= size: the whole set, propagated as DEL', () => {
    const { h, fed, events } = harness();
    h.run('SADD', 's', '3', '1', '2');
    fed.length = 0;
    events.length = 0;
    const dirty = h.node.dirty;
    const hits = h.node.stats.keyspaceHits;
    expect(h.run('SPOP', 's', '3')).toEqual(['1', '2', '3']);
    expect(h.node.dirty - dirty).toBe(3);
    // The reply is built by SUNION's code, whose read lookup counts a hit.
    expect(h.node.stats.keyspaceHits - hits).toBe(1);
    expect(fed).toEqual([['DEL', 's']]);
    expect(events).toEqual(['s:spop:s', 'g:del:s']);
  });

  it('pops a few members one by one (case 2), propagated as SREMs wrapped in MULTI/EXEC', () => {
    const { h, fed } = harness();
    const members = Array.from({ length: 20 }, (_, i) => `m${i}`);
    h.run('SADD', 's', ...members);
    fed.length = 0;
    const popped = h.run('SPOP', 's', '3') as string[];
    expect(popped).toHaveLength(3);
    expect(new Set(popped).size).toBe(3);
    for (const m of popped) expect(members).toContain(m);
    expect(h.run('SCARD', 's')).toBe(17);
    for (const m of popped) expect(h.run('SISMEMBER', 's', m)).toBe(0);
    expect(fed).toEqual([['MULTI'], ...popped.map((m) => ['SREM', 's', m]), ['EXEC']]);
    fed.length = 0;
    const one = h.run('SPOP', 's', '1') as string[];
    expect(fed).toEqual([['SREM', 's', one[0]!]]);
  });

  it('pops most members by rebuilding the set (case 3), keeping the TTL, ascending for an intset', () => {
    const { h, fed } = harness();
    h.run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => String(i)));
    h.run('EXPIRE', 's', '1000');
    fed.length = 0;
    const popped = h.run('SPOP', 's', '18') as string[];
    expect(popped).toHaveLength(18);
    expect(popped.map(Number)).toEqual([...popped.map(Number)].sort((a, b) => a - b));
    const left = h.run('SMEMBERS', 's') as string[];
    expect(left).toHaveLength(2);
    expect(sorted([...popped, ...left])).toEqual(sorted(Array.from({ length: 20 }, (_, i) => String(i))));
    expect(h.run('TTL', 's')).toBe(1000);
    expect(encodingOf(h, 's')).toBe('intset');
    expect(fed).toEqual([['MULTI'], ...popped.map((m) => ['SREM', 's', m]), ['EXEC']]);
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const h = new NodeHarness({ seed: 42 });
      h.run('SADD', 's', ...Array.from({ length: 50 }, (_, i) => `m${i}`));
      return [h.run('SPOP', 's'), h.run('SPOP', 's', '5'), h.run('SPOP', 's', '40'), h.run('SRANDMEMBER', 's', '-3')];
    };
    expect(run()).toEqual(run());
  });

  it("inside EXEC, propagates the SREMs within the transaction's one MULTI/EXEC", () => {
    const { h, fed } = harness();
    h.run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    fed.length = 0;
    h.run('MULTI');
    h.run('SPOP', 's', '2');
    const [popped] = h.run('EXEC') as [string[]];
    expect(fed).toEqual([['MULTI'], ...popped.map((m) => ['SREM', 's', m]), ['EXEC']]);
  });
});

describe('SRANDMEMBER', () => {
  it('answers one member, nil for a missing key', () => {
    const { h } = harness();
    h.run('SADD', 's', 'a', 'b');
    expect(['a', 'b']).toContain(h.run('SRANDMEMBER', 's'));
    expect(h.run('SRANDMEMBER', 'nokey')).toBe(null);
    expect(h.run('SRANDMEMBER', 's', '1', '2')).toEqual(SYNTAX);
  });

  it('applies every count rule', () => {
    const { h } = harness();
    const members = Array.from({ length: 30 }, (_, i) => `m${i}`);
    h.run('SADD', 's', ...members);
    expect(h.run('SRANDMEMBER', 's', '0')).toEqual([]);
    expect(h.run('SRANDMEMBER', 'nokey', '5')).toEqual([]);
    expect(h.run('SRANDMEMBER', 'nokey', '-5')).toEqual([]);
    expect(sorted(h.run('SRANDMEMBER', 's', '30'))).toEqual(sorted(members));
    expect(sorted(h.run('SRANDMEMBER', 's', '100'))).toEqual(sorted(members));
    for (const count of [1, 3, 9, 11, 20, 29]) {
      const got = h.run('SRANDMEMBER', 's', String(count)) as string[];
      expect(got).toHaveLength(count);
      expect(new Set(got).size).toBe(count);
      for (const m of got) expect(members).toContain(m);
    }
    const repeated = h.run('SRANDMEMBER', 's', '-100') as string[];
    expect(repeated).toHaveLength(100);
    expect(new Set(repeated).size).toBeLessThan(100);
    for (const m of repeated) expect(members).toContain(m);
    expect(h.run('SCARD', 's')).toBe(30);
  });

  it('rejects bad counts with Redis texts, before looking at the key', () => {
    const { h } = harness();
    h.run('SET', 'str', 'x');
    expect(h.run('SRANDMEMBER', 'str', 'abc')).toEqual(NOT_INT);
    expect(h.run('SRANDMEMBER', 'str', '-9223372036854775808')).toEqual({
      error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    });
    expect(h.run('SRANDMEMBER', 'str', '9223372036854775808')).toEqual(NOT_INT);
  });

  it('works on intsets too', () => {
    const { h } = harness();
    h.run('SADD', 's', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10');
    expect(sorted(h.run('SRANDMEMBER', 's', '10'))).toEqual(
      sorted(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
    );
    const few = h.run('SRANDMEMBER', 's', '2') as string[];
    expect(new Set(few).size).toBe(2);
  });
});

describe('SINTER, SINTERCARD, SINTERSTORE', () => {
  it('intersects, treating missing keys as empty sets', () => {
    const { h } = harness();
    h.run('SADD', 'a', '1', '2', '3', '4');
    h.run('SADD', 'b', '4', '3', '9');
    expect(h.run('SINTER', 'a', 'b')).toEqual(['3', '4']);
    expect(h.run('SINTER', 'a', 'nokey')).toEqual([]);
    expect(h.run('SINTER', 'a', 'a')).toEqual(['1', '2', '3', '4']);
    expect(h.run('SINTERCARD', '2', 'a', 'b')).toBe(2);
    expect(h.run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).toBe(1);
    expect(h.run('SINTERCARD', '2', 'a', 'b', 'limit', '0')).toBe(2);
    expect(h.run('SINTERCARD', '1', 'a', 'LIMIT', '2', 'LIMIT', '3')).toBe(3);
    expect(h.run('SINTERCARD', '2', 'a', 'nokey')).toBe(0);
  });

  it('follows the smallest set order (stable for ties)', () => {
    const { h } = harness();
    h.run('SADD', 'a', 'z', 'y', 'x', 'w');
    h.run('SADD', 'b', 'x', 'y', 'z');
    expect(h.run('SINTER', 'a', 'b')).toEqual(['x', 'y', 'z']);
  });

  it('rejects SINTERCARD arguments with Redis texts', () => {
    const { h } = harness();
    const numkeys = { error: 'ERR numkeys should be greater than 0' };
    expect(h.run('SINTERCARD', '0', 'a')).toEqual(numkeys);
    expect(h.run('SINTERCARD', 'abc', 'a')).toEqual(numkeys);
    expect(h.run('SINTERCARD', '-1', 'a')).toEqual(numkeys);
    expect(h.run('SINTERCARD', '3', 'a', 'b')).toEqual({
      error: "ERR Number of keys can't be greater than number of args",
    });
    expect(h.run('SINTERCARD', '1', 'a', 'LIMIT', '-1')).toEqual({ error: "ERR LIMIT can't be negative" });
    expect(h.run('SINTERCARD', '1', 'a', 'LIMIT', 'x')).toEqual({ error: "ERR LIMIT can't be negative" });
    expect(h.run('SINTERCARD', '1', 'a', 'LIMIT')).toEqual(SYNTAX);
    expect(h.run('SINTERCARD', '1', 'a', 'b')).toEqual(SYNTAX);
  });

  it('stores the result, replacing value and TTL, or deletes the destination when empty', () => {
    const { h, events } = harness();
    h.run('SADD', 'a', '1', '2');
    h.run('SADD', 'b', '2', '3');
    h.run('SET', 'd', 'x', 'EX', '100');
    events.length = 0;
    const dirty = h.node.dirty;
    expect(h.run('SINTERSTORE', 'd', 'a', 'b')).toBe(1);
    expect(h.node.dirty - dirty).toBe(1);
    expect(h.run('TTL', 'd')).toBe(-1);
    expect(h.run('SMEMBERS', 'd')).toEqual(['2']);
    expect(events).toEqual(['s:sinterstore:d']);
    events.length = 0;
    expect(h.run('SINTERSTORE', 'd', 'a', 'nokey')).toBe(0);
    expect(h.run('EXISTS', 'd')).toBe(0);
    expect(events).toEqual(['g:del:d']);
    events.length = 0;
    const before = h.node.dirty;
    expect(h.run('SINTERSTORE', 'd', 'a', 'nokey')).toBe(0);
    expect(h.node.dirty).toBe(before);
    expect(events).toEqual([]);
    // Sources may include the destination.
    expect(h.run('SINTERSTORE', 'a', 'a', 'b')).toBe(1);
    expect(h.run('SMEMBERS', 'a')).toEqual(['2']);
  });
});

describe('SUNION, SDIFF and their STORE forms', () => {
  it('unites and subtracts, missing keys being empty', () => {
    const { h } = harness();
    h.run('SADD', 'a', '3', '1', '2');
    h.run('SADD', 'b', '2', '5');
    expect(h.run('SUNION', 'a', 'b', 'nokey')).toEqual(['1', '2', '3', '5']);
    expect(h.run('SDIFF', 'a', 'b')).toEqual(['1', '3']);
    expect(h.run('SDIFF', 'a', 'nokey')).toEqual(['1', '2', '3']);
    expect(h.run('SDIFF', 'nokey', 'a')).toEqual([]);
    expect(h.run('SDIFF', 'a', 'b', 'a')).toEqual([]);
    expect(h.run('SUNION', 'nokey')).toEqual([]);
  });

  it('stores results with their events, deleting the destination for empty ones', () => {
    const { h, events } = harness();
    h.run('SADD', 'a', 'x', 'y');
    h.run('SADD', 'b', 'y');
    events.length = 0;
    expect(h.run('SUNIONSTORE', 'u', 'a', 'b')).toBe(2);
    expect(h.run('SDIFFSTORE', 'd', 'a', 'b')).toBe(1);
    expect(h.run('SMEMBERS', 'd')).toEqual(['x']);
    expect(h.run('SDIFFSTORE', 'd', 'b', 'a')).toBe(0);
    expect(h.run('EXISTS', 'd')).toBe(0);
    expect(events).toEqual(['n:new:u', 's:sunionstore:u', 'n:new:d', 's:sdiffstore:d', 'g:del:d']);
  });
});

describe('SSCAN', () => {
  it('answers an intset whole with cursor 0, and filters with MATCH', () => {
    const { h } = harness();
    h.run('SADD', 's', '12', '3', '1');
    expect(h.run('SSCAN', 's', '0', 'COUNT', '1')).toEqual(['0', ['1', '3', '12']]);
    expect(h.run('SSCAN', 's', '77')).toEqual(['0', ['1', '3', '12']]);
    expect(h.run('SSCAN', 's', '0', 'MATCH', '1*')).toEqual(['0', ['1', '12']]);
    expect(h.run('SSCAN', 'nokey', '0')).toEqual(['0', []]);
  });

  it('walks a hashtable in COUNT-sized steps until cursor 0', () => {
    const { h } = harness();
    const members = Array.from({ length: 25 }, (_, i) => `m${i}`);
    h.run('SADD', 's', ...members);
    const seen: string[] = [];
    let cursor = '0';
    let steps = 0;
    do {
      const [next, page] = h.run('SSCAN', 's', cursor, 'COUNT', '10') as [string, string[]];
      seen.push(...page);
      cursor = next;
      steps++;
    } while (cursor !== '0');
    expect(steps).toBe(3);
    expect(sorted(seen)).toEqual(sorted(members));
  });

  it('validates the cursor before the key and options after it, like Redis', () => {
    const { h } = harness();
    h.run('SADD', 's', 'a');
    const invalid = { error: 'ERR invalid cursor' };
    expect(h.run('SSCAN', 'nokey', 'abc')).toEqual(invalid);
    expect(h.run('SSCAN', 's', ' 1')).toEqual(invalid);
    expect(h.run('SSCAN', 's', '18446744073709551616')).toEqual(invalid);
    expect(h.run('SSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(h.run('SSCAN', 's', '0', 'COUNT', '0')).toEqual(SYNTAX);
    expect(h.run('SSCAN', 's', '0', 'COUNT', 'x')).toEqual(NOT_INT);
    expect(h.run('SSCAN', 's', '0', 'TYPE', 'set')).toEqual(SYNTAX);
    expect(h.run('SSCAN', 's', '0', 'MATCH')).toEqual(SYNTAX);
    h.run('SADD', 'i', '1');
    expect(h.run('SSCAN', 'i', '-1')).toEqual(['0', ['1']]);
  });
});

describe('bookkeeping', () => {
  it('counts keyspace hits and misses on read lookups only', () => {
    const { h } = harness();
    h.run('SADD', 's', 'a');
    const stats = h.node.stats;
    const hits = stats.keyspaceHits;
    const misses = stats.keyspaceMisses;
    h.run('SISMEMBER', 's', 'a');
    h.run('SCARD', 'nokey');
    h.run('SINTER', 's', 'nokey', 's');
    h.run('SADD', 's', 'b');
    h.run('SREM', 's', 'zz');
    h.run('SPOP', 'nokey');
    expect(stats.keyspaceHits - hits).toBe(3);
    expect(stats.keyspaceMisses - misses).toBe(2);
  });

  it('counts dirty changes like server.dirty and propagates only changes', () => {
    const { h, fed } = harness();
    const d0 = h.node.dirty;
    h.run('SADD', 's', 'a', 'b', 'a');
    expect(h.node.dirty - d0).toBe(2);
    h.run('SADD', 's', 'a');
    h.run('SREM', 's', 'zz');
    expect(h.node.dirty - d0).toBe(2);
    expect(fed).toEqual([['SADD', 's', 'a', 'b', 'a']]);
  });

  it('invalidates WATCH on changes', () => {
    const { h } = harness();
    const a = h.client();
    const b = h.client();
    a.run('SADD', 's', 'x');
    a.run('WATCH', 's');
    b.run('SADD', 's', 'y');
    a.run('MULTI');
    a.run('SCARD', 's');
    expect(a.run('EXEC')).toBe(null);
  });

  it('COPY keeps an independent set with the same encoding', () => {
    const { h } = harness();
    h.run('SADD', 's', '1', '2');
    h.run('COPY', 's', 't');
    h.run('SADD', 't', 'x');
    expect(h.run('SMEMBERS', 's')).toEqual(['1', '2']);
    expect(encodingOf(h, 's')).toBe('intset');
    expect(encodingOf(h, 't')).toBe('hashtable');
    expect(h.node.databases[0]!.get('t')).toBeInstanceOf(RedisSet);
  });
});
