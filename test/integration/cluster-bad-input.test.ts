// Bad input to a live cluster node, redis-sim against real Redis 7.0.15 side by side. Malformed bytes on the bus port
// (random bytes, a bad signature, a totlen under the header size, a truncated frame, a huge totlen, a wrong version,
// wrong lengths per type, unknown types, a seeded stream of random frames) must leave both nodes up, answering PING,
// with the same observable outcome: whether the link was freed, the PONGs it answered, and the
// cluster_stats_messages_*_received counters (clusterReadHandler / clusterProcessPacket). Malformed nodes.conf files
// must stop both servers at start with the same exit status and log line (clusterLoadConfig).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_HEADER_LENGTH, HeaderOffset, encodeBusMessage } from '../../src/cluster/bus-codec.js';
import { BusReader } from '../../src/cluster/bus-reader.js';
import { MessageFlag0, type BusHeader, type BusMessage } from '../../src/cluster/bus-message.js';
import { MESSAGE_TYPE_NAMES, MessageType } from '../../src/cluster/cluster-state.js';
import { NodeFlag, SLOT_BITMAP_BYTES } from '../../src/cluster/constants.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import {
  CLI_PATH,
  RespClient,
  freePort,
  startProcessServer,
  tempDir,
  waitFor,
  type ProcessServer,
} from '../helpers/servers.js';

/** Which implementation a target runs. */
type Kind = 'redis-server' | 'redis-sim';

/** One cluster-enabled server under test, with its bus port and a data-port client. */
interface Target {
  readonly kind: Kind;
  readonly server: ProcessServer;
  readonly busPort: number;
  readonly client: RespClient;
  readonly myid: string;
  stop(): Promise<void>;
}

/** What a scenario left behind on one target, compared between the two. */
interface Outcome {
  /** Whether the node closed our bus connection. */
  readonly closed: boolean;
  /** PONG frames it sent us on that connection. */
  readonly pongs: number;
  /** Frames it sent us that were not PONGs (type names). */
  readonly others: readonly string[];
  /** Growth of each cluster_stats_messages_*_received counter (zero growths left out). */
  readonly received: Readonly<Record<string, number>>;
  /** The data port answered PING afterwards. */
  readonly alive: boolean;
}

/**
 * Starts a cluster-enabled node (real or sim) with nodes.conf in its own directory. The bus is on a free port given
 * with `cluster-port`, or with `defaultBusPort` at the data port + 10000 (the data port is then picked below 55536).
 */
async function startTarget(kind: Kind, { defaultBusPort = false } = {}): Promise<Target> {
  const { dir, cleanup } = tempDir('redis-sim-badinput-');
  let port = await freePort();
  let busPort = await freePort();
  if (defaultBusPort) {
    for (port = 20_000 + Math.floor(Math.random() * 30_000); ; port++) {
      if ((await portFree(port)) && (await portFree(port + 10_000))) break;
    }
    busPort = port + 10_000;
  }
  const cluster = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];
  if (!defaultBusPort) cluster.push('--cluster-port', String(busPort));
  const [command, args] =
    kind === 'redis-server'
      ? ['redis-server', ['--save', '', '--appendonly', 'no', ...cluster]]
      : [process.execPath, [CLI_PATH, 'server', '--save', '', ...cluster]];
  let server: ProcessServer;
  try {
    server = await startProcessServer(command, args, { dir, port });
  } catch (e) {
    cleanup();
    throw e;
  }
  const client = await RespClient.connect(server.port);
  const myid = String(toPlain(await client.call('CLUSTER', 'MYID')));
  return {
    kind,
    server,
    busPort,
    client,
    myid,
    async stop() {
      await client.close();
      await server.stop();
      cleanup();
    },
  };
}

