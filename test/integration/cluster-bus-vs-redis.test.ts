// The bus codec on the real wire, against real Redis 7.0.15 in cluster mode. The test plays one or two fake cluster
// nodes over TCP: it decodes what the real node sends (MEET, PING, PONG, PUBLISH) and checks its fields against what
// the real node reports about itself, re-encodes each received frame and compares the bytes, and sends our own
// encoded messages (MEET, PONG with HOSTNAME, PUBLISH, FAIL, UPDATE, MODULE, header-only types, a wrong version) and
// checks their effect through the real node's commands.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  decodeBusMessage,
  encodeBusMessage,
  isDecodeFailure,
  BUS_HEADER_LENGTH,
  HeaderOffset,
} from '../../src/cluster/bus-codec.js';
import { BusReader } from '../../src/cluster/bus-reader.js';
import {
  MessageFlag0,
  type BusHeader,
  type BusMessage,
  type GossipEntry,
  type PingMessage,
} from '../../src/cluster/bus-message.js';
import { MessageType } from '../../src/cluster/cluster-state.js';
import { NodeFlag, SLOT_BITMAP_BYTES } from '../../src/cluster/constants.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import { ClientPool, type ProcessServer, RespClient, startRealClusterRedis, waitFor } from '../helpers/servers.js';

/** One frame received from the real node, raw and decoded. */
interface Received {
  readonly raw: Buffer;
  readonly msg: BusMessage;
}

/** One TCP bus connection (either direction), framed and decoded. */
class BusConnection {
  readonly received: Received[] = [];
  readonly failures: string[] = [];
  private readonly reader = new BusReader();
  private readonly listeners: ((r: Received) => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.reader.push(chunk)) {
        if (event.kind === 'free') {
          this.failures.push(event.reason);
          socket.destroy();
          return;
        }
        const msg = decodeBusMessage(event.frame);
        if (isDecodeFailure(msg)) {
          this.failures.push(msg.failure);
          continue;
        }
        const received = { raw: event.frame, msg };
        this.received.push(received);
        for (const l of this.listeners) l(received);
      }
    });
  }

  /** Calls `listener` for every frame from now on. */
  onMessage(listener: (r: Received) => void): void {
    this.listeners.push(listener);
  }

  send(msg: BusMessage): void {
    this.socket.write(encodeBusMessage(msg));
  }

  /** Waits until a received frame matches `predicate`, and returns it. */
  async next(predicate: (m: BusMessage) => boolean, message: string, timeoutMs = 10_000): Promise<Received> {
    let found: Received | undefined;
    await waitFor(() => (found = this.received.find((r) => predicate(r.msg))) !== undefined, { timeoutMs, message });
    return found!;
  }
}

