// Sets over real TCP against real Redis 7.0.15: byte-exact replies where Redis's order is reproducible (intsets
// iterate ascending), DUMP payload interop in both directions for both encodings, and the intset → hashtable
// thresholds (compared with real OBJECT ENCODING).

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawClient } from '../differential/harness.js';
import { connect } from 'node:net';
import { RespClient, startRealRedis, startSimServer, waitFor, type ProcessServer } from '../helpers/servers.js';
import { parseReplies } from '../../src/protocol/reply-parser.js';
import { dumpPayload, restorePayload } from '../../src/node/persistence/rdb.js';
import type { RedisNode } from '../../src/node/node.js';
import { RedisSet } from '../../src/node/types/set.js';
import { toPlain } from '../../src/protocol/reply-text.js';

let real: ProcessServer;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let realRaw: RawClient;
let simRaw: RawClient;
let realClient: RespClient;
let simClient: RespClient;

beforeAll(async () => {
  [real, sim] = await Promise.all([startRealRedis(), startSimServer()]);
  [realRaw, simRaw, realClient, simClient] = await Promise.all([
    RawClient.connect(real.port),
    RawClient.connect(sim.port),
    RespClient.connect(real.port),
    RespClient.connect(sim.port),
  ]);
});

afterAll(async () => {
  realRaw?.close();
  simRaw?.close();
  await Promise.all([realClient?.close(), simClient?.close()]);
  await Promise.all([real?.stop(), sim?.stop()]);
});

/** Runs commands on both servers and expects byte-identical replies. */
async function same(commands: readonly (readonly string[])[]): Promise<void> {
  for (const command of commands) {
    const [a, b] = await Promise.all([realRaw.call(command), simRaw.call(command)]);
    expect(`${command.join(' ')} -> ${b}`).toBe(`${command.join(' ')} -> ${a}`);
  }
}

function simValue(node: RedisNode, key: string): RedisSet {
  const v = node.databases[0]!.get(key);
  if (!(v instanceof RedisSet)) throw new Error(`${key} is not a set in redis-sim`);
  return v;
}

/** Ways to build a set, covering both encodings, every intset width, LZF-sized blobs and binary members. */
const BUILDS: Record<string, string[][]> = {
  small: [['SADD', 'x', '3', '1', '2']],
  widths: [['SADD', 'x', '1', '-70000', '9223372036854775807', '-9223372036854775808']],
  sticky: [
    ['SADD', 'x', '5', '100000'],
    ['SREM', 'x', '100000'],
  ],
  atLimit: [['SADD', 'x', ...Array.from({ length: 512 }, (_, i) => String(i * 7 - 100))]],
  overLimit: [['SADD', 'x', ...Array.from({ length: 513 }, (_, i) => String(i))]],
  strings: [['SADD', 'x', 'a', '', '\u0000\u00ff\r\n', 'y'.repeat(200), '12', '-0', '007']],
  intsLeftInHashtable: [
    ['SADD', 'x', '1', '2', 'z'],
    ['SREM', 'x', 'z'],
  ],
};

