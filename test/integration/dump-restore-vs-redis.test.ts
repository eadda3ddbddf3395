// DUMP/RESTORE and FUNCTION DUMP/RESTORE between redis-sim and real Redis 7.0.15 over TCP: values of every type in
// both of its encodings are built on one side, dumped, restored on the other and compared with the type's read
// command, OBJECT ENCODING and DEBUG DIGEST-VALUE; payloads of deterministic encodings must be byte-identical, and
// RESTORE's errors must read the same on both.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64Init, crc64Update, crc64WriteLE } from '../../src/node/persistence/crc64.js';
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

interface TypeCase {
  readonly name: string;
  /** Commands building key K. */
  readonly build: readonly (readonly string[])[];
  /** The command reading K back whole (K is replaced by the key). */
  readonly read: readonly string[];
  /** How to make two readings comparable when order is not part of the value (hashtable iteration order). */
  readonly normalise?: 'sort' | 'pairs';
  readonly encoding: string;
  /** Whether both servers must produce the same DUMP bytes (not for hashtable encodings, whose order differs). */
  readonly sameBytes: boolean;
}

const range = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

const CASES: readonly TypeCase[] = [
  { name: 'string (int)', build: [['SET', 'K', '-70000']], read: ['GET', 'K'], encoding: 'int', sameBytes: true },
  { name: 'string (embstr)', build: [['SET', 'K', 'hello']], read: ['GET', 'K'], encoding: 'embstr', sameBytes: true },
  {
    name: 'string (raw, LZF-compressed in the payload)',
    build: [['SET', 'K', 'abc'.repeat(100)]],
    read: ['GET', 'K'],
    encoding: 'raw',
    sameBytes: true,
  },
  {
    name: 'string (raw, binary)',
    build: [['SET', 'K', range(256, (i) => [String.fromCharCode(i)]).join('')]],
    read: ['GET', 'K'],
    encoding: 'raw',
    sameBytes: true,
  },
  {
    name: 'list (one listpack node)',
    build: [['RPUSH', 'K', 'a', '1', '-5', '70000', '5000000000', '']],
    read: ['LRANGE', 'K', '0', '-1'],
    encoding: 'quicklist',
    sameBytes: true,
  },
  {
    name: 'list (many nodes and a plain node)',
    build: [
      ['RPUSH', 'K', ...range(500, (i) => [`element-${i}`])],
      ['RPUSH', 'K', 'x'.repeat(9000)],
    ],
    read: ['LRANGE', 'K', '0', '-1'],
    encoding: 'quicklist',
    sameBytes: true,
  },
  {
    name: 'hash (listpack)',
    build: [['HSET', 'K', 'f', 'v', 'n', '12', 'neg', '-3', 'empty', '']],
    read: ['HGETALL', 'K'],
    encoding: 'listpack',
    sameBytes: true,
  },
  {
    name: 'hash (hashtable)',
    build: [['HSET', 'K', ...range(600, (i) => [`f${i}`, `v${i}`])]],
    read: ['HGETALL', 'K'],
    normalise: 'pairs',
    encoding: 'hashtable',
    sameBytes: false,
  },
  {
    name: 'set (intset)',
    build: [['SADD', 'K', '1', '-5', '70000', '5000000000']],
    read: ['SMEMBERS', 'K'],
    normalise: 'sort',
    encoding: 'intset',
    sameBytes: true,
  },
  {
    name: 'set (hashtable)',
    build: [['SADD', 'K', 'a', 'b', '3', ...range(100, (i) => [`m${i}`])]],
    read: ['SMEMBERS', 'K'],
    normalise: 'sort',
    encoding: 'hashtable',
    sameBytes: false,
  },
  {
    name: 'zset (listpack)',
    build: [['ZADD', 'K', '1', 'a', '2.5', 'b', '-inf', 'c', '1e300', 'd', '0.1', 'e']],
    read: ['ZRANGE', 'K', '0', '-1', 'WITHSCORES'],
    encoding: 'listpack',
    sameBytes: true,
  },
  {
    name: 'zset (skiplist)',
    build: [['ZADD', 'K', ...range(200, (i) => [String(i / 3), `m${i}`])]],
    read: ['ZRANGE', 'K', '0', '-1', 'WITHSCORES'],
    encoding: 'skiplist',
    sameBytes: false,
  },
];

