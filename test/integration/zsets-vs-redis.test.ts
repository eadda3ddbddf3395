// Sorted sets over real TCP against real Redis 7.0.15: hand-picked command sequences compared byte for byte (errors
// in Redis's order, RESP2 and RESP3 shapes, -0, infinities, listpack score spelling, ZRANDMEMBER's whole-set order),
// DUMP payload interop in both directions for both encodings, OBJECT ENCODING thresholds, DEBUG DIGEST-VALUE, and
// blocking pops served by a second client.

import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { Differential, RawClient, formatMismatch } from '../differential/harness.js';
import { RespClient, startRealRedis, startSimServer, waitFor, type TestServer } from '../helpers/servers.js';
import { dumpPayload, restorePayload } from '../../src/node/persistence/rdb.js';
import { SortedSet } from '../../src/node/types/zset.js';
import type { Reply } from '../../src/protocol/reply.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import { formatDouble17g } from '../../src/protocol/format-double.js';
import { ReplyParser } from '../../src/protocol/reply-parser.js';
import { connect } from 'node:net';

let diff: Differential;
const opened: RespClient[] = [];

beforeAll(async () => {
  diff = await Differential.start({
    oracle: () => startRealRedis(['--enable-debug-command', 'yes']),
    subject: () => startSimServer([['enable-debug-command', ['yes']]]),
    // No normaliser for ZRANDMEMBER here: only its deterministic forms are sent.
    normalisers: {},
  });
});

afterAll(async () => {
  for (const client of opened) await client.close();
  await diff?.stop();
});

// A sequence that fails midway must not leave changed thresholds behind for the next test.
afterEach(async () => {
  for (const server of [diff.oracle, diff.subject]) {
    const c = await RawClient.connect(server.port);
    await c.call(['CONFIG', 'SET', 'zset-max-listpack-entries', '128']);
    await c.call(['CONFIG', 'SET', 'zset-max-listpack-value', '64']);
    c.close();
  }
});

async function client(server: TestServer): Promise<RespClient> {
  const c = await RespClient.connect(server.port);
  opened.push(c);
  return c;
}

/** Runs a sequence on both servers (after FLUSHALL) and expects byte-identical replies. */
async function same(commands: readonly (readonly string[])[]): Promise<void> {
  const mismatch = await diff.run(commands);
  expect(mismatch === null ? null : formatMismatch(commands, mismatch)).toBeNull();
}

const LONG = 'L'.repeat(65);

