// Cluster redirection on an in-process cluster node: the checks of getNodeByQuery in Redis's order, ASKING and
// READONLY, and transactions (a redirected command dooms MULTI; EXEC is judged over everything queued).

import { beforeEach, describe, expect, it } from 'vitest';
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import type { ClusterState } from '../../../src/cluster/cluster-state.js';
import { NodeFlag, SLOT_COUNT } from '../../../src/cluster/constants.js';
import { keyHashSlot } from '../../../src/cluster/key-slot.js';
import { NodeHarness, type HarnessClient } from '../../helpers/node-harness.js';

const B = 'b'.repeat(40);

let h: NodeHarness;
let state: ClusterState;
let other: ClusterNode;
let client: HarnessClient;

function setup(directives: [string, string[]][] = []): void {
  h = new NodeHarness({ directives: [['cluster-enabled', ['yes']], ...directives] });
  state = h.node.cluster!.state;
  state.myself.ip = '127.0.0.1';
  other = new ClusterNode(B, NodeFlag.MASTER, 0);
  other.ip = '10.0.0.2';
  other.port = 7002;
  other.cport = 17002;
  state.addNode(other);
  // Slots below 8192 are mine, the rest are B's; the state is ok until a test says otherwise.
  for (let slot = 0; slot < SLOT_COUNT; slot++) state.addSlot(slot, slot < 8192 ? state.myself : other);
  state.state = 'ok';
  client = h.client();
}

/** A key whose slot is mine (< 8192) or B's, with a hash tag so related keys share it. */
function keyIn(owner: 'mine' | 'theirs', suffix = ''): string {
  for (let i = 0; ; i++) {
    const tag = `{t${i}}`;
    const slot = keyHashSlot(tag);
    if (slot < 8192 === (owner === 'mine')) return `${tag}${suffix}`;
  }
}

beforeEach(() => setup());

describe('the order of getNodeByQuery checks', () => {
  it('answers CLUSTERDOWN Hash slot not served for an unassigned slot, before CROSSSLOT', () => {
    const k = keyIn('mine');
    state.deleteSlot(keyHashSlot(k));
    expect(client.run('MSET', k, '1', keyIn('theirs'), '2')).toEqual({ error: 'CLUSTERDOWN Hash slot not served' });
  });

  it('answers CROSSSLOT when keys hash to different slots, even both mine', () => {
    expect(client.run('MSET', keyIn('mine', 'x'), '1', 'zzz-other', '2')).toEqual({
      error: "CROSSSLOT Keys in request don't hash to the same slot",
    });
    expect(client.run('MSET', keyIn('mine', 'x'), '1', keyIn('mine', 'y'), '2')).toBe('OK');
    expect(client.run('RPOPLPUSH', keyIn('mine', 'l'), keyIn('mine', 'l'))).toBeNull();
  });

  it('answers CLUSTERDOWN when the state is fail, before MOVED', () => {
    state.state = 'fail';
    expect(client.run('GET', keyIn('theirs'))).toEqual({ error: 'CLUSTERDOWN The cluster is down' });
    expect(client.run('GET', keyIn('mine'))).toEqual({ error: 'CLUSTERDOWN The cluster is down' });
    // Commands without keys are never redirected.
    expect(client.run('PING')).toBe('PONG');
  });

  it('serves reads and refuses writes when down with cluster-allow-reads-when-down', () => {
    setup([['cluster-allow-reads-when-down', ['yes']]]);
    state.state = 'fail';
    expect(client.run('GET', keyIn('mine'))).toBeNull();
    expect(client.run('SET', keyIn('mine'), 'v')).toEqual({
      error: 'CLUSTERDOWN The cluster is down and only accepts read commands',
    });
    // Still MOVED for a read of someone else's slot.
    const theirs = keyIn('theirs');
    expect(client.run('GET', theirs)).toEqual({ error: `MOVED ${keyHashSlot(theirs)} 10.0.0.2:7002` });
  });

  it('lets sharded pub/sub through when down, unless cluster-allow-pubsubshard-when-down is no', () => {
    state.state = 'fail';
    expect(client.run('SPUBLISH', keyIn('mine'), 'hello')).toBe(0);
    setup([['cluster-allow-pubsubshard-when-down', ['no']]]);
    state.state = 'fail';
    expect(client.run('SPUBLISH', keyIn('mine'), 'hello')).toEqual({ error: 'CLUSTERDOWN The cluster is down' });
  });

  it("sends MOVED with B's endpoint for B's slots and serves mine", () => {
    const theirs = keyIn('theirs');
    expect(client.run('SET', theirs, 'v')).toEqual({ error: `MOVED ${keyHashSlot(theirs)} 10.0.0.2:7002` });
    expect(client.run('SET', keyIn('mine'), 'v')).toBe('OK');
  });
});

