// MIGRATE over real TCP between redis-sim and real Redis 7.0.15, both ways: values of every type and encoding move
// from a real source into redis-sim and from redis-sim into real Redis, compared with DEBUG DIGEST-VALUE and, where
// the encoding is deterministic, DUMP bytes. Then the same MIGRATE commands run on a real source and on a redis-sim
// source against the same targets (real and simulated, with a password, stopped, or absent), and the replies and
// the keys left behind must match.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainReply } from '../../src/protocol/reply-text.js';
import {
  ClientPool,
  freePort,
  startRealRedis,
  startSimServer,
  waitFor,
  type ProcessServer,
  type RespClient,
} from '../helpers/servers.js';

let real: ProcessServer;
let sim: Awaited<ReturnType<typeof startSimServer>>;
/** Targets with a password: a real one and a simulated one. */
let realLocked: ProcessServer;
let simLocked: Awaited<ReturnType<typeof startSimServer>>;
const pool = new ClientPool();
let r: RespClient;
let s: RespClient;
let rl: RespClient;
let sl: RespClient;

beforeAll(async () => {
  [real, sim, realLocked, simLocked] = await Promise.all([
    startRealRedis(['--enable-debug-command', 'yes']),
    startSimServer([['enable-debug-command', ['yes']]]),
    startRealRedis(['--requirepass', 'pw', '--enable-debug-command', 'yes']),
    startSimServer([
      ['requirepass', ['pw']],
      ['enable-debug-command', ['yes']],
    ]),
  ]);
  [r, s, rl, sl] = await Promise.all([
    pool.connect(real),
    pool.connect(sim),
    pool.connect(realLocked),
    pool.connect(simLocked),
  ]);
  await Promise.all([rl.run('AUTH', 'pw'), sl.run('AUTH', 'pw')]);
}, 30_000);

afterAll(async () => {
  await pool.closeAll();
  await Promise.all([real?.stop(), sim?.stop(), realLocked?.stop(), simLocked?.stop()]);
});

interface TypeCase {
  readonly name: string;
  readonly build: readonly (readonly string[])[];
  /** Whether DUMP bytes are the same on both servers (not for hashtable encodings, whose order differs). */
  readonly sameBytes: boolean;
}

const range = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

const CASES: readonly TypeCase[] = [
  { name: 'string (int)', build: [['SET', 'K', '-70000']], sameBytes: true },
  { name: 'string (raw, compressible)', build: [['SET', 'K', 'abc'.repeat(200)]], sameBytes: true },
  {
    name: 'string (binary)',
    build: [['SET', 'K', range(256, (i) => [String.fromCharCode(i)]).join('')]],
    sameBytes: true,
  },
  { name: 'list (listpack node)', build: [['RPUSH', 'K', 'a', '1', '-5', '70000', '']], sameBytes: true },
  {
    name: 'list (many nodes)',
    build: [['RPUSH', 'K', ...range(500, (i) => [`element-${i}`]), 'x'.repeat(9000)]],
    sameBytes: true,
  },
  { name: 'hash (listpack)', build: [['HSET', 'K', 'f', 'v', 'n', '12']], sameBytes: true },
  { name: 'hash (hashtable)', build: [['HSET', 'K', ...range(600, (i) => [`f${i}`, `v${i}`])]], sameBytes: false },
  { name: 'set (intset)', build: [['SADD', 'K', '1', '-5', '70000', '5000000000']], sameBytes: true },
  { name: 'set (hashtable)', build: [['SADD', 'K', ...range(100, (i) => [`m${i}`])]], sameBytes: false },
  { name: 'zset (listpack)', build: [['ZADD', 'K', '1', 'a', '2.5', 'b', '-inf', 'c']], sameBytes: true },
  { name: 'zset (skiplist)', build: [['ZADD', 'K', ...range(200, (i) => [String(i / 3), `m${i}`])]], sameBytes: false },
  { name: 'HyperLogLog', build: [['PFADD', 'K', ...range(50, (i) => [`e${i}`])]], sameBytes: true },
];

