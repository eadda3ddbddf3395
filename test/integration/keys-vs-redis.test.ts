// The generic key commands against real Redis 7.0.15: KEYS over random glob patterns, a fixed list of cases (errors
// and edge cases included), and random command sequences. Replies are compared exactly, except that TTLs and
// expiry times are compared by sign (the two servers' clocks differ by a few ms), KEYS results are sorted, and SCAN
// cursors are not compared (documented: our cursors are scan sequence numbers, not hash-table cursors).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toPlain, type PlainReply } from '../../src/protocol/reply-text.js';
import {
  RespClient,
  startRealRedis,
  startSimServer,
  waitFor,
  type ProcessServer,
  ClientPool,
} from '../helpers/servers.js';

type Command = readonly (string | number)[];

let real: ProcessServer;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let realClient: RespClient;
let simClient: RespClient;
const clients = new ClientPool();

beforeAll(async () => {
  // DEBUG SET-ACTIVE-EXPIRE lets a test watch lazy expiry alone.
  [real, sim] = await Promise.all([
    startRealRedis(['--enable-debug-command', 'yes']),
    startSimServer([['enable-debug-command', ['yes']]]),
  ]);
  realClient = await clients.connect(real);
  simClient = await clients.connect(sim);
});

afterAll(async () => {
  await clients.closeAll();
  await Promise.all([real?.stop(), sim?.stop()]);
});

/** A reply made comparable across servers: see the header for what is normalised. */
function normalise(command: Command, reply: PlainReply): PlainReply {
  const name = String(command[0]).toUpperCase();
  if (
    (typeof reply === 'number' || typeof reply === 'bigint') &&
    ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME'].includes(name)
  ) {
    return reply < 0 ? reply : 'positive';
  }
  if (name === 'KEYS' && Array.isArray(reply)) return [...reply].sort();
  if (name === 'SCAN' && Array.isArray(reply) && Array.isArray(reply[1])) return ['cursor', [...reply[1]].sort()];
  // Which key is random; whether there is one is not.
  if (name === 'RANDOMKEY' && typeof reply === 'string') return 'a key';
  return reply;
}

/** Runs one command on a pair of connections (real, sim) and returns both normalised replies. */
async function both(
  command: Command,
  pair: readonly [RespClient, RespClient] = [realClient, simClient],
): Promise<[PlainReply, PlainReply]> {
  const [r, s] = await Promise.all(pair.map((c) => c.call(...command)));
  return [normalise(command, toPlain(r!)), normalise(command, toPlain(s!))];
}

/** Empties both servers and selects database 0 on the main connections. */
async function reset(): Promise<void> {
  for (const c of [realClient, simClient]) {
    await c.call('FLUSHALL');
    await c.call('SELECT', 0);
  }
}

/** Runs a scenario on both servers after a reset, failing on the first reply that differs. */
async function compare(scenario: readonly Command[]): Promise<void> {
  await reset();
  for (const command of scenario) {
    const [r, s] = await both(command);
    expect({ command, reply: s }).toEqual({ command, reply: r });
  }
}

const FUTURE_S = 4102444800; // 2100-01-01
const FUTURE_MS = FUTURE_S * 1000;