describe('replies in intset order are byte-identical to real Redis', () => {
  it('in RESP2 and RESP3', async () => {
    for (const protocol of ['2', '3']) {
      // HELLO's reply differs (client ids); it only switches the protocol here.
      await Promise.all([realRaw.call(['HELLO', protocol]), simRaw.call(['HELLO', protocol])]);
      await same([
        ['FLUSHALL'],
        ['SADD', 'a', '10', '-3', '2', '9223372036854775807', '-9223372036854775808', '0'],
        ['SADD', 'b', '2', '10', '11', '0'],
        ['SMEMBERS', 'a'],
        ['SINTER', 'a', 'b'],
        ['SINTER', 'b', 'a'],
        ['SUNION', 'a', 'b'],
        ['SDIFF', 'a', 'b'],
        ['SDIFF', 'b', 'a', 'nokey'],
        ['SINTERCARD', '2', 'a', 'b'],
        ['SINTERSTORE', 'c', 'a', 'b'],
        ['SMEMBERS', 'c'],
        ['SUNIONSTORE', 'c', 'b', 'a'],
        ['SMEMBERS', 'c'],
        ['SSCAN', 'a', '0'],
        ['SSCAN', 'a', '0', 'MATCH', '*1*', 'COUNT', '1'],
        ['SRANDMEMBER', 'a', '6'],
        ['SRANDMEMBER', 'a', '100'],
        ['SMISMEMBER', 'a', '2', '3', '02'],
        ['SPOP', 'c', '100'],
        ['SMEMBERS', 'c'],
        ['SPOP', 'nokey', '1'],
        ['SPOP', 'nokey'],
        ['SRANDMEMBER', 'nokey'],
        ['SRANDMEMBER', 'nokey', '3'],
        ['SMEMBERS', 'nokey'],
        ['SSCAN', 'nokey', '0'],
      ]);
    }
  });

  it('for a hashtable whose integer members move to an intset result', async () => {
    await Promise.all([realRaw.call(['HELLO', '2']), simRaw.call(['HELLO', '2'])]);
    await same([
      ['FLUSHALL'],
      ['SADD', 'h', '5', 'x', '3', '1', '9'],
      ['SADD', 'i', '1', '3', '5', '7'],
      ['SINTER', 'h', 'i'],
      ['SDIFF', 'i', 'h'],
      ['SREM', 'h', 'x'],
      // The smaller intset leads SINTER; SUNION builds a new set from an empty intset: ascending again.
      ['SUNION', 'h'],
      ['SPOP', 'h', '10'],
    ]);
  });
});

describe('DUMP payloads interoperate with real Redis', () => {
  it.each(Object.keys(BUILDS))('%s: real DUMP decodes to the same set', async (name) => {
    await realClient.run('FLUSHALL');
    for (const c of BUILDS[name]!) await realClient.run(...c);
    const payload = await realClient.call('DUMP', 'x');
    if (payload.t !== 'bulk') throw new Error('DUMP returned no payload');
    const value = restorePayload(Buffer.from(payload.s, 'latin1'));
    expect(value).toBeInstanceOf(RedisSet);
    const set = value as RedisSet;
    // Loading re-decides the encoding (a small all-integer RDB_TYPE_SET becomes an intset): compare with real RESTORE.
    expect(await realClient.call('RESTORE', 'y', '0', payload.s)).toEqual({ t: 'simple', s: 'OK' });
    expect(set.encoding).toBe(await realClient.run('OBJECT', 'ENCODING', 'y'));
    const members = (await realClient.run('SMEMBERS', 'x')) as string[];
    expect([...set.toArray()].sort()).toEqual([...members].sort());
    if (set.encoding === 'intset') expect(set.toArray()).toEqual(await realClient.run('SMEMBERS', 'y'));
  });

  it.each(Object.keys(BUILDS))('%s: our DUMP restores in real Redis (identical bytes for intsets)', async (name) => {
    await Promise.all([realClient.run('FLUSHALL'), simClient.run('FLUSHALL')]);
    for (const c of BUILDS[name]!) {
      expect(await simClient.run(...c)).toEqual(await realClient.run(...c));
    }
    const ours = simValue(sim.server.node, 'x');
    const payload = dumpPayload(ours);
    expect(await realClient.call('RESTORE', 'y', '0', payload.toString('latin1'))).toEqual({ t: 'simple', s: 'OK' });
    expect(await realClient.run('OBJECT', 'ENCODING', 'x')).toBe(ours.encoding);
    expect(await realClient.run('OBJECT', 'ENCODING', 'y')).toBe((restorePayload(payload) as RedisSet).encoding);
    const restored = (await realClient.run('SMEMBERS', 'y')) as string[];
    expect([...restored].sort()).toEqual([...ours.toArray()].sort());
    if (ours.encoding === 'intset') {
      const theirs = await realClient.call('DUMP', 'x');
      expect(theirs.t === 'bulk' ? theirs.s : null).toBe(payload.toString('latin1'));
    }
  });
});

