// The list commands against real Redis 7.0.15: fixed scenarios compared reply by reply (RESP2 and RESP3), the
// quicklist node layout checked through DUMP payloads (ours must be byte-identical after any mix of pushes, pops,
// inserts, replacements, removals and trims, under several `list-max-listpack-size` settings), payloads exchanged
// both ways, DEBUG DIGEST-VALUE, and blocking over real TCP: BLPOP woken by another client, CLIENT KILL of a
// blocked client.

import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import fc from 'fast-check';
import '../../src/node/types/index.js';
import { decodeListpack, encodeListpack } from '../../src/node/persistence/listpack.js';
import { RdbReader } from '../../src/node/persistence/rdb-codec.js';
import { dumpPayload, restorePayload } from '../../src/node/persistence/rdb.js';
import { ListValue } from '../../src/node/types/list.js';
import type { Reply } from '../../src/protocol/reply.js';
import { NodeHarness, type HarnessClient } from '../helpers/node-harness.js';
import {
  RespClient,
  startRealRedis,
  startSimServer,
  waitFor,
  type ProcessServer,
  ClientPool,
} from '../helpers/servers.js';

type Command = readonly string[];

let real: ProcessServer;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let realClient: RespClient;
const clients = new ClientPool();

beforeAll(async () => {
  [real, sim] = await Promise.all([
    startRealRedis(['--enable-debug-command', 'yes']),
    startSimServer([['enable-debug-command', ['yes']]]),
  ]);
  realClient = await clients.connect(real);
});

afterAll(async () => {
  await clients.closeAll();
  await Promise.all([real?.stop(), sim?.stop()]);
});

/** Runs a scenario on fresh connections to both servers after FLUSHALL, failing on the first reply that differs. */
async function compare(scenario: readonly Command[]): Promise<void> {
  const [r, s] = await Promise.all([clients.connect(real), clients.connect(sim)]);
  await Promise.all([r.call('FLUSHALL'), s.call('FLUSHALL')]);
  for (const command of scenario) {
    const [a, b] = await Promise.all([r.call(...command), s.call(...command)]);
    if (command[0] === 'HELLO') continue; // carries the connection id
    expect({ command, reply: b }).toEqual({ command, reply: a });
  }
}

