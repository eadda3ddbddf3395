// Redirections a cluster node applies after the fact, redis-sim against real Redis 7.0.15 over TCP: two masters A and
// B of each kind run the same scenario, and every reply (node ports masked) must be the same. Clients blocked on keys
// are released with MOVED/CLUSTERDOWN once their slot leaves the node (clusterRedirectBlockedClientIfNeeded), and the
// shard-channel subscribers of a deleted slot get `sunsubscribe` in RESP2 and RESP3 (removeChannelsInSlot).

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../../src/cluster/key-slot.js';
import { ReplyParser } from '../../src/protocol/reply-parser.js';
import { toPlain } from '../../src/protocol/reply-text.js';
import type { Reply } from '../../src/protocol/reply.js';
import { maskReply, startClusterNodeOfKind } from '../helpers/cluster-node-kinds.js';
import { ClientPool, type RespClient, waitFor } from '../helpers/servers.js';

/** One node: its data port, bus port, id and a control connection. */
interface Member {
  port: number;
  busPort: number;
  id: string;
  ctl: RespClient;
}

/** One side of the comparison: masters A (slots 0-8191) and B (8192-16383). */
interface Pair {
  name: string;
  a: Member;
  b: Member;
}

const clients = new ClientPool();
const cleanups: (() => Promise<void>)[] = [];
let real: Pair;
let sim: Pair;

async function start(kind: 'real' | 'sim'): Promise<Member> {
  const { client, ...node } = await startClusterNodeOfKind(kind, clients, cleanups);
  return { ...node, ctl: client };
}

async function clusterInfo(m: Member, field: string): Promise<string> {
  const info = String(toPlain(await m.ctl.call('CLUSTER', 'INFO')));
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
}

async function waitOk(...members: Member[]): Promise<void> {
  for (const m of members)
    await waitFor(async () => (await clusterInfo(m, 'cluster_state')) === 'ok', {
      timeoutMs: 15_000,
      message: `cluster_state:ok on port ${m.port}`,
    });
}

async function waitBlocked(m: Member, count: number): Promise<void> {
  await waitFor(
    async () => String(toPlain(await m.ctl.call('INFO', 'clients'))).includes(`blocked_clients:${count}\r\n`),
    { message: `blocked_clients:${count} on port ${m.port}` },
  );
}

/** Forms the pair: MEET, both nodes see each other connected, slots split in two, state ok on both. */
async function formPair(name: string, a: Member, b: Member): Promise<Pair> {
  await a.ctl.call('CLUSTER', 'MEET', '127.0.0.1', b.port, b.busPort);
  const linked = async (m: Member, peer: Member) => {
    const nodes = String(toPlain(await m.ctl.call('CLUSTER', 'NODES')));
    const line = nodes.split('\n').find((l) => l.startsWith(peer.id));
    return line !== undefined && !line.includes('handshake') && / connected/.test(line);
  };
  await waitFor(async () => (await linked(a, b)) && (await linked(b, a)), { timeoutMs: 15_000, message: 'linked' });
  await a.ctl.call('CLUSTER', 'ADDSLOTSRANGE', 0, 8191);
  await b.ctl.call('CLUSTER', 'ADDSLOTSRANGE', 8192, 16383);
  await waitOk(a, b);
  return { name, a, b };
}

beforeAll(async () => {
  const [ra, rb, sa, sb] = await Promise.all([start('real'), start('real'), start('sim'), start('sim')]);
  [real, sim] = await Promise.all([formPair('real', ra, rb), formPair('sim', sa, sb)]);
}, 60_000);

