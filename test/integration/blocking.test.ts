// Blocking commands over real TCP (BLPOP, BLMOVE, BZPOPMIN, CLIENT UNBLOCK, CLIENT KILL of a blocked client),
// against real Redis 7.0.15 (the oracle) and in-process redis-sim, with raw RESP clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/protocol/reply.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import { RespClient, startRealRedis, startSimServer, waitFor, type TestServer } from '../helpers/servers.js';

const TARGETS = [
  { name: 'redis-server 7.0.15', start: () => startRealRedis() },
  { name: 'redis-sim', start: () => startSimServer() },
];

describe.each(TARGETS)('blocking commands against $name', ({ start }) => {
  let server: TestServer;
  let admin: RespClient;
  const opened: RespClient[] = [];

  /** Opens a client that afterEach closes. */
  async function connect(): Promise<RespClient> {
    const client = await RespClient.connect(server.port);
    opened.push(client);
    return client;
  }

  /** The server's `blocked_clients` count. */
  async function blockedClients(): Promise<number> {
    const info = String(await admin.run('INFO', 'clients'));
    return Number(/blocked_clients:(\d+)/.exec(info)?.[1]);
  }

  /** Resolves once `n` clients are blocked. */
  function waitBlocked(n: number): Promise<void> {
    return waitFor(async () => (await blockedClients()) === n, { message: `${n} blocked clients` });
  }

  /** Sends a blocking command and waits until the server has parked the client; `reply` is still pending then. */
  async function block(client: RespClient, ...args: (string | number)[]): Promise<{ reply: Promise<Reply> }> {
    const before = await blockedClients();
    const reply = client.call(...args);
    await waitBlocked(before + 1);
    return { reply };
  }

  beforeAll(async () => {
    server = await start();
    admin = await RespClient.connect(server.port);
  });
  afterEach(async () => {
    for (const client of opened.splice(0)) await client.close();
    await admin.run('FLUSHALL');
    await waitBlocked(0);
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  it('wakes a client blocked in BLPOP when another client pushes', async () => {
    const waiter = await connect();
    const { reply: pending } = await block(waiter, 'BLPOP', 'missing', 'q', 0);
    const info = String(await admin.run('CLIENT', 'LIST'));
    expect(info).toMatch(/ flags=b .* cmd=blpop /);
    expect(await admin.run('RPUSH', 'q', 'v1', 'v2')).toBe(2);
    expect(toPlain(await pending)).toEqual(['q', 'v1']);
    expect(await admin.run('LRANGE', 'q', 0, -1)).toEqual(['v2']);
    expect(await blockedClients()).toBe(0);
    // The woken client reads requests again.
    expect(await waiter.run('PING')).toBe('PONG');
  });

  it('serves an already non-empty list at once', async () => {
    const client = await connect();
    await admin.run('RPUSH', 'q', 'a');
    expect(await client.run('BLPOP', 'missing', 'q', 0)).toEqual(['q', 'a']);
    await admin.run('RPUSH', 'q', 'b', 'c');
    expect(await client.run('BRPOP', 'q', 0)).toEqual(['q', 'c']);
  });

  it('serves clients blocked on one key first come, first served', async () => {
    const clients = [await connect(), await connect(), await connect()];
    const pending: Promise<Reply>[] = [];
    for (const client of clients) pending.push((await block(client, 'BLPOP', 'q', 0)).reply);
    expect(await admin.run('RPUSH', 'q', 'a', 'b')).toBe(2);
    expect(toPlain(await pending[0]!)).toEqual(['q', 'a']);
    expect(toPlain(await pending[1]!)).toEqual(['q', 'b']);
    expect(await blockedClients()).toBe(1);
    expect(await admin.run('RPUSH', 'q', 'c', 'd')).toBe(2);
    expect(toPlain(await pending[2]!)).toEqual(['q', 'c']);
    expect(await admin.run('LRANGE', 'q', 0, -1)).toEqual(['d']);
  });

  it('is woken only by its own database, from whichever of its keys gets data', async () => {
    const client = await connect();
    expect(await client.run('SELECT', 1)).toBe('OK');
    const { reply: pending } = await block(client, 'BLPOP', 'a', 'b', 0);
    expect(await admin.run('RPUSH', 'b', 'db0')).toBe(1);
    expect(await blockedClients()).toBe(1);
    const db1 = await connect();
    await db1.run('SELECT', 1);
    expect(await db1.run('RPUSH', 'b', 'db1')).toBe(1);
    expect(toPlain(await pending)).toEqual(['b', 'db1']);
    expect(await admin.run('LLEN', 'b')).toBe(1);
  });

  it('serves waiters only after a transaction ends, with what it left', async () => {
    const client = await connect();
    const { reply: pending } = await block(client, 'BLPOP', 'q', 0);
    const tx = await connect();
    await tx.run('MULTI');
    await tx.run('RPUSH', 'q', 'a');
    await tx.run('LPOP', 'q');
    expect(await tx.run('EXEC')).toEqual([1, 'a']);
    expect(await blockedClients()).toBe(1);
    await tx.run('MULTI');
    await tx.run('RPUSH', 'q', 'b', 'c');
    await tx.run('LPOP', 'q');
    expect(await tx.run('EXEC')).toEqual([2, 'b']);
    expect(toPlain(await pending)).toEqual(['q', 'c']);
  });

  it('keeps waiting while the key holds another type, and wakes when RENAME brings a list', async () => {
    const client = await connect();
    const { reply: pending } = await block(client, 'BLPOP', 'q', 0);
    expect(await admin.run('SET', 'q', 'string')).toBe('OK');
    expect(await admin.run('DEL', 'q')).toBe(1);
    expect(await blockedClients()).toBe(1);
    expect(await admin.run('RPUSH', 'src', 'r1', 'r2')).toBe(2);
    expect(await admin.run('RENAME', 'src', 'q')).toBe('OK');
    expect(toPlain(await pending)).toEqual(['q', 'r1']);
    expect(await admin.run('LRANGE', 'q', 0, -1)).toEqual(['r2']);
  });

  it('wakes BLMPOP with a count', async () => {
    const client = await connect();
    const { reply: pending } = await block(client, 'BLMPOP', 0, 2, 'a', 'b', 'RIGHT', 'COUNT', 2);
    expect(await admin.run('RPUSH', 'b', 'x', 'y', 'z')).toBe(3);
    expect(toPlain(await pending)).toEqual(['b', ['z', 'y']]);
    expect(await admin.run('LRANGE', 'b', 0, -1)).toEqual(['x']);
  });

  it('answers a null array when the timeout passes', async () => {
    const client = await connect();
    const started = performance.now();
    const reply = await client.call('BLPOP', 'q', '0.2');
    const elapsed = performance.now() - started;
    expect(reply.t).toBe('nilarray');
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(3000);
    // A null array (*-1), not a null bulk.
    expect((await client.call('BRPOP', 'q', '0.05')).t).toBe('nilarray');
  });

  it('answers RESP3 null on timeout', async () => {
    const client = await connect();
    await client.call('HELLO', 3);
    // RESP3 has one null: `_`.
    expect((await client.call('BLPOP', 'q', '0.05')).t).toBe('nil');
  });

  it('rejects bad timeouts', async () => {
    const client = await connect();
    expect(await client.run('BLPOP', 'q', '-1')).toEqual({ error: 'ERR timeout is negative' });
    expect(await client.run('BLPOP', 'q', 'abc')).toEqual({ error: 'ERR timeout is not a float or out of range' });
    await admin.run('SET', 's', 'x');
    expect(await client.run('BLPOP', 's', 0)).toEqual({
      error: 'WRONGTYPE Operation against a key holding the wrong kind of value',
    });
  });

  it('releases a blocked client with CLIENT UNBLOCK TIMEOUT and ERROR', async () => {
    const client = await connect();
    const id = Number(await client.run('CLIENT', 'ID'));
    let pending = (await block(client, 'BLPOP', 'q', 0)).reply;
    expect(await admin.run('CLIENT', 'UNBLOCK', id)).toBe(1);
    expect((await pending).t).toBe('nilarray');

    pending = (await block(client, 'BLPOP', 'q', 0)).reply;
    expect(await admin.run('CLIENT', 'UNBLOCK', id, 'TIMEOUT')).toBe(1);
    expect((await pending).t).toBe('nilarray');

    pending = (await block(client, 'BLPOP', 'q', 0)).reply;
    expect(await admin.run('CLIENT', 'UNBLOCK', id, 'ERROR')).toBe(1);
    expect(toPlain(await pending)).toEqual({ error: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });

    // Not blocked (any more), or no such client: 0.
    expect(await admin.run('CLIENT', 'UNBLOCK', id)).toBe(0);
    expect(await admin.run('CLIENT', 'UNBLOCK', 999_999)).toBe(0);
    expect(await admin.run('CLIENT', 'UNBLOCK', id, 'FOO')).toEqual({
      error: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
    });
    expect(await admin.run('CLIENT', 'UNBLOCK', 'abc')).toEqual({
      error: 'ERR value is not an integer or out of range',
    });
    expect(await client.run('PING')).toBe('PONG');
  });

  it('forgets a blocked client killed with CLIENT KILL', async () => {
    const client = await connect();
    const id = Number(await client.run('CLIENT', 'ID'));
    const { reply } = await block(client, 'BLPOP', 'q', 0);
    expect(await admin.run('CLIENT', 'KILL', 'ID', id)).toBe(1);
    await expect(reply).rejects.toThrow('connection closed before the reply');
    await waitFor(async () => !String(await admin.run('CLIENT', 'LIST')).includes(`id=${id} `), {
      message: 'killed client gone from CLIENT LIST',
    });
    expect(await blockedClients()).toBe(0);
    // Nobody waits for the key any more: the pushed value stays.
    expect(await admin.run('RPUSH', 'q', 'v')).toBe(1);
    expect(await admin.run('LLEN', 'q')).toBe(1);
  });

  it('forgets a blocked client that disconnects', async () => {
    const client = await connect();
    const { reply } = await block(client, 'BLPOP', 'q', 0);
    await client.close();
    await expect(reply).rejects.toThrow('connection closed before the reply');
    await waitBlocked(0);
    expect(await admin.run('RPUSH', 'q', 'v')).toBe(1);
    expect(await admin.run('LLEN', 'q')).toBe(1);
  });

  it('does not block inside MULTI/EXEC', async () => {
    const client = await connect();
    expect(await client.run('MULTI')).toBe('OK');
    expect(await client.run('BLPOP', 'q', 0)).toBe('QUEUED');
    expect(await client.run('BLMOVE', 'q', 'r', 'LEFT', 'RIGHT', 0)).toBe('QUEUED');
    expect(await client.run('BZPOPMIN', 'z', 0)).toBe('QUEUED');
    const exec = await client.call('EXEC');
    // Denied blocking: BLPOP and BZPOPMIN answer a null array, BLMOVE a null bulk.
    expect(exec.t === 'array' && exec.items.map((r) => r.t)).toEqual(['nilarray', 'nil', 'nilarray']);
    await admin.run('RPUSH', 'q', 'v');
    expect(await client.run('MULTI')).toBe('OK');
    expect(await client.run('BLPOP', 'q', 0)).toBe('QUEUED');
    expect(await client.run('EXEC')).toEqual([['q', 'v']]);
  });

  it('chains BLMOVE: a value moved into a watched list wakes its waiter', async () => {
    const first = await connect();
    const second = await connect();
    const { reply: moved } = await block(first, 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', 0);
    const { reply: movedAgain } = await block(second, 'BLMOVE', 'b', 'c', 'LEFT', 'RIGHT', 0);
    expect(await admin.run('RPUSH', 'a', 'x')).toBe(1);
    expect(toPlain(await moved)).toBe('x');
    expect(toPlain(await movedAgain)).toBe('x');
    expect(await admin.run('LRANGE', 'a', 0, -1)).toEqual([]);
    expect(await admin.run('LRANGE', 'b', 0, -1)).toEqual([]);
    expect(await admin.run('LRANGE', 'c', 0, -1)).toEqual(['x']);
    expect(await blockedClients()).toBe(0);
  });

  it('answers a null array when BLMOVE and BRPOPLPUSH time out', async () => {
    const client = await connect();
    // replyToBlockedClientTimedOut answers every list/zset wait with a null array, BLMOVE included.
    expect((await client.call('BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0.05')).t).toBe('nilarray');
    expect((await client.call('BRPOPLPUSH', 'a', 'b', '0.05')).t).toBe('nilarray');
  });

  it('wakes BZPOPMIN when members are added', async () => {
    const client = await connect();
    const { reply: pending } = await block(client, 'BZPOPMIN', 'z1', 'z2', 0);
    expect(await admin.run('ZADD', 'z2', 2, 'b', 1, 'a')).toBe(2);
    expect(toPlain(await pending)).toEqual(['z2', 'a', '1']);
    expect(await admin.run('ZRANGE', 'z2', 0, -1)).toEqual(['b']);
    const timedOut = await client.call('BZPOPMAX', 'z1', '0.05');
    expect(timedOut.t).toBe('nilarray');
  });
});
