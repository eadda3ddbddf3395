// The redirections a cluster node applies after the fact, on an in-process node in virtual time: clients blocked on
// keys are released with MOVED/CLUSTERDOWN by the cron once their slot leaves this node or the cluster goes down
// (clusterRedirectBlockedClientIfNeeded), and shard-channel subscribers of a slot the node's shard loses are
// unsubscribed with `sunsubscribe` (removeChannelsInSlot).

import { beforeEach, describe, expect, it } from 'vitest';
import { blockedClientRedirect } from '../../../src/cluster/blocked-redirect.js';
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import type { ClusterState } from '../../../src/cluster/cluster-state.js';
import { NodeFlag, SLOT_COUNT } from '../../../src/cluster/constants.js';
import { failoverReplaceYourMaster } from '../../../src/cluster/failover.js';
import { keyHashSlot } from '../../../src/cluster/key-slot.js';
import { updateSlotsConfigWith } from '../../../src/cluster/slot-config.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { NIL_ARRAY } from '../../../src/protocol/reply.js';
import { NodeHarness, type HarnessClient } from '../../helpers/node-harness.js';

const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
/** One serverCron period at the default hz 10, plus a margin. */
const CRON_MS = 110;

let h: NodeHarness;
let state: ClusterState;
let other: ClusterNode;

function setup(directives: [string, string[]][] = []): void {
  h = new NodeHarness({ directives: [['cluster-enabled', ['yes']], ...directives] });
  state = h.node.cluster!.state;
  state.myself.ip = '127.0.0.1';
  other = peer(B, '10.0.0.2', 7002);
  // Slots below 8192 are mine, the rest are B's.
  for (let slot = 0; slot < SLOT_COUNT; slot++) state.addSlot(slot, slot < 8192 ? state.myself : other);
  state.state = 'ok';
}

function peer(name: string, ip: string, port: number): ClusterNode {
  const n = new ClusterNode(name, NodeFlag.MASTER, 0);
  n.ip = ip;
  n.port = port;
  n.cport = port + 10000;
  state.addNode(n);
  return n;
}

/** A key (hash-tagged, so suffixes share its slot) in one of my slots or one of B's. */
function keyIn(owner: 'mine' | 'theirs', suffix = '', skip = 0): string {
  for (let i = 0, found = 0; ; i++) {
    const tag = `{t${i}}`;
    if (keyHashSlot(tag) < 8192 === (owner === 'mine') && found++ === skip) return `${tag}${suffix}`;
  }
}

/** A client blocked in BLPOP on `key` forever. */
function blockedOn(key: string): HarnessClient {
  const c = h.client();
  c.send(['BLPOP', key, '0']);
  expect(c.nextReply()).toBeUndefined();
  expect(h.node.blocking.isBlocked(c.session)).toBe(true);
  return c;
}

function next(c: HarnessClient): unknown {
  const r = c.nextReply();
  return r === undefined ? undefined : toPlain(r);
}

beforeEach(() => setup());