describe('a slot I am migrating', () => {
  it('serves keys I still hold, ASKs for missing ones, TRYAGAINs for a mix', () => {
    const k = keyIn('mine', 'k');
    const slot = keyHashSlot(k);
    state.migratingTo[slot] = other;
    const db = h.node.databases[0]!;
    db.set(k, 'here');
    expect(client.run('GET', k)).toBe('here');
    expect(client.run('GET', keyIn('mine', 'gone'))).toEqual({ error: `ASK ${slot} 10.0.0.2:7002` });
    expect(client.run('MGET', k, keyIn('mine', 'gone'))).toEqual({
      error: 'TRYAGAIN Multiple keys request during rehashing of slot',
    });
  });

  it('serves a missing key itself when the slot is "migrating" to this very node', () => {
    const k = keyIn('mine', 'self');
    state.migratingTo[keyHashSlot(k)] = state.myself;
    expect(client.run('GET', k)).toBeNull();
  });

  it('counts an expired key as missing without deleting it', () => {
    const k = keyIn('mine', 'old');
    const slot = keyHashSlot(k);
    const db = h.node.databases[0]!;
    db.set(k, 'v');
    db.setExpiry(k, h.node.now() - 1);
    state.migratingTo[slot] = other;
    expect(client.run('GET', k)).toEqual({ error: `ASK ${slot} 10.0.0.2:7002` });
    expect(db.holds(k)).toBe(true);
  });
});

describe('a slot I am importing', () => {
  it('MOVEs without ASKING, serves once after ASKING, then MOVEs again', () => {
    const k = keyIn('theirs', 'k');
    const slot = keyHashSlot(k);
    state.importingFrom[slot] = other;
    const moved = { error: `MOVED ${slot} 10.0.0.2:7002` };
    expect(client.run('GET', k)).toEqual(moved);
    expect(client.run('ASKING')).toBe('OK');
    expect(client.session.asking).toBe(true);
    expect(client.run('GET', k)).toBeNull();
    expect(client.session.asking).toBe(false);
    expect(client.run('GET', k)).toEqual(moved);
  });

  it('TRYAGAINs a multi-key request with a missing key, even after ASKING', () => {
    const k1 = keyIn('theirs', '1');
    const k2 = keyIn('theirs', '2');
    state.importingFrom[keyHashSlot(k1)] = other;
    h.node.databases[0]!.set(k1, 'v');
    client.run('ASKING');
    expect(client.run('MGET', k1, k2)).toEqual({ error: 'TRYAGAIN Multiple keys request during rehashing of slot' });
    client.run('ASKING');
    expect(client.run('MGET', k1, k1)).toEqual(['v', 'v']);
  });

  it('serves RESTORE-ASKING (an asking command) without ASKING', () => {
    const k = keyIn('theirs', 'r');
    state.importingFrom[keyHashSlot(k)] = other;
    const reply = client.run('RESTORE-ASKING', k, '0', 'not-a-payload');
    expect(reply).toEqual({ error: 'ERR DUMP payload version or checksum are wrong' });
  });

  it('keeps ASKING across a MULTI until EXEC', () => {
    const k = keyIn('theirs', 'm');
    state.importingFrom[keyHashSlot(k)] = other;
    client.run('ASKING');
    expect(client.run('MULTI')).toBe('OK');
    expect(client.run('SET', k, 'v')).toBe('QUEUED');
    expect(client.session.asking).toBe(true);
    expect(client.run('EXEC')).toEqual(['OK']);
    expect(client.session.asking).toBe(false);
  });
});

describe('READONLY on a replica', () => {
  it("serves reads of my master's slots only in READONLY mode, never writes", () => {
    const me = state.myself;
    state.deleteNodeSlots(me);
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (state.slots[slot] === null) state.addSlot(slot, other);
    me.flags = (me.flags & ~NodeFlag.MASTER) | NodeFlag.SLAVE;
    me.master = other;
    other.addReplica(me);
    const k = keyIn('theirs');
    const moved = { error: `MOVED ${keyHashSlot(k)} 10.0.0.2:7002` };
    expect(client.run('GET', k)).toEqual(moved);
    expect(client.run('READONLY')).toBe('OK');
    expect(client.run('GET', k)).toBeNull();
    expect(client.run('SET', k, 'v')).toEqual(moved);
    expect(client.run('READWRITE')).toBe('OK');
    expect(client.run('GET', k)).toEqual(moved);
  });
});

describe('transactions', () => {
  it('a redirected command dooms the transaction', () => {
    expect(client.run('MULTI')).toBe('OK');
    expect(client.run('SET', keyIn('theirs'), 'v')).toMatchObject({ error: expect.stringMatching(/^MOVED /) });
    expect(client.run('SET', keyIn('mine'), 'v')).toBe('QUEUED');
    expect(client.run('EXEC')).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
  });

  it('EXEC is judged over all queued commands and discards the transaction when redirected', () => {
    expect(client.run('MULTI')).toBe('OK');
    expect(client.run('SET', keyIn('mine', 'a'), '1')).toBe('QUEUED');
    expect(client.run('SET', 'elsewhere-key', '2')).toBe('QUEUED');
    expect(client.run('EXEC')).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    expect(client.session.multi).toBeNull();
    expect(client.run('EXEC')).toEqual({ error: 'ERR EXEC without MULTI' });
    expect(h.node.databases[0]!.size).toBe(0);
  });
});