const SCENARIOS: Record<string, readonly Command[]> = {
  'DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE': [
    ['DEL', 'nokey'],
    ['SET', 'a', '1'],
    ['SET', 'b', '2'],
    ['EXISTS', 'a', 'a', 'b', 'nokey'],
    ['TOUCH', 'a', 'a', 'nokey'],
    ['TYPE', 'a'],
    ['TYPE', 'nokey'],
    ['DBSIZE'],
    ['DEL', 'a', 'a', 'nokey'],
    ['UNLINK', 'b', 'c'],
    ['DBSIZE'],
    ['DEL'],
    ['EXISTS'],
    ['TYPE'],
    ['TYPE', 'a', 'b'],
    ['DBSIZE', 'x'],
  ],
  'EXPIRE options, errors and overflow': [
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', 100, 'XX'],
    ['EXPIRE', 'k', 100, 'GT'],
    ['EXPIRE', 'k', 100, 'LT'],
    ['TTL', 'k'],
    ['EXPIRE', 'k', 100, 'NX'],
    ['EXPIREAT', 'k', FUTURE_S, 'LT'],
    ['EXPIREAT', 'k', FUTURE_S, 'GT'],
    ['PEXPIREAT', 'k', FUTURE_MS, 'GT'],
    ['PEXPIREAT', 'k', FUTURE_MS - 1, 'LT'],
    ['PEXPIRETIME', 'k'],
    ['EXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', FUTURE_MS - 1],
    ['EXPIRETIME', 'k'],
    ['EXPIRE', 'k', 'abc', 'NX', 'XX'],
    ['EXPIRE', 'k', 10, 'nx', 'gt'],
    ['EXPIRE', 'k', 10, 'LT', 'NX'],
    ['EXPIRE', 'k', 10, 'GT', 'LT'],
    ['EXPIRE', 'k', 10, 'XX', 'GT', 'LT'],
    ['EXPIRE', 'k', 10, 'foo'],
    ['EXPIRE', 'k', 10, 'xx', 'bar'],
    ['EXPIRE', 'k', 'abc'],
    ['EXPIRE', 'k', '1.5'],
    ['EXPIRE', 'k', ' 10'],
    ['EXPIRE', 'k', '9223370399119966'],
    ['EXPIRE', 'k', '9223372036854776'],
    ['EXPIRE', 'k', '10000000000000000'],
    ['EXPIRE', 'k', '-9223372036854776'],
    ['EXPIRE', 'k', '-9999999999999999'],
    ['PEXPIRE', 'k', '9223372036854770000'],
    ['EXPIREAT', 'k', '9223372036854776'],
    ['PEXPIREAT', 'k', '9223372036854775808'],
    ['TTL', 'k'],
    ['PEXPIREAT', 'k', '9223372036854770000'],
    ['TTL', 'k'],
    ['EXPIRE', 'nokey', 10],
    ['EXPIRE', 'k'],
    ['PERSIST', 'k'],
    ['PERSIST', 'k'],
    ['TTL', 'k'],
    ['PEXPIREAT', 'k', '-9223372036854770000'],
    ['TTL', 'k'],
    ['EXISTS', 'k'],
  ],
  'expiry in the past deletes': [
    ['SET', 'a', '1'],
    ['SET', 'b', '1'],
    ['SET', 'c', '1'],
    ['SET', 'd', '1'],
    ['EXPIRE', 'a', -1],
    ['PEXPIRE', 'b', 0],
    ['EXPIREAT', 'c', 1],
    ['PEXPIREAT', 'd', 0, 'LT'],
    ['EXISTS', 'a', 'b', 'c', 'd'],
    ['DBSIZE'],
    ['TTL', 'a'],
    ['PTTL', 'b'],
    ['EXPIRETIME', 'c'],
    ['PEXPIRETIME', 'd'],
  ],
  'TTL family on persistent and missing keys': [
    ['SET', 'p', 'v'],
    ['TTL', 'p'],
    ['PTTL', 'p'],
    ['EXPIRETIME', 'p'],
    ['PEXPIRETIME', 'p'],
    ['TTL', 'nokey'],
    ['PTTL', 'nokey'],
    ['EXPIRETIME', 'nokey'],
    ['PEXPIRETIME', 'nokey'],
    ['EXPIRE', 'p', 1000],
    ['TTL', 'p'],
    ['SET', 'p', 'again'],
    ['TTL', 'p'],
  ],
  'KEYS and SCAN': [
    ['MSET', 'hello', '1', 'hallo', '1', 'hxllo', '1', 'hllo', '1', 'heeeello', '1', '', 'empty', 'a[b', '1'],
    ['KEYS', '*'],
    ['KEYS', '**'],
    ['KEYS', ''],
    ['KEYS', 'h?llo'],
    ['KEYS', 'h*llo'],
    ['KEYS', 'h[ae]llo'],
    ['KEYS', 'h[^e]llo'],
    ['KEYS', 'h[a-b]llo'],
    ['KEYS', 'a\\[b'],
    ['KEYS', 'a[[]b'],
    ['KEYS', '['],
    ['KEYS'],
    ['SCAN', 0, 'COUNT', 1000],
    ['SCAN', 0, 'COUNT', 1000, 'MATCH', 'h?llo'],
    ['SCAN', 0, 'COUNT', 1000, 'MATCH', '*', 'TYPE', 'STRING'],
    ['SCAN', 0, 'TYPE', 'list'],
    ['SCAN', 0, 'TYPE', 'string', 'TYPE', 'hash'],
    ['SCAN', ''],
    ['SCAN', '+0'],
    ['SCAN', ' 0'],
    ['SCAN', 'abc'],
    ['SCAN', '1x'],
    ['SCAN', '18446744073709551616'],
    ['SCAN', 0, 'COUNT', 0],
    ['SCAN', 0, 'COUNT', -5],
    ['SCAN', 0, 'COUNT', 'x'],
    ['SCAN', 0, 'COUNT', '9223372036854775808'],
    ['SCAN', 0, 'MATCH'],
    ['SCAN', 0, 'FOO', 'bar'],
    ['SCAN', 'x', 'FOO'],
    ['SCAN'],
  ],
  RANDOMKEY: [['RANDOMKEY'], ['SET', 'only', '1'], ['RANDOMKEY'], ['RANDOMKEY', 'x']],
  'RENAME and RENAMENX': [
    ['RENAME', 'nokey', 'x'],
    ['RENAME', 'nokey', 'nokey'],
    ['RENAMENX', 'nokey', 'x'],
    ['SET', 'a', 'A'],
    ['EXPIRE', 'a', 1000],
    ['SET', 'b', 'B'],
    ['RENAME', 'a', 'a'],
    ['RENAMENX', 'a', 'a'],
    ['RENAMENX', 'a', 'b'],
    ['RENAME', 'a', 'b'],
    ['GET', 'b'],
    ['TTL', 'b'],
    ['EXISTS', 'a'],
    ['RENAMENX', 'b', 'c'],
    ['TTL', 'c'],
    ['RENAME', 'c'],
  ],
  COPY: [
    ['SET', 's', 'S'],
    ['EXPIRE', 's', 1000],
    ['SET', 't', 'T'],
    ['COPY', 's', 's'],
    ['COPY', 's', 's', 'DB', 0],
    ['COPY', 'nokey', 'nokey'],
    ['COPY', 'nokey', 'x'],
    ['COPY', 's', 'x', 'DB'],
    ['COPY', 's', 'x', 'FOO'],
    ['COPY', 's', 'x', 'DB', 'x'],
    ['COPY', 's', 'x', 'DB', 16],
    ['COPY', 's', 'x', 'DB', -1],
    ['COPY', 's', 'x', 'DB', '99999999999'],
    ['COPY', 's', 't'],
    ['COPY', 's', 't', 'replace'],
    ['GET', 't'],
    ['TTL', 't'],
    ['COPY', 's', 's', 'DB', 1, 'REPLACE'],
    ['COPY', 's', 's', 'DB', 1],
    ['SELECT', 1],
    ['GET', 's'],
    ['TTL', 's'],
  ],
  MOVE: [
    ['SET', 'k', 'K'],
    ['EXPIRE', 'k', 1000],
    ['SET', 'busy', 'here'],
    ['MOVE', 'k', 0],
    ['MOVE', 'k', 16],
    ['MOVE', 'k', -1],
    ['MOVE', 'k', 'x'],
    ['MOVE', 'k', '99999999999'],
    ['MOVE', 'nokey', 2],
    ['MOVE', 'nokey', 0],
    ['MOVE', 'busy', 2],
    ['SELECT', 2],
    ['SET', 'busy', 'there'],
    ['SELECT', 0],
    ['MOVE', 'busy', 2],
    ['MOVE', 'k', 2],
    ['EXISTS', 'k'],
    ['SELECT', 2],
    ['GET', 'k'],
    ['TTL', 'k'],
    ['DBSIZE'],
  ],
  'FLUSHDB, FLUSHALL, SWAPDB': [
    ['SET', 'a', '1'],
    ['SELECT', 1],
    ['SET', 'b', '1'],
    ['SWAPDB', 0, 1],
    ['KEYS', '*'],
    ['SWAPDB', 1, 1],
    ['SWAPDB', 'a', 1],
    ['SWAPDB', 0, 'b'],
    ['SWAPDB', 'a', 'b'],
    ['SWAPDB', 0, '99999999999'],
    ['SWAPDB', 0, 16],
    ['SWAPDB', -1, 0],
    ['SWAPDB', 0],
    ['FLUSHDB'],
    ['DBSIZE'],
    ['SELECT', 0],
    ['DBSIZE'],
    ['FLUSHDB', 'foo'],
    ['FLUSHDB', 'SYNC', 'ASYNC'],
    ['FLUSHDB', 'async'],
    ['FLUSHALL', 'x'],
    ['FLUSHALL', 'SYNC'],
    ['FLUSHALL', 'ASYNC'],
    ['DBSIZE'],
  ],
};

