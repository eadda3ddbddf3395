// OBJECT, MEMORY and DEBUG OBJECT against real Redis 7.0.15 over TCP: encodings and refcounts after the same commands
// on both (strings across every way of writing them, collections across their conversion thresholds), replies and
// errors compared byte for byte where deterministic (HELP and MEMORY DOCTOR by their frame: their wording is ours),
// and MEMORY USAGE within a factor of two of Redis's figure.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import type { Reply } from '../../src/protocol/reply.js';
import { RespClient, startRealRedis, startSimServer, type ProcessServer } from '../helpers/servers.js';

let real: ProcessServer;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let r: RespClient;
let s: RespClient;

beforeAll(async () => {
  [real, sim] = await Promise.all([
    startRealRedis(['--enable-debug-command', 'yes']),
    startSimServer([['enable-debug-command', ['yes']]]),
  ]);
  [r, s] = await Promise.all([RespClient.connect(real.port), RespClient.connect(sim.port)]);
});

afterAll(async () => {
  await Promise.all([r?.close(), s?.close()]);
  await Promise.all([real?.stop(), sim?.stop()]);
});

type Command = readonly string[];

/** Runs commands on both servers (after FLUSHALL), failing on the first reply that differs. */
async function same(commands: readonly Command[], flush = true): Promise<void> {
  if (flush) await Promise.all([r.call('FLUSHALL'), s.call('FLUSHALL')]);
  for (const command of commands) {
    const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
    expect({ command, reply: b }).toEqual({ command, reply: a });
  }
}

/**
 * Compares a HELP reply's frame with Redis's: the reply type, every line a status reply, the header line and the
 * closing HELP entry. The lines between are redis-sim's own wording.
 */
async function sameHelpFrame(command: Command): Promise<void> {
  const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
  expect(b.t).toBe(a.t);
  const lines = (reply: Reply): Reply[] => (reply.t === 'array' ? [...reply.items] : []);
  expect(lines(b).every((line) => line.t === 'simple')).toBe(true);
  const plain = (reply: Reply): string[] => lines(reply).map((line) => (line.t === 'simple' ? line.s : ''));
  expect(plain(b)[0]).toBe(plain(a)[0]);
  expect(plain(b).slice(-2)).toEqual(plain(a).slice(-2));
  expect(plain(b).length).toBeGreaterThan(3);
}

/** OBJECT ENCODING and OBJECT REFCOUNT of each key. */
function inspect(keys: readonly string[]): Command[] {
  return keys.flatMap((k) => [
    ['OBJECT', 'ENCODING', k],
    ['OBJECT', 'REFCOUNT', k],
  ]);
}

const nums = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

