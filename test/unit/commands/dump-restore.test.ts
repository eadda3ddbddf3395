// DUMP, RESTORE and RESTORE-ASKING on one simulated node: payloads byte-identical to Redis 7.0.15's (captured
// from redis-server), RESTORE's errors in restoreCommand's order, TTL handling and its propagation, LRU/LFU hints,
// keyspace events, and DUMP/RESTORE round trips for every type in both of its encodings.

import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';
import { crc64Init, crc64Update, crc64WriteLE } from '../../../src/node/persistence/crc64.js';

const BUSY = { error: 'BUSYKEY Target key name already exists.' };
const FOOTER = { error: 'ERR DUMP payload version or checksum are wrong' };
const BAD = { error: 'ERR Bad data format' };
const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };

/** DUMP payloads real Redis 7.0.15 answered (rdbcompression yes unless noted), as hex. */
const REAL = {
  int123: '00c07b0a0048e253e1007a67b9',
  hello: '000568656c6c6f0a006372df766534200a',
  a100: '00c3094064016161e057000161610a00e8a3b507b06df271',
  neg70000: '00c290eefeff0a002875de7b13eb2800',
  a100Plain: `004064${'61'.repeat(100)}0a00afa7a1bf69717045`,
};

function latin1(hex: string): string {
  return Buffer.from(hex, 'hex').toString('latin1');
}

function hex(s: unknown): string {
  return Buffer.from(s as string, 'latin1').toString('hex');
}

/** A payload with a valid footer (RDB version 10 and CRC64) around any body. */
function withFooter(body: number[], version = 10): string {
  const out = Buffer.alloc(body.length + 10);
  Buffer.from(body).copy(out);
  out[body.length] = version & 0xff;
  out[body.length + 1] = version >> 8;
  const state = crc64Init();
  crc64Update(state, out, 0, body.length + 2);
  crc64WriteLE(state, out, body.length + 2);
  return out.toString('latin1');
}

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
    events.push(`${event}:${key}`);
    notify(cls, event, key, dbId);
  };
  return { h, fed, events };
}

describe('DUMP', () => {
  it('produces the exact bytes Redis 7.0.15 produces for strings', () => {
    const { h } = harness();
    h.run('SET', 'i', '123');
    h.run('SET', 's', 'hello');
    h.run('SET', 'l', 'a'.repeat(100));
    h.run('SET', 'n', '-70000');
    expect(hex(h.run('DUMP', 'i'))).toBe(REAL.int123);
    expect(hex(h.run('DUMP', 's'))).toBe(REAL.hello);
    expect(hex(h.run('DUMP', 'l'))).toBe(REAL.a100);
    expect(hex(h.run('DUMP', 'n'))).toBe(REAL.neg70000);
    h.run('CONFIG', 'SET', 'rdbcompression', 'no');
    expect(hex(h.run('DUMP', 'l'))).toBe(REAL.a100Plain);
  });

  it('answers nil for a missing key and counts a read lookup', () => {
    const { h, events } = harness([['notify-keyspace-events', ['KEAm']]]);
    const misses = h.node.stats.keyspaceMisses;
    expect(h.run('DUMP', 'nokey')).toBe(null);
    expect(h.node.stats.keyspaceMisses - misses).toBe(1);
    expect(events).toContain('keymiss:nokey');
  });
});