describe('key commands match Redis', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      await compare(scenario);
    });
  }

  it('expired keys: hidden by KEYS, reclaimed by lookups and SCAN, reported by SCAN TYPE none', async () => {
    await reset();
    const at = Date.now() + 30;
    await compare([
      ['DEBUG', 'SET-ACTIVE-EXPIRE', 0],
      ['MSET', 'live', '1', 'gone1', '1', 'gone2', '1', 'gone3', '1', 'gone4', '1'],
      ...['gone1', 'gone2', 'gone3', 'gone4'].map((k): Command => ['PEXPIREAT', k, at]),
    ]);
    await waitFor(() => Date.now() > at + 5, { message: 'expiry time passed' });
    for (const command of [
      ['DBSIZE'],
      ['KEYS', '*'],
      ['DBSIZE'],
      ['SCAN', 0, 'MATCH', '*1', 'COUNT', 100],
      ['DBSIZE'],
      ['SCAN', 0, 'TYPE', 'none', 'MATCH', 'gone[23]', 'COUNT', 100],
      ['DBSIZE'],
      ['EXISTS', 'gone4'],
      ['DBSIZE'],
      ['SCAN', 0, 'COUNT', 100],
      ['RANDOMKEY'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', 1],
    ] as Command[]) {
      const [r, s] = await both(command);
      expect({ command, reply: s }).toEqual({ command, reply: r });
    }
  });

  it('dirty counter (rdb_changes_since_last_save) moves alike', async () => {
    await reset();
    const changes = async (c: RespClient): Promise<number> => {
      const info = String(toPlain(await c.call('INFO', 'persistence')));
      return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    };
    const steps: Command[] = [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'],
      ['DEL', 'a', 'a', 'nokey'],
      ['EXPIRE', 'b', 100],
      ['EXPIRE', 'b', 100, 'NX'],
      ['PERSIST', 'b'],
      ['RENAME', 'b', 'b'],
      ['RENAME', 'b', 'x'],
      ['COPY', 'x', 'y'],
      ['MOVE', 'y', 3],
      ['SWAPDB', 0, 0],
      ['SWAPDB', 0, 3],
      ['EXPIRE', 'y', -1],
      ['FLUSHALL'],
      ['FLUSHALL'],
    ];
    for (const step of steps) {
      const before = await Promise.all([changes(realClient), changes(simClient)]);
      await both(step);
      const after = await Promise.all([changes(realClient), changes(simClient)]);
      expect({ step, delta: after[1] - before[1] }).toEqual({ step, delta: after[0] - before[0] });
    }
  });

  it('WATCH sees FLUSHDB, FLUSHALL and SWAPDB exactly when Redis does', async () => {
    await reset();
    const watchers = [await clients.connect(real), await clients.connect(sim)] as const;
    const transaction = async (key: string, ...between: Command[]): Promise<void> => {
      await both(['WATCH', key], watchers);
      await both(['MULTI'], watchers);
      await both(['PING'], watchers);
      for (const command of between) await both(command);
      const [r, s] = await both(['EXEC'], watchers);
      expect({ key, between, exec: s }).toEqual({ key, between, exec: r });
    };
    await both(['SET', 'w', '1']);
    await transaction('w', ['FLUSHDB']);
    await transaction('w', ['FLUSHALL']);
    await transaction('w', ['SELECT', 1], ['SET', 'w', '1'], ['SELECT', 0]);
    await transaction('w', ['SWAPDB', 1, 0]);
    await transaction('w', ['SWAPDB', 2, 3]);
    await transaction('w', ['SELECT', 5], ['FLUSHDB'], ['SELECT', 0]);
    await transaction('w', ['SWAPDB', 0, 4]);
    await transaction('w', ['SWAPDB', 0, 4]);
    await transaction('gone', ['SWAPDB', 0, 4]);
  });
});