describe('encodings follow real Redis', () => {
  it('at set-max-intset-entries, for non-canonical integers, and through *STORE and SPOP', async () => {
    const steps: string[][] = [
      ['FLUSHALL'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '4'],
      ['SADD', 'a', '1', '2', '3', '4'],
      ['SADD', 'b', '1', '2', '3', '4', '5'],
      ['SADD', 'c', '1', '+2'],
      ['SADD', 'd', '9223372036854775808'],
      ['SADD', 'e', '-9223372036854775808'],
      ['SINTERSTORE', 'f', 'b', 'b'],
      ['SUNIONSTORE', 'g', 'a', 'e'],
      ['SDIFFSTORE', 'h', 'c', 'a'],
      ['SADD', 'i', 'x', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '0'],
      ['SADD', 'j', '1'],
      ['SMOVE', 'a', 'k', '1'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
    ];
    for (const step of steps) expect(await simClient.run(...step)).toEqual(await realClient.run(...step));
    // Random members go, so only the reply's size is compared.
    expect(await simClient.run('SPOP', 'i', '9')).toHaveLength(9);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'j', 'k']) {
      const encoding = await realClient.run('OBJECT', 'ENCODING', key);
      expect(`${key}: ${simValue(sim.server.node, key).encoding}`).toBe(`${key}: ${encoding}`);
    }
    // SPOP's rebuild (case 3: 1 left of 10) keeps a random member of 'i' in a new set: an intset unless it is 'x'.
    const i = simValue(sim.server.node, 'i');
    expect(i.encoding).toBe(i.has('x') ? 'hashtable' : 'intset');
  });
});

describe('keyspace events', () => {
  it('are the ones real Redis sends, in its order', async () => {
    const commands: string[][] = [
      ['SADD', 's', '1', '2', '3'],
      ['SADD', 's', '1'],
      ['SREM', 's', '1', 'zz'],
      ['SMOVE', 's', 't', '2'],
      ['SMOVE', 's', 't', '3'],
      ['SADD', 'u', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
      ['SPOP', 'u'],
      ['SPOP', 'u', '2'],
      ['SPOP', 'u', '0'],
      ['SPOP', 'u', '100'],
      ['SINTERSTORE', 'd', 't', 't'],
      ['SUNIONSTORE', 'd', 't', 'nokey'],
      ['SDIFFSTORE', 'd', 't', 't'],
      ['SINTERSTORE', 'd', 't', 'nokey'],
      ['SREM', 't', '2', '3'],
      ['SET', 'marker', '1'],
    ];
    const collect = async (port: number): Promise<string[]> => {
      const client = await RespClient.connect(port);
      const sub = connect(port, '127.0.0.1');
      let received = Buffer.alloc(0);
      sub.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
      });
      try {
        await new Promise<void>((resolve, reject) => sub.once('connect', resolve).once('error', reject));
        await client.run('FLUSHALL');
        await client.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
        sub.write('*2\r\n$10\r\nPSUBSCRIBE\r\n$16\r\n__keyevent@0__:*\r\n');
        await waitFor(() => received.length > 0);
        for (const c of commands) await client.run(...c);
        await waitFor(() => received.includes('marker'));
        return parseReplies(received)
          .slice(1)
          .map((r) => toPlain(r) as string[])
          .map((m) => `${m[2]!.slice('__keyevent@0__:'.length)} ${m[3]}`);
      } finally {
        await client.run('CONFIG', 'SET', 'notify-keyspace-events', '');
        sub.destroy();
        await client.close();
      }
    };
    const [theirs, ours] = [await collect(real.port), await collect(sim.port)];
    expect(ours).toEqual(theirs);
    expect(theirs).toContain('spop u');
  });
});
