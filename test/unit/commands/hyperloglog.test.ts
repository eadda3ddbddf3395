// The HyperLogLog family on one simulated node: replies, errors, keyspace events (`pfadd` for PFADD and PFMERGE),
// dirty counting and propagation (PFCOUNT propagates when it refreshes the cache; PFDEBUG conversions propagate
// without touching WATCHers), hit/miss stats and PFSELFTEST.

import { describe, it, expect } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { HyperLogLog } from '../../../src/node/types/hyperloglog.js';

const NOT_HLL = { error: 'WRONGTYPE Key is not a valid HyperLogLog string value.' };
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const CORRUPT = { error: 'INVALIDOBJ Corrupted HLL object detected' };

/** A harness recording propagated commands and keyspace events. */
function harness(): { h: NodeHarness; fed: string[][]; events: string[] } {
  const h = new NodeHarness();
  const fed: string[][] = [];
  const events: string[] = [];
  h.node.propagate = (_db, args) => {
    fed.push([...args]);
  };
  const notify = h.node.notify.bind(h.node);
  h.node.notify = (cls, event, key, dbId) => {
    events.push(`${cls}:${event}:${key}`);
    notify(cls, event, key, dbId);
  };
  return { h, fed, events };
}

describe('PFADD and PFCOUNT', () => {
  it('store a string sketch and count it, caching the estimate', () => {
    const { h } = harness();
    expect(h.run('PFADD', 'h', 'a', 'b', 'c')).toBe(1);
    expect(h.run('PFADD', 'h', 'a', 'b')).toBe(0);
    expect(h.run('TYPE', 'h')).toBe('string');
    const before = h.run('GET', 'h') as string;
    expect(before.startsWith('HYLL\x01')).toBe(true);
    expect(before.charCodeAt(15) & 0x80).toBe(0x80);
    expect(h.run('PFCOUNT', 'h')).toBe(3);
    const after = h.run('GET', 'h') as string;
    expect(after.slice(8, 16)).toBe('\x03\0\0\0\0\0\0\0');
    expect(h.run('PFCOUNT', 'nokey')).toBe(0);
    expect(h.run('PFADD', 'empty')).toBe(1);
    expect(h.run('PFADD', 'empty')).toBe(0);
    expect(h.run('PFCOUNT', 'empty')).toBe(0);
    expect(h.run('PFADD', 'h2', 'c', 'd')).toBe(1);
    expect(h.run('PFCOUNT', 'h', 'h2', 'nokey')).toBe(4);
  });

  it('count dirty changes, raise `pfadd` and propagate only what changed data', () => {
    const { h, fed, events } = harness();
    h.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const dirty = h.node.dirty;
    h.run('PFADD', 'h', 'a', 'b');
    expect(h.node.dirty - dirty).toBe(3); // the creation plus two registers
    h.run('PFADD', 'h', 'a');
    h.run('PFCOUNT', 'h');
    h.run('PFCOUNT', 'h');
    h.run('PFCOUNT', 'h', 'h');
    h.run('PFMERGE', 'm', 'h');
    expect(fed).toEqual([
      ['PFADD', 'h', 'a', 'b'],
      ['PFCOUNT', 'h'],
      ['PFMERGE', 'm', 'h'],
    ]);
    expect(events.filter((e) => !e.startsWith('m:'))).toEqual(['n:new:h', '$:pfadd:h', 'n:new:m', '$:pfadd:m']);
  });

  it('reject other types and strings that are not sketches', () => {
    const { h } = harness();
    h.run('SET', 's', 'hello');
    h.run('SADD', 'set', 'a');
    for (const command of [
      ['PFADD', 's', 'a'],
      ['PFCOUNT', 's'],
      ['PFCOUNT', 's', 'x'],
      ['PFMERGE', 'd', 's'],
    ]) {
      expect(h.run(...command)).toEqual(NOT_HLL);
    }
    expect(h.run('PFADD', 'set', 'a')).toEqual(WRONGTYPE);
    expect(h.run('PFCOUNT', 'set')).toEqual(WRONGTYPE);
    expect(h.run('PFMERGE', 'set', 'nokey')).toEqual(WRONGTYPE);
    expect(h.run('EXISTS', 'd')).toBe(0);
  });

  it('report corrupt sparse sketches', () => {
    const { h } = harness();
    h.run('SET', 'bad', 'HYLL\x01' + '\0'.repeat(10) + '\x80\x7f\xfe');
    expect(h.run('PFCOUNT', 'bad')).toEqual(CORRUPT);
    expect(h.run('PFCOUNT', 'bad', 'x')).toEqual(CORRUPT);
    expect(h.run('PFMERGE', 'd', 'bad')).toEqual(CORRUPT);
    expect(h.run('PFDEBUG', 'TODENSE', 'bad')).toEqual(CORRUPT);
    expect(h.run('PFDEBUG', 'GETREG', 'bad')).toEqual(CORRUPT);
    expect(h.run('PFDEBUG', 'DECODE', 'bad')).toBe('Z:16383');
  });

  it('count keyspace hits and misses for every key read', () => {
    const { h } = harness();
    h.run('PFADD', 'h', 'a');
    const { keyspaceHits, keyspaceMisses } = h.node.stats;
    h.run('PFCOUNT', 'h', 'nokey');
    h.run('PFMERGE', 'h', 'nokey2');
    expect(h.node.stats.keyspaceHits - keyspaceHits).toBe(2);
    expect(h.node.stats.keyspaceMisses - keyspaceMisses).toBe(2);
  });

  it('refreshing the cache touches WATCHers; PFDEBUG TODENSE does not', () => {
    const { h } = harness();
    const other = h.client();
    h.run('PFADD', 'h', 'a');
    h.run('WATCH', 'h');
    other.run('PFCOUNT', 'h');
    h.run('MULTI');
    h.run('PING');
    expect(h.run('EXEC')).toBeNull();
    h.run('WATCH', 'h');
    other.run('PFCOUNT', 'h'); // cached now: no write
    other.run('PFDEBUG', 'TODENSE', 'h');
    h.run('MULTI');
    h.run('PING');
    expect(h.run('EXEC')).toEqual(['PONG']);
    expect(h.run('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
  });
});

describe('PFMERGE', () => {
  it('merges into a new or existing destination, densely when a source is dense', () => {
    const { h } = harness();
    h.run('PFADD', 'a', 'x', 'y');
    h.run('PFADD', 'b', 'y', 'z');
    expect(h.run('PFMERGE', 'd', 'a', 'b', 'missing')).toBe('OK');
    expect(h.run('PFCOUNT', 'd')).toBe(3);
    expect(h.run('PFDEBUG', 'ENCODING', 'd')).toBe('sparse');
    h.run('PFDEBUG', 'TODENSE', 'b');
    expect(h.run('PFMERGE', 'a', 'b')).toBe('OK');
    expect(h.run('PFDEBUG', 'ENCODING', 'a')).toBe('dense');
    expect(h.run('PFCOUNT', 'a')).toBe(3);
    expect(h.run('PFMERGE', 'e')).toBe('OK');
    expect(h.run('GET', 'e')).toBe(HyperLogLog.create().toString().slice(0, 15) + '\x80\x7f\xff');
  });
});

describe('PFDEBUG and PFSELFTEST', () => {
  it('GETREG, DECODE, ENCODING, TODENSE and their errors', () => {
    const { h, fed } = harness();
    h.run('PFADD', 'h', 'a');
    expect(h.run('PFDEBUG', 'DECODE', 'h')).toBe('Z:12711 v:2,1 Z:3672');
    expect(h.run('PFDEBUG', 'encoding', 'h')).toBe('sparse');
    const registers = h.run('PFDEBUG', 'GETREG', 'h') as number[];
    expect(registers).toHaveLength(16384);
    expect(registers[12711]).toBe(2);
    expect(registers.reduce((a, b) => a + b, 0)).toBe(2);
    expect(h.run('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
    expect(h.run('PFDEBUG', 'DECODE', 'h')).toEqual({ error: 'ERR HLL encoding is not sparse' });
    expect(h.run('PFDEBUG', 'TODENSE', 'h')).toBe(0);
    h.run('PFADD', 'h2', 'a');
    expect(h.run('PFDEBUG', 'TODENSE', 'h2')).toBe(1);
    expect(h.run('PFDEBUG', 'GETREG', 'nokey')).toEqual({ error: 'ERR The specified key does not exist' });
    expect(h.run('PFDEBUG', 'Nope', 'h')).toEqual({ error: "ERR Unknown PFDEBUG subcommand 'Nope'" });
    expect(h.run('PFDEBUG', 'Nope', 'nokey')).toEqual({ error: 'ERR The specified key does not exist' });
    h.run('SET', 's', 'x');
    expect(h.run('PFDEBUG', 'ENCODING', 's')).toEqual(NOT_HLL);
    expect(fed.filter((c) => c[0] === 'PFDEBUG')).toEqual([
      ['PFDEBUG', 'GETREG', 'h'],
      ['PFDEBUG', 'TODENSE', 'h2'],
    ]);
  });

  it('PFSELFTEST runs its checks and answers OK', () => {
    const { h } = harness();
    expect(h.run('PFSELFTEST')).toBe('OK');
  });
});
