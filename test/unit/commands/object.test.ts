// OBJECT and MEMORY on one simulated node: string encodings by how the value was built, refcounts of shared
// integers, idle time on the virtual clock, the LFU counter, MEMORY USAGE figures and the shapes of the rest.

import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { EMBSTR_SIZE_LIMIT, SHARED_REFCOUNT, stringEncoding } from '../../../src/node/commands/object.js';

const LFU_OFF = {
  error:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching ' +
    'between policies at runtime LRU and LFU data will take some time to adjust.',
};
const LFU_ON = {
  error:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between ' +
    'policies at runtime LRU and LFU data will take some time to adjust.',
};

function encoding(h: NodeHarness, key: string): unknown {
  return h.run('OBJECT', 'ENCODING', key);
}

describe('OBJECT ENCODING for strings', () => {
  it('follows tryObjectEncoding for SET-like writes: int, embstr up to 44 bytes, raw beyond', () => {
    const h = new NodeHarness();
    const cases: [string, string][] = [
      ['123', 'int'],
      ['-1', 'int'],
      ['0', 'int'],
      ['9223372036854775807', 'int'],
      ['-9223372036854775808', 'int'],
      ['9223372036854775808', 'embstr'],
      ['-0', 'embstr'],
      ['0123', 'embstr'],
      ['+1', 'embstr'],
      [' 1', 'embstr'],
      ['', 'embstr'],
      ['a'.repeat(EMBSTR_SIZE_LIMIT), 'embstr'],
      ['a'.repeat(EMBSTR_SIZE_LIMIT + 1), 'raw'],
      ['1'.repeat(21), 'embstr'],
    ];
    for (const [value, expected] of cases) {
      h.run('SET', 'k', value);
      expect([value, encoding(h, 'k')]).toEqual([value, expected]);
    }
    h.run('MSET', 'm1', '30', 'm2', 'hello');
    expect(encoding(h, 'm1')).toBe('int');
    expect(encoding(h, 'm2')).toBe('embstr');
    h.run('SETEX', 'e', '100', '55');
    expect(encoding(h, 'e')).toBe('int');
    h.run('GETSET', 'g', '77');
    expect(encoding(h, 'g')).toBe('int');
  });

  it('reports raw after in-place changes (APPEND, SETRANGE, SETBIT, BITFIELD writes, BITOP)', () => {
    const h = new NodeHarness();
    h.run('APPEND', 'a', '123');
    expect(encoding(h, 'a')).toBe('int');
    h.run('APPEND', 'a', '4');
    expect(encoding(h, 'a')).toBe('raw');
    h.run('SET', 'a2', 'abc');
    h.run('APPEND', 'a2', '');
    expect(encoding(h, 'a2')).toBe('raw');
    h.run('SET', 'r', '1');
    h.run('SETRANGE', 'r', '0', '2');
    expect(encoding(h, 'r')).toBe('raw');
    h.run('SET', 'r2', 'ab');
    h.run('SETRANGE', 'r2', '0', '');
    expect(encoding(h, 'r2')).toBe('embstr');
    h.run('SET', 'b', 'a');
    h.run('SETBIT', 'b', '1', '1'); // already set: still unshared
    expect(encoding(h, 'b')).toBe('raw');
    h.run('SET', 'f', 'ab');
    h.run('BITFIELD', 'f', 'GET', 'u8', '0');
    expect(encoding(h, 'f')).toBe('embstr');
    h.run('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000');
    expect(encoding(h, 'f')).toBe('raw');
    h.run('BITOP', 'OR', 'o', 'f');
    expect(encoding(h, 'o')).toBe('raw');
    h.run('SET', 'b', 'x');
    expect(encoding(h, 'b')).toBe('embstr');
  });

  it('keeps the encoding across COPY, RENAME and MOVE, and INCRBYFLOAT never yields int', () => {
    const h = new NodeHarness();
    h.run('SET', 'b', 'a');
    h.run('SETBIT', 'b', '1', '1');
    h.run('COPY', 'b', 'c');
    expect(encoding(h, 'c')).toBe('raw');
    h.run('RENAME', 'b', 'd');
    expect(encoding(h, 'd')).toBe('raw');
    h.run('MOVE', 'd', '1');
    h.run('SELECT', '1');
    expect(encoding(h, 'd')).toBe('raw');
    h.run('INCRBYFLOAT', 'x', '3');
    expect(h.run('GET', 'x')).toBe('3');
    expect(encoding(h, 'x')).toBe('embstr');
    h.run('INCR', 'x');
    expect(encoding(h, 'x')).toBe('int');
  });

  it('classifies by form and content', () => {
    expect(stringEncoding('12', 'encoded')).toBe('int');
    expect(stringEncoding('12', 'plain')).toBe('embstr');
    expect(stringEncoding('12', 'raw')).toBe('raw');
    expect(stringEncoding('x'.repeat(45), 'plain')).toBe('raw');
  });
});