/** The cluster_stats_messages_<type>_received counters of CLUSTER INFO, by type name. */
async function receivedCounters(target: Target): Promise<Map<string, number>> {
  const text = String(toPlain(await target.client.call('CLUSTER', 'INFO')));
  const counters = new Map<string, number>();
  for (const line of text.split('\r\n')) {
    const m = /^cluster_stats_messages_(.+)_received:(\d+)$/.exec(line);
    if (m !== null) counters.set(m[1]!, Number(m[2]));
  }
  return counters;
}

/** Resolves true when PING on the data port answers PONG within a second (on a fresh connection). */
async function answersPing(port: number): Promise<boolean> {
  let client: RespClient | null = null;
  try {
    client = await RespClient.connect(port);
    const reply = await Promise.race([client.call('PING'), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
    return reply !== null && reply.t === 'simple' && reply.s === 'PONG';
  } catch {
    return false;
  } finally {
    await client?.close();
  }
}

/** Whether a loopback TCP port can be bound right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** Our side of one TCP connection to a bus port: raw bytes out, frames in, and whether the node closed it. */
class BusProbe {
  readonly frames: BusMessage['type'][] = [];
  /** Set when the node's bytes could not be framed (never expected). */
  garbled = false;
  closed = false;
  private readonly reader = new BusReader();

  private constructor(readonly socket: Socket) {
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.reader.push(chunk)) {
        if (event.kind === 'free') this.garbled = true;
        else this.frames.push(event.frame.readUInt16BE(HeaderOffset.type) as BusMessage['type']);
      }
    });
  }

  static async open(port: number): Promise<BusProbe> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => {
      socket.once('connect', () => r());
      socket.once('error', j);
    });
    return new BusProbe(socket);
  }

  write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  get pongs(): number {
    return this.frames.filter((t) => t === MessageType.PONG).length;
  }

  /** Closes our end and waits for the close. */
  async end(): Promise<void> {
    if (this.closed) return;
    this.socket.destroy();
    await waitFor(() => this.closed, { message: 'probe did not close' });
  }
}