async function build(client: RespClient, t: TypeCase, key: string): Promise<void> {
  await client.run('DEL', key);
  for (const command of t.build) await client.run(...command.map((a) => (a === 'K' ? key : a)));
}

describe('MIGRATE of every type between real Redis and redis-sim', () => {
  for (const t of CASES) {
    it(`moves a ${t.name} from Redis to redis-sim and back`, async () => {
      await build(r, t, 'K');
      await r.run('PEXPIRE', 'K', 100_000);
      const digest = await r.run('DEBUG', 'DIGEST-VALUE', 'K');
      const dump = (await r.run('DUMP', 'K')) as string;
      await s.run('DEL', 'K');

      expect(await r.run('MIGRATE', sim.host, sim.port, 'K', 0, 5000)).toBe('OK');
      expect(await r.run('EXISTS', 'K')).toBe(0);
      expect(await s.run('DEBUG', 'DIGEST-VALUE', 'K')).toEqual(digest);
      const pttl = (await s.run('PTTL', 'K')) as number;
      expect(pttl).toBeGreaterThan(90_000);
      expect(pttl).toBeLessThanOrEqual(100_000);
      if (t.sameBytes) expect(await s.run('DUMP', 'K')).toBe(dump);

      expect(await s.run('MIGRATE', real.host, real.port, 'K', 0, 5000)).toBe('OK');
      expect(await s.run('EXISTS', 'K')).toBe(0);
      expect(await r.run('DEBUG', 'DIGEST-VALUE', 'K')).toEqual(digest);
      expect((await r.run('PTTL', 'K')) as number).toBeGreaterThan(80_000);
      if (t.sameBytes) expect(await r.run('DUMP', 'K')).toBe(dump);
    });
  }

  it('moves a value of several megabytes both ways', async () => {
    const big = 'xyz0123456789'.repeat(300_000) + 'tail';
    await s.run('SET', 'big', big);
    await r.run('DEL', 'big');
    expect(await s.run('MIGRATE', real.host, real.port, 'big', 0, 5000)).toBe('OK');
    expect(await r.run('STRLEN', 'big')).toBe(big.length);
    expect(await r.run('MIGRATE', sim.host, sim.port, 'big', 0, 5000)).toBe('OK');
    expect(await s.run('GET', 'big')).toBe(big);
    await s.run('DEL', 'big');
  });

  it('moves many keys with KEYS into another database of real Redis, and back', async () => {
    const keys = range(30, (i) => [`multi:${i}`]);
    await s.run('FLUSHALL');
    for (const [i, key] of keys.entries()) await s.run('SET', key, `v${i}`);
    await r.run('SELECT', 5);
    await r.run('FLUSHDB');
    expect(await s.run('MIGRATE', real.host, real.port, '', 5, 5000, 'KEYS', ...keys, 'absent')).toBe('OK');
    expect(await s.run('DBSIZE')).toBe(0);
    expect(await r.run('MGET', ...keys)).toEqual(keys.map((_, i) => `v${i}`));
    expect(await r.run('MIGRATE', sim.host, sim.port, '', 0, 5000, 'KEYS', ...keys)).toBe('OK');
    expect(await r.run('DBSIZE')).toBe(0);
    await r.run('SELECT', 0);
    expect(await s.run('MGET', ...keys)).toEqual(keys.map((_, i) => `v${i}`));
  });
});

/** Runs one MIGRATE from the real and from the simulated source, each holding key `k` = `v` first. */
async function both(
  target: { host: string; port: number },
  args: (string | number)[],
  prepare: () => Promise<void> = async () => {},
): Promise<[PlainReply, PlainReply]> {
  const replies: PlainReply[] = [];
  for (const source of [r, s]) {
    await source.run('DEL', 'k', 'k2');
    await source.run('SET', 'k', 'v');
    await prepare();
    replies.push(await source.run('MIGRATE', target.host, target.port, ...args));
  }
  return [replies[0]!, replies[1]!];
}