describe('RESTORE', () => {
  it('restores real Redis payloads with their encodings', () => {
    const { h } = harness();
    for (const [key, payload, value, encoding] of [
      ['i', REAL.int123, '123', 'int'],
      ['s', REAL.hello, 'hello', 'embstr'],
      ['l', REAL.a100, 'a'.repeat(100), 'raw'],
      ['p', REAL.a100Plain, 'a'.repeat(100), 'raw'],
      ['n', REAL.neg70000, '-70000', 'int'],
    ] as const) {
      expect(h.run('RESTORE', key, '0', latin1(payload))).toBe('OK');
      expect(h.run('GET', key)).toBe(value);
      expect(h.run('OBJECT', 'ENCODING', key)).toBe(encoding);
      expect(h.run('TTL', key)).toBe(-1);
    }
  });

  it('checks options, then BUSYKEY, then the TTL, then the payload (restoreCommand order)', () => {
    const { h } = harness();
    h.run('SET', 'k', 'v');
    const good = latin1(REAL.hello);
    expect(h.run('RESTORE', 'k', '-1', good, 'IDLETIME', '-1')).toEqual({
      error: 'ERR Invalid IDLETIME value, must be >= 0',
    });
    expect(h.run('RESTORE', 'k', '0', good, 'FREQ', '256')).toEqual({
      error: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
    });
    expect(h.run('RESTORE', 'k', '0', good, 'FREQ', '-1')).toEqual({
      error: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
    });
    expect(h.run('RESTORE', 'k', '0', good, 'IDLETIME', 'x')).toEqual(NOT_INT);
    expect(h.run('RESTORE', 'k', '0', good, 'IDLETIME', '1', 'FREQ', '1')).toEqual(SYNTAX);
    expect(h.run('RESTORE', 'k', '0', good, 'FREQ', '1', 'IDLETIME', '1')).toEqual(SYNTAX);
    expect(h.run('RESTORE', 'k', '0', good, 'IDLETIME')).toEqual(SYNTAX);
    expect(h.run('RESTORE', 'k', '0', good, 'BOGUS')).toEqual(SYNTAX);
    expect(h.run('RESTORE', 'k', '-1', 'junk')).toEqual(BUSY);
    expect(h.run('RESTORE', 'new', 'x', 'junk')).toEqual(NOT_INT);
    expect(h.run('RESTORE', 'new', '-1', 'junk')).toEqual({ error: 'ERR Invalid TTL value, must be >= 0' });
    expect(h.run('RESTORE', 'new', '0', 'junk')).toEqual(FOOTER);
    expect(h.run('RESTORE', 'new', '0', good.slice(0, -1) + 'x')).toEqual(FOOTER);
    expect(h.run('RESTORE', 'new', '0', withFooter([0x00, 0x05, 0x68], 11))).toEqual(FOOTER);
    expect(h.run('RESTORE', 'new', '0', withFooter([0xc8]))).toEqual(BAD);
    expect(h.run('RESTORE', 'new', '0', withFooter([0x00, 0x20, 0x68]))).toEqual(BAD);
    expect(h.run('RESTORE', 'new', '0', withFooter([]))).toEqual(BAD);
    // An empty set is refused like rdbLoadObject's `emptykey` case.
    expect(h.run('RESTORE', 'new', '0', withFooter([0x02, 0x00]))).toEqual(BAD);
    expect(h.run('EXISTS', 'new')).toBe(0);
    expect(h.run('GET', 'k')).toBe('v');
    // Like Redis, which reads from the whole argument, a short body reads on into the footer.
    const short = withFooter([0x00, 0x04, 0x68]);
    expect(h.run('RESTORE', 'new', '0', short)).toBe('OK');
    expect(h.run('GET', 'new')).toBe(short.slice(2, 6));
  });

  it('replaces with REPLACE, and accepts a bad checksum when checksum validation is skipped', () => {
    const { h } = harness([['enable-debug-command', ['yes']]]);
    h.run('SET', 'k', 'v', 'EX', '100');
    expect(h.run('RESTORE', 'k', '0', latin1(REAL.hello), 'REPLACE')).toBe('OK');
    expect(h.run('GET', 'k')).toBe('hello');
    expect(h.run('TTL', 'k')).toBe(-1);
    const zeroCrc = latin1(REAL.hello.slice(0, -16) + '0'.repeat(16));
    expect(h.run('RESTORE', 'z', '0', zeroCrc)).toEqual(FOOTER);
    h.run('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1');
    expect(h.run('RESTORE', 'z', '0', zeroCrc)).toBe('OK');
    expect(h.run('GET', 'z')).toBe('hello');
  });

  it('turns a relative TTL absolute for propagation, appending ABSTTL; ABSTTL itself is kept as sent', () => {
    const { h, fed, events } = harness();
    const payload = latin1(REAL.hello);
    const now = h.node.now();
    expect(h.run('RESTORE', 'k', '5000', payload)).toBe('OK');
    expect(h.run('PTTL', 'k')).toBe(5000);
    expect(fed.at(-1)).toEqual(['RESTORE', 'k', String(now + 5000), payload, 'ABSTTL']);
    expect(events).toEqual(['new:k', 'restore:k']);
    expect(h.run('RESTORE', 'a', String(now + 9000), payload, 'ABSTTL', 'REPLACE')).toBe('OK');
    expect(h.run('PEXPIRETIME', 'a')).toBe(now + 9000);
    expect(fed.at(-1)).toEqual(['RESTORE', 'a', String(now + 9000), payload, 'ABSTTL', 'REPLACE']);
    expect(h.run('RESTORE', 'b', '0', payload)).toBe('OK');
    expect(fed.at(-1)).toEqual(['RESTORE', 'b', '0', payload]);
    const dirty = h.node.dirty;
    h.run('RESTORE-ASKING', 'c', '100', payload);
    expect(h.node.dirty - dirty).toBe(1);
    expect(fed.at(-1)).toEqual(['RESTORE-ASKING', 'c', String(now + 100), payload, 'ABSTTL']);
    expect(h.run('GET', 'c')).toBe('hello');
  });

  it('creates nothing for a TTL already past; with REPLACE the old key goes and a DEL is propagated', () => {
    const { h, fed, events } = harness();
    const payload = latin1(REAL.hello);
    const dirty = h.node.dirty;
    expect(h.run('RESTORE', 'k', '1', payload, 'ABSTTL')).toBe('OK');
    expect(h.run('EXISTS', 'k')).toBe(0);
    expect(h.node.dirty).toBe(dirty);
    expect(fed).toEqual([]);
    h.run('SET', 'k', 'old');
    fed.length = 0;
    events.length = 0;
    expect(h.run('RESTORE', 'k', '1', payload, 'ABSTTL', 'REPLACE')).toBe('OK');
    expect(fed).toEqual([['DEL', 'k']]);
    expect(events).toEqual(['del:k']);
    expect(h.run('EXISTS', 'k')).toBe(0);
  });

  it('sets the idle time with IDLETIME, and the LFU counter with FREQ under an LFU policy', () => {
    const { h } = harness();
    const payload = latin1(REAL.hello);
    h.run('RESTORE', 'k', '0', payload, 'IDLETIME', '1000');
    expect(h.run('OBJECT', 'IDLETIME', 'k')).toBe(1000);
    h.run('RESTORE', 'f', '0', payload, 'FREQ', '100'); // ignored without an LFU policy
    h.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    h.run('RESTORE', 'g', '0', payload, 'FREQ', '100');
    expect(h.run('OBJECT', 'FREQ', 'g')).toBe(100);
    expect(h.run('OBJECT', 'FREQ', 'f')).toBe(5);
  });
});

