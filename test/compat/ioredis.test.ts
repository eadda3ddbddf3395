// ioredis 5 (RESP2) and ioredis 6 (RESP3 by default, HELLO 3) against redis-sim and against real Redis.
import { Redis as IoRedis5 } from 'ioredis5';
import { Redis as IoRedis6 } from 'ioredis6';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/servers.js';
import { CLIENT_TARGETS } from './targets.js';

/** The client calls these tests make (both majors share them). */
type Client = InstanceType<typeof IoRedis5> | InstanceType<typeof IoRedis6>;

/** A client flavour: library major and protocol. */
interface Flavour {
  readonly name: string;
  readonly resp: 2 | 3;
  create(port: number): Client;
}

// No reconnects and no offline queue: a server that drops the connection must fail the test, not hang it.
const BASE = { host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false } as const;

const FLAVOURS: readonly Flavour[] = [
  { name: 'ioredis 5', resp: 2, create: (port) => new IoRedis5({ ...BASE, port }) },
  { name: 'ioredis 6 (RESP3 default)', resp: 3, create: (port) => new IoRedis6({ ...BASE, port }) },
  { name: 'ioredis 6 protocol 2', resp: 2, create: (port) => new IoRedis6({ ...BASE, port, protocol: 2 }) },
];

const CASES = CLIENT_TARGETS.flatMap((target) => FLAVOURS.map((flavour) => ({ target, flavour })));

describe.each(CASES)('$flavour.name against $target.name', ({ target, flavour }) => {
  let server: TestServer;
  let redis: Client;
  const opened: Client[] = [];

  /** Opens a client that afterAll closes. */
  async function connect(): Promise<Client> {
    const client = flavour.create(server.port);
    opened.push(client);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    server = await target.start();
    redis = await connect();
  });
  afterAll(async () => {
    for (const client of opened) client.disconnect();
    await server?.stop();
  });

  it('is ready, on the expected protocol', async () => {
    expect(redis.status).toBe('ready');
    expect(await redis.call('CLIENT', 'INFO')).toMatch(new RegExp(` resp=${flavour.resp}\\n$`));
    const info = await redis.info('server');
    expect(info).toContain('redis_version:7.0.15\r\n');
  });

  it('runs string and key commands', async () => {
    expect(await redis.set('s:k', 'v')).toBe('OK');
    expect(await redis.get('s:k')).toBe('v');
    expect(await redis.get('s:missing')).toBeNull();
    expect(await redis.incr('s:n')).toBe(1);
    expect(await redis.incrby('s:n', 41)).toBe(42);
    expect(await redis.mset('s:a', '1', 's:b', '2')).toBe('OK');
    expect(await redis.mget('s:a', 's:missing', 's:b')).toEqual(['1', null, '2']);
    expect(await redis.del('s:a', 's:b', 's:missing')).toBe(2);
    expect(await redis.ttl('s:k')).toBe(-1);
    expect(await redis.expire('s:k', 100)).toBe(1);
    expect(await redis.ttl('s:k')).toBe(100);
    expect(await redis.pttl('s:k')).toBeGreaterThan(99_000);
    expect(await redis.ttl('s:missing')).toBe(-2);
    expect(await redis.expire('s:missing', 100)).toBe(0);
    await expect(redis.incr('s:k')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('pipelines', async () => {
    const results = await redis.pipeline().set('p:k', '10').incr('p:k').get('p:k').incr('p:missing-type').exec();
    expect(results).toEqual([
      [null, 'OK'],
      [null, 11],
      [null, '11'],
      [null, 1],
    ]);
  });

  it('runs MULTI/EXEC transactions', async () => {
    expect(await redis.multi().set('m:k', 'a').append('m:k', 'b').get('m:k').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, 'ab'],
    ]);
    // A runtime error stays inside the EXEC reply; the other commands still run.
    const [first, second] = (await redis.multi().incr('m:k').set('m:after', 'yes').exec())!;
    expect(first?.[0]).toBeInstanceOf(Error);
    expect((first?.[0] as Error).message).toBe('ERR value is not an integer or out of range');
    expect(second).toEqual([null, 'OK']);
  });

  it('round-trips all 256 byte values', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await redis.set(Buffer.from([0xff, 0x00, 0x80]), bytes)).toBe('OK');
    expect(await redis.getBuffer(Buffer.from([0xff, 0x00, 0x80]))).toEqual(bytes);
    expect(await redis.strlen(Buffer.from([0xff, 0x00, 0x80]))).toBe(256);
  });

  it('iterates keys with scanStream', async () => {
    await redis.mset('scan:a', '1', 'scan:b', '2', 'scan:c', '3');
    const seen: string[] = [];
    for await (const batch of redis.scanStream({ match: 'scan:*', count: 2 })) seen.push(...(batch as string[]));
    expect(seen.sort()).toEqual(['scan:a', 'scan:b', 'scan:c']);
  });

  it('quits', async () => {
    const client = await connect();
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    expect(await client.quit()).toBe('OK');
    await ended;
    expect(client.status).toBe('end');
  });
});

describe.each(CLIENT_TARGETS)('ioredis 6 with replyMapping resp3 against $name', (target) => {
  let server: TestServer;
  let redis: InstanceType<typeof IoRedis6>;

  beforeAll(async () => {
    server = await target.start();
    redis = new IoRedis6({ ...BASE, port: server.port, replyMapping: 'resp3' });
    await redis.connect();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('receives RESP3 maps as objects', async () => {
    expect(await redis.config('GET', 'maxmemory')).toEqual({ maxmemory: '0' });
    expect(await redis.incrbyfloat('f', '1.5')).toBe('1.5');
  });
});