const SCENARIOS: Record<string, readonly Command[]> = {
  'pushes, LRANGE, LINDEX, LLEN and WRONGTYPE': [
    ['RPUSH', 'l', 'a', 'b', 'c', '1', '-5', '9223372036854775807'],
    ['LPUSH', 'l', 'z', 'y'],
    ['LPUSHX', 'nokey', 'x'],
    ['RPUSHX', 'l', 'tail'],
    ['LRANGE', 'l', '0', '-1'],
    ['LRANGE', 'l', '-100', '100'],
    ['LRANGE', 'l', '5', '2'],
    ['LRANGE', 'l', '0', 'abc'],
    ['LRANGE', 'nokey', '0', '-1'],
    ['LINDEX', 'l', '-1'],
    ['LINDEX', 'l', '100'],
    ['LINDEX', 'l', 'x'],
    ['LINDEX', 'nokey', 'x'],
    ['LLEN', 'l'],
    ['LLEN', 'nokey'],
    ['SET', 's', 'v'],
    ['LPUSH', 's', 'x'],
    ['LPUSHX', 's', 'x'],
    ['LRANGE', 's', '0', '-1'],
    ['LLEN', 's'],
    ['LINDEX', 's', '0'],
    ['TYPE', 'l'],
  ],
  'LPOP/RPOP with and without COUNT, RESP2 and RESP3': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['LPOP', 'l'],
    ['RPOP', 'l', '2'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'abc'],
    ['LPOP', 'l', '1', '2'],
    ['LPOP', 'nokey'],
    ['LPOP', 'nokey', '1'],
    ['LPOP', 'nokey', '0'],
    ['HELLO', '3'],
    ['LPOP', 'nokey'],
    ['LPOP', 'nokey', '1'],
    ['RPOP', 'l', '10'],
    ['EXISTS', 'l'],
    ['SET', 's', 'v'],
    ['RPOP', 's'],
    ['RPOP', 's', '0'],
  ],
  'LSET, LINSERT, LREM, LTRIM and their errors': [
    ['LSET', 'nokey', '0', 'x'],
    ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a'],
    ['LSET', 'l', '10', 'x'],
    ['LSET', 'l', '-1', 'last'],
    ['LSET', 'l', 'abc', 'x'],
    ['LINSERT', 'l', 'middle', 'a', 'x'],
    ['LINSERT', 'l', 'BEFORE', 'nope', 'x'],
    ['LINSERT', 'l', 'after', 'b', 'B'],
    ['LINSERT', 'nokey', 'after', 'b', 'B'],
    ['LREM', 'l', '-1', 'a'],
    ['LREM', 'l', 'x', 'a'],
    ['LREM', 'l', '0', 'zzz'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '1', '-2'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '5', '1'],
    ['EXISTS', 'l'],
    ['LTRIM', 'nokey', '0', '1'],
    ['LTRIM', 'l', 'a', '1'],
  ],
  'LPOS with RANK, COUNT and MAXLEN': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a'],
    ['LPOS', 'l', 'a'],
    ['LPOS', 'l', 'a', 'RANK', '2'],
    ['LPOS', 'l', 'a', 'RANK', '-1'],
    ['LPOS', 'l', 'a', 'COUNT', '0'],
    ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '-2'],
    ['LPOS', 'l', 'a', 'MAXLEN', '3', 'COUNT', '0'],
    ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '2'],
    ['LPOS', 'l', 'zz'],
    ['LPOS', 'l', 'zz', 'COUNT', '1'],
    ['LPOS', 'nokey', 'a'],
    ['LPOS', 'nokey', 'a', 'COUNT', '1'],
    ['LPOS', 'l', 'a', 'RANK', '0'],
    ['LPOS', 'l', 'a', 'COUNT', '-1'],
    ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
    ['LPOS', 'l', 'a', 'RANK'],
    ['LPOS', 'l', 'a', 'BOGUS', '1'],
  ],
  'LMOVE, RPOPLPUSH and LMPOP': [
    ['RPUSH', 'a', '1', '2', '3'],
    ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
    ['LMOVE', 'a', 'a', 'right', 'left'],
    ['LMOVE', 'a', 'b', 'UP', 'LEFT'],
    ['RPOPLPUSH', 'a', 'b'],
    ['RPOPLPUSH', 'nokey', 'b'],
    ['SET', 's', 'v'],
    ['LMOVE', 'a', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 's', 'a', 'LEFT', 'LEFT'],
    ['LRANGE', 'a', '0', '-1'],
    ['LRANGE', 'b', '0', '-1'],
    ['LMPOP', '2', 'nokey', 'b', 'RIGHT', 'COUNT', '10'],
    ['LMPOP', '1', 'nokey', 'LEFT'],
    ['LMPOP', '1', 'a', 'LEFT'],
    ['LMPOP', '0', 'a', 'LEFT'],
    ['LMPOP', '5', 'a', 'LEFT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '1', 's', 'LEFT'],
    ['HELLO', '3'],
    ['LMPOP', '1', 'nokey', 'LEFT'],
  ],
  'blocking commands that are served at once, or time out': [
    ['RPUSH', 'a', '1', '2', '3'],
    ['BLPOP', 'nokey', 'a', '0'],
    ['BRPOP', 'a', '0'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'],
    ['BRPOPLPUSH', 'b', 'c', '0'],
    ['BLMPOP', '0', '2', 'nokey', 'c', 'LEFT', 'COUNT', '5'],
    ['BLPOP', 'nokey', '0.01'],
    ['BLMOVE', 'nokey', 'b', 'LEFT', 'LEFT', '0.01'],
    ['BLMPOP', '0.01', '1', 'nokey', 'LEFT'],
    ['BLPOP', 'nokey', '-1'],
    ['BLPOP', 'nokey', 'abc'],
    ['BLPOP', 'nokey', 'inf'],
    ['BLPOP', 'nokey', '9223372036854775.808'],
    ['BLMPOP', '-1', '1', 'nokey', 'LEFT'],
    ['BLMPOP', '0', '0', 'nokey', 'LEFT'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'UP', '0'],
    ['SET', 's', 'v'],
    ['BLPOP', 's', '0'],
    ['BLMOVE', 's', 'b', 'LEFT', 'LEFT', '0'],
    ['MULTI'],
    ['BLPOP', 'nokey', '0'],
    ['BLMOVE', 'nokey', 'b', 'LEFT', 'LEFT', '0'],
    ['BRPOPLPUSH', 'nokey', 'b', '0'],
    ['BLMPOP', '0', '1', 'nokey', 'LEFT'],
    ['EXEC'],
  ],
};

describe('list commands agree with real Redis', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) it(name, () => compare(scenario));

  it('DEBUG DIGEST-VALUE of lists', async () => {
    const s = await clients.connect(sim);
    const items = ['a', '1', '-200', 'x'.repeat(100), '', '9223372036854775808'];
    for (const c of [realClient, s]) {
      await c.call('DEL', 'l');
      await c.call('RPUSH', 'l', ...items);
    }
    const [a, b] = await Promise.all([
      realClient.call('DEBUG', 'DIGEST-VALUE', 'l'),
      s.call('DEBUG', 'DIGEST-VALUE', 'l'),
    ]);
    expect(b).toEqual(a);
  });
});