describe('OBJECT REFCOUNT, missing keys, HELP and errors', () => {
  it('reports INT_MAX for the shared integers 0..9999 unless maxmemory with an LRU/LFU policy', () => {
    const h = new NodeHarness();
    for (const [value, refs] of [
      ['5', SHARED_REFCOUNT],
      ['9999', SHARED_REFCOUNT],
      ['10000', 1],
      ['-5', 1],
      ['abc', 1],
    ] as const) {
      h.run('SET', 'k', value);
      expect(h.run('OBJECT', 'REFCOUNT', 'k')).toBe(refs);
    }
    h.run('SET', 'k', '5');
    h.run('CONFIG', 'SET', 'maxmemory', '100mb');
    expect(h.run('OBJECT', 'REFCOUNT', 'k')).toBe(SHARED_REFCOUNT);
    h.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    expect(h.run('OBJECT', 'REFCOUNT', 'k')).toBe(1);
  });

  it('answers nil for missing keys and counts keyspace hits and misses', () => {
    const h = new NodeHarness();
    h.run('SET', 'k', 'v');
    const { keyspaceHits, keyspaceMisses } = h.node.stats;
    for (const sub of ['ENCODING', 'REFCOUNT', 'IDLETIME', 'FREQ']) expect(h.run('OBJECT', sub, 'nokey')).toBe(null);
    expect(h.run('OBJECT', 'ENCODING', 'k')).toBe('embstr');
    expect(h.node.stats.keyspaceMisses - keyspaceMisses).toBe(4);
    expect(h.node.stats.keyspaceHits - keyspaceHits).toBe(1);
  });

  it('treats an expired key as missing', () => {
    const h = new NodeHarness();
    h.run('SET', 'k', 'v', 'PX', '100');
    h.advance(200);
    expect(h.run('OBJECT', 'ENCODING', 'k')).toBe(null);
    expect(h.node.databases[0]!.holds('k')).toBe(false);
  });

  it('has a HELP in the Redis frame and subcommand errors', () => {
    const h = new NodeHarness();
    const help = h.run('OBJECT', 'HELP') as string[];
    expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    for (const sub of ['ENCODING <key>', 'FREQ <key>', 'IDLETIME <key>', 'REFCOUNT <key>']) expect(help).toContain(sub);
    expect(h.run('OBJECT', 'foo', 'k')).toEqual({ error: "ERR unknown subcommand 'foo'. Try OBJECT HELP." });
    expect(h.run('OBJECT', 'ENCODING')).toEqual({
      error: "ERR wrong number of arguments for 'object|encoding' command",
    });
    expect(h.run('OBJECT', 'ENCODING', 'a', 'b')).toEqual({
      error: "ERR wrong number of arguments for 'object|encoding' command",
    });
  });
});