describe('KEYS with random glob patterns matches Redis', () => {
  // Keys over the same small alphabet as the patterns, so classes, ranges and escapes all get exercised.
  const KEY_ALPHABET = ['a', 'b', 'c', '-', '^', '[', ']', '*', '?', '\\'];
  const PATTERN_ALPHABET = ['*', '?', '[', ']', '^', '\\', '-', 'a', 'b', 'c'];

  it('for every pattern built from *?[]^\\-a-c', async () => {
    const keys = new Set<string>(['', 'a', 'b', 'c', 'ab', 'abc', 'cba', 'aa', 'a-c', 'a]', '[a', '\\a', 'b\\']);
    const rng = fc.sample(fc.string({ unit: fc.constantFrom(...KEY_ALPHABET), minLength: 1, maxLength: 5 }), {
      numRuns: 150,
      seed: 42,
    });
    for (const k of rng) keys.add(k);
    for (const c of [realClient, simClient]) {
      await c.call('FLUSHALL');
      await c.call('SELECT', 0);
      await c.call('MSET', ...[...keys].flatMap((k) => [k, '1']));
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom(...PATTERN_ALPHABET), maxLength: 8 }), async (pattern) => {
        const [r, s] = await both(['KEYS', pattern]);
        expect({ pattern, keys: s }).toEqual({ pattern, keys: r });
      }),
      { numRuns: 800 },
    );
  });
});

