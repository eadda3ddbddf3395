// MULTI/EXEC/DISCARD/WATCH through real clients — ioredis 5/6, node-redis 4/5, redis-py and redis-cli — against
// real Redis 7.0.15 (the oracle) and redis-sim.
import { Redis as IoRedis5 } from 'ioredis5';
import { Redis as IoRedis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient5 } from 'redis5';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor, type TestServer } from '../helpers/servers.js';
import { CLIENT_TARGETS, redisCli, runTool } from './targets.js';

/** Debian's interpreter: the `python3` on PATH may lack the redis module. */
const PYTHON = '/usr/bin/python3';

describe.each(CLIENT_TARGETS)('transactions against $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe.each([
    { name: 'ioredis 5', major: 5, replyError: 'ReplyError' },
    { name: 'ioredis 6 (RESP3)', major: 6, replyError: 'SimpleError' },
  ] as const)('$name', ({ major, replyError }) => {
    type Client = InstanceType<typeof IoRedis5> | InstanceType<typeof IoRedis6>;
    let redis: Client;
    let other: Client;

    beforeAll(async () => {
      const options = { host: '127.0.0.1', port: server.port, lazyConnect: true, retryStrategy: () => null };
      const create = () => (major === 5 ? new IoRedis5(options) : new IoRedis6(options));
      redis = create();
      other = create();
      await redis.connect();
      await other.connect();
    });
    beforeEach(async () => {
      await redis.flushall();
    });
    afterAll(() => {
      redis?.disconnect();
      other?.disconnect();
    });

    it('runs multi().exec() and reports each command', async () => {
      expect(await redis.multi().set('k', '1').incr('k').get('k').exec()).toEqual([
        [null, 'OK'],
        [null, 2],
        [null, '2'],
      ]);
      const results = await redis.multi().set('k', 'x').incr('k').lpush('k', 'a').get('k').exec();
      expect(results?.map(([e, v]) => (e === null ? v : `${e.constructor.name}: ${e.message}`))).toEqual([
        'OK',
        `${replyError}: ERR value is not an integer or out of range`,
        `${replyError}: WRONGTYPE Operation against a key holding the wrong kind of value`,
        'x',
      ]);
    });

    it('rejects exec() with EXECABORT when a command fails to queue', async () => {
      await expect(redis.multi().set('k', '1').call('NOSUCH').exec()).rejects.toThrow(
        'EXECABORT Transaction discarded because of previous errors.',
      );
      await expect(redis.multi().set('k', '1').call('INCR').exec()).rejects.toThrow(
        'EXECABORT Transaction discarded because of previous errors.',
      );
      expect(await redis.get('k')).toBeNull();
    });

    it('returns null from exec() when a WATCHed key changed', async () => {
      expect(await redis.watch('w')).toBe('OK');
      await other.set('w', 'theirs');
      expect(await redis.multi().set('w', 'mine').exec()).toBeNull();
      expect(await redis.get('w')).toBe('theirs');
      // EXEC forgot the watch: the next transaction runs.
      await other.set('w', 'again');
      expect(await redis.multi().set('w', 'mine').exec()).toEqual([[null, 'OK']]);
      // No conflict, UNWATCH, or a write to the same name in another database: it runs too.
      await redis.watch('w');
      expect(await redis.multi().get('w').exec()).toEqual([[null, 'mine']]);
      await redis.watch('w');
      expect(await redis.unwatch()).toBe('OK');
      await other.set('w', 'x');
      expect(await redis.multi().get('w').exec()).toEqual([[null, 'x']]);
      await redis.watch('w');
      await other.select(1);
      await other.set('w', 'db1');
      await other.select(0);
      expect(await redis.multi().get('w').exec()).toEqual([[null, 'x']]);
    });

    it('fails exec() after FLUSHALL or expiry of a WATCHed key', async () => {
      await redis.set('w', '1');
      await redis.watch('w');
      await other.flushall();
      expect(await redis.multi().set('w', 'mine').exec()).toBeNull();
      await redis.set('w', '1', 'PX', 30);
      await redis.watch('w');
      await waitFor(async () => (await other.exists('w')) === 0, { message: 'w expired' });
      expect(await redis.multi().set('w', 'mine').exec()).toBeNull();
      // A key already gone when watched has nothing left to expire.
      await redis.watch('gone');
      expect(await redis.multi().set('gone', 'mine').exec()).toEqual([[null, 'OK']]);
    });

    it('sends MULTI at once with pipeline: false, and DISCARDs', async () => {
      expect(await redis.multi({ pipeline: false })).toBe('OK');
      expect(await redis.set('d', '1')).toBe('QUEUED');
      await expect(redis.multi({ pipeline: false })).rejects.toThrow('ERR MULTI calls can not be nested');
      expect(await redis.discard()).toBe('OK');
      expect(await redis.get('d')).toBeNull();
      await expect(redis.discard()).rejects.toThrow('ERR DISCARD without MULTI');
      await expect(redis.exec()).rejects.toThrow('ERR EXEC without MULTI');
    });
  });

  describe.each([
    { name: 'node-redis 4', major: 4, resp: 2 },
    { name: 'node-redis 5', major: 5, resp: 2 },
    { name: 'node-redis 5 RESP3', major: 5, resp: 3 },
  ] as const)('$name', ({ major, resp }) => {
    type Client = ReturnType<typeof createClient4>;
    let client: Client;
    let other: Client;

    const create = (): Client => {
      const socket = { host: '127.0.0.1', port: server.port, reconnectStrategy: false as const };
      return (major === 4 ? createClient4({ socket }) : createClient5({ socket, RESP: resp })) as unknown as Client;
    };
    const close = async (c: Client | undefined): Promise<void> => {
      if (c === undefined) return;
      if (major === 4) await c.quit();
      else await (c as unknown as ReturnType<typeof createClient5>).close();
    };

    beforeAll(async () => {
      client = create();
      other = create();
      await client.connect();
      await other.connect();
    });
    beforeEach(async () => {
      await client.flushAll();
    });
    afterAll(async () => {
      await close(client);
      await close(other);
    });

    it('runs multi().exec()', async () => {
      expect(await client.multi().set('k', '1').incr('k').get('k').exec()).toEqual(['OK', 2, '2']);
    });

    it('rejects exec() with a MultiErrorReply when queued commands fail', async () => {
      const failure = await client
        .multi()
        .set('k', 'x')
        .incr('k')
        .lPush('k', 'a')
        .get('k')
        .exec()
        .then(
          () => null,
          (e: unknown) => e as { name: string; errorIndexes: number[]; replies: unknown[] },
        );
      expect(failure?.constructor.name).toBe('MultiErrorReply');
      expect(failure?.errorIndexes).toEqual([1, 2]);
      expect(failure?.replies.map((r) => (r instanceof Error ? r.message : r))).toEqual([
        'OK',
        'ERR value is not an integer or out of range',
        'WRONGTYPE Operation against a key holding the wrong kind of value',
        'x',
      ]);
    });

    it('rejects exec() when a command fails to queue', async () => {
      // node-redis 4 reports EXEC's EXECABORT; 5 reports the first queuing error.
      const expected =
        major === 4
          ? 'EXECABORT Transaction discarded because of previous errors.'
          : "ERR unknown command 'NOSUCH', with args beginning with: ";
      await expect(client.multi().set('k', '1').addCommand(['NOSUCH']).exec()).rejects.toThrow(expected);
      expect(await client.get('k')).toBeNull();
    });

    it('throws WatchError when a WATCHed key changed', async () => {
      expect(await client.watch('w')).toBe('OK');
      await other.set('w', 'theirs');
      const failure = await client
        .multi()
        .set('w', 'mine')
        .exec()
        .catch((e: unknown) => e as Error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).constructor.name).toBe('WatchError');
      expect((failure as Error).message).toBe('One (or more) of the watched keys has been changed');
      expect(await client.get('w')).toBe('theirs');
      await client.watch('w');
      expect(await client.multi().set('w', 'mine').exec()).toEqual(['OK']);
      await client.watch('w');
      expect(await client.unwatch()).toBe('OK');
      await other.set('w', 'after');
      expect(await client.multi().get('w').exec()).toEqual(['after']);
    });
  });

  it('redis-py: transactional pipelines, WatchError and the transaction() retry helper', async () => {
    const result = await runTool(PYTHON, ['-c', REDIS_PY_SCRIPT, String(server.port)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      exec: [true, 2, '2'],
      runtime_error: 'Command # 2 (INCRBY s 1) of pipeline caused error: value is not an integer or out of range',
      runtime_error_kept: ['True', 'value is not an integer or out of range', 'x'],
      abort:
        "Command # 2 (NOSUCH arg) of pipeline caused error: unknown command 'NOSUCH', with args beginning with: 'arg' ",
      abort_s: 'x',
      watch: 'Watched variable changed.',
      w: 'theirs',
      helper: [true],
      helper_calls: [0, 1],
      c: '11',
    });
  });

  it('redis-cli: piped MULTI/EXEC prints like real Redis', async () => {
    const cli = async (input: string, args: readonly string[] = []) => {
      const result = await redisCli(server.port, args, input);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result.stdout;
    };
    await cli('FLUSHALL\n');
    expect(await cli('MULTI\nSET a 1\nINCR a\nEXEC\n')).toBe('OK\nQUEUED\nQUEUED\nOK\n2\n');
    expect(
      await cli(
        'MULTI\nSET a x\nINCR a\nNOSUCH\nEXEC\nEXEC\nMULTI\nMULTI\nWATCH a\nDISCARD\nDISCARD\n' +
          'MULTI\nSET a x\nINCR a\nLPUSH a 1\nEXEC\n',
      ),
    ).toBe(
      'OK\nQUEUED\nQUEUED\n' +
        "ERR unknown command 'NOSUCH', with args beginning with: \n\n" +
        'EXECABORT Transaction discarded because of previous errors.\n\n' +
        'ERR EXEC without MULTI\n\n' +
        'OK\nERR MULTI calls can not be nested\n\n' +
        'ERR WATCH inside MULTI is not allowed\n\n' +
        'OK\nERR DISCARD without MULTI\n\n' +
        'OK\nQUEUED\nQUEUED\nQUEUED\nOK\n' +
        'ERR value is not an integer or out of range\n\n' +
        'WRONGTYPE Operation against a key holding the wrong kind of value\n\n',
    );
    // A client's own write to a key it WATCHes also aborts its transaction.
    expect(await cli('WATCH a\nSET a 2\nMULTI\nINCR a\nEXEC\nWATCH a\nMULTI\nINCR a\nEXEC\n')).toBe(
      'OK\nOK\nOK\nQUEUED\n\nOK\nOK\nQUEUED\n3\n',
    );
    expect(
      await cli(
        'FLUSHALL\nMULTI\nSET a 1\nINCR a\nINCR nope x\nGET a\nEXEC\nMULTI\nSET a 1\nINCR a\nLPUSH a x\nGET a\nEXEC\n' +
          'WATCH a\nSET a 2\nMULTI\nINCR a\nEXEC\n',
        ['--no-raw'],
      ),
    ).toBe(
      'OK\nOK\nQUEUED\nQUEUED\n' +
        "(error) ERR wrong number of arguments for 'incr' command\n" +
        'QUEUED\n(error) EXECABORT Transaction discarded because of previous errors.\n' +
        'OK\nQUEUED\nQUEUED\nQUEUED\nQUEUED\n' +
        '1) OK\n2) (integer) 2\n3) (error) WRONGTYPE Operation against a key holding the wrong kind of value\n4) "2"\n' +
        'OK\nOK\nOK\nQUEUED\n(nil)\n',
    );
  });
});