describe('replies agree with real Redis byte for byte', () => {
  it('for ZADD and ZINCRBY, errors included', async () => {
    await same([
      ['ZADD', 'k', 'NX', 'XX', '1', 'a'],
      ['ZADD', 'k', 'GT', 'NX', '1', 'a'],
      ['ZADD', 'k', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'k', 'abc', 'a', 'x'],
      ['ZADD', 'k', '1e-400', 'a'],
      ['ZADD', 'k', 'XX', '1', 'a'],
      ['ZADD', 'k', 'XX', 'INCR', '1', 'a'],
      ['EXISTS', 'k'],
      ['ZADD', 'k', '1', 'a', '2.5', 'b', 'inf', 'c', '-inf', 'd', '1e300', 'e', '-0', 'f'],
      ['ZADD', 'k', 'CH', 'GT', '0', 'a', '3', 'b', '7', 'g'],
      ['ZADD', 'k', 'LT', 'INCR', '-1', 'a'],
      ['ZINCRBY', 'k', 'nx', 'a'],
      ['ZINCRBY', 'k', '-inf', 'c'],
      ['ZINCRBY', 'k', '-0', 'new'],
      ['ZRANGE', 'k', '0', '-1', 'WITHSCORES'],
    ]);
  });

  it('for ranges of every form', async () => {
    await same([
      ['ZADD', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '4', 'e'],
      ['ZRANGE', 'k', '0', '-1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'k', '(1', '5', 'BYSCORE', 'REV'],
      ['ZRANGE', 'k', '5', '(1', 'BYSCORE', 'REV', 'WITHSCORES', 'LIMIT', '1', '2'],
      ['ZRANGEBYSCORE', 'k', ' 1', '(4', 'WITHSCORES', 'LIMIT', '1', '-1'],
      ['ZRANGEBYSCORE', 'k', '', '+inf'],
      ['ZRANGE', 'k', '[a', '[z', 'BYLEX', 'WITHSCORES'],
      ['ZRANGE', 'k', '-', '+', 'BYLEX', 'BYSCORE'],
      ['ZREVRANGEBYSCORE', 'k', '+inf', '-inf', 'REV'],
      ['ZREVRANGE', 'k', '-2', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'k', '1', '2', 'REV'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'k', '1', '2', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'nokey', '0', '-1'],
      ['EXISTS', 'd'],
      ['ZCOUNT', 'k', '(1', '4'],
      ['ZCOUNT', 'k', '1 ', '4'],
      ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
      ['ZLEXCOUNT', 'lex', '(a', '[c'],
      ['ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '1', '2'],
      ['ZREVRANGEBYLEX', 'lex', '+', '(b'],
      ['ZRANGEBYLEX', 'lex', 'a', '+'],
      ['ZREMRANGEBYLEX', 'lex', '[b', '(d'],
      ['ZREMRANGEBYRANK', 'k', '0', 'abc'],
      ['ZREMRANGEBYSCORE', 'k', '(1', '3'],
      ['ZRANGE', 'k', '0', '-1', 'WITHSCORES'],
    ]);
  });

  it('for pops, ZMPOP and ZRANDMEMBER in RESP2 and RESP3', async () => {
    const pops: string[][] = [
      ['ZADD', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['ZPOPMIN', 'k'],
      ['ZPOPMAX', 'k', '2'],
      ['ZPOPMIN', 'k', '0'],
      ['ZPOPMIN', 'k', '-1'],
      ['ZRANDMEMBER', 'k', '5', 'WITHSCORES'],
      ['ZRANDMEMBER', 'k', '0'],
      ['ZRANDMEMBER', 'k', '-9223372036854775808'],
      ['ZRANDMEMBER', 'k', '4611686018427387904', 'WITHSCORES'],
      ['ZMPOP', '2', 'nokey', 'k', 'MAX', 'COUNT', '10'],
      ['ZMPOP', '1', 'k', 'MIN'],
      ['ZPOPMIN', 'k'],
      ['ZMPOP', '1', 'k', 'MIN', 'COUNT', '0'],
      ['BZPOPMIN', 'nokey', '0.01'],
      ['BZMPOP', '0.01', '1', 'nokey', 'MIN'],
      ['BZMPOP', 'abc', '1', 'k', 'LEFT'],
      ['BZPOPMIN', 'k', '1e16'],
    ];
    await same(pops);
    await same([['HELLO', '3'], ...pops]);
  });

  it('for ZUNION, ZINTER, ZDIFF over sorted sets and plain sets', async () => {
    const algebra: string[][] = [
      ['SADD', 's', 'a', 'b', '1'],
      ['ZADD', 'k', '5', 'a', '-1', 'z', 'inf', 'i'],
      ['ZADD', 'n', '-inf', 'i', '2', 'a'],
      ['ZUNION', '3', 's', 'k', 'n', 'WITHSCORES'],
      ['ZUNION', '2', 'k', 'n', 'WEIGHTS', '0', '1', 'WITHSCORES'],
      ['ZINTER', '2', 'k', 'n', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '2', 's', 'k', 'WEIGHTS', '2', '3', 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['ZDIFF', '2', 'k', 's', 'WITHSCORES'],
      ['ZINTERCARD', '2', 's', 'k', 'LIMIT', '1'],
      ['ZINTERCARD', '1', 'k', 'LIMIT', 'abc'],
      ['ZUNIONSTORE', 's', '2', 's', 'k'],
      ['TYPE', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['ZUNION', '0', 'k'],
      ['ZUNION', '3', 'k'],
      ['ZUNION', '1', 'k', 'WEIGHTS', 'x'],
      ['ZDIFFSTORE', 'e', '2', 'k', 'k'],
      ['EXISTS', 'e'],
    ];
    await same(algebra);
    await same([['HELLO', '3'], ...algebra]);
  });

  it('for scores as Redis spells them (-0, listpack integers, %.17g)', async () => {
    await same([
      ['ZADD', 'k', '-0', 'a', '1e17', 'b', '4611686018427387904', 'c', '0.1', 'd', '1e-20', 'e'],
      ['ZSCORE', 'k', 'a'],
      ['ZSCAN', 'k', '0'],
      ['ZRANGE', 'k', '0', '-1', 'WITHSCORES'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
      ['ZADD', 's', '-0', 'a', '1e17', 'b'],
      ['ZSCORE', 's', 'a'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
      ['ZUNIONSTORE', 'u', '1', 's'],
      ['ZSCORE', 'u', 'a'],
      ['ZRANGESTORE', 'r', 's', '0', '-1'],
      ['ZSCORE', 'r', 'a'],
      ['OBJECT', 'ENCODING', 's'],
      ['OBJECT', 'ENCODING', 'u'],
    ]);
  });

  it('for OBJECT ENCODING at the thresholds', async () => {
    const fill = ['ZADD', 'big'];
    for (let i = 0; i < 128; i++) fill.push(String(i), `m${i}`);
    await same([
      fill,
      ['OBJECT', 'ENCODING', 'big'],
      ['ZADD', 'big', '1', 'm0'],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZADD', 'big', '1', 'one-more'],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZREMRANGEBYRANK', 'big', '0', '-3'],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZADD', 'w', '1', 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'w'],
      ['ZADD', 'w', '1', LONG],
      ['OBJECT', 'ENCODING', 'w'],
      ['ZADD', 'first', '1', LONG],
      ['OBJECT', 'ENCODING', 'first'],
      ['ZRANGESTORE', 'small', 'first', '0', '-1'],
      ['OBJECT', 'ENCODING', 'small'],
      ['ZREM', 'w', LONG],
      ['ZUNIONSTORE', 'u', '1', 'w'],
      ['OBJECT', 'ENCODING', 'u'],
      ['COPY', 'big', 'copy'],
      ['OBJECT', 'ENCODING', 'copy'],
    ]);
  });

  it('for DEBUG DIGEST-VALUE of both encodings', async () => {
    const fill = ['ZADD', 'sl'];
    for (let i = 0; i < 200; i++) fill.push(String(i / 7), `m${i}`);
    await same([
      ['ZADD', 'lp', '1', 'a', '0.1', 'b', '-0', 'c', '1e17', 'd', 'inf', '123'],
      fill,
      ['ZADD', 'sl', '-0', 'negzero'],
      ['DEBUG', 'DIGEST-VALUE', 'lp', 'sl'],
      ['DEBUG', 'DIGEST'],
    ]);
  });
});

describe('DUMP payloads interoperate', () => {
  async function realDump(commands: string[][], key: string): Promise<Buffer> {
    const c = await RawClient.connect(diff.oracle.port);
    try {
      await c.call(['FLUSHALL']);
      for (const cmd of commands) await c.call(cmd);
      const raw = await c.call(['DUMP', key]);
      const header = raw.indexOf('\r\n');
      return Buffer.from(raw.slice(header + 2, raw.length - 2), 'latin1');
    } finally {
      c.close();
    }
  }

  const cases: Record<string, string[][]> = {
    listpack: [['ZADD', 'k', '1', 'a', '2.5', 'b', '-0', 'c', '1e17', 'd', '4611686018427387905', 'e', 'inf', '-5']],
    skiplist: [
      ['ZADD', 'k', ...Array.from({ length: 300 }, (_, i) => [String(i % 11) + '.5', `member:${i}`]).flat()],
      ['ZADD', 'k', '-0', 'negzero', '-inf', LONG],
    ],
  };

  for (const [encoding, commands] of Object.entries(cases)) {
    it(`from real Redis for a ${encoding} set, byte for byte both ways`, async () => {
      const payload = await realDump(commands, 'k');
      const value = restorePayload(payload) as SortedSet;
      expect(value).toBeInstanceOf(SortedSet);
      expect(value.encoding).toBe(encoding);
      expect(value.check()).toBeNull();
      const real = await client(diff.oracle);
      const withScores = toPlain(await real.call('ZRANGE', 'k', '0', '-1', 'WITHSCORES')) as string[];
      const ours: string[] = [];
      for (const node of value.nodes()) ours.push(node.member, formatDouble17g(node.score));
      expect(ours).toEqual(withScores);
      // Re-encoded by redis-sim, the payload is the one Redis made.
      expect(dumpPayload(value).equals(payload)).toBe(true);
      // And RESTORE in redis-sim gives the same set, encoding included.
      const sim = await client(diff.subject);
      await sim.call('DEL', 'restored');
      expect(toPlain(await sim.call('RESTORE', 'restored', '0', payload.toString('latin1')))).toBe('OK');
      expect(toPlain(await sim.call('OBJECT', 'ENCODING', 'restored'))).toBe(encoding);
      expect(toPlain(await sim.call('ZRANGE', 'restored', '0', '-1', 'WITHSCORES'))).toEqual(withScores);
    });

    it(`from redis-sim for a ${encoding} set, restored into real Redis`, async () => {
      const sim = await client(diff.subject);
      await sim.call('FLUSHALL');
      for (const cmd of commands) await sim.call(...cmd);
      const dumped = (await sim.call('DUMP', 'k')) as Reply;
      expect(dumped.t).toBe('bulk');
      const real = await client(diff.oracle);
      await real.call('FLUSHALL');
      const payload = (dumped as { s: string }).s;
      expect(toPlain(await real.call('RESTORE', 'k', '0', payload))).toBe('OK');
      expect(toPlain(await real.call('OBJECT', 'ENCODING', 'k'))).toBe(encoding);
      expect(toPlain(await real.call('ZRANGE', 'k', '0', '-1', 'WITHSCORES'))).toEqual(
        toPlain(await sim.call('ZRANGE', 'k', '0', '-1', 'WITHSCORES')),
      );
    });
  }
});

describe('keyspace events', () => {
  /** Runs commands on a server and returns every keyspace/keyevent notification they caused, in order. */
  async function eventsOf(server: TestServer, commands: readonly (readonly string[])[]): Promise<string[]> {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const parser = new ReplyParser();
    const seen: string[] = [];
    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      for (let r = parser.next(); r !== undefined; r = parser.next()) {
        const plain = toPlain(r);
        if (Array.isArray(plain) && plain[0] === 'pmessage') seen.push(`${String(plain[2])} ${String(plain[3])}`);
      }
    });
    const c = await client(server);
    try {
      await c.call('FLUSHALL');
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      socket.write('*2\r\n$10\r\nPSUBSCRIBE\r\n$8\r\n__key*:*\r\n');
      for (const command of commands) await c.call(...command);
      await c.call('SET', 'end', 'x');
      await waitFor(() => seen.some((e) => e.endsWith(':end set')));
      return seen;
    } finally {
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      socket.destroy();
    }
  }

  it('are the ones real Redis sends, in its order', async () => {
    /** Parks a client in BZPOPMIN on `blk`, to be served (with its events) by the last ZADD. */
    const park = async (server: TestServer): Promise<void> => {
      const [waiter, probe] = await Promise.all([client(server), client(server)]);
      void waiter.call('BZPOPMIN', 'blk', '0');
      await waitFor(async () => /blocked_clients:1\r?\n/.test(String(toPlain(await probe.call('INFO', 'clients')))));
    };
    const commands: string[][] = [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZADD', 'a', 'XX', '5', 'nope'],
      ['ZINCRBY', 'a', '1', 'x'],
      ['ZREM', 'a', 'x', 'nope'],
      ['ZPOPMIN', 'a'],
      ['ZPOPMAX', 'a', '5'],
      ['ZADD', 'b', '1', 'x', '2', 'y'],
      ['ZUNIONSTORE', 'u', '2', 'b', 'none'],
      ['ZINTERSTORE', 'u', '2', 'b', 'none'],
      ['ZRANGESTORE', 'r', 'b', '0', '0'],
      ['ZRANGESTORE', 'r', 'b', '5', '6'],
      ['ZDIFFSTORE', 'd', '1', 'b'],
      ['ZREMRANGEBYSCORE', 'b', '-inf', '1'],
      ['ZREMRANGEBYRANK', 'b', '0', '-1'],
      ['ZADD', 'c', '0', 'a', '0', 'b'],
      ['ZREMRANGEBYLEX', 'c', '-', '+'],
      ['ZADD', 'm', '1', 'a'],
      ['ZMPOP', '1', 'm', 'MIN'],
      ['ZADD', 'blk', '1', 'a', '2', 'b'],
    ];
    const all: string[][] = [];
    for (const server of [diff.oracle, diff.subject]) {
      await park(server);
      all.push(await eventsOf(server, commands));
    }
    expect(all[1]).toEqual(all[0]);
    expect(all[0]!.length).toBeGreaterThan(30);
  });
});

describe('blocking pops', () => {
  it('are served to the first waiter when another client adds, like real Redis', async () => {
    for (const server of [diff.oracle, diff.subject]) {
      const [a, b, writer] = await Promise.all([client(server), client(server), client(server)]);
      await writer.call('FLUSHALL');
      await b.call('HELLO', '3');
      const first = a.call('BZPOPMAX', 'q1', 'q2', '0');
      const second = b.call('BZMPOP', '0', '2', 'q2', 'q1', 'MIN', 'COUNT', '5');
      await waitFor(async () => {
        const info = toPlain(await writer.call('INFO', 'clients')) as string;
        return /blocked_clients:2/.test(info);
      });
      await writer.call('ZADD', 'q2', '1', 'x', '2', 'y', '3', 'z');
      expect(toPlain(await first)).toEqual(['q2', 'z', '3']);
      expect(toPlain(await second)).toEqual([
        'q2',
        [
          ['x', '1'],
          ['y', '2'],
        ],
      ]);
      expect(toPlain(await writer.call('EXISTS', 'q2'))).toBe(0);
    }
  });

  it('are served from the key that became ready first, after the transaction that readied it', async () => {
    for (const server of [diff.oracle, diff.subject]) {
      const [waiter, writer] = await Promise.all([client(server), client(server)]);
      await writer.call('FLUSHALL');
      const served = waiter.call('BZPOPMIN', 'k1', 'k2', '0');
      await waitFor(async () => /blocked_clients:1\r?\n/.test(String(toPlain(await writer.call('INFO', 'clients')))));
      await writer.call('MULTI');
      await writer.call('ZADD', 'k2', '2', 'b');
      await writer.call('ZADD', 'k1', '1', 'a');
      expect(toPlain(await writer.call('EXEC'))).toEqual([1, 1]);
      expect(toPlain(await served)).toEqual(['k2', 'b', '2']);
      expect(toPlain(await writer.call('ZCARD', 'k1'))).toBe(1);
    }
  });
});