describe('MIGRATE replies: a real source and a redis-sim source agree', () => {
  const targets = (): [string, ProcessServer | Awaited<ReturnType<typeof startSimServer>>, RespClient][] => [
    ['a real target', realLocked, rl],
    ['a simulated target', simLocked, sl],
  ];

  it('for argument errors and +NOKEY', async () => {
    const cases: (string | number)[][] = [
      ['k', 0, 1000, 'BOGUS'],
      ['k', 0, 1000, 'AUTH'],
      ['k', 0, 1000, 'AUTH2', 'u'],
      ['k', 0, 1000, 'KEYS', 'k'],
      ['k', 'db', 1000],
      ['k', 0, 'soon'],
      ['k', 0, '1.5'],
      ['missing', 0, 1000],
      ['', 0, 1000, 'KEYS', 'missing', 'other'],
      ['', 0, 1000, 'COPY', 'KEYS'],
    ];
    for (const args of cases) {
      const [fromReal, fromSim] = await both(realLocked, args);
      expect(fromSim, JSON.stringify(args)).toEqual(fromReal);
    }
  });

  for (const [_, target] of [['real', 0] as const, ['sim', 1] as const]) {
    it(`for the target's refusals (${_} target with a password)`, async () => {
      const [, server, client] = targets()[target]!;
      const cases: { args: (string | number)[]; busy?: boolean }[] = [
        { args: ['k', 0, 5000] },
        { args: ['k', 0, 5000, 'AUTH', 'nope'] },
        { args: ['k', 0, 5000, 'AUTH2', 'default', 'nope'] },
        { args: ['k', 99, 5000, 'AUTH', 'pw'] },
        { args: ['k', 0, 5000, 'AUTH', 'pw', 'COPY'], busy: true },
        { args: ['k', 0, 5000, 'AUTH', 'pw', 'COPY', 'REPLACE'], busy: true },
        { args: ['', 0, 5000, 'AUTH2', 'default', 'pw', 'KEYS', 'k', 'k2'] },
      ];
      for (const { args, busy } of cases) {
        const left: PlainReply[] = [];
        const [fromReal, fromSim] = await both(server, args, async () => {
          await client.run('DEL', 'k');
          if (busy === true) await client.run('SET', 'k', 'there');
        });
        for (const source of [r, s]) left.push(await source.run('EXISTS', 'k'));
        expect(fromSim, JSON.stringify(args)).toEqual(fromReal);
        expect(left[1], `key left behind after ${JSON.stringify(args)}`).toEqual(left[0]);
      }
      expect(await client.run('GET', 'k')).toBe('v');
    });
  }

  it('for addresses nobody listens on or that cannot resolve', async () => {
    const port = await freePort();
    const cases: [string, string | number][] = [
      ['127.0.0.1', port],
      ['127.0.0.1', 'abc'],
      ['127.0.0.1', -5],
      ['256.1.1.1', 6379],
    ];
    for (const [host, p] of cases) {
      const [fromReal, fromSim] = await both({ host, port: p as number }, ['k', 0, 1000]);
      expect(fromSim, `${host} ${p}`).toEqual(fromReal);
      expect(await s.run('GET', 'k')).toBe('v');
    }
  });

  it('for a source migrating to itself: a timeout, and the key stays', async () => {
    const replies: PlainReply[] = [];
    for (const [source, server] of [
      [r, real],
      [s, sim],
    ] as const) {
      await source.run('SET', 'self', 'v');
      replies.push(await source.run('MIGRATE', server.host, server.port, 'self', 0, 300, 'REPLACE'));
      expect(await source.run('GET', 'self')).toBe('v');
    }
    expect(replies[0]).toEqual({ error: 'IOERR error or timeout reading to target instance' });
    expect(replies[1]).toEqual(replies[0]);
  });

  it('for a target that stopped answering (SIGSTOP), after the timeout', async () => {
    const stopped = await startRealRedis();
    try {
      stopped.process.kill('SIGSTOP');
      const timings: number[] = [];
      const replies: PlainReply[] = [];
      for (const source of [r, s]) {
        await source.run('SET', 'k', 'v');
        const started = Date.now();
        replies.push(await source.run('MIGRATE', stopped.host, stopped.port, 'k', 0, 300));
        timings.push(Date.now() - started);
        expect(await source.run('GET', 'k')).toBe('v');
      }
      expect(replies[0]).toEqual({ error: 'IOERR error or timeout reading to target instance' });
      expect(replies[1]).toEqual(replies[0]);
      for (const ms of timings) expect(ms).toBeGreaterThanOrEqual(290);
    } finally {
      stopped.process.kill('SIGCONT');
      await stopped.stop();
    }
  });

  it('reuse their cached connection and drop it after 10 s idle', async () => {
    const fresh = await startSimServer();
    const f = await pool.connect(fresh);
    try {
      const stat = async (client: RespClient, field: string): Promise<string> =>
        new RegExp(`${field}:(\\d+)`).exec((await client.run('INFO', 'stats')) as string)![1]!;
      await f.run('SET', 'k', 'v');
      expect(await f.run('MIGRATE', real.host, real.port, 'k', 0, 1000, 'REPLACE')).toBe('OK');
      expect(await stat(f, 'migrate_cached_sockets')).toBe('1');
      const connectionsBefore = await stat(r, 'total_connections_received');
      await f.run('SET', 'k', 'v');
      expect(await f.run('MIGRATE', real.host, real.port, 'k', 0, 1000, 'REPLACE')).toBe('OK');
      expect(await stat(r, 'total_connections_received')).toBe(connectionsBefore);
      const started = Date.now();
      await waitFor(async () => (await stat(f, 'migrate_cached_sockets')) === '0', {
        timeoutMs: 14_000,
        intervalMs: 100,
        message: 'the cached MIGRATE connection was not closed',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    } finally {
      await fresh.stop();
    }
  }, 20_000);
});

// Last: it leaves authenticated cached connections from both sources, which the tests above must not see.
describe('DEBUG DIGEST-VALUE as redis-cli --cluster uses it on BUSYKEY', () => {
  it('answers one 40-hex digest per key, zeros for a missing key, as Redis does', async () => {
    const keys = ['d:str', 'd:missing', 'd:list', 'd:hash', 'd:set', 'd:zset', 'd:int'];
    for (const client of [r, s]) {
      await client.run('DEL', ...keys);
      await client.run('SET', 'd:str', 'value');
      await client.run('RPUSH', 'd:list', 'x', 'y');
      await client.run('HSET', 'd:hash', 'f', 'v');
      await client.run('SADD', 'd:set', 'm');
      await client.run('ZADD', 'd:zset', '1.5', 'm');
      await client.run('SET', 'd:int', '12345');
    }
    const fromReal = (await r.run('DEBUG', 'DIGEST-VALUE', ...keys)) as string[];
    expect(fromReal).toHaveLength(keys.length);
    for (const digest of fromReal) expect(digest).toMatch(/^[0-9a-f]{40}$/);
    expect(fromReal[1]).toBe('0'.repeat(40));
    expect(await s.run('DEBUG', 'DIGEST-VALUE', ...keys)).toEqual(fromReal);
    expect(await s.run('DEBUG', 'DIGEST-VALUE')).toEqual(await r.run('DEBUG', 'DIGEST-VALUE'));
  });

  it('lets a BUSYKEY retry with REPLACE once the digests agree, on both sources', async () => {
    for (const [source, target] of [
      [r, sl],
      [s, rl],
    ] as const) {
      await source.run('SET', 'busy', 'same');
      await target.run('SET', 'busy', 'same');
      const server = target === sl ? simLocked : realLocked;
      const first = await source.run('MIGRATE', server.host, server.port, '', 0, 5000, 'AUTH', 'pw', 'KEYS', 'busy');
      expect(first).toEqual({
        error: 'ERR Target instance replied with error: BUSYKEY Target key name already exists.',
      });
      expect(await source.run('DEBUG', 'DIGEST-VALUE', 'busy')).toEqual(
        await target.run('DEBUG', 'DIGEST-VALUE', 'busy'),
      );
      const args = ['', 0, 5000, 'REPLACE', 'AUTH', 'pw', 'KEYS', 'busy'];
      expect(await source.run('MIGRATE', server.host, server.port, ...args)).toBe('OK');
      expect(await source.run('EXISTS', 'busy')).toBe(0);
    }
  });
});