/** Reads key `key` with the case's read command, normalised for order-free types. */
async function readBack(client: RespClient, t: TypeCase, key: string): Promise<PlainReply> {
  const reply = await client.run(...t.read.map((a) => (a === 'K' ? key : a)));
  if (t.normalise === 'sort') return (reply as string[]).slice().sort();
  if (t.normalise === 'pairs') {
    const flat = reply as string[];
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}\0${flat[i + 1]}`);
    return pairs.sort();
  }
  return reply;
}

/** A payload with a valid footer (RDB version 10 and CRC64) around any body. */
function withFooter(body: readonly number[]): string {
  const out = Buffer.alloc(body.length + 10);
  Buffer.from(body).copy(out);
  out[body.length] = 10;
  const state = crc64Init();
  crc64Update(state, out, 0, body.length + 2);
  crc64WriteLE(state, out, body.length + 2);
  return out.toString('latin1');
}

async function build(client: RespClient, t: TypeCase): Promise<void> {
  await client.run('DEL', 'K');
  for (const command of t.build) await client.run(...command);
}

describe('DUMP payloads between redis-sim and Redis 7.0.15', () => {
  for (const t of CASES) {
    it(`moves a ${t.name} both ways`, async () => {
      await Promise.all([build(r, t), build(s, t)]);
      expect(await s.run('OBJECT', 'ENCODING', 'K')).toBe(t.encoding);
      expect(await r.run('OBJECT', 'ENCODING', 'K')).toBe(t.encoding);
      const [fromReal, fromSim] = (await Promise.all([r.run('DUMP', 'K'), s.run('DUMP', 'K')])) as string[];
      if (t.sameBytes) expect(Buffer.from(fromSim!, 'latin1').equals(Buffer.from(fromReal!, 'latin1'))).toBe(true);

      // Real Redis's payload into redis-sim, and redis-sim's into real Redis.
      expect(await s.run('RESTORE', 'R', '0', fromReal!, 'REPLACE')).toBe('OK');
      expect(await r.run('RESTORE', 'R', '0', fromSim!, 'REPLACE')).toBe('OK');
      const expected = await readBack(r, t, 'K');
      expect(await readBack(s, t, 'R')).toEqual(expected);
      expect(await readBack(r, t, 'R')).toEqual(expected);
      expect(await s.run('OBJECT', 'ENCODING', 'R')).toBe(t.encoding);
      expect(await r.run('OBJECT', 'ENCODING', 'R')).toBe(t.encoding);
      const digest = await r.run('DEBUG', 'DIGEST-VALUE', 'K');
      expect(await s.run('DEBUG', 'DIGEST-VALUE', 'R')).toEqual(digest);
      expect(await r.run('DEBUG', 'DIGEST-VALUE', 'R')).toEqual(digest);
      expect(await s.run('DEBUG', 'DIGEST-VALUE', 'K')).toEqual(digest);
    });
  }

  it('restores with TTLs, IDLETIME and the same replies on both sides', async () => {
    await Promise.all([r.run('SET', 'src', 'v'), s.run('SET', 'src', 'v')]);
    const payload = (await r.run('DUMP', 'src')) as string;
    for (const client of [r, s]) {
      await client.run('DEL', 't1', 't2', 't3');
      expect(await client.run('RESTORE', 't1', '100000', payload)).toBe('OK');
      const pttl = (await client.run('PTTL', 't1')) as number;
      expect(pttl).toBeGreaterThan(90_000);
      expect(pttl).toBeLessThanOrEqual(100_000);
      expect(await client.run('RESTORE', 't2', '1', payload, 'ABSTTL')).toBe('OK');
      expect(await client.run('EXISTS', 't2')).toBe(0);
      expect(await client.run('RESTORE', 't3', '0', payload, 'IDLETIME', '3600')).toBe('OK');
      expect(await client.run('OBJECT', 'IDLETIME', 't3')).toBe(3600);
    }
  });

  it('answers RESTORE errors exactly like Redis', async () => {
    await Promise.all([r.run('SET', 'busy', 'v'), s.run('SET', 'busy', 'v')]);
    const payload = (await r.run('DUMP', 'busy')) as string;
    const corrupt = payload.slice(0, 1) + '\x7f' + payload.slice(2);
    const badType = `\x08${payload.slice(1)}`;
    const cases: string[][] = [
      ['RESTORE', 'busy', '0', payload],
      ['RESTORE', 'busy', '-1', payload],
      ['RESTORE', 'fresh', '-1', payload],
      ['RESTORE', 'fresh', 'x', payload],
      ['RESTORE', 'fresh', '0', 'junk'],
      ['RESTORE', 'fresh', '0', corrupt],
      ['RESTORE', 'fresh', '0', badType],
      ['RESTORE', 'fresh', '0', payload, 'IDLETIME', '-1'],
      ['RESTORE', 'fresh', '0', payload, 'FREQ', '300'],
      ['RESTORE', 'fresh', '0', payload, 'FREQ', 'x'],
      ['RESTORE', 'fresh', '0', payload, 'IDLETIME', '1', 'FREQ', '1'],
      ['RESTORE', 'fresh', '0', payload, 'NOPE'],
      ['RESTORE', 'fresh', '0'],
      ['DUMP', 'nokey'],
      ['DUMP'],
    ];
    for (const command of cases) {
      const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
      expect({ command, reply: b }).toEqual({ command, reply: a });
    }
  });

  it('refuses payloads with a valid footer but an unreadable body with the same error', async () => {
    const bodies = [[0x08], [0xc8], [0x00, 0x05, 0x61, 0x62], [0x02, 0x00], [0x0b, 0x00], [0x04, 0x01, 0x01, 0x61], []];
    for (const body of bodies) {
      const command = ['RESTORE', 'bad', '0', withFooter(body)];
      const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
      expect({ body, reply: b }).toEqual({ body, reply: a });
    }
  });
});

describe('FUNCTION DUMP/RESTORE between redis-sim and Redis 7.0.15', () => {
  it('dumps the same empty-library payload', async () => {
    const [a, b] = await Promise.all([r.call('FUNCTION', 'DUMP'), s.call('FUNCTION', 'DUMP')]);
    expect(b).toEqual(a);
  });

  it('runs the redis-cli --cluster add-node sequence in both directions', async () => {
    for (const [seed, added] of [
      [r, s],
      [s, r],
    ] as const) {
      const payload = (await seed.run('FUNCTION', 'DUMP')) as string;
      expect(await added.run('FUNCTION', 'LIST')).toEqual([]);
      expect(await added.run('FUNCTION', 'RESTORE', payload)).toBe('OK');
    }
  });

  it('answers FUNCTION and SCRIPT like Redis where no Lua has to run', async () => {
    const payload = (await r.run('FUNCTION', 'DUMP')) as string;
    const cases: string[][] = [
      ['FUNCTION', 'LIST'],
      ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'x*'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME'],
      ['FUNCTION', 'LIST', 'bogus'],
      ['FUNCTION', 'STATS'],
      ['FUNCTION', 'KILL'],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'FLUSH', 'ASYNC'],
      ['FUNCTION', 'FLUSH', 'bogus'],
      ['FUNCTION', 'FLUSH', 'SYNC', 'x'],
      ['FUNCTION', 'RESTORE', payload, 'FLUSH'],
      ['FUNCTION', 'RESTORE', payload, 'bogus'],
      ['FUNCTION', 'RESTORE', payload, 'APPEND', 'x'],
      ['FUNCTION', 'RESTORE', 'junk'],
      ['FUNCTION', 'DELETE', 'nolib'],
      ['FUNCTION', 'LOAD', 'bogus', 'code'],
      ['FUNCTION', 'NOPE'],
      ['SCRIPT', 'EXISTS', 'a', 'b'],
      ['SCRIPT', 'FLUSH'],
      ['SCRIPT', 'FLUSH', 'bogus'],
      ['SCRIPT', 'KILL'],
    ];
    for (const command of cases) {
      const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
      expect({ command, reply: b }).toEqual({ command, reply: a });
    }
    // HELP is worded by redis-sim; its frame (status lines, header, closing HELP entry) is Redis's.
    for (const command of [
      ['FUNCTION', 'HELP'],
      ['SCRIPT', 'HELP'],
    ]) {
      const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
      const lines = (reply: Reply): string[] =>
        reply.t === 'array' ? reply.items.map((line) => (line.t === 'simple' ? line.s : `<${line.t}>`)) : [];
      expect(b.t).toBe(a.t);
      expect(lines(b).every((line) => !line.startsWith('<'))).toBe(true);
      expect(lines(b)[0]).toBe(lines(a)[0]);
      expect(lines(b).slice(-2)).toEqual(lines(a).slice(-2));
    }
    for (const client of [r, s]) await client.call('HELLO', '3');
    const [a, b] = await Promise.all([r.call('FUNCTION', 'STATS'), s.call('FUNCTION', 'STATS')]);
    expect(b).toEqual(a);
    for (const client of [r, s]) await client.call('HELLO', '2');
  });
});