describe('random key-command sequences match Redis', () => {
  const KEY = fc.constantFrom('k1', 'k2', 'k3', 'k4');
  const DB = fc.constantFrom(0, 1, 2);
  const ANY_DB = fc.oneof({ arbitrary: DB, weight: 8 }, { arbitrary: fc.constantFrom(16, -1, 'x'), weight: 1 });
  // Relative times stay far apart from each other and from the absolute ones, so no outcome hinges on which
  // millisecond a command ran in; GT and LT only go with absolute times for the same reason.
  const SECONDS = fc.constantFrom(-5, 0, 10, 1000);
  const MILLIS = fc.constantFrom(-5, 0, 50_000, 5_000_000);
  const ABS_SECONDS = fc.constantFrom(1, FUTURE_S, FUTURE_S + 100);
  const ABS_MILLIS = fc.constantFrom(0, 1000, FUTURE_MS + 50_000, FUTURE_MS + 7_000_000);
  const PRESENCE = fc.constantFrom([], ['NX'], ['XX'], ['nx', 'xx']);
  const ORDER = fc.constantFrom([], ['GT'], ['LT'], ['XX', 'GT'], ['NX', 'LT'], ['GT', 'LT']);

  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.tuple(fc.constant('SET'), KEY, fc.constantFrom('x', 'y')),
    fc.tuple(fc.constant('SET'), KEY, fc.constantFrom('x', 'y')),
    fc.tuple(fc.constant('DEL'), KEY, KEY),
    fc.tuple(fc.constant('UNLINK'), KEY),
    fc.tuple(fc.constant('EXISTS'), KEY, KEY, KEY),
    fc.tuple(fc.constant('TYPE'), KEY),
    fc.tuple(fc.constant('EXPIRE'), KEY, SECONDS, PRESENCE).map(([c, k, t, o]) => [c, k, t, ...o]),
    fc.tuple(fc.constant('PEXPIRE'), KEY, MILLIS, PRESENCE).map(([c, k, t, o]) => [c, k, t, ...o]),
    fc.tuple(fc.constant('EXPIREAT'), KEY, ABS_SECONDS, ORDER).map(([c, k, t, o]) => [c, k, t, ...o]),
    fc.tuple(fc.constant('PEXPIREAT'), KEY, ABS_MILLIS, ORDER).map(([c, k, t, o]) => [c, k, t, ...o]),
    fc.tuple(fc.constantFrom('TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME'), KEY),
    fc.tuple(fc.constant('PERSIST'), KEY),
    fc.tuple(fc.constantFrom('RENAME', 'RENAMENX'), KEY, KEY),
    fc
      .tuple(fc.constant('COPY'), KEY, KEY, fc.constantFrom([], ['REPLACE']), fc.option(ANY_DB))
      .map(([c, a, b, r, db]) => [c, a, b, ...r, ...(db === null ? [] : ['DB', db])]),
    fc.tuple(fc.constant('MOVE'), KEY, ANY_DB),
    fc.tuple(fc.constant('SELECT'), DB),
    fc.tuple(fc.constant('SWAPDB'), ANY_DB, ANY_DB),
    fc.tuple(fc.constant('DBSIZE')),
    fc.tuple(fc.constant('KEYS'), fc.constantFrom('*', 'k[12]', 'k?', '*3')),
    fc.tuple(fc.constant('SCAN'), fc.constant(0), fc.constant('COUNT'), fc.constant(100)),
    fc.tuple(
      fc.constant('SCAN'),
      fc.constant(0),
      fc.constantFrom('MATCH', 'TYPE'),
      fc.constantFrom('k[12]', 'string', 'none'),
    ),
    fc.tuple(fc.constant('TOUCH'), KEY, KEY),
    fc.tuple(fc.constant('RANDOMKEY')),
    fc.tuple(fc.constantFrom('FLUSHDB', 'FLUSHALL')),
    fc.tuple(fc.constant('GET'), KEY),
  );

  it('with every reply compared', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (sequence) => {
        await reset();
        for (const [i, c] of sequence.entries()) {
          const [r, s] = await both(c);
          if (_text(r) !== _text(s)) throw new Error(`step ${i} ${_text(c)}: redis ${_text(r)}, sim ${_text(s)}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});

// --- internal ---

/** JSON text of a reply or command, bigints included. */
function _text(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