/** A fake cluster node: a name, a listener on its bus port, and automatic PONGs to every PING/MEET it gets. */
class FakeNode {
  readonly name = randomBytes(20).toString('hex');
  /** Connections the real node opened to our listener. */
  readonly connections: BusConnection[] = [];
  /** Connections we opened to the real node's bus port. */
  private readonly outbound: BusConnection[] = [];
  hostname: string | null = null;
  /** The slots we claim and our configEpoch, as our header says. */
  slots = new Uint8Array(SLOT_BITMAP_BYTES);
  configEpoch = 0;
  /** Gossip entries our PINGs and PONGs carry. */
  gossip: GossipEntry[] = [];
  /** When set, PINGs go unanswered (the node looks dead). */
  mute = false;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeNode> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const node = new FakeNode(server, typeof address === 'object' && address !== null ? address.port : 0);
    server.on('connection', (socket) => node.connections.push(node.attach(socket)));
    return node;
  }

  /** Wraps a socket (accepted or opened) and answers PING/MEET with PONG on it. */
  attach(socket: Socket): BusConnection {
    const conn = new BusConnection(socket);
    conn.onMessage(({ msg }) => {
      if (this.mute) return;
      if (msg.type === MessageType.PING || msg.type === MessageType.MEET) conn.send(this.ping(MessageType.PONG));
    });
    return conn;
  }

  /** Our header: a master with no slots, data port = bus port = our listener. */
  header(): BusHeader {
    return {
      port: this.port,
      cport: this.port,
      pport: 0,
      currentEpoch: 0,
      configEpoch: this.configEpoch,
      offset: 0,
      sender: this.name,
      myslots: this.slots,
      slaveof: null,
      myip: '',
      flags: NodeFlag.MASTER,
      state: 'ok',
      mflags: 0,
    };
  }

  ping(type: PingMessage['type']): PingMessage {
    return { ...this.header(), type, gossip: this.gossip, hostname: this.hostname };
  }

  /** Opens a connection to a bus port. */
  async connectTo(port: number): Promise<BusConnection> {
    const conn = this.attach(await connectBus(port));
    this.outbound.push(conn);
    return conn;
  }

  /** Waits for the real node's connection to our listener. */
  async inbound(): Promise<BusConnection> {
    await waitFor(() => this.connections.length > 0, { timeoutMs: 10_000, message: 'no bus connection from Redis' });
    return this.connections[0]!;
  }

  async stop(): Promise<void> {
    for (const c of [...this.connections, ...this.outbound]) c.socket.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A real Redis 7.0.15 in cluster mode with its bus on a free port. */
interface ClusterRedis {
  server: ProcessServer;
  busPort: number;
  client: RespClient;
  myid: string;
  cleanup(): Promise<void>;
}

const clients = new ClientPool();
const cleanups: (() => Promise<void>)[] = [];

async function startClusterRedis(extra: readonly string[] = []): Promise<ClusterRedis> {
  const server = await startRealClusterRedis(['--cluster-node-timeout', '2000', ...extra]);
  const client = await clients.connect(server);
  const myid = String(toPlain(await client.call('CLUSTER', 'MYID')));
  const result = { server, busPort: server.busPort, client, myid, cleanup: () => server.stop() };
  cleanups.push(() => result.cleanup());
  return result;
}

async function connectBus(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => {
    socket.once('connect', () => r());
    socket.once('error', j);
  });
  return socket;
}

/** CLUSTER NODES as lines, keyed by node id. */
async function clusterNodes(redis: ClusterRedis): Promise<Map<string, string>> {
  const text = String(toPlain(await redis.client.call('CLUSTER', 'NODES')));
  const lines = text.split('\n').filter((l) => l.length > 0);
  return new Map(lines.map((l) => [l.split(' ')[0]!, l]));
}

/** One CLUSTER INFO field. */
async function clusterInfo(redis: ClusterRedis, field: string): Promise<string | undefined> {
  const text = String(toPlain(await redis.client.call('CLUSTER', 'INFO')));
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1);
}

/** Asserts that re-encoding every decoded frame reproduces the received bytes exactly. */
function expectByteExact(received: readonly Received[]): void {
  expect(received.length).toBeGreaterThan(0);
  for (const { raw, msg } of received) expect(encodeBusMessage(msg).equals(raw)).toBe(true);
}

const fakes: FakeNode[] = [];
async function fakeNode(): Promise<FakeNode> {
  const node = await FakeNode.start();
  fakes.push(node);
  return node;
}

afterEach(async () => {
  await clients.closeAll();
  for (const f of fakes.splice(0)) await f.stop();
  for (const c of cleanups.splice(0)) await c();
});

afterAll(async () => {
  await clients.closeAll();
});

