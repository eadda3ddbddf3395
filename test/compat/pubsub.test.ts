// Pub/sub through real clients — a redis-cli subscriber process, ioredis 5/6, node-redis 4/5 — plus keyspace
// notifications, CLIENT KILL TYPE pubsub and the wire framing of subscribed connections, against real Redis 7.0.15
// (the oracle) and redis-sim.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { Redis as IoRedis5 } from 'ioredis5';
import { Redis as IoRedis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient5 } from 'redis5';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RespClient, waitFor, type TestServer } from '../helpers/servers.js';
import { CLIENT_TARGETS } from './targets.js';

/** An ioredis client of either major. */
type IoClient = InstanceType<typeof IoRedis5> | InstanceType<typeof IoRedis6>;

describe.each(CLIENT_TARGETS)('pub/sub against $name', (target) => {
  let server: TestServer;
  let admin: RespClient;
  /** Everything a test opens, closed by afterEach. */
  const cleanups: (() => unknown)[] = [];

  /** The number of subscribers of a channel (PUBSUB NUMSUB). */
  async function numsub(channel: string): Promise<number> {
    const reply = (await admin.run('PUBSUB', 'NUMSUB', channel)) as [string, number];
    return reply[1];
  }

  /** The CLIENT LIST lines of pub/sub clients. */
  async function pubsubClients(): Promise<string[]> {
    return String(await admin.run('CLIENT', 'LIST', 'TYPE', 'pubsub'))
      .split('\n')
      .filter((l) => l !== '');
  }

  /** Opens an ioredis client of major 5 (RESP2) or 6 (RESP3) that afterEach closes. */
  async function ioredis(major: 5 | 6, options: { retryStrategy?: () => number | null } = {}): Promise<IoClient> {
    const all = { host: '127.0.0.1', port: server.port, lazyConnect: true, ...options };
    const client = major === 5 ? new IoRedis5(all) : new IoRedis6(all);
    client.on('error', () => {});
    cleanups.push(() => client.disconnect());
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    server = await target.start();
    admin = await RespClient.connect(server.port);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await waitFor(async () => (await pubsubClients()).length === 0, { message: 'subscribers gone' });
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  describe('redis-cli subscriber process', () => {
    /** Starts `redis-cli -p PORT args…` in the background; afterEach kills it. */
    function startCli(args: readonly string[]): { child: ChildProcess; stdout: () => string; exited: Promise<void> } {
      const child = spawn('redis-cli', ['-p', String(server.port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      });
      return { child, stdout: () => out, exited };
    }

    it('SUBSCRIBE prints each message as raw lines and leaves when killed', async () => {
      const cli = startCli(['SUBSCRIBE', 'ch']);
      await waitFor(async () => (await numsub('ch')) === 1, { message: 'redis-cli subscribed' });
      expect(await admin.run('PUBLISH', 'ch', 'hello')).toBe(1);
      expect(await admin.run('PUBLISH', 'other', 'ignored')).toBe(0);
      expect(await admin.run('PUBLISH', 'ch', 'two words')).toBe(1);
      expect(await admin.run('PUBLISH', 'ch', '')).toBe(1);
      const expected = 'subscribe\nch\n1\nmessage\nch\nhello\nmessage\nch\ntwo words\nmessage\nch\n\n';
      await waitFor(() => cli.stdout() === expected, { message: `redis-cli output: ${JSON.stringify(cli.stdout())}` });
      expect((await pubsubClients())[0]).toMatch(/ flags=P .* sub=1 psub=0 ssub=0 .* cmd=subscribe /);
      cli.child.kill('SIGTERM');
      await cli.exited;
      await waitFor(async () => (await numsub('ch')) === 0, { message: 'server saw redis-cli go' });
      expect(await pubsubClients()).toEqual([]);
      expect(await admin.run('PUBLISH', 'ch', 'nobody')).toBe(0);
    });

    it('PSUBSCRIBE --no-raw prints "Reading messages..." and formatted pmessages', async () => {
      const cli = startCli(['--no-raw', 'PSUBSCRIBE', 'n*', 'x?']);
      await waitFor(async () => (await admin.run('PUBSUB', 'NUMPAT')) === 2, { message: 'redis-cli subscribed' });
      expect(await admin.run('PUBLISH', 'news', 'a b')).toBe(1);
      expect(await admin.run('PUBLISH', 'xy', '1')).toBe(1);
      expect(await admin.run('PUBLISH', 'xyz', '2')).toBe(0);
      const expected =
        'Reading messages... (press Ctrl-C to quit)\n' +
        '1) "psubscribe"\n2) "n*"\n3) (integer) 1\n' +
        '1) "psubscribe"\n2) "x?"\n3) (integer) 2\n' +
        '1) "pmessage"\n2) "n*"\n3) "news"\n4) "a b"\n' +
        '1) "pmessage"\n2) "x?"\n3) "xy"\n4) "1"\n';
      await waitFor(() => cli.stdout() === expected, { message: `redis-cli output: ${JSON.stringify(cli.stdout())}` });
      cli.child.kill('SIGTERM');
      await cli.exited;
      await waitFor(async () => (await admin.run('PUBSUB', 'NUMPAT')) === 0, { message: 'server saw redis-cli go' });
    });
  });

  describe.each([
    { name: 'ioredis 5', major: 5, resp: 2 },
    { name: 'ioredis 6 (RESP3)', major: 6, resp: 3 },
  ] as const)('$name subscriber', ({ major, resp }) => {
    it('subscribes, psubscribes, gets message and pmessage events, unsubscribes', async () => {
      const sub = await ioredis(major);
      const pub = await ioredis(major);
      const got: string[] = [];
      sub.on('message', (channel: string, message: string) => got.push(`message ${channel} ${message}`));
      sub.on('pmessage', (pattern: string, channel: string, message: string) =>
        got.push(`pmessage ${pattern} ${channel} ${message}`),
      );
      expect(await sub.subscribe('io:a', 'io:b')).toBe(2);
      expect(await sub.psubscribe('io:*')).toBe(3);
      expect(await pub.publish('io:a', 'one')).toBe(2);
      expect(await pub.publish('io:c', 'two')).toBe(1);
      await waitFor(() => got.length === 3, { message: 'three deliveries' });
      expect(got).toEqual(['message io:a one', 'pmessage io:* io:a one', 'pmessage io:* io:c two']);

      expect(await sub.unsubscribe('io:a')).toBe(2);
      // (ioredis resolves an argument-less PUNSUBSCRIBE only once no subscription is left: name the pattern.)
      expect(await sub.punsubscribe('io:*')).toBe(1);
      expect(await pub.publish('io:a', 'three')).toBe(0);
      expect(await pub.publish('io:b', 'four')).toBe(1);
      await waitFor(() => got.length === 4, { message: 'fourth delivery' });
      expect(got[3]).toBe('message io:b four');

      if (resp === 3) {
        // RESP3 lets a subscribed connection run any command; pushes and replies do not mix up.
        expect(await sub.set('io:k', 'v')).toBe('OK');
        const [, reply] = await Promise.all([pub.publish('io:b', 'five'), sub.get('io:k')]);
        expect(reply).toBe('v');
        await waitFor(() => got.length === 5, { message: 'fifth delivery' });
        expect(got[4]).toBe('message io:b five');
      } else {
        await expect(sub.get('io:k')).rejects.toThrow(
          'Connection in subscriber mode, only subscriber commands may be used',
        );
        expect(await sub.ping()).toEqual(['pong', '']);
      }
      expect(await sub.unsubscribe()).toBe(0);
      expect(await sub.set('io:k', 'w')).toBe('OK');
      expect(await pub.publish('io:b', 'gone')).toBe(0);
    });

    it('ssubscribes to shard channels and gets smessage events', async () => {
      const sub = await ioredis(major);
      const pub = await ioredis(major);
      const got: string[] = [];
      sub.on('smessage', (channel: string, message: string) => got.push(`${channel} ${message}`));
      expect(await sub.ssubscribe('sh:a', 'sh:b')).toBe(2);
      expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 'sh:a', 'sh:x')).toEqual(['sh:a', 1, 'sh:x', 0]);
      expect(await pub.spublish('sh:a', 'one')).toBe(1);
      // Shard channels and plain channels are separate namespaces.
      expect(await pub.publish('sh:a', 'plain')).toBe(0);
      expect(await pub.spublish('sh:b', 'two')).toBe(1);
      await waitFor(() => got.length === 2, { message: 'two smessages' });
      expect(got).toEqual(['sh:a one', 'sh:b two']);
      expect(await sub.sunsubscribe('sh:a')).toBe(1);
      expect(await pub.spublish('sh:a', 'gone')).toBe(0);
    });
  });

  describe.each([
    { name: 'node-redis 4', major: 4, resp: 2 },
    { name: 'node-redis 5', major: 5, resp: 2 },
    { name: 'node-redis 5 RESP3', major: 5, resp: 3 },
  ] as const)('$name subscriber', ({ major, resp }) => {
    type Client = ReturnType<typeof createClient4>;

    /** A connected client and its duplicate() subscriber, closed by afterEach. */
    async function pair(): Promise<{ client: Client; sub: Client }> {
      const socket = { host: '127.0.0.1', port: server.port, reconnectStrategy: false as const };
      const client = (major === 4 ? createClient4({ socket }) : createClient5({ socket, RESP: resp })) as Client;
      const sub = client.duplicate();
      for (const c of [client, sub]) {
        c.on('error', () => {});
        cleanups.push(() =>
          major === 4 ? c.disconnect() : (c as unknown as ReturnType<typeof createClient5>).destroy(),
        );
      }
      await client.connect();
      await sub.connect();
      return { client, sub };
    }

    it('subscribe(channel, listener), pSubscribe, unsubscribe', async () => {
      const { client, sub } = await pair();
      const got: string[] = [];
      await sub.subscribe('nr:a', (message, channel) => got.push(`${channel} ${message}`));
      await sub.pSubscribe('nr:*', (message, channel) => got.push(`p ${channel} ${message}`));
      expect(await client.publish('nr:a', 'one')).toBe(2);
      expect(await client.publish('nr:b', 'two')).toBe(1);
      await waitFor(() => got.length === 3, { message: 'three deliveries' });
      expect(got).toEqual(['nr:a one', 'p nr:a one', 'p nr:b two']);
      expect(await client.pubSubNumSub(['nr:a', 'nr:b'])).toEqual({ 'nr:a': 1, 'nr:b': 0 });
      expect(await client.pubSubNumPat()).toBe(1);
      expect(await client.pubSubChannels()).toEqual(['nr:a']);

      await sub.unsubscribe('nr:a');
      expect(await client.publish('nr:a', 'three')).toBe(1);
      await sub.pUnsubscribe('nr:*');
      expect(await client.publish('nr:a', 'four')).toBe(0);
      await waitFor(() => got.length === 4, { message: 'fourth delivery' });
      expect(got[3]).toBe('p nr:a three');
      expect(await numsub('nr:a')).toBe(0);
      expect(await pubsubClients()).toEqual([]);
    });

    it('sSubscribe to shard channels', async () => {
      const { client, sub } = await pair();
      const got: string[] = [];
      await sub.sSubscribe('nrs:a', (message, channel) => got.push(`${channel} ${message}`));
      expect(await client.sPublish('nrs:a', 'one')).toBe(1);
      await waitFor(() => got.length === 1, { message: 'smessage' });
      expect(got).toEqual(['nrs:a one']);
      expect(await client.pubSubShardChannels()).toEqual(['nrs:a']);
      await sub.sUnsubscribe('nrs:a');
      expect(await client.sPublish('nrs:a', 'two')).toBe(0);
    });
  });

  it('delivers keyspace notifications after CONFIG SET notify-keyspace-events KEA', async () => {
    const sub = await ioredis(5);
    const events: string[] = [];
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => events.push(`${channel} ${message}`));
    expect(await sub.psubscribe('__key*@0__:*')).toBe(1);
    try {
      expect(await admin.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA')).toBe('OK');
      expect(await admin.run('CONFIG', 'GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'AKE']);
      await admin.run('SET', 'k', 'v');
      await admin.run('EXPIRE', 'k', 100);
      await admin.run('PERSIST', 'k');
      await admin.run('DEL', 'k', 'missing');
      await admin.run('INCRBY', 'n', 5);
      await admin.run('RENAME', 'n', 'm');
      await admin.run('RPUSH', 'l', 'a');
      await admin.run('LPOP', 'l');
      await admin.run('SET', 't', 'v', 'PX', 30);
      await waitFor(() => events.includes('__keyevent@0__:expired t'), { message: 'expired event' });
      // Another database publishes on its own channels, which the pattern does not match.
      await admin.run('SELECT', 1);
      await admin.run('SET', 'other', 'v');
      await admin.run('SELECT', 0);
      await admin.run('SET', 'last', 'v');
      await waitFor(() => events.includes('__keyevent@0__:set last'), { message: 'last event' });
      const pairs = (key: string, event: string) => [
        `__keyspace@0__:${key} ${event}`,
        `__keyevent@0__:${event} ${key}`,
      ];
      expect(events).toEqual([
        ...pairs('k', 'set'),
        ...pairs('k', 'expire'),
        ...pairs('k', 'persist'),
        ...pairs('k', 'del'),
        ...pairs('n', 'incrby'),
        ...pairs('n', 'rename_from'),
        ...pairs('m', 'rename_to'),
        ...pairs('l', 'rpush'),
        ...pairs('l', 'lpop'),
        ...pairs('l', 'del'),
        ...pairs('t', 'set'),
        ...pairs('t', 'expire'),
        ...pairs('t', 'expired'),
        ...pairs('last', 'set'),
      ]);
      // Only keyevent notifications of the generic class.
      expect(await admin.run('CONFIG', 'SET', 'notify-keyspace-events', 'Eg')).toBe('OK');
      expect(await admin.run('CONFIG', 'GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'gE']);
      events.length = 0;
      await admin.run('SET', 'k2', 'v');
      await admin.run('DEL', 'k2');
      await waitFor(() => events.length === 1, { message: 'del event' });
      expect(events).toEqual(['__keyevent@0__:del k2']);
    } finally {
      await admin.run('CONFIG', 'SET', 'notify-keyspace-events', '');
      await admin.run('FLUSHALL');
    }
  });

  it('CLIENT KILL TYPE pubsub closes subscribers; ioredis reconnects and resubscribes', async () => {
    const reconnecting = await ioredis(5, { retryStrategy: () => 20 });
    const ending = await ioredis(6, { retryStrategy: () => null });
    const normal = await ioredis(5);
    const events: string[] = [];
    reconnecting.on('reconnecting', () => events.push('reconnecting'));
    ending.on('end', () => events.push('end'));
    const got: string[] = [];
    reconnecting.on('message', (channel: string, message: string) => got.push(`${channel} ${message}`));
    await reconnecting.subscribe('k:a');
    await ending.subscribe('k:a');
    expect(await numsub('k:a')).toBe(2);

    expect(await admin.run('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(2);
    await waitFor(() => events.includes('reconnecting') && events.includes('end'), {
      message: `reconnecting and end events, got ${events.join(',')}`,
    });
    expect(ending.status).toBe('end');
    // The normal client was spared; the reconnected one subscribed again by itself.
    expect(await normal.ping()).toBe('PONG');
    await waitFor(async () => (await numsub('k:a')) === 1 && reconnecting.status === 'ready', {
      message: 'resubscribed',
    });
    expect(await normal.publish('k:a', 'after')).toBe(1);
    await waitFor(() => got.length === 1, { message: 'message after reconnect' });
    expect(got).toEqual(['k:a after']);
    expect(await admin.run('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')).toBe(1);
    expect(await admin.run('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
  });

  it('answers PUBSUB introspection', async () => {
    const s1 = await RespClient.connect(server.port);
    const s2 = await RespClient.connect(server.port);
    const s3 = await RespClient.connect(server.port);
    cleanups.push(() => Promise.all([s1.close(), s2.close(), s3.close()]));
    expect(await s1.run('SUBSCRIBE', 'a', 'b')).toEqual(['subscribe', 'a', 1]);
    await s1.call('PING'); // the second confirmation
    expect(await s2.run('SUBSCRIBE', 'b')).toEqual(['subscribe', 'b', 1]);
    expect(await s2.run('PSUBSCRIBE', 'x*')).toEqual(['psubscribe', 'x*', 2]);
    expect(await s3.run('PSUBSCRIBE', 'x*')).toEqual(['psubscribe', 'x*', 1]);
    expect(await s3.run('SSUBSCRIBE', 'sh')).toEqual(['ssubscribe', 'sh', 1]);

    expect(((await admin.run('PUBSUB', 'CHANNELS')) as string[]).sort()).toEqual(['a', 'b']);
    expect(await admin.run('PUBSUB', 'CHANNELS', 'a*')).toEqual(['a']);
    expect(await admin.run('PUBSUB', 'CHANNELS', 'x*')).toEqual([]);
    expect(await admin.run('PUBSUB', 'NUMSUB', 'a', 'b', 'c')).toEqual(['a', 1, 'b', 2, 'c', 0]);
    expect(await admin.run('PUBSUB', 'NUMSUB')).toEqual([]);
    // NUMPAT counts distinct patterns, not subscriptions.
    expect(await admin.run('PUBSUB', 'NUMPAT')).toBe(1);
    expect(await admin.run('PUBSUB', 'SHARDCHANNELS')).toEqual(['sh']);
    expect(await admin.run('PUBSUB', 'SHARDCHANNELS', 'z*')).toEqual([]);
    expect(await admin.run('PUBSUB', 'SHARDNUMSUB', 'sh', 'a')).toEqual(['sh', 1, 'a', 0]);
    expect(await admin.run('PUBLISH', 'b', 'm')).toBe(2);
    expect(await admin.run('PUBLISH', 'xb', 'm')).toBe(2);

    const help = (await admin.run('PUBSUB', 'HELP')) as string[];
    expect(help[0]).toBe('PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    for (const sub of ['CHANNELS [<pattern>]', 'NUMPAT', 'NUMSUB [<channel> ...]', 'SHARDCHANNELS [<pattern>]'])
      expect(help).toContain(sub);
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    expect(await admin.run('PUBSUB', 'FOO')).toEqual({ error: "ERR unknown subcommand 'FOO'. Try PUBSUB HELP." });
    expect(await admin.run('PUBSUB', 'CHANNELS', 'a', 'b')).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
    });
    expect(await admin.run('PUBSUB', 'shardchannels', 'a', 'b')).toEqual({
      error: "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.",
    });
    expect(await admin.run('PUBSUB', 'NUMPAT', 'x')).toEqual({
      error: "ERR wrong number of arguments for 'pubsub|numpat' command",
    });
    expect(await admin.run('PUBLISH', 'a')).toEqual({ error: "ERR wrong number of arguments for 'publish' command" });
  });

  describe('wire framing of subscribed connections', () => {
    /** A raw connection over a plain socket, to compare the exact bytes a subscriber receives. */
    interface RawConnection {
      /** Writes `data` and resolves with the next `expected.length` bytes received. */
      send(data: string, expected: string): Promise<string>;
      /** Writes `data` and drops everything received up to and including `marker`. */
      skipPast(data: string, marker: string): Promise<void>;
    }

    /** Opens a raw connection that afterEach closes. */
    async function raw(): Promise<RawConnection> {
      const socket: Socket = netConnect(server.port, '127.0.0.1');
      await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      cleanups.push(async () => {
        socket.destroy();
        await closed;
      });
      let buffer = '';
      socket.on('data', (d: Buffer) => (buffer += d.toString('latin1')));
      return {
        async send(data, expected) {
          socket.write(data);
          await waitFor(() => buffer.length >= expected.length, { message: `reply to ${JSON.stringify(data)}` });
          const got = buffer.slice(0, expected.length);
          buffer = buffer.slice(expected.length);
          return got;
        },
        async skipPast(data, marker) {
          socket.write(data);
          await waitFor(() => buffer.includes(marker), { message: `${JSON.stringify(marker)} received` });
          buffer = buffer.slice(buffer.indexOf(marker) + marker.length);
        },
      };
    }

    const CONFINED =
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n";

    it('confines a RESP2 subscriber and answers PING with a pong array', async () => {
      const c = await raw();
      const io = async (data: string, expected: string) => expect(await c.send(data, expected)).toBe(expected);
      await io('SUBSCRIBE a\r\n', '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n');
      await io('PING\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      await io('PING hi\r\n', '*2\r\n$4\r\npong\r\n$2\r\nhi\r\n');
      await io('GET k\r\n', CONFINED);
      await io(
        'SPUBLISH s m\r\n',
        "-ERR Can't execute 'spublish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
      );
      await io('PSUBSCRIBE p*\r\n', '*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:2\r\n');
      await io('SSUBSCRIBE s\r\n', '*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n');
      await io('UNSUBSCRIBE\r\n', '*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n');
      await io('UNSUBSCRIBE\r\n', '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n');
      await io('PUNSUBSCRIBE nope\r\n', '*3\r\n$12\r\npunsubscribe\r\n$4\r\nnope\r\n:1\r\n');
      await io('PUNSUBSCRIBE\r\n', '*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n');
      // Still a subscriber through its shard channel.
      await io('GET k\r\n', CONFINED);
      await io('SUNSUBSCRIBE\r\n', '*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n');
      await io('GET k\r\n', '$-1\r\n');
      await io('SUBSCRIBE a\r\n', '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n');
      await io('RESET\r\n', '+RESET\r\n');
      await io('GET k\r\n', '$-1\r\n');
      await io(
        'MULTI\r\nSUBSCRIBE z\r\nEXEC\r\n',
        '+OK\r\n+QUEUED\r\n*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nz\r\n:1\r\n',
      );
      await io('QUIT\r\n', '+OK\r\n');
    });

    it('sends RESP3 push messages and runs normal commands in between', async () => {
      const c = await raw();
      const io = async (data: string, expected: string) => expect(await c.send(data, expected)).toBe(expected);
      await c.skipPast('HELLO 3\r\nECHO sync\r\n', '$4\r\nsync\r\n');
      await io(
        'SUBSCRIBE a b\r\n',
        '>3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n>3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n',
      );
      await io('PING\r\n', '+PONG\r\n');
      await io('GET k\r\n', '_\r\n');
      // Its own PUBLISH: the push comes before the reply.
      await io('PUBLISH a x\r\n', '>3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n:1\r\n');
      await io('PSUBSCRIBE c*\r\n', '>3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:3\r\n');
      await io('SSUBSCRIBE s\r\n', '>3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n');
      await io('PUBLISH cc 2\r\n', '>4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\ncc\r\n$1\r\n2\r\n:1\r\n');
      await io('SPUBLISH s 3\r\n', '>3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\n3\r\n:1\r\n');
      // A message from another client arrives between replies.
      expect(await admin.run('PUBLISH', 'b', 'from admin')).toBe(1);
      await io('', '>3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$10\r\nfrom admin\r\n');
      // Payloads are binary-safe.
      expect(await admin.run('PUBLISH', 'b', 'x\r\ny\xff\x00')).toBe(1);
      await io('', '>3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$6\r\nx\r\ny\xff\x00\r\n');
      await io(
        'UNSUBSCRIBE a b\r\n',
        '>3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n>3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n',
      );
      await io('PUNSUBSCRIBE\r\n', '>3\r\n$12\r\npunsubscribe\r\n$2\r\nc*\r\n:0\r\n');
      await io('PUNSUBSCRIBE\r\n', '>3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n');
      await io('RESET\r\n', '+RESET\r\n');
      // RESET went back to RESP2 and dropped the shard subscription.
      expect(await admin.run('PUBSUB', 'SHARDNUMSUB', 's')).toEqual(['s', 0]);
      await io('GET k\r\n', '$-1\r\n');
    });
  });
});