/** redis-py (Debian's python3-redis 4.3.4) transactions; prints what it saw as one JSON object. */
const REDIS_PY_SCRIPT = `
import json
import sys

import redis

port = int(sys.argv[1])
r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
other = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
out = {}
r.flushall()
tx = r.pipeline(transaction=True)
tx.set("k", 1).incr("k").get("k")
out["exec"] = tx.execute()

tx.set("s", "x").incr("s").get("s")
try:
    tx.execute()
    out["runtime_error"] = None
except redis.ResponseError as e:
    out["runtime_error"] = str(e)
tx.set("s", "x").incr("s").get("s")
out["runtime_error_kept"] = [str(v) for v in tx.execute(raise_on_error=False)]

tx.set("s", "y").execute_command("NOSUCH", "arg")
try:
    tx.execute()
    out["abort"] = None
except redis.ResponseError as e:
    out["abort"] = str(e)
out["abort_s"] = r.get("s")

with r.pipeline() as p:
    p.watch("w")
    other.set("w", "theirs")
    p.multi()
    p.set("w", "mine")
    try:
        p.execute()
        out["watch"] = None
    except redis.WatchError as e:
        out["watch"] = str(e)
out["w"] = r.get("w")

calls = []
def bump(pipe):
    value = int(pipe.get("c") or 0)
    calls.append(value)
    if len(calls) == 1:
        other.incr("c")  # a conflicting write: the first attempt fails and is retried
    pipe.multi()
    pipe.set("c", value + 10)
out["helper"] = r.transaction(bump, "c")
out["helper_calls"] = calls
out["c"] = r.get("c")
print(json.dumps(out))
`;