describe('the cluster bus against real Redis 7.0.15', () => {
  it('(a) answers our MEET with a PONG we decode exactly, then opens its own link and PINGs us', async () => {
    const redis = await startClusterRedis();
    const me = await fakeNode();
    const conn = await me.connectTo(redis.busPort);
    conn.send(me.ping(MessageType.MEET));

    const { msg: pong } = await conn.next((m) => m.type === MessageType.PONG, 'no PONG to our MEET');
    if (pong.type !== MessageType.PONG) throw new Error('unreachable');
    expect(pong.sender).toBe(redis.myid);
    expect(pong.flags).toBe(NodeFlag.MASTER | NodeFlag.MYSELF);
    expect(pong.port).toBe(redis.server.port);
    expect(pong.cport).toBe(redis.busPort);
    expect(pong.pport).toBe(0);
    expect(pong.slaveof).toBeNull();
    expect(pong.myip).toBe('');
    expect(pong.state).toBe('fail');
    expect(pong.currentEpoch).toBe(0);
    expect(pong.configEpoch).toBe(0);
    expect(pong.myslots.every((b) => b === 0)).toBe(true);
    // Only myself and us (in handshake) are known: nothing to gossip about.
    expect(pong.gossip).toEqual([]);
    expect(pong.hostname).toBeNull();
    expect(pong.mflags).toBe(0);
    expectByteExact(conn.received);

    // It learned us from the MEET: it connects to our bus port and PINGs (the handshake PING), which we answer.
    const inbound = await me.inbound();
    const { msg: ping } = await inbound.next((m) => m.type === MessageType.PING, 'no handshake PING');
    expect(ping.sender).toBe(redis.myid);
    // Our PONG completes the handshake: the node now knows us by name, at our ports.
    await waitFor(async () => (await clusterNodes(redis)).has(me.name), { message: 'handshake not completed' });
    const line = (await clusterNodes(redis)).get(me.name)!;
    expect(line).toMatch(new RegExp(`^${me.name} 127\\.0\\.0\\.1:${me.port}@${me.port} master - `));
    expectByteExact(inbound.received);
    expect([...conn.failures, ...inbound.failures]).toEqual([]);
  });

  it('(b) CLUSTER MEET: decodes its MEET, gossip about a second node, and our HOSTNAME extension is accepted', async () => {
    const redis = await startClusterRedis();
    const a = await fakeNode();
    const b = await fakeNode();
    a.hostname = 'fake-a.example.test';
    expect(toPlain(await redis.client.call('CLUSTER', 'MEET', '127.0.0.1', a.port, a.port))).toBe('OK');
    const inboundA = await a.inbound();
    const { raw, msg: meet } = await inboundA.next((m) => m.type === MessageType.MEET, 'no MEET');
    if (meet.type !== MessageType.MEET) throw new Error('unreachable');
    expect(raw.toString('latin1', 0, 4)).toBe('RCmb');
    expect(raw.readUInt32BE(HeaderOffset.totlen)).toBe(BUS_HEADER_LENGTH);
    expect(meet.sender).toBe(redis.myid);
    expect(meet.port).toBe(redis.server.port);
    expect(meet.cport).toBe(redis.busPort);
    expect(meet.flags).toBe(NodeFlag.MASTER | NodeFlag.MYSELF);
    expect(meet.gossip).toEqual([]);

    // Our PONG (with HOSTNAME) completes the handshake; CLUSTER NODES shows the hostname we sent.
    await waitFor(async () => (await clusterNodes(redis)).get(a.name)?.includes(',fake-a.example.test') === true, {
      message: 'hostname extension not applied',
    });

    // With a second node known and linked, PINGs to A carry a gossip entry about B.
    expect(toPlain(await redis.client.call('CLUSTER', 'MEET', '127.0.0.1', b.port, b.port))).toBe('OK');
    await waitFor(async () => (await clusterNodes(redis)).has(b.name), { message: 'B not known' });
    const { msg: gossiping } = await inboundA.next(
      (m) => m.type === MessageType.PING && m.gossip.some((g) => g.nodename === b.name),
      'no gossip about B',
      15_000,
    );
    if (gossiping.type !== MessageType.PING) throw new Error('unreachable');
    const entry = gossiping.gossip.find((g) => g.nodename === b.name)!;
    expect(entry.ip).toBe('127.0.0.1');
    expect(entry.port).toBe(b.port);
    expect(entry.cport).toBe(b.port);
    expect(entry.pport).toBe(0);
    expect(entry.flags & NodeFlag.MASTER).toBe(NodeFlag.MASTER);
    expect(entry.pongReceived).toBeGreaterThan(1_600_000_000);
    expect(Math.abs(entry.pongReceived - Date.now() / 1000)).toBeLessThan(30);
    expectByteExact(inboundA.received);
    expectByteExact((await b.inbound()).received);
    expect(inboundA.failures).toEqual([]);
  });

  it('sends the HOSTNAME extension when cluster-announce-hostname is set (8-byte aligned, EXT_DATA)', async () => {
    const hostname = 'redis-node-1.example.test';
    const redis = await startClusterRedis(['--cluster-announce-hostname', hostname]);
    const me = await fakeNode();
    const conn = await me.connectTo(redis.busPort);
    conn.send(me.ping(MessageType.MEET));
    const { raw, msg: pong } = await conn.next((m) => m.type === MessageType.PONG, 'no PONG');
    if (pong.type !== MessageType.PONG) throw new Error('unreachable');
    expect(pong.hostname).toBe(hostname);
    expect(pong.mflags & MessageFlag0.EXT_DATA).toBe(MessageFlag0.EXT_DATA);
    const extLength = 8 + Math.ceil((hostname.length + 1) / 8) * 8;
    expect(raw.length).toBe(BUS_HEADER_LENGTH + extLength);
    expect(raw.readUInt16BE(HeaderOffset.extensions)).toBe(1);
    expect(raw.readUInt32BE(BUS_HEADER_LENGTH)).toBe(extLength);
    expect(raw.readUInt16BE(BUS_HEADER_LENGTH + 4)).toBe(0);
    expectByteExact(conn.received);
  });

  it('PUBLISH both ways, FAIL, UPDATE, MODULE, header-only types, and a wrong version, as the real node sees them', async () => {
    const redis = await startClusterRedis();
    const a = await fakeNode();
    const b = await fakeNode();
    for (const f of [a, b]) {
      expect(toPlain(await redis.client.call('CLUSTER', 'MEET', '127.0.0.1', f.port, f.port))).toBe('OK');
      await waitFor(async () => (await clusterNodes(redis)).has(f.name), { message: 'handshake not completed' });
    }
    const linkA = await a.inbound();

    // Redis → us: PUBLISH on the real node is broadcast on the bus.
    const channel = 'news\x00\xff';
    const payload = 'hello \r\n\x00 world';
    expect(toPlain(await redis.client.call('PUBLISH', channel, payload))).toBe(0);
    const { raw: pubRaw, msg: pub } = await linkA.next((m) => m.type === MessageType.PUBLISH, 'no PUBLISH');
    if (pub.type !== MessageType.PUBLISH) throw new Error('unreachable');
    expect([pub.channel, pub.message]).toEqual([channel, payload]);
    expect(pubRaw.length).toBe(BUS_HEADER_LENGTH + 8 + channel.length + payload.length);

    // Us → Redis: our PUBLISH reaches its subscribers.
    const subscriber = await clients.connect(redis.server);
    await subscriber.call('SUBSCRIBE', 'from-bus');
    let delivered = '';
    subscriber.socket.on('data', (d: Buffer) => (delivered += d.toString('latin1')));
    linkA.send({ ...a.header(), type: MessageType.PUBLISH, channel: 'from-bus', message: 'x'.repeat(3000) });
    const expected = `*3\r\n$7\r\nmessage\r\n$8\r\nfrom-bus\r\n$3000\r\n${'x'.repeat(3000)}\r\n`;
    await waitFor(() => delivered === expected, { message: `PUBLISH not delivered: ${delivered.slice(0, 80)}` });

    // UPDATE: A tells the node that B serves slots 0-99 at configEpoch 7.
    const slots = new Uint8Array(SLOT_BITMAP_BYTES);
    for (let s = 0; s < 100; s++) slots[s >> 3]! |= 1 << (s & 7);
    linkA.send({ ...a.header(), type: MessageType.UPDATE, update: { configEpoch: 7, nodename: b.name, slots } });
    await waitFor(async () => / 0-99$/.test((await clusterNodes(redis)).get(b.name) ?? ''), {
      message: 'UPDATE not applied',
    });
    expect((await clusterNodes(redis)).get(b.name)).toContain(' 7 connected 0-99');

    // FAIL: A says B failed.
    linkA.send({ ...a.header(), type: MessageType.FAIL, failing: b.name });
    await waitFor(async () => / master,fail /.test((await clusterNodes(redis)).get(b.name) ?? ''), {
      message: 'FAIL not applied',
    });

    // MODULE and header-only types are counted as received.
    const before = async (name: string): Promise<number> =>
      Number((await clusterInfo(redis, `cluster_stats_messages_${name}_received`)) ?? 0);
    const [module0, mfstart0, authReq0] = [await before('module'), await before('mfstart'), await before('auth-req')];
    linkA.send({ ...a.header(), type: MessageType.MODULE, moduleId: 42n, moduleType: 3, payload: Buffer.from('abc') });
    linkA.send({ ...a.header(), type: MessageType.MFSTART });
    linkA.send({ ...a.header(), type: MessageType.FAILOVER_AUTH_REQUEST });
    await waitFor(
      async () =>
        (await before('module')) === module0 + 1 &&
        (await before('mfstart')) === mfstart0 + 1 &&
        (await before('auth-req')) === authReq0 + 1,
      { message: 'MODULE/MFSTART/AUTH_REQUEST not counted' },
    );

    // A wrong version is dropped after being counted: an UPDATE giving B more slots changes nothing.
    const update0 = await before('update');
    const more = slots.slice();
    more[20] = 0xff;
    const bad = encodeBusMessage({
      ...a.header(),
      type: MessageType.UPDATE,
      update: { configEpoch: 9, nodename: b.name, slots: more },
    });
    bad.writeUInt16BE(2, HeaderOffset.ver);
    linkA.socket.write(bad);
    await waitFor(async () => (await before('update')) === update0 + 1, { message: 'bad-version UPDATE not counted' });
    expect((await clusterNodes(redis)).get(b.name)).toContain(' 7 ');
    expect((await clusterNodes(redis)).get(b.name)).toMatch(/ 0-99$/);

    expectByteExact(linkA.received);
    expect(linkA.failures).toEqual([]);
  });

  it('decodes the UPDATE and FAIL messages the real node sends', async () => {
    const redis = await startClusterRedis();
    expect(toPlain(await redis.client.call('CLUSTER', 'ADDSLOTS', 0, 1, 2))).toBe('OK');
    expect(toPlain(await redis.client.call('CLUSTER', 'SET-CONFIG-EPOCH', 5))).toBe('OK');
    const a = await fakeNode();
    const b = await fakeNode();
    // A claims slot 0 with an older configEpoch: the real node answers with an UPDATE about itself.
    a.configEpoch = 1;
    a.slots[0] = 0x01;
    for (const f of [a, b]) {
      expect(toPlain(await redis.client.call('CLUSTER', 'MEET', '127.0.0.1', f.port, f.port))).toBe('OK');
      await waitFor(async () => (await clusterNodes(redis)).has(f.name), { message: 'handshake not completed' });
    }
    const linkA = await a.inbound();
    const { msg: update } = await linkA.next((m) => m.type === MessageType.UPDATE, 'no UPDATE');
    if (update.type !== MessageType.UPDATE) throw new Error('unreachable');
    expect(update.sender).toBe(redis.myid);
    expect(update.configEpoch).toBe(5);
    expect(update.update.nodename).toBe(redis.myid);
    expect(update.update.configEpoch).toBe(5);
    expect([...update.update.slots.subarray(0, 2)]).toEqual([0x07, 0]);
    expect(update.update.slots.subarray(1).every((x) => x === 0)).toBe(true);
    expect([...update.myslots.subarray(0, 2)]).toEqual([0x07, 0]);

    // B goes silent: once the real node flags it PFAIL, A's gossip reporting B as PFAIL reaches the quorum (one
    // master serves slots) and the node broadcasts FAIL about B.
    b.mute = true;
    a.gossip = [
      {
        nodename: b.name,
        pingSent: 0,
        pongReceived: 0,
        ip: '127.0.0.1',
        port: b.port,
        cport: b.port,
        flags: NodeFlag.MASTER | NodeFlag.PFAIL,
        pport: 0,
      },
    ];
    const { msg: fail } = await linkA.next((m) => m.type === MessageType.FAIL, 'no FAIL', 15_000);
    if (fail.type !== MessageType.FAIL) throw new Error('unreachable');
    expect(fail.failing).toBe(b.name);
    expect(fail.sender).toBe(redis.myid);
    expect((await clusterNodes(redis)).get(b.name)).toMatch(/ master,fail /);
    expectByteExact(linkA.received);
    expect(linkA.failures).toEqual([]);
  });
});