/** Waits for `condition` up to `timeoutMs` and reports whether it held; the comparison that follows says why not. */
async function settle(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  try {
    await waitFor(condition, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}

/** A bus message type's name as CLUSTER INFO counters spell it (clusterGetMessageTypeString). */
function typeName(type: number): string {
  return MESSAGE_TYPE_NAMES[type] ?? String(type);
}

/** A scenario: bytes written to a fresh bus connection, and what tells that the node has dealt with them. */
interface Scenario {
  /** Writes the bad input (and any marker frames) to the probe. */
  send(probe: BusProbe): void | Promise<void>;
  /** `close`: Redis frees the link; `marker`: a last valid PING must be answered; `open`: the link stays open. */
  readonly ends: 'close' | 'marker' | 'open';
  /** Counter growth Redis shows once everything was processed (the wait condition; the comparison is separate). */
  readonly counted?: Readonly<Record<string, number>>;
  /** Closes our end after sending (the node must shrug it off). */
  readonly hangUp?: boolean;
  /** With `marker`: the PONGs Redis sends in all, the last answering the marker (default 1). */
  readonly awaitPongs?: number;
}

/** Runs a scenario on one target and returns what it observably did. */
async function observe(target: Target, scenario: Scenario): Promise<Outcome> {
  const before = await receivedCounters(target);
  const growth = async (): Promise<Record<string, number>> => {
    const after = await receivedCounters(target);
    const delta: Record<string, number> = {};
    for (const [name, value] of after)
      if (value !== (before.get(name) ?? 0)) delta[name] = value - (before.get(name) ?? 0);
    return delta;
  };
  const probe = await BusProbe.open(target.busPort);
  await scenario.send(probe);
  if (scenario.hangUp === true) await probe.end();
  if (scenario.ends === 'close') await settle(() => probe.closed);
  if (scenario.ends === 'marker') await settle(() => probe.pongs >= (scenario.awaitPongs ?? 1) || probe.closed);
  const counted = scenario.counted ?? {};
  await settle(async () => {
    const delta = await growth();
    return Object.entries(counted).every(([name, n]) => (delta[name] ?? 0) >= n);
  });
  // Replies to frames processed before the last one are already written; two round trips on the data port give
  // a close or a stray reply the time to arrive.
  for (let i = 0; i < 2; i++) await target.client.call('PING');
  const received = await growth();
  const outcome: Outcome = {
    closed: probe.closed,
    pongs: probe.pongs,
    others: probe.frames.filter((t) => t !== MessageType.PONG).map(typeName),
    received,
    alive: await answersPing(target.server.port),
  };
  expect(probe.garbled).toBe(false);
  await probe.end();
  return outcome;
}

// --- frames ---

/** The header of a master we pretend to be: unknown to the node, no slots. */
function header(name = 'f'.repeat(40)): BusHeader {
  return {
    port: 1,
    cport: 2,
    pport: 0,
    currentEpoch: 0,
    configEpoch: 0,
    offset: 0,
    sender: name,
    myslots: new Uint8Array(SLOT_BITMAP_BYTES),
    slaveof: null,
    myip: '',
    flags: NodeFlag.MASTER,
    state: 'ok',
    mflags: 0,
  };
}

function ping(name?: string): Buffer {
  return encodeBusMessage({ ...header(name), type: MessageType.PING, gossip: [], hostname: null });
}

/** A frame with its totlen field set to its size after `mutate`. */
function patched(frame: Buffer, mutate: (b: Buffer) => Buffer): Buffer {
  const out = mutate(Buffer.from(frame));
  out.writeUInt32BE(out.length, HeaderOffset.totlen);
  return out;
}

/** A deterministic byte generator (xorshift32), so every run sends the same "random" input. */
function randomSource(seed: number): (n: number) => Buffer {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/** A well-framed message of `type` whose body is random and whose totlen is `length` (the sender is random). */
function randomFrame(random: (n: number) => Buffer, type: number, length: number): Buffer {
  const frame = random(length);
  frame.write('RCmb', 0, 'latin1');
  frame.writeUInt32BE(length, HeaderOffset.totlen);
  frame.writeUInt16BE(1, HeaderOffset.ver);
  frame.writeUInt16BE(type, HeaderOffset.type);
  return frame;
}

// --- the targets ---

let real: Target;
let sim: Target;

beforeAll(async () => {
  [real, sim] = await Promise.all([startTarget('redis-server'), startTarget('redis-sim')]);
});

afterAll(async () => {
  await real?.stop();
  await sim?.stop();
});

/** Runs a scenario on both targets, checks Redis's outcome is `expected`, and that the sim's is the same. */
async function compare(scenario: Scenario, expected: Partial<Outcome>): Promise<void> {
  const realOutcome = await observe(real, scenario);
  expect(realOutcome).toMatchObject({ alive: true, ...expected });
  const simOutcome = await observe(sim, scenario);
  expect(simOutcome).toEqual(realOutcome);
}

describe('bad bytes on the cluster bus port, redis-sim against Redis 7.0.15', () => {
  it('random bytes: the link is freed, nothing is counted', async () => {
    const random = randomSource(7);
    const bytes = random(4096);
    bytes.write('XXXX', 0, 'latin1');
    await compare({ send: (p) => p.write(bytes), ends: 'close' }, { closed: true, pongs: 0, received: {} });
  });

  it('a valid PING from an unknown sender is answered with a PONG and counted (the control)', async () => {
    await compare(
      { send: (p) => p.write(ping()), ends: 'marker', counted: { ping: 1 } },
      {
        closed: false,
        pongs: 1,
        received: { ping: 1 },
      },
    );
  });

  it('a bad signature frees the link', async () => {
    const frame = ping();
    frame.write('RCmB', 0, 'latin1');
    await compare({ send: (p) => p.write(frame), ends: 'close' }, { closed: true, pongs: 0, received: {} });
  });

  it('a bad signature after a good frame: the good one is answered, then the link is freed', async () => {
    const bad = ping();
    bad.write('rCmb', 0, 'latin1');
    const scenario: Scenario = {
      async send(p) {
        p.write(ping());
        await settle(() => p.pongs >= 1);
        p.write(Buffer.concat([bad, ping()]));
      },
      ends: 'close',
      counted: { ping: 1 },
    };
    await compare(scenario, { closed: true, pongs: 1, received: { ping: 1 } });
  });

  it('totlen under the header size (0, 7, 9, 100, 2255) frees the link', async () => {
    for (const totlen of [0, 7, 9, 100, 2255]) {
      const frame = ping();
      frame.writeUInt32BE(totlen, HeaderOffset.totlen);
      await compare({ send: (p) => p.write(frame), ends: 'close' }, { closed: true, pongs: 0, received: {} });
    }
  });

  it('totlen 8 also ends with the link freed and the node up', async () => {
    // clusterReadHandler hands an 8-byte "frame" to clusterProcessPacket before its sanity check runs, and that
    // reads the type from receive-buffer bytes that were never filled (counting whatever it finds there); the next 8
    // bytes then fail the signature check. Only the freed link and the live node are comparable.
    const frame = ping();
    frame.writeUInt32BE(8, HeaderOffset.totlen);
    for (const target of [real, sim]) {
      const outcome = await observe(target, { send: (p) => p.write(frame), ends: 'close' });
      expect(outcome, target.kind).toMatchObject({ closed: true, pongs: 0, alive: true });
    }
  });

  it('fewer than 8 bytes, or a truncated frame, then our close: nothing is counted', async () => {
    for (const bytes of [Buffer.from('RCm'), ping().subarray(0, 1000), ping().subarray(0, BUS_HEADER_LENGTH - 1)]) {
      await compare({ send: (p) => p.write(bytes), ends: 'open', hangUp: true }, { pongs: 0, received: {} });
    }
  });

  it('a huge totlen: the node waits for the rest, the link stays open, nothing is counted', async () => {
    const frame = ping();
    frame.writeUInt32BE(0xffffffff, HeaderOffset.totlen);
    const random = randomSource(11);
    await compare(
      {
        send: (p) => {
          p.write(frame);
          for (let i = 0; i < 16; i++) p.write(random(65536));
        },
        ends: 'open',
      },
      { closed: false, pongs: 0, received: {} },
    );
  });

  it('a wrong version is counted and dropped: no PONG, and the link goes on', async () => {
    const bad = ping();
    bad.writeUInt16BE(2, HeaderOffset.ver);
    const zero = ping();
    zero.writeUInt16BE(0, HeaderOffset.ver);
    await compare(
      { send: (p) => p.write(Buffer.concat([bad, zero, ping()])), ends: 'marker', counted: { ping: 3 } },
      {
        closed: false,
        pongs: 1,
        received: { ping: 3 },
      },
    );
  });

  it('a PING whose gossip count or extensions disagree with totlen is counted and dropped', async () => {
    const frames = [
      // count 1, no gossip entry
      patched(ping(), (b) => {
        b.writeUInt16BE(1, HeaderOffset.count);
        return b;
      }),
      // 8 stray bytes after the header
      patched(ping(), (b) => Buffer.concat([b, Buffer.alloc(8)])),
      // EXT_DATA with one extension of length 12 (not a multiple of 8)
      patched(ping(), (b) => {
        const ext = Buffer.alloc(16);
        ext.writeUInt32BE(12, 0);
        b.writeUInt16BE(1, HeaderOffset.extensions);
        b[HeaderOffset.mflags] = MessageFlag0.EXT_DATA;
        return Buffer.concat([b, ext]);
      }),
      // EXT_DATA with an extension claiming more bytes than the frame has
      patched(ping(), (b) => {
        const ext = Buffer.alloc(16);
        ext.writeUInt32BE(64, 0);
        b.writeUInt16BE(1, HeaderOffset.extensions);
        b[HeaderOffset.mflags] = MessageFlag0.EXT_DATA;
        return Buffer.concat([b, ext]);
      }),
    ];
    await compare(
      {
        send: (p) => p.write(Buffer.concat([...frames, ping()])),
        ends: 'marker',
        counted: { ping: frames.length + 1 },
      },
      { closed: false, pongs: 1, received: { ping: frames.length + 1 } },
    );
  });

  it('FAIL, PUBLISH, UPDATE, MODULE and header-only types with wrong lengths are counted and dropped', async () => {
    const random = randomSource(23);
    const wrong = [
      randomFrame(random, MessageType.FAIL, BUS_HEADER_LENGTH),
      randomFrame(random, MessageType.FAIL, BUS_HEADER_LENGTH + 48),
      randomFrame(random, MessageType.UPDATE, BUS_HEADER_LENGTH + 100),
      randomFrame(random, MessageType.FAILOVER_AUTH_REQUEST, BUS_HEADER_LENGTH + 1),
      randomFrame(random, MessageType.FAILOVER_AUTH_ACK, BUS_HEADER_LENGTH + 8),
      randomFrame(random, MessageType.MFSTART, BUS_HEADER_LENGTH + 3),
    ];
    // PUBLISH and MODULE: lengths inside the body that do not add up to totlen.
    const publish = randomFrame(random, MessageType.PUBLISH, BUS_HEADER_LENGTH + 8 + 10);
    publish.writeUInt32BE(5, BUS_HEADER_LENGTH);
    publish.writeUInt32BE(6, BUS_HEADER_LENGTH + 4);
    const publishHuge = randomFrame(random, MessageType.PUBLISH, BUS_HEADER_LENGTH + 8 + 10);
    publishHuge.writeUInt32BE(0xfffffff0, BUS_HEADER_LENGTH);
    publishHuge.writeUInt32BE(0x20, BUS_HEADER_LENGTH + 4);
    const module = randomFrame(random, MessageType.MODULE, BUS_HEADER_LENGTH + 16 + 4);
    module.writeUInt32BE(9, BUS_HEADER_LENGTH + 10);
    wrong.push(publish, publishHuge, module);
    await compare(
      { send: (p) => p.write(Buffer.concat([...wrong, ping()])), ends: 'marker', counted: { ping: 1, module: 1 } },
      {
        closed: false,
        pongs: 1,
        others: [],
        received: { ping: 1, fail: 2, publish: 2, update: 1, 'auth-req': 1, 'auth-ack': 1, mfstart: 1, module: 1 },
      },
    );
  });

  it('unknown types are accepted as well-formed but not counted; the link goes on', async () => {
    const random = randomSource(31);
    const unknown = [
      randomFrame(random, 11, BUS_HEADER_LENGTH),
      randomFrame(random, 200, BUS_HEADER_LENGTH + 1),
      randomFrame(random, 0xffff, BUS_HEADER_LENGTH + 5000),
    ];
    await compare(
      { send: (p) => p.write(Buffer.concat([...unknown, ping()])), ends: 'marker', counted: { ping: 1 } },
      {
        closed: false,
        pongs: 1,
        received: { ping: 1 },
      },
    );
  });

  it('bytes split at every awkward boundary still frame the same', async () => {
    const stream = Buffer.concat([ping(), ping(), ping()]);
    const cuts = [1, 3, 4, 7, 8, 9, 2255, 2256, 2257, 4511, 4512, 4513];
    await compare(
      {
        async send(p) {
          let from = 0;
          for (const cut of cuts) {
            p.write(stream.subarray(from, cut));
            from = cut;
            await new Promise((r) => setImmediate(r));
          }
          p.write(stream.subarray(from));
        },
        ends: 'marker',
        counted: { ping: 3 },
        awaitPongs: 3,
      },
      { closed: false, pongs: 3, received: { ping: 3 } },
    );
  });

  it('a seeded stream of random well-framed messages (every known type but MEET) leaves both nodes up', async () => {
    const random = randomSource(2026);
    const types = [0, 1, 3, 4, 5, 6, 7, 8, 9, 10];
    const frames: Buffer[] = [];
    const expected: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const type = types[random(1)[0]! % types.length]!;
      const length = BUS_HEADER_LENGTH + (random(2).readUInt16BE(0) % 600);
      const frame = randomFrame(random, type, length);
      frames.push(frame);
      const name = typeName(type);
      expected[name] = (expected[name] ?? 0) + 1;
    }
    const counted = { ...expected, ping: (expected['ping'] ?? 0) + 1 };
    const scenario: Scenario = { send: (p) => p.write(Buffer.concat([...frames, ping()])), ends: 'marker', counted };
    const realOutcome = await observe(real, scenario);
    expect(realOutcome).toMatchObject({ alive: true, closed: false, received: counted });
    const simOutcome = await observe(sim, scenario);
    expect(simOutcome).toEqual(realOutcome);
  });
});

describe('the default bus port', () => {
  it('is the data port + 10000 in both, and a bad signature there frees the link', async () => {
    const targets = [
      await startTarget('redis-server', { defaultBusPort: true }),
      await startTarget('redis-sim', { defaultBusPort: true }),
    ];
    try {
      const frame = ping();
      frame.write('XCmb', 0, 'latin1');
      for (const target of targets) {
        expect(target.busPort).toBe(target.server.port + 10_000);
        const outcome = await observe(target, { send: (p) => p.write(frame), ends: 'close' });
        expect(outcome, target.kind).toEqual({ closed: true, pongs: 0, others: [], received: {}, alive: true });
      }
    } finally {
      for (const target of targets) await target.stop();
    }
  });
});

// --- a known sender: drops observable through their effects ---

/** A fake cluster node with a listener that answers PING/MEET with PONG, so the target can complete a handshake. */
class FakePeer {
  readonly name = 'a'.repeat(20) + 'b'.repeat(20);
  private readonly sockets: Socket[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakePeer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const peer = new FakePeer(server, typeof address === 'object' && address !== null ? address.port : 0);
    server.on('connection', (socket) => peer.answer(socket));
    return peer;
  }

  /** Answers every PING and MEET on `socket` with our PONG. */
  answer(socket: Socket): void {
    this.sockets.push(socket);
    const reader = new BusReader();
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const event of reader.push(chunk)) {
        if (event.kind !== 'frame') return;
        const type = event.frame.readUInt16BE(HeaderOffset.type);
        if (type === MessageType.PING || type === MessageType.MEET) socket.write(this.frame(MessageType.PONG));
      }
    });
  }

  frame(type: typeof MessageType.PING | typeof MessageType.PONG | typeof MessageType.MEET): Buffer {
    return encodeBusMessage({ ...this.header(), type, gossip: [], hostname: null });
  }

  header(): BusHeader {
    return { ...header(this.name), port: this.port, cport: this.port };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A PUBLISH from `peer` whose body lengths are right unless `tamper` changes the frame. */
function publishFrame(peer: FakePeer, channel: string, message: string, tamper?: (b: Buffer) => void): Buffer {
  const frame = encodeBusMessage({ ...peer.header(), type: MessageType.PUBLISH, channel, message });
  tamper?.(frame);
  return frame;
}

describe('bad frames from a known sender, redis-sim against Redis 7.0.15', () => {
  /** MEETs the target as `peer`, waits for the handshake, and returns what a subscriber got from bad and good PUBLISH. */
  async function publishes(target: Target): Promise<{ delivered: string; alive: boolean; closed: boolean }> {
    const peer = await FakePeer.start();
    const probe = await BusProbe.open(target.busPort);
    const subscriber = await RespClient.connect(target.server.port);
    try {
      probe.write(peer.frame(MessageType.MEET));
      await waitFor(async () => String(toPlain(await target.client.call('CLUSTER', 'NODES'))).includes(peer.name), {
        timeoutMs: 10_000,
        message: `${target.kind}: handshake with the fake peer not completed`,
      });
      await subscriber.call('SUBSCRIBE', 'ch');
      let delivered = '';
      subscriber.socket.on('data', (d: Buffer) => (delivered += d.toString('latin1')));
      const bad = [
        // channel_len one more than the bytes present
        publishFrame(peer, 'ch', 'bad-1', (b) => b.writeUInt32BE(3, BUS_HEADER_LENGTH)),
        // message_len one less
        publishFrame(peer, 'ch', 'bad-2', (b) => b.writeUInt32BE(4, BUS_HEADER_LENGTH + 4)),
        // a wrong version
        publishFrame(peer, 'ch', 'bad-3', (b) => b.writeUInt16BE(7, HeaderOffset.ver)),
        // totlen says one byte more than the lengths inside
        patched(publishFrame(peer, 'ch', 'bad-4'), (b) => Buffer.concat([b, Buffer.from('x')])),
      ];
      probe.write(Buffer.concat([...bad, publishFrame(peer, 'ch', 'good')]));
      // The subscriber's link delivers in order: bad messages, had they gone through, arrive before the good one.
      await settle(() => delivered.includes('good'));
      return { delivered, alive: await answersPing(target.server.port), closed: probe.closed };
    } finally {
      await subscriber.close();
      await probe.end();
      await peer.stop();
      // Forget the peer so that later tests see a single-node cluster again.
      await target.client.call('CLUSTER', 'FORGET', peer.name);
    }
  }

  it('a PUBLISH with wrong lengths or version is not delivered; the next good one is', async () => {
    const expected = { delivered: '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\ngood\r\n', alive: true, closed: false };
    expect(await publishes(real)).toEqual(expected);
    expect(await publishes(sim)).toEqual(expected);
  });
});

// --- malformed nodes.conf ---

/** How a server process that was asked to start ended. */
interface StartOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The log lines' messages (after "pid:role date time level "). */
  readonly messages: readonly string[];
  /** Everything printed on stdout and stderr. */
  readonly output: string;
}