describe('OBJECT IDLETIME', () => {
  it('counts seconds since the last access; reads and writes touch, OBJECT, TYPE, EXISTS and TTL do not', () => {
    const h = new NodeHarness();
    h.run('SET', 'k', 'v');
    h.advance(5_000);
    expect(h.run('OBJECT', 'IDLETIME', 'k')).toBeGreaterThanOrEqual(4);
    h.run('TYPE', 'k');
    h.run('EXISTS', 'k');
    h.run('TTL', 'k');
    h.run('OBJECT', 'ENCODING', 'k');
    const idle = h.run('OBJECT', 'IDLETIME', 'k') as number;
    expect(idle).toBeGreaterThanOrEqual(4);
    expect(idle).toBeLessThanOrEqual(5);
    h.run('GET', 'k');
    expect(h.run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    h.advance(3_000);
    h.run('APPEND', 'k', 'x');
    expect(h.run('OBJECT', 'IDLETIME', 'k')).toBe(0);
  });

  it('is refused under an LFU policy', () => {
    const h = new NodeHarness({ directives: [['maxmemory-policy', ['allkeys-lfu']]] });
    h.run('SET', 'k', 'v');
    expect(h.run('OBJECT', 'IDLETIME', 'k')).toEqual(LFU_ON);
  });
});

describe('OBJECT FREQ', () => {
  it('is refused unless the policy is an LFU one', () => {
    const h = new NodeHarness();
    h.run('SET', 'k', 'v');
    expect(h.run('OBJECT', 'FREQ', 'k')).toEqual(LFU_OFF);
    h.run('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu');
    expect(h.run('OBJECT', 'FREQ', 'k')).toBe(5);
  });

  it('starts at LFU_INIT_VAL, grows logarithmically with accesses and decays by the minute', () => {
    const h = new NodeHarness({ directives: [['maxmemory-policy', ['allkeys-lfu']]] });
    h.run('SET', 'k', 'v');
    expect(h.run('OBJECT', 'FREQ', 'k')).toBe(5);
    h.run('GET', 'k'); // from 5 the first increment is certain
    expect(h.run('OBJECT', 'FREQ', 'k')).toBe(6);
    for (let i = 0; i < 1000; i++) h.run('GET', 'k');
    const hot = h.run('OBJECT', 'FREQ', 'k') as number;
    // redis.conf's table for lfu-log-factor 10: 1K hits give a counter of about 18.
    expect(hot).toBeGreaterThan(12);
    expect(hot).toBeLessThan(30);
    expect(h.run('OBJECT', 'FREQ', 'k')).toBe(hot);
    h.advance(3 * 60_000);
    expect(h.run('OBJECT', 'FREQ', 'k')).toBe(hot - 3);
    h.advance((hot - 3) * 60_000);
    expect(h.run('OBJECT', 'FREQ', 'k')).toBe(0);
  });
});

describe('MEMORY USAGE', () => {
  it('models Redis 7.0 sizes for strings (key sds + dictEntry + robj/sds)', () => {
    const h = new NodeHarness();
    h.run('SET', 'a', '123');
    expect(h.run('MEMORY', 'USAGE', 'a')).toBe(48);
    h.run('SET', 's', 'x'.repeat(100));
    expect(h.run('MEMORY', 'USAGE', 's')).toBe(160);
    h.run('SET', 'e', 'hello');
    expect(h.run('MEMORY', 'USAGE', 'e')).toBe(64);
    expect(h.run('MEMORY', 'USAGE', 'nokey')).toBe(null);
  });

  it('grows with content size', () => {
    const h = new NodeHarness();
    let last = 0;
    for (const n of [1, 10, 44, 45, 100, 1000, 10_000, 100_000]) {
      h.run('SET', 'k', 'x'.repeat(n));
      const usage = h.run('MEMORY', 'USAGE', 'k') as number;
      expect(usage).toBeGreaterThanOrEqual(last);
      expect(usage).toBeGreaterThanOrEqual(n);
      last = usage;
    }
  });

  it('reports logically expired keys still held (dictFind) and parses SAMPLES like Redis', () => {
    const h = new NodeHarness();
    h.node.activeExpire = false;
    h.run('SET', 'k2', 'v', 'PX', '10');
    h.advance(50);
    expect(h.run('MEMORY', 'USAGE', 'k2')).toBeGreaterThan(0);
    expect(h.run('MEMORY', 'USAGE', 'k2', 'SAMPLES', '0')).toBeGreaterThan(0);
    expect(h.run('MEMORY', 'USAGE', 'k2', 'SAMPLES', '-1')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('MEMORY', 'USAGE', 'k2', 'SAMPLES', 'x')).toEqual({
      error: 'ERR value is not an integer or out of range',
    });
    expect(h.run('MEMORY', 'USAGE', 'k2', 'SAMPLES')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('MEMORY', 'USAGE', 'k2', 'foo')).toEqual({ error: 'ERR syntax error' });
  });
});

describe('MEMORY STATS, DOCTOR, MALLOC-STATS, PURGE, HELP', () => {
  it('answers STATS with Redis field names in order, one db.N map per non-empty database', () => {
    const h = new NodeHarness();
    h.run('SET', 'a', '1');
    h.run('SET', 'b', '2', 'EX', '100');
    const stats = h.run('MEMORY', 'STATS') as unknown[];
    const names = stats.filter((_, i) => i % 2 === 0);
    expect(names).toEqual([...STATS_FIELDS.slice(0, 10), 'db.0', ...STATS_FIELDS.slice(10)]);
    const db0 = stats[stats.indexOf('db.0') + 1];
    expect(db0).toEqual([
      'overhead.hashtable.main',
      2 * 24 + 4 * 8 + 2 * 16,
      'overhead.hashtable.expires',
      24 + 4 * 8,
      'overhead.hashtable.slot-to-keys',
      0,
    ]);
    expect(stats[stats.indexOf('keys.count') + 1]).toBe(2);
  });

  it('answers DOCTOR, MALLOC-STATS, PURGE and HELP', () => {
    const h = new NodeHarness();
    expect(h.run('MEMORY', 'DOCTOR')).toMatch(/^Too little memory is in use here \(under 5 MB\)/);
    expect(h.run('MEMORY', 'MALLOC-STATS')).toMatch(/^___ Begin jemalloc statistics ___\n[\s\S]*--- End jemalloc/);
    expect(h.run('MEMORY', 'PURGE')).toBe('OK');
    const help = h.run('MEMORY', 'HELP') as string[];
    expect(help[0]).toBe('MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    for (const sub of ['DOCTOR', 'MALLOC-STATS', 'PURGE', 'STATS', 'USAGE <key> [SAMPLES <count>]']) {
      expect(help).toContain(sub);
    }
    expect(toPlain(h.client().raw('MEMORY', 'STATS'))).toBeInstanceOf(Array);
  });

  it('lists the problems DOCTOR finds once the instance holds data, one bullet each', () => {
    const h = new NodeHarness();
    const db = h.node.databases[0]!;
    for (let i = 0; i < 60_000; i++) db.set(`key:${i}`, `value:${i}`);
    const report = h.run('MEMORY', 'DOCTOR') as string;
    expect(report).toMatch(/^Memory problems found in this instance:\n\n \* /);
    expect(report).toContain(' * High RSS: ');
    expect(report.endsWith('\n\nMEMORY STATS shows the figures behind each finding.\n')).toBe(true);
  });
});

/** MEMORY STATS's top-level field names in Redis 7.0.15's order, without the db.N entries. */
const STATS_FIELDS = [
  'peak.allocated',
  'total.allocated',
  'startup.allocated',
  'replication.backlog',
  'clients.slaves',
  'clients.normal',
  'cluster.links',
  'aof.buffer',
  'lua.caches',
  'functions.caches',
  'overhead.total',
  'keys.count',
  'keys.bytes-per-key',
  'dataset.bytes',
  'dataset.percentage',
  'peak.percentage',
  'allocator.allocated',
  'allocator.active',
  'allocator.resident',
  'allocator-fragmentation.ratio',
  'allocator-fragmentation.bytes',
  'allocator-rss.ratio',
  'allocator-rss.bytes',
  'rss-overhead.ratio',
  'rss-overhead.bytes',
  'fragmentation',
  'fragmentation.bytes',
];