describe('clients blocked on keys (clusterRedirectBlockedClientIfNeeded)', () => {
  it('gets MOVED at the next cron tick when CLUSTER SETSLOT hands its slot to another master', () => {
    const k = keyIn('mine', 'list');
    const slot = keyHashSlot(k);
    const c = blockedOn(k);
    expect(h.run('CLUSTER', 'SETSLOT', slot, 'NODE', B)).toBe('OK');
    expect(next(c)).toBeUndefined(); // not before the cron looks
    h.advance(CRON_MS);
    expect(next(c)).toEqual({ error: `MOVED ${slot} 10.0.0.2:7002` });
    expect(h.node.blocking.size).toBe(0);
    // Counted like any error reply (errorstats), and the client reads its pipelined requests again.
    expect(h.node.stats.errorCodes.get('MOVED')).toBe(1);
    expect(c.run('PING')).toBe('PONG');
  });

  it('runs the requests pipelined behind the blocked command after the redirection', () => {
    const k = keyIn('mine', 'p');
    const c = h.client();
    c.send(['BLPOP', k, '0']);
    c.send(['ECHO', 'after']);
    h.run('CLUSTER', 'SETSLOT', keyHashSlot(k), 'NODE', B);
    h.advance(CRON_MS);
    expect(next(c)).toEqual({ error: `MOVED ${keyHashSlot(k)} 10.0.0.2:7002` });
    expect(next(c)).toBe('after');
  });

  it('gets CLUSTERDOWN The cluster is down when DELSLOTS leaves a slot uncovered (full coverage required)', () => {
    const k = keyIn('mine', 'd');
    const c = blockedOn(k);
    expect(h.run('CLUSTER', 'DELSLOTS', keyHashSlot(k))).toBe('OK');
    expect(state.state).toBe('fail');
    h.advance(CRON_MS);
    expect(next(c)).toEqual({ error: 'CLUSTERDOWN The cluster is down' });
  });

  it('gets CLUSTERDOWN Hash slot not served after DELSLOTS when full coverage is not required', () => {
    setup([['cluster-require-full-coverage', ['no']]]);
    const k = keyIn('mine', 'u');
    const c = blockedOn(k);
    expect(h.run('CLUSTER', 'DELSLOTS', keyHashSlot(k))).toBe('OK');
    expect(state.state).toBe('ok');
    h.advance(CRON_MS);
    expect(next(c)).toEqual({ error: 'CLUSTERDOWN Hash slot not served' });
  });

  it('gets CLUSTERDOWN The cluster is down when the cluster fails, even with reads allowed when down', () => {
    setup([['cluster-allow-reads-when-down', ['yes']]]);
    const list = blockedOn(keyIn('mine', 'l'));
    const zset = h.client();
    zset.send(['BZPOPMIN', keyIn('mine', 'z', 1), '0']);
    h.advance(CRON_MS);
    expect(next(list)).toBeUndefined();
    state.state = 'fail';
    h.advance(CRON_MS);
    expect(next(list)).toEqual({ error: 'CLUSTERDOWN The cluster is down' });
    expect(next(zset)).toEqual({ error: 'CLUSTERDOWN The cluster is down' });
  });

  it('stays blocked while it waits in a slot being imported, and is MOVED once the import is dropped', () => {
    const k = keyIn('theirs', 'i');
    const slot = keyHashSlot(k);
    expect(h.run('CLUSTER', 'SETSLOT', slot, 'IMPORTING', B)).toBe('OK');
    const c = h.client();
    expect(c.run('ASKING')).toBe('OK');
    c.send(['BLPOP', k, '0']);
    h.advance(CRON_MS * 5);
    expect(next(c)).toBeUndefined();
    expect(h.node.blocking.isBlocked(c.session)).toBe(true);
    expect(h.run('CLUSTER', 'SETSLOT', slot, 'STABLE')).toBe('OK');
    h.advance(CRON_MS);
    expect(next(c)).toEqual({ error: `MOVED ${slot} 10.0.0.2:7002` });
  });

  it('keeps a client whose slot stays mine, and one whose timeout fires first gets its timeout reply', () => {
    const stays = blockedOn(keyIn('mine', 's'));
    const timed = h.client();
    timed.send(['BLPOP', keyIn('mine', 't'), '0.05']);
    h.advance(CRON_MS * 3);
    expect(next(stays)).toBeUndefined();
    expect(next(timed)).toBeNull();
  });

  it('lets a READONLY replica keep a reader blocked on its master slot, but not a writer', () => {
    const me = state.myself;
    state.deleteNodeSlots(me);
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (state.slots[slot] === null) state.addSlot(slot, other);
    me.flags = (me.flags & ~NodeFlag.MASTER) | NodeFlag.SLAVE;
    me.master = other;
    other.addReplica(me);
    const k = keyIn('theirs', 'r');
    const cluster = h.node.cluster!;
    // Our blocking commands all write, so a reader (as XREAD BLOCK would be) is parked through the registry directly.
    const reader = h.client().session;
    reader.lastCommand = 'get';
    h.node.blocking.block(reader, {
      db: reader.db,
      keys: [k],
      deadline: 0,
      tryServe: () => null,
      timeoutReply: NIL_ARRAY,
    });
    const moved = { error: `MOVED ${keyHashSlot(k)} 10.0.0.2:7002` };
    expect(toPlain(blockedClientRedirect(cluster, reader)!)).toEqual(moved);
    reader.readOnly = true;
    expect(blockedClientRedirect(cluster, reader)).toBeNull();
    reader.lastCommand = 'blpop';
    expect(toPlain(blockedClientRedirect(cluster, reader)!)).toEqual(moved);
  });
});