/** A list operation for the layout check, as a command on key `l` (and `l2` for moves). */
const elementArb = fc.oneof(
  fc.constantFrom('a', 'b', '1', '-1', '300', '70000', '9223372036854775807', '007', ''),
  fc.integer({ min: 1, max: 400 }).map((n) => 'v'.repeat(n)),
  fc.integer({ min: -100000, max: 100000 }).map(String),
);
const indexArb = fc.integer({ min: -30, max: 30 }).map(String);
const opArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('LPUSH', 'RPUSH'), fc.array(elementArb, { minLength: 1, maxLength: 6 }))
      .map(([c, e]) => [c, 'l', ...e]),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('LPOP', 'RPOP'), fc.integer({ min: 1, max: 4 }))
      .map(([c, n]) => [c, 'l', String(n)]),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('BEFORE', 'AFTER'), elementArb, elementArb)
      .map(([w, p, e]) => ['LINSERT', 'l', w, p, e]),
  },
  { weight: 2, arbitrary: fc.tuple(indexArb, elementArb).map(([i, e]) => ['LSET', 'l', i, e]) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: -2, max: 2 }), elementArb).map(([n, e]) => ['LREM', 'l', String(n), e]),
  },
  { weight: 1, arbitrary: fc.tuple(indexArb, indexArb).map(([a, b]) => ['LTRIM', 'l', a, b]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom('LEFT', 'RIGHT'))
      .map(([a, b]) => ['LMOVE', 'l', 'l2', a, b]),
  },
);

describe('quicklist node layout matches real Redis (through DUMP)', () => {
  for (const fill of ['-2', '-1', '3', '5', '1']) {
    it(`list-max-listpack-size ${fill}`, async () => {
      await realClient.call('CONFIG', 'SET', 'list-max-listpack-size', fill);
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
            const h = new NodeHarness({ directives: [['list-max-listpack-size', [fill]]] });
            await realClient.call('FLUSHALL');
            for (const op of ops) {
              const [a, b] = [await realClient.call(...op), _raw(h, op)];
              expect({ op, reply: b }).toEqual({ op, reply: a });
            }
            for (const key of ['l', 'l2']) {
              const dumped = await realClient.call('DUMP', key);
              const value = h.node.databases[0]!.get(key);
              if (dumped.t !== 'bulk') {
                expect(value).toBeUndefined();
                continue;
              }
              expect(value).toBeInstanceOf(ListValue);
              expect(dumpPayload(value!).toString('hex')).toBe(Buffer.from(dumped.s, 'latin1').toString('hex'));
            }
          }),
          { numRuns: 40 },
        );
      } finally {
        await realClient.call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
      }
    }, 60_000);
  }

  it('large lists under the default size limit', async () => {
    const h = new NodeHarness();
    await realClient.call('FLUSHALL');
    const ops: Command[] = [];
    for (let i = 0; i < 40; i++) {
      ops.push(['RPUSH', 'l', ...Array.from({ length: 50 }, (_, j) => `${i}-${j}-${'x'.repeat(j % 7)}`)]);
      ops.push(['LPUSH', 'l', ...Array.from({ length: 30 }, (_, j) => String(i * 1000 + j))]);
    }
    ops.push(
      ['LINSERT', 'l', 'BEFORE', '20-25-xxxx', 'inserted'],
      ['LTRIM', 'l', '100', '-300'],
      ['LREM', 'l', '0', '5'],
    );
    for (const op of ops) expect(_raw(h, op)).toEqual(await realClient.call(...op));
    const dumped = await realClient.call('DUMP', 'l');
    expect(dumped.t).toBe('bulk');
    const value = h.node.databases[0]!.get('l') as ListValue;
    expect(value.nodeCount).toBeGreaterThan(2);
    expect(dumpPayload(value).toString('hex')).toBe(Buffer.from((dumped as { s: string }).s, 'latin1').toString('hex'));
  });
});

describe('DUMP payloads cross over', () => {
  it('restores real Redis payloads and real Redis restores ours', async () => {
    await realClient.call('FLUSHALL');
    const items = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? String(i * 7919) : `item:${i}`));
    await realClient.call('RPUSH', 'big', ...items);
    await realClient.call('RPUSH', 'small', 'a', '1', '');
    for (const key of ['big', 'small']) {
      const dumped = (await realClient.call('DUMP', key)) as { s: string };
      const value = restorePayload(Buffer.from(dumped.s, 'latin1')) as ListValue;
      expect([...value.values()]).toEqual(toStrings(await realClient.call('LRANGE', key, '0', '-1')));
      const ours = dumpPayload(ListValue.of([...value.values()]));
      expect(await realClient.call('RESTORE', `${key}:copy`, '0', ours.toString('latin1'))).toEqual({
        t: 'simple',
        s: 'OK',
      });
      expect(await realClient.call('LRANGE', `${key}:copy`, '0', '-1')).toEqual(
        await realClient.call('LRANGE', key, '0', '-1'),
      );
      expect(await realClient.call('OBJECT', 'ENCODING', `${key}:copy`)).toEqual({ t: 'bulk', s: 'quicklist' });
    }
  });
});