describe('OBJECT ENCODING and REFCOUNT of strings', () => {
  it('match Redis for SET-like writes across the int and embstr limits', async () => {
    const values = [
      '0',
      '5',
      '9999',
      '10000',
      '-1',
      '123456789',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '-0',
      '007',
      '+5',
      ' 5',
      '1.5',
      '',
      'x'.repeat(44),
      'x'.repeat(45),
      '1'.repeat(20),
      '1'.repeat(21),
    ];
    const commands: Command[] = [];
    values.forEach((v, i) => commands.push(['SET', `k${i}`, v]));
    commands.push(['MSET', 'm1', '42', 'm2', 'text'], ['SETEX', 'e', '100', '7'], ['PSETEX', 'p', '100000', 'x']);
    commands.push(['SETNX', 'n', '12'], ['GETSET', 'g', '77'], ['SET', 'o', '1', 'GET']);
    await same([...commands, ...inspect([...values.map((_, i) => `k${i}`), 'm1', 'm2', 'e', 'p', 'n', 'g', 'o'])]);
  });

  it('match Redis after in-place changes, INCR/INCRBYFLOAT and key moves', async () => {
    await same([
      ['APPEND', 'a', '123'],
      ['APPEND', 'b', 'hello'],
      ['APPEND', 'c', '12'],
      ['APPEND', 'c', '3'],
      ['SET', 'd', 'abc'],
      ['APPEND', 'd', ''],
      ['SET', 'sr', '1'],
      ['SETRANGE', 'sr', '0', '2'],
      ['SET', 'sr2', 'ab'],
      ['SETRANGE', 'sr2', '0', ''],
      ['SETRANGE', 'sr3', '3', 'x'],
      ['SET', 'sb', 'a'],
      ['SETBIT', 'sb', '1', '1'],
      ['SETBIT', 'sb2', '7', '1'],
      ['SET', 'bf', 'ab'],
      ['BITFIELD', 'bf', 'GET', 'u8', '0'],
      ['SET', 'bf2', 'ab'],
      ['BITFIELD', 'bf2', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
      ['BITOP', 'NOT', 'bo', 'bf'],
      ['INCRBYFLOAT', 'f', '3'],
      ['INCRBYFLOAT', 'f2', '1.5'],
      ['INCR', 'i'],
      ['INCRBY', 'i2', '100000'],
      ['SET', 'i3', '9999'],
      ['INCR', 'i3'],
      ['COPY', 'sb', 'cp'],
      ['RENAME', 'sr', 'rn'],
      ['GETEX', 'c', 'EX', '100'],
      ...inspect([
        'a',
        'b',
        'c',
        'd',
        'sr2',
        'sr3',
        'sb',
        'sb2',
        'bf',
        'bf2',
        'bo',
        'f',
        'f2',
        'i',
        'i2',
        'i3',
        'cp',
        'rn',
      ]),
    ]);
  });

  it('refcounts of small integers stop being shared under maxmemory with an LRU policy', async () => {
    await same([
      ['SET', 'k', '5'],
      ['OBJECT', 'REFCOUNT', 'k'],
      ['CONFIG', 'SET', 'maxmemory', '1gb'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['SET', 'k2', '5'],
      ['OBJECT', 'REFCOUNT', 'k2'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ]);
  });
});

describe('OBJECT ENCODING of collections across their thresholds', () => {
  it('hashes: listpack up to hash-max-listpack-entries/-value, then hashtable for good', async () => {
    await same([
      ['HSET', 'h1', ...nums(128, (i) => [`f${i}`, 'v'])],
      ['HSET', 'h2', ...nums(129, (i) => [`f${i}`, 'v'])],
      ['HSET', 'h3', 'f', 'x'.repeat(64)],
      ['HSET', 'h4', 'f', 'x'.repeat(65)],
      ['HSET', 'h5', 'x'.repeat(65), 'v'],
      ['HDEL', 'h2', ...nums(100, (i) => [`f${i}`])],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
      ['HSET', 'h6', 'a', '1', 'b', '2'],
      ['HSET', 'h7', 'a', '1', 'b', '2', 'c', '3'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '128'],
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'].map((k) => ['OBJECT', 'ENCODING', k]),
    ]);
  });

  it('sets: intset up to set-max-intset-entries integers, else hashtable', async () => {
    await same([
      ['SADD', 's1', ...nums(512, (i) => [String(i)])],
      ['SADD', 's2', ...nums(513, (i) => [String(i)])],
      ['SADD', 's3', '1', '2', 'x'],
      ['SADD', 's4', '1', '-9223372036854775808'],
      ['SADD', 's5', '1', '9223372036854775808'],
      ['SADD', 's6', '01'],
      ['SREM', 's3', 'x'],
      ...['s1', 's2', 's3', 's4', 's5', 's6'].map((k) => ['OBJECT', 'ENCODING', k]),
    ]);
  });

  it('sorted sets: listpack up to zset-max-listpack-entries/-value, then skiplist', async () => {
    await same([
      ['ZADD', 'z1', ...nums(128, (i) => [String(i), `m${i}`])],
      ['ZADD', 'z2', ...nums(129, (i) => [String(i), `m${i}`])],
      ['ZADD', 'z3', '1', 'x'.repeat(64)],
      ['ZADD', 'z4', '1', 'x'.repeat(65)],
      ['ZREM', 'z2', ...nums(100, (i) => [`m${i}`])],
      ...['z1', 'z2', 'z3', 'z4'].map((k) => ['OBJECT', 'ENCODING', k]),
    ]);
  });

  it('lists: quicklist whatever their size', async () => {
    await same([
      ['RPUSH', 'l1', 'a'],
      ['RPUSH', 'l2', ...nums(1000, (i) => [`e${i}`])],
      ['RPUSH', 'l3', 'x'.repeat(20_000)],
      ...['l1', 'l2', 'l3'].flatMap((k) => [
        ['OBJECT', 'ENCODING', k],
        ['OBJECT', 'REFCOUNT', k],
      ]),
    ]);
  });
});

describe('OBJECT replies and errors', () => {
  it('match Redis for HELP (frame only: its wording is ours), missing keys, bad subcommands and the LFU/LRU policy errors', async () => {
    await sameHelpFrame(['OBJECT', 'HELP']);
    await same([
      ['SET', 'k', 'v'],
      ['OBJECT', 'help', 'extra'],
      ['OBJECT', 'NOPE', 'k'],
      ['OBJECT'],
      ['OBJECT', 'ENCODING'],
      ['OBJECT', 'ENCODING', 'k', 'k'],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'REFCOUNT', 'nokey'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['OBJECT', 'FREQ', 'nokey'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
      ['SET', 'f', 'v'],
      ['OBJECT', 'FREQ', 'f'],
      ['GET', 'f'],
      ['OBJECT', 'FREQ', 'f'],
      ['OBJECT', 'IDLETIME', 'f'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ]);
  });
});

describe('DEBUG OBJECT', () => {
  /** The `encoding:` and `refcount:` fields of DEBUG OBJECT's status line. */
  async function fields(client: RespClient, key: string): Promise<Record<string, string>> {
    const line = (await client.run('DEBUG', 'OBJECT', key)) as string;
    const out: Record<string, string> = {};
    for (const part of line.split(' ')) {
      const [name, value] = part.split(':');
      if (name === 'encoding' || name === 'refcount') out[name] = value!;
    }
    return out;
  }

  it('reports the encoding and refcount Redis reports', async () => {
    await same([
      ['SET', 'embstr', 'hello'],
      ['SET', 'shared', '42'],
      ['SET', 'int', '123456'],
      ['SET', 'raw', 'x'.repeat(45)],
      ['APPEND', 'appended', 'abc'],
      ['HSET', 'hash', 'f', 'v'],
      ['SADD', 'intset', '1', '2', '3'],
      ['SADD', 'set', 'a', 'b'],
      ['RPUSH', 'list', 'a'],
      ['ZADD', 'zset', '1', 'a'],
    ]);
    for (const key of ['embstr', 'shared', 'int', 'raw', 'appended', 'hash', 'intset', 'set', 'list', 'zset']) {
      const [a, b] = await Promise.all([fields(r, key), fields(s, key)]);
      expect(a).toHaveProperty('encoding');
      expect({ key, ...b }).toEqual({ key, ...a });
    }
  });
});

describe('MEMORY', () => {
  /** Builds the same value on both servers and returns both MEMORY USAGE figures. */
  async function usage(build: readonly Command[], samples: readonly string[] = []): Promise<[number, number]> {
    await Promise.all([r.call('DEL', 'K'), s.call('DEL', 'K')]);
    for (const command of build) await Promise.all([r.call(...command), s.call(...command)]);
    const [a, b] = await Promise.all([
      r.run('MEMORY', 'USAGE', 'K', ...samples),
      s.run('MEMORY', 'USAGE', 'K', ...samples),
    ]);
    return [a as number, b as number];
  }

  it('reports exactly Redis figures for strings', async () => {
    for (const value of [
      '1',
      '12345',
      'hello',
      'x'.repeat(44),
      'x'.repeat(45),
      'x'.repeat(1000),
      'x'.repeat(100_000),
    ]) {
      const [a, b] = await usage([['SET', 'K', value]]);
      expect({ len: value.length, usage: b }).toEqual({ len: value.length, usage: a });
    }
  });

  it('stays within a factor of two of Redis for every collection encoding, growing with content', async () => {
    const cases: Record<string, (n: number) => Command[]> = {
      list: (n) => [['RPUSH', 'K', ...nums(n, (i) => [`element-${i}`])]],
      'hash listpack': (n) => [['HSET', 'K', ...nums(Math.min(n, 100), (i) => [`f${i}`, `value-${i}`])]],
      'hash hashtable': (n) => [['HSET', 'K', ...nums(n + 200, (i) => [`f${i}`, `value-${i}`])]],
      'set intset': (n) => [['SADD', 'K', ...nums(Math.min(n, 500), (i) => [String(i * 1000)])]],
      'set hashtable': (n) => [['SADD', 'K', ...nums(n, (i) => [`member-${i}`])]],
      'zset listpack': (n) => [['ZADD', 'K', ...nums(Math.min(n, 100), (i) => [String(i), `m${i}`])]],
      'zset skiplist': (n) => [['ZADD', 'K', ...nums(n + 200, (i) => [String(i), `member-${i}`])]],
    };
    for (const [name, build] of Object.entries(cases)) {
      let last = 0;
      for (const n of [1, 10, 100, 1000]) {
        for (const samples of [[], ['SAMPLES', '0']]) {
          const [a, b] = await usage(build(n), samples);
          const ratio = b / a;
          expect({ name, n, samples, a, b, ok: ratio >= 0.5 && ratio <= 2 }).toEqual({
            name,
            n,
            samples,
            a,
            b,
            ok: true,
          });
        }
        const [, b] = await usage(build(n));
        expect(b).toBeGreaterThanOrEqual(last);
        last = b;
      }
    }
  });

  it('answers MEMORY STATS with the same field names as Redis', async () => {
    await same([
      ['SET', 'a', '1'],
      ['SET', 'b', '2', 'EX', '100'],
      ['SELECT', '2'],
      ['SET', 'c', '3'],
      ['SELECT', '0'],
    ]);
    const names = async (client: RespClient): Promise<PlainReply[]> => {
      const stats = (await client.run('MEMORY', 'STATS')) as PlainReply[];
      return stats.flatMap((v, i) => (i % 2 === 0 ? [v] : Array.isArray(v) ? [v.filter((_, j) => j % 2 === 0)] : []));
    };
    expect(await names(s)).toEqual(await names(r));
    const db0 = async (client: RespClient): Promise<PlainReply> => {
      const stats = (await client.run('MEMORY', 'STATS')) as PlainReply[];
      return stats[stats.indexOf('db.0') + 1]!;
    };
    expect(await db0(s)).toEqual(await db0(r));
  });

  it('matches Redis for HELP and DOCTOR (frames only: their wording is ours), PURGE and the errors', async () => {
    await Promise.all([r.call('FLUSHALL'), s.call('FLUSHALL')]);
    await sameHelpFrame(['MEMORY', 'HELP']);
    const [doctorReal, doctorSim] = await Promise.all([r.call('MEMORY', 'DOCTOR'), s.call('MEMORY', 'DOCTOR')]);
    expect(doctorSim.t).toBe(doctorReal.t);
    await same([
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'NOPE'],
      ['MEMORY', 'STATS', 'x'],
      ['MEMORY', 'USAGE'],
      ['MEMORY', 'USAGE', 'nokey'],
      ['SET', 'k', 'v'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'k', 'bogus'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '0'],
    ]);
    const [a, b] = (await Promise.all([r.run('MEMORY', 'MALLOC-STATS'), s.run('MEMORY', 'MALLOC-STATS')])) as string[];
    expect(b!.split('\n')[0]).toBe(a!.split('\n')[0]);
  });

  it('speaks RESP3 like Redis: verbatim DOCTOR, null for missing keys, a map for STATS', async () => {
    await Promise.all([r.call('FLUSHALL'), s.call('FLUSHALL')]);
    await Promise.all([r.call('HELLO', '3'), s.call('HELLO', '3')]);
    try {
      const [doctorReal, doctorSim] = await Promise.all([r.call('MEMORY', 'DOCTOR'), s.call('MEMORY', 'DOCTOR')]);
      expect(doctorSim.t).toBe(doctorReal.t);
      await sameHelpFrame(['OBJECT', 'HELP']);
      await same(
        [
          ['MEMORY', 'USAGE', 'nokey'],
          ['OBJECT', 'ENCODING', 'nokey'],
          ['SET', 'k', '1'],
          ['OBJECT', 'ENCODING', 'k'],
          ['MEMORY', 'USAGE', 'k'],
        ],
        false,
      );
      const [a, b] = await Promise.all([r.call('MEMORY', 'STATS'), s.call('MEMORY', 'STATS')]);
      expect(b.t).toBe(a.t);
    } finally {
      await Promise.all([r.call('HELLO', '2'), s.call('HELLO', '2')]);
    }
  });
});