describe('shard channels of a lost slot (removeChannelsInSlot)', () => {
  it('unsubscribes every subscriber of the slot on DELSLOTS, channels in byte order, counts after removal', () => {
    setup([['cluster-require-full-coverage', ['no']]]);
    const ch = (s: string) => keyIn('mine', s);
    const elsewhere = keyIn('mine', 'x', 1);
    const slot = keyHashSlot(ch(''));
    const a = h.client();
    for (const name of [ch('b'), elsewhere, ch('a')]) a.run('SSUBSCRIBE', name);
    const b = h.client();
    b.run('HELLO', '3');
    b.run('SSUBSCRIBE', ch('a'));
    expect(h.run('CLUSTER', 'DELSLOTS', slot)).toBe('OK');
    // Written once the slot change is complete.
    expect(next(a)).toBeUndefined();
    h.advance(0);
    expect(next(a)).toEqual(['sunsubscribe', ch('a'), 2]);
    expect(next(a)).toEqual(['sunsubscribe', ch('b'), 1]);
    expect(next(a)).toBeUndefined();
    const push = b.nextReply();
    expect(push?.t).toBe('push');
    expect(toPlain(push!)).toEqual(['sunsubscribe', ch('a'), 0]);
    expect([...a.session.shardChannels]).toEqual([elsewhere]);
    expect(b.session.subscribed).toBe(false);
    expect(h.run('PUBSUB', 'SHARDCHANNELS')).toEqual([elsewhere]);
    expect(h.node.pubsub.shardChannelsInSlot(slot)).toEqual([]);
  });

  it('sends the push before the reply to a RESP3 subscriber that runs the DELSLOTS itself', () => {
    setup([['cluster-require-full-coverage', ['no']]]);
    const name = keyIn('mine', 'self');
    const c = h.client();
    c.run('HELLO', '3');
    c.run('SSUBSCRIBE', name);
    expect(c.run('CLUSTER', 'DELSLOTS', keyHashSlot(name))).toEqual(['sunsubscribe', name, 0]);
    expect(next(c)).toBe('OK');
  });

  it('drops them on FLUSHSLOTS and on SETSLOT NODE to another master', () => {
    const first = keyIn('mine', 'f');
    const second = keyIn('mine', 'g', 1);
    const c = h.client();
    expect(c.run('SSUBSCRIBE', first)).toEqual(['ssubscribe', first, 1]);
    expect(c.run('SSUBSCRIBE', second)).toEqual(['ssubscribe', second, 2]);
    expect(h.run('CLUSTER', 'SETSLOT', keyHashSlot(first), 'NODE', B)).toBe('OK');
    h.advance(0);
    expect(next(c)).toEqual(['sunsubscribe', first, 1]);
    expect(h.run('CLUSTER', 'FLUSHSLOTS')).toBe('OK');
    h.advance(0);
    expect(next(c)).toEqual(['sunsubscribe', second, 0]);
    expect(c.session.subscribed).toBe(false);
  });

  it('drops them when another master wins the slot over the bus, without disturbing the state update', () => {
    const name = keyIn('mine', 'bus');
    const slot = keyHashSlot(name);
    const c = h.client();
    c.run('SSUBSCRIBE', name);
    const claim = new Uint8Array(SLOT_COUNT / 8);
    claim[slot >> 3] = 1 << (slot & 7);
    for (let s = 8192; s < SLOT_COUNT; s++) claim[s >> 3]! |= 1 << (s & 7);
    other.configEpoch = 5;
    updateSlotsConfigWith(h.node.cluster!, other, 5, claim);
    expect(state.slots[slot]).toBe(other);
    expect(state.state).toBe('ok');
    h.advance(0);
    expect(next(c)).toEqual(['sunsubscribe', name, 0]);
  });

  it("keeps them when a slot of another shard changes hands, drops them on a replica when its master's slot goes", () => {
    const theirs = keyIn('theirs', 'x');
    const slot = keyHashSlot(theirs);
    const sub = h.client();
    // Subscribed directly: SSUBSCRIBE itself would be MOVED to B.
    h.node.pubsub.subscribe(sub.session, theirs, 'shard');
    peer(C, '10.0.0.3', 7003);
    expect(h.run('CLUSTER', 'SETSLOT', slot, 'NODE', C)).toBe('OK');
    h.advance(0);
    expect(next(sub)).toBeUndefined();
    expect([...sub.session.shardChannels]).toEqual([theirs]);
    // Now I am a replica of C, which loses that slot: my shard loses it.
    const me = state.myself;
    state.deleteNodeSlots(me);
    me.flags = (me.flags & ~NodeFlag.MASTER) | NodeFlag.SLAVE;
    me.master = state.lookup(C)!;
    me.master.addReplica(me);
    state.deleteSlot(slot);
    h.advance(0);
    expect(next(sub)).toEqual(['sunsubscribe', theirs, 0]);
  });

  it('keeps them on a replica promoted by failover: its shard still serves the slots it takes over', () => {
    const theirs = keyIn('theirs', 'fo');
    const me = state.myself;
    state.deleteNodeSlots(me);
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (state.slots[slot] === null) state.addSlot(slot, other);
    me.flags = (me.flags & ~NodeFlag.MASTER) | NodeFlag.SLAVE;
    me.master = other;
    other.addReplica(me);
    const sub = h.client();
    expect(sub.run('SSUBSCRIBE', theirs)).toEqual(['ssubscribe', theirs, 1]);
    failoverReplaceYourMaster(h.node.cluster!);
    expect(state.slots[keyHashSlot(theirs)]).toBe(me);
    h.advance(0);
    expect(next(sub)).toBeUndefined();
    expect([...sub.session.shardChannels]).toEqual([theirs]);
  });
});