/** Starts a cluster-enabled server on `nodesConf` and waits for it to exit (or kills it after it answers PING). */
async function startOn(kind: Kind, nodesConf: string): Promise<StartOutcome & { started: boolean }> {
  const { dir, cleanup } = tempDir('redis-sim-nodesconf-');
  try {
    writeFileSync(join(dir, 'nodes.conf'), nodesConf, 'latin1');
    const port = await freePort();
    const busPort = await freePort();
    const common = ['--port', String(port), '--dir', dir, '--save', '', '--cluster-enabled', 'yes'];
    const cluster = ['--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort)];
    const child =
      kind === 'redis-server'
        ? spawn('redis-server', [...common, '--appendonly', 'no', ...cluster], { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, [CLI_PATH, 'server', ...common, ...cluster], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    let started = false;
    let result: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    void exited.then((r) => (result = r));
    await waitFor(
      async () => {
        if (result !== null) return true;
        started = await answersPing(port);
        return started;
      },
      { timeoutMs: 15_000, message: `${kind} neither exited nor started` },
    );
    if (started) child.kill('SIGKILL');
    const ended = await exited;
    const messages = output
      .split('\n')
      .map((l) => /^\d+:[CMSX] \d\d \w{3} \d{4} [\d:.]+ [.\-*#] (.*)$/.exec(l)?.[1])
      .filter((m): m is string => m !== undefined);
    return { ...ended, messages, output, started };
  } finally {
    cleanup();
  }
}

const ID_A = '1'.repeat(40);
const ID_B = '2'.repeat(40);
const VARS = 'vars currentEpoch 0 lastVoteEpoch 0\n';

/** Malformed files every one of which Redis rejects with "corrupted cluster config file". */
const CORRUPTED: Readonly<Record<string, string>> = {
  'a garbage line': `${ID_A} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\nhello world\n${VARS}`,
  'no myself line': `${ID_A} 127.0.0.1:7000@17000 master - 0 0 0 connected 0-100\n${VARS}`,
  'a slot past 16383': `${ID_A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16384\n${VARS}`,
  'an importing slot past 16383': `${ID_A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected [16384-<-${ID_B}]\n${VARS}`,
  'a short node id': `abc 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n${VARS}`,
  'a node id with capitals': `${'A'.repeat(40)} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n${VARS}`,
  'a bad master id': `${ID_A} 127.0.0.1:7000@17000 myself,slave xyz 0 0 0 connected\n${VARS}`,
  'an address without a port': `${ID_A} 127.0.0.1 myself,master - 0 0 0 connected\n${VARS}`,
  'a vars line with a name and no value': `${ID_A} :7000@17000 myself,master - 0 0 0 connected\nvars currentEpoch\n`,
  'unbalanced quotes': `${ID_A} "127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n${VARS}`,
  'only a vars line': VARS,
};

describe('malformed nodes.conf, redis-sim against Redis 7.0.15', () => {
  it('a well-formed file loads in both (the control)', async () => {
    const conf = `${ID_A} 127.0.0.1:7000@17000 myself,master - 0 0 3 connected 0-99 [100->-${ID_B}]\n${ID_B} 127.0.0.1:7001@17001 master - 0 0 2 connected 200\nvars currentEpoch 5 lastVoteEpoch 0\n`;
    for (const kind of ['redis-server', 'redis-sim'] as const) {
      const outcome = await startOn(kind, conf);
      expect(outcome.started, `${kind}: ${outcome.messages.join(' | ')}`).toBe(true);
      expect(outcome.messages).toContain(`Node configuration loaded, I'm ${ID_A}`);
    }
  });

  for (const [what, conf] of Object.entries(CORRUPTED)) {
    it(`${what}: both exit 1 logging "Unrecoverable error: corrupted cluster config file."`, async () => {
      const [realOutcome, simOutcome] = await Promise.all([startOn('redis-server', conf), startOn('redis-sim', conf)]);
      const line = 'Unrecoverable error: corrupted cluster config file.';
      expect(realOutcome).toMatchObject({ started: false, code: 1, signal: null });
      expect(realOutcome.messages).toContain(line);
      expect({ started: simOutcome.started, code: simOutcome.code, signal: simOutcome.signal }).toEqual({
        started: false,
        code: 1,
        signal: null,
      });
      expect(simOutcome.messages).toContain(line);
      expect(simOutcome.messages.at(-1)).toBe(realOutcome.messages.at(-1));
      // Like Redis, nothing follows the log line: no redis-sim error line of our own.
      expect(simOutcome.output).not.toMatch(/^redis-sim:/m);
    });
  }

  it('an unknown flag: Redis panics with its message; redis-sim also stops with that message', async () => {
    const conf = `${ID_A} 127.0.0.1:7000@17000 myself,master,bogus - 0 0 0 connected\n${VARS}`;
    const [realOutcome, simOutcome] = await Promise.all([startOn('redis-server', conf), startOn('redis-sim', conf)]);
    expect(realOutcome.started).toBe(false);
    expect(realOutcome.messages.some((m) => m.includes('Unknown flag in redis cluster config file'))).toBe(true);
    expect(simOutcome.started).toBe(false);
    expect(simOutcome.code === 0).toBe(false);
    expect(simOutcome.messages.some((m) => m.includes('Unknown flag in redis cluster config file'))).toBe(true);
  });
});