/** Commands that build a value of each type in each encoding, and a command that reads it back whole. */
const TYPE_CASES: readonly { name: string; build: string[][]; read: string[]; encoding: string }[] = [
  {
    name: 'list (small)',
    build: [['RPUSH', 'K', 'a', '1', 'b']],
    read: ['LRANGE', 'K', '0', '-1'],
    encoding: 'quicklist',
  },
  {
    name: 'list (many nodes, big element)',
    build: [
      ['RPUSH', 'K', ...Array.from({ length: 300 }, (_, i) => `element-${i}`)],
      ['RPUSH', 'K', 'x'.repeat(10_000)],
    ],
    read: ['LRANGE', 'K', '0', '-1'],
    encoding: 'quicklist',
  },
  {
    name: 'hash (listpack)',
    build: [['HSET', 'K', 'f', 'v', 'n', '12']],
    read: ['HGETALL', 'K'],
    encoding: 'listpack',
  },
  {
    name: 'hash (hashtable)',
    build: [['HSET', 'K', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()]],
    read: ['HGETALL', 'K'],
    encoding: 'hashtable',
  },
  {
    name: 'set (intset)',
    build: [['SADD', 'K', '1', '-5', '70000', '5000000000']],
    read: ['SMEMBERS', 'K'],
    encoding: 'intset',
  },
  { name: 'set (hashtable)', build: [['SADD', 'K', 'a', 'b', '3']], read: ['SMEMBERS', 'K'], encoding: 'hashtable' },
  {
    name: 'zset (listpack)',
    build: [['ZADD', 'K', '1', 'a', '2.5', 'b', '-inf', 'c']],
    read: ['ZRANGE', 'K', '0', '-1', 'WITHSCORES'],
    encoding: 'listpack',
  },
  {
    name: 'zset (skiplist)',
    build: [['ZADD', 'K', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat()]],
    read: ['ZRANGE', 'K', '0', '-1', 'WITHSCORES'],
    encoding: 'skiplist',
  },
];

describe('DUMP/RESTORE round trips for every type', () => {
  for (const t of TYPE_CASES) {
    it(`keeps contents, encoding and digest of a ${t.name}`, () => {
      const { h } = harness([['enable-debug-command', ['yes']]]);
      for (const command of t.build) h.run(...command);
      expect(h.run('OBJECT', 'ENCODING', 'K')).toBe(t.encoding);
      const payload = h.run('DUMP', 'K') as string;
      expect(h.run('RESTORE', 'R', '0', payload)).toBe('OK');
      const read = (key: string): unknown => {
        const reply = h.run(...t.read.map((a) => (a === 'K' ? key : a)));
        return t.read[0] === 'SMEMBERS' ? (reply as string[]).slice().sort() : reply;
      };
      expect(read('R')).toEqual(read('K'));
      expect(h.run('OBJECT', 'ENCODING', 'R')).toBe(t.encoding);
      expect(h.run('DEBUG', 'DIGEST-VALUE', 'R')).toEqual(h.run('DEBUG', 'DIGEST-VALUE', 'K'));
      expect(h.run('DUMP', 'R')).toBe(payload);
      expect(h.run('MEMORY', 'USAGE', 'R')).toBe(h.run('MEMORY', 'USAGE', 'K'));
    });
  }
});