describe('the listpack encoder is byte-exact against real Redis', () => {
  it('re-encodes the listpacks inside real DUMP payloads of lists, hashes and sorted sets', async () => {
    await realClient.call('FLUSHALL');
    const edge = ['0', '127', '128', '-1', '4095', '-4096', '4096', '32767', '-32768', '8388607', '-8388608'];
    const wide = ['2147483647', '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808'];
    const strings = ['', 'a', '007', '-0', '9223372036854775808', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(200)];
    const elements = [...edge, ...wide, ...strings];
    await realClient.call('RPUSH', 'list', ...elements);
    // Values up to 64 bytes keep the hash listpack-encoded (hash-max-listpack-value).
    const short = elements.filter((e) => e.length <= 64);
    await realClient.call('HSET', 'hash', ...short.flatMap((e, i) => [`f${i}`, e]));
    await realClient.call('ZADD', 'zset', ...['1.5', 'a', '2', 'b', '-3', 'c', '1e20', 'd', '0.1', 'e', 'inf', 'f']);
    for (const key of ['list', 'hash', 'zset']) {
      const dumped = (await realClient.call('DUMP', key)) as { s: string };
      const r = new RdbReader(Buffer.from(dumped.s, 'latin1'));
      const type = r.byte();
      expect(type).toBe({ list: 18, hash: 16, zset: 17 }[key]);
      if (type === 18) {
        expect(r.length()).toBe(1);
        expect(r.length()).toBe(2);
      }
      const blob = Buffer.from(r.string(), 'latin1');
      const entries = decodeListpack(blob);
      expect({ key, hex: encodeListpack(entries).toString('hex') }).toEqual({ key, hex: blob.toString('hex') });
      if (key === 'list') expect(entries).toEqual(elements);
    }
  });
});

describe('blocking over TCP', () => {
  it('a BLPOP on redis-sim is woken by a push from another client', async () => {
    const [waiter, pusher] = await Promise.all([clients.connect(sim), clients.connect(sim)]);
    await pusher.call('DEL', 'queue');
    const pending = waiter.call('BLPOP', 'queue', '5');
    await waitFor(async () => (await blockedClients(pusher)) === 1);
    expect(await pusher.call('RPUSH', 'queue', 'job')).toEqual({ t: 'int', n: 1 });
    expect(await pending).toEqual({ t: 'array', items: [bulkOf('queue'), bulkOf('job')] });
    expect(await pusher.call('EXISTS', 'queue')).toEqual({ t: 'int', n: 0 });
  });

  it('CLIENT KILL of a blocked client unblocks it for good', async () => {
    const [waiter, admin] = await Promise.all([clients.connect(sim), clients.connect(sim)]);
    const id = (await waiter.call('CLIENT', 'ID')) as { n: number };
    const blocked = waiter.call('BRPOP', 'killq', '0');
    await waitFor(async () => (await blockedClients(admin)) === 1);
    expect(await admin.call('CLIENT', 'KILL', 'ID', String(id.n))).toEqual({ t: 'int', n: 1 });
    await expect(blocked).rejects.toThrow('connection closed before the reply');
    await waitFor(async () => (await blockedClients(admin)) === 0);
    expect(await admin.call('RPUSH', 'killq', 'x')).toEqual({ t: 'int', n: 1 });
    expect(await admin.call('LLEN', 'killq')).toEqual({ t: 'int', n: 1 });
  });
});

// --- helpers ---

const _harnessClients = new WeakMap<NodeHarness, HarnessClient>();

/** Runs a command on a harness node through one client per harness, returning the raw reply. */
function _raw(h: NodeHarness, op: Command): Reply {
  let client = _harnessClients.get(h);
  if (client === undefined) _harnessClients.set(h, (client = h.client()));
  return client.raw(...op);
}

function bulkOf(s: string): Reply {
  return { t: 'bulk', s };
}

function toStrings(reply: Reply): string[] {
  if (reply.t !== 'array') throw new Error(`not an array: ${JSON.stringify(reply)}`);
  return reply.items.map((r) => (r as { s: string }).s);
}

async function blockedClients(client: RespClient): Promise<number> {
  const info = (await client.call('INFO', 'clients')) as { s: string };
  return Number(/blocked_clients:(\d+)/.exec(info.s)?.[1] ?? -1);
}