afterAll(async () => {
  await clients.closeAll();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A reply with the pair's ports and ids replaced by placeholders, keeping its RESP type. */
function masked(reply: Reply, p: Pair): unknown {
  return maskReply(reply, [
    [p.a.id, '<A-id>'],
    [p.b.id, '<B-id>'],
    [`:${p.a.port}`, ':<A>'],
    [`:${p.b.port}`, ':<B>'],
  ]);
}

/**
 * A connection that keeps every reply it receives, requested or not, in arrival order: pushes can arrive before
 * anyone asks for them (the shared RespClient hands each reply to a waiting caller).
 */
class Subscriber {
  private readonly parser = new ReplyParser();
  private readonly received: Reply[] = [];
  private readonly waiters: ((r: Reply) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.parser.push(chunk);
      for (let r = this.parser.next(); r !== undefined; r = this.parser.next()) {
        const waiter = this.waiters.shift();
        if (waiter !== undefined) waiter(r);
        else this.received.push(r);
      }
    });
    socket.on('error', () => {});
  }

  /** Connects to a node; closed with the other clients after the tests. */
  static async open(port: number): Promise<Subscriber> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const s = new Subscriber(socket);
    cleanups.push(async () => {
      socket.destroy();
      await new Promise<void>((r) => (socket.closed ? r() : socket.once('close', () => r())));
    });
    return s;
  }

  /** Sends a command (replies are read with next). */
  send(...args: (string | number)[]): void {
    const parts = [`*${args.length}\r\n`];
    for (const a of args.map(String)) parts.push(`$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`);
    this.socket.write(Buffer.from(parts.join(''), 'latin1'));
  }

  /** Sends a command and returns the next reply. */
  call(...args: (string | number)[]): Promise<Reply> {
    this.send(...args);
    return this.next();
  }

  /** The next reply received, whether a command's or a push. */
  next(): Promise<Reply> {
    const r = this.received.shift();
    return r !== undefined ? Promise.resolve(r) : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** Runs a scenario on both pairs at once and expects the same masked transcript; returns real Redis's. */
async function same(scenario: (p: Pair) => Promise<Reply[]>): Promise<unknown[]> {
  const [r, s] = await Promise.all([scenario(real), scenario(sim)]);
  const expected = r.map((x) => masked(x, real));
  expect(s.map((x) => masked(x, sim))).toEqual(expected);
  return expected;
}

/** A key (hash tag `{prefix<n>}`) whose slot is in [lo, hi], skipping `skip` earlier matches. */
function keyBetween(lo: number, hi: number, prefix: string, skip = 0): string {
  for (let i = 0, found = 0; ; i++) {
    const tag = `{${prefix}${i}}`;
    const slot = keyHashSlot(tag);
    if (slot >= lo && slot <= hi && found++ === skip) return tag;
  }
}

const err = (s: string) => ({ t: 'error', s });

describe('clients blocked on keys', () => {
  it('get CLUSTERDOWN The cluster is down when DELSLOTS uncovers their slot', async () => {
    const key = keyBetween(0, 8191, 'd');
    const slot = keyHashSlot(key);
    const transcript = await same(async (p) => {
      const blocker = await clients.connect(p.a);
      const pending = blocker.call('BLPOP', key, 0);
      await waitBlocked(p.a, 1);
      const ok = await p.a.ctl.call('CLUSTER', 'DELSLOTS', slot);
      const released = await pending;
      const after = await blocker.call('PING');
      await p.a.ctl.call('CLUSTER', 'ADDSLOTS', slot);
      await waitOk(p.a);
      return [ok, released, after];
    });
    expect(transcript[1]).toEqual(err('CLUSTERDOWN The cluster is down'));
  });

  it('get CLUSTERDOWN Hash slot not served when full coverage is not required', async () => {
    const key = keyBetween(0, 8191, 'u');
    const slot = keyHashSlot(key);
    const transcript = await same(async (p) => {
      await p.a.ctl.call('CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
      const blocker = await clients.connect(p.a);
      const pending = blocker.call('BZPOPMIN', key, 0);
      await waitBlocked(p.a, 1);
      const ok = await p.a.ctl.call('CLUSTER', 'DELSLOTS', slot);
      const released = await pending;
      await p.a.ctl.call('CLUSTER', 'ADDSLOTS', slot);
      await p.a.ctl.call('CONFIG', 'SET', 'cluster-require-full-coverage', 'yes');
      await waitOk(p.a);
      return [ok, released];
    });
    expect(transcript[1]).toEqual(err('CLUSTERDOWN Hash slot not served'));
  });

  it('get MOVED to the new owner when SETSLOT NODE hands their slot over', async () => {
    const key = keyBetween(0, 8191, 'm');
    const slot = keyHashSlot(key);
    const transcript = await same(async (p) => {
      const blocker = await clients.connect(p.a);
      const pending = blocker.call('BLMOVE', key, `${key}:dst`, 'LEFT', 'RIGHT', 0);
      await waitBlocked(p.a, 1);
      const ok = await p.a.ctl.call('CLUSTER', 'SETSLOT', slot, 'NODE', p.b.id);
      return [ok, await pending];
    });
    expect(transcript[1]).toEqual(err(`MOVED ${slot} 127.0.0.1:<B>`));
  });

  it('stay blocked in a slot being imported (ASKING), and get MOVED once it is stable', async () => {
    const importing = keyBetween(0, 8191, 'i', 1);
    const own = keyBetween(8192, 16383, 'o');
    const transcript = await same(async (p) => {
      const replies: Reply[] = [];
      replies.push(await p.b.ctl.call('CLUSTER', 'SETSLOT', keyHashSlot(importing), 'IMPORTING', p.a.id));
      const asker = await clients.connect(p.b);
      replies.push(await asker.call('ASKING'));
      const askerPending = asker.call('BLPOP', importing, 0);
      const other = await clients.connect(p.b);
      const otherPending = other.call('BLPOP', own, 0);
      await waitBlocked(p.b, 2);
      // The cron that releases `other` has looked at `asker` too (all clients are visited when there are few).
      replies.push(await p.b.ctl.call('CLUSTER', 'SETSLOT', keyHashSlot(own), 'NODE', p.a.id));
      replies.push(await otherPending);
      await waitBlocked(p.b, 1);
      replies.push(await p.b.ctl.call('CLUSTER', 'SETSLOT', keyHashSlot(importing), 'STABLE'));
      replies.push(await askerPending);
      return replies;
    });
    expect(transcript[3]).toEqual(err(`MOVED ${keyHashSlot(own)} 127.0.0.1:<A>`));
    expect(transcript[5]).toEqual(err(`MOVED ${keyHashSlot(importing)} 127.0.0.1:<A>`));
  });
});

describe('shard channels of a deleted slot', () => {
  it('are unsubscribed with the same sunsubscribe notifications in RESP2 and RESP3', async () => {
    const tag = keyBetween(0, 8191, 's', 2);
    const slot = keyHashSlot(tag);
    const elsewhere = keyBetween(0, 8191, 'e', 3);
    const transcript = await same(async (p) => {
      const replies: Reply[] = [];
      await p.a.ctl.call('CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
      const resp2 = await Subscriber.open(p.a.port);
      // One slot per SSUBSCRIBE (CROSSSLOT otherwise); the slot's channels are subscribed to out of byte order.
      replies.push(await resp2.call('SSUBSCRIBE', `${tag}b`));
      replies.push(await resp2.call('SSUBSCRIBE', elsewhere));
      replies.push(await resp2.call('SSUBSCRIBE', `${tag}a`));
      const resp3 = await Subscriber.open(p.a.port);
      await resp3.call('HELLO', '3');
      replies.push(await resp3.call('SSUBSCRIBE', `${tag}a`));
      // A RESP3 subscriber may run the DELSLOTS itself: its notification comes before the reply.
      const runner = await Subscriber.open(p.a.port);
      await runner.call('HELLO', '3');
      replies.push(await runner.call('SSUBSCRIBE', `${tag}b`));
      replies.push(await runner.call('CLUSTER', 'DELSLOTS', slot));
      replies.push(await runner.next());
      replies.push(await resp2.next(), await resp2.next());
      replies.push(await resp3.next());
      replies.push(await p.a.ctl.call('PUBSUB', 'SHARDCHANNELS'));
      replies.push(await resp2.call('SUNSUBSCRIBE'));
      await p.a.ctl.call('CLUSTER', 'ADDSLOTS', slot);
      await p.a.ctl.call('CONFIG', 'SET', 'cluster-require-full-coverage', 'yes');
      await waitOk(p.a);
      return replies;
    });
    const push = (t: 'array' | 'push', channel: string, count: number) => ({
      t,
      items: [
        { t: 'bulk', s: 'sunsubscribe' },
        { t: 'bulk', s: channel },
        { t: 'int', n: count },
      ],
    });
    expect(transcript[5]).toEqual(push('push', `${tag}b`, 0));
    expect(transcript[6]).toEqual({ t: 'simple', s: 'OK' });
    expect(transcript[7]).toEqual(push('array', `${tag}a`, 2));
    expect(transcript[8]).toEqual(push('array', `${tag}b`, 1));
    expect(transcript[9]).toEqual(push('push', `${tag}a`, 0));
  });
});
