// The cluster engine in virtual time: nodes meet over the simulated bus, agree on one view, detect failures within
// node-timeout bounds, clear them, survive restarts through nodes.conf, forget nodes, resolve configEpoch collisions,
// update stale masters, and shrug off garbage on the bus. Determinism: the same seed gives the same event log.

import { describe, expect, it } from 'vitest';
import { ClusterConfigError, ClusterTodo, type Cluster } from '../../../src/cluster/cluster.js';
import type { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { encodeBusMessage } from '../../../src/cluster/bus-codec.js';
import { MessageType } from '../../../src/cluster/cluster-state.js';
import { NodeFlag, SLOT_COUNT } from '../../../src/cluster/constants.js';
import { toPlain } from '../../../src/protocol/reply-text.js';
import { Simulation } from '../../../src/sim/simulation.js';

const TIMEOUT = 2000;
const BASE_PORT = 7000;

/** Starts `count` cluster-mode nodes n<first>.. on ports 7000 + their number. */
function startNodes(sim: Simulation, count: number, extra: [string, string[]][] = [], first = 0): string[] {
  const names: string[] = [];
  for (let i = first; i < first + count; i++) {
    const name = `n${i}`;
    sim.addNode(name, [
      ['port', [String(BASE_PORT + i)]],
      ['cluster-enabled', ['yes']],
      ['cluster-node-timeout', [String(TIMEOUT)]],
      ...extra,
    ]);
    names.push(name);
  }
  return names;
}

function clusterOf(sim: Simulation, name: string): Cluster {
  const cluster = sim.node(name).node.cluster;
  if (cluster === null) throw new Error(`${name} is not in cluster mode`);
  return cluster;
}

/** Gives each master an even share of the slots, as ADDSLOTSRANGE would, and optionally a configEpoch. */
function assignSlots(sim: Simulation, masters: string[], epochs: boolean): void {
  const per = Math.ceil(SLOT_COUNT / masters.length);
  masters.forEach((name, i) => {
    const c = clusterOf(sim, name);
    for (let slot = i * per; slot < Math.min(SLOT_COUNT, (i + 1) * per); slot++) c.state.addSlot(slot, c.state.myself);
    // CLUSTER SET-CONFIG-EPOCH also raises currentEpoch.
    if (epochs) {
      c.state.myself.configEpoch = i + 1;
      c.state.currentEpoch = Math.max(c.state.currentEpoch, i + 1);
    }
    c.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
    c.beforeReply();
  });
}

/** CLUSTER MEET from the first node to every other one. */
function meetAll(sim: Simulation, names: string[]): void {
  const first = clusterOf(sim, names[0]!);
  for (const name of names.slice(1)) {
    const port = BASE_PORT + Number(name.slice(1));
    expect(first.startHandshake('127.0.0.1', port, port + 10000)).toBe(true);
  }
}

/** A node's view with the local-only parts (myself flag, ping times, link state) left out. */
function view(c: Cluster): string[] {
  return [...c.state.nodes.values()]
    .map((n) => {
      const flags = n.flags & ~(NodeFlag.MYSELF | NodeFlag.MIGRATE_TO);
      // The bitmap itself, hex-encoded: cheap enough to compare after every simulated event.
      const ranges = `${n.numSlots}:${Buffer.from(n.slots).toString('hex')}`;
      // CLUSTER NODES prints a replica's master's epoch (nodeEpoch).
      const epoch = n.isReplica && n.master !== null ? n.master.configEpoch : n.configEpoch;
      return `${n.name} ${n.ip}:${n.port}@${n.cport} ${flags} ${n.master?.name ?? '-'} ${epoch} ${ranges}`;
    })
    .sort();
}

function converged(sim: Simulation, names: string[], expectedNodes: number): boolean {
  if (names.some((n) => sim.node(n).state !== 'running')) return false;
  const clusters = names.map((n) => clusterOf(sim, n));
  const settled = clusters.every(
    (c) =>
      c.state.nodes.size === expectedNodes &&
      c.state.state === 'ok' &&
      [...c.state.nodes.values()].every((n) => (n.flags & (NodeFlag.HANDSHAKE | NodeFlag.PFAIL | NodeFlag.FAIL)) === 0),
  );
  if (!settled) return false;
  const first = JSON.stringify(view(clusters[0]!));
  return clusters.every((c) => JSON.stringify(view(c)) === first);
}

function nodeNamed(c: Cluster, name: string): ClusterNode {
  const n = c.state.lookup(name);
  if (n === undefined) throw new Error(`unknown node ${name}`);
  return n;
}

/** Three masters with distinct epochs, formed and converged. */
function formThreeMasters(seed: number): { sim: Simulation; names: string[] } {
  const sim = new Simulation({ seed });
  const names = startNodes(sim, 3);
  assignSlots(sim, names, true);
  meetAll(sim, names);
  sim.runUntil(() => converged(sim, names, 3), 30_000);
  return { sim, names };
}

describe('cluster engine: formation', () => {
  it('creates an identity and saves nodes.conf at first start', () => {
    const sim = new Simulation({ seed: 1 });
    startNodes(sim, 1);
    const c = clusterOf(sim, 'n0');
    expect(c.state.myself.name).toMatch(/^[0-9a-f]{40}$/);
    const conf = sim.node('n0').storage.read('nodes.conf')?.toString('latin1') ?? '';
    // Saved before the ports are known, exactly like Redis 7.0.15's first nodes.conf.
    expect(conf).toBe(
      `${c.state.myself.name} :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n`,
    );
    expect(c.state.myself.port).toBe(7000);
    expect(c.state.myself.cport).toBe(17000);
    expect(
      sim.eventLog.lines().some((l) => l.includes(`No cluster configuration found, I'm ${c.state.myself.name}`)),
    ).toBe(true);
  });

  it('three masters meet, agree on one view and reach cluster_state:ok', () => {
    const { sim, names } = formThreeMasters(11);
    for (const name of names) {
      const c = clusterOf(sim, name);
      expect(c.state.myself.ip).toBe('127.0.0.1');
      expect(c.state.size).toBe(3);
      expect(c.state.currentEpoch).toBe(3);
      expect(c.state.messagesSent[MessageType.PING]).toBeGreaterThan(0);
      expect(c.state.messagesReceived[MessageType.PONG]).toBeGreaterThan(0);
    }
    expect(clusterOf(sim, 'n1').state.messagesReceived[MessageType.MEET]).toBe(1);
    expect(sim.eventLog.lines().some((l) => l.includes('[n1] M # IP address for this node updated to 127.0.0.1'))).toBe(
      true,
    );
    expect(sim.eventLog.lines().some((l) => l.includes('Cluster state changed: ok'))).toBe(true);
  });

  it('a node that never answers the handshake is dropped after the handshake timeout', () => {
    const sim = new Simulation({ seed: 2 });
    startNodes(sim, 1);
    const c = clusterOf(sim, 'n0');
    expect(c.startHandshake('127.0.0.1', 7999, 17999)).toBe(true);
    expect(c.state.nodes.size).toBe(2);
    sim.runFor(TIMEOUT + 300);
    expect(c.state.nodes.size).toBe(1);
  });

  it('refuses invalid MEET addresses and normalizes valid ones', () => {
    const sim = new Simulation({ seed: 3 });
    startNodes(sim, 1);
    const c = clusterOf(sim, 'n0');
    expect(c.startHandshake('not-an-ip', 7001, 17001)).toBe(false);
    expect(c.startHandshake('127.0.0.01', 7001, 17001)).toBe(false);
    expect(c.startHandshake('127.0.0.1', 0, 17001)).toBe(false);
    expect(c.startHandshake('127.0.0.1', 7001, 65536)).toBe(false);
    expect(c.startHandshake('::FFFF:7F00:1', 7001, 17001)).toBe(true);
    const added = [...c.state.nodes.values()].find((n) => n.inHandshake);
    expect(added?.ip).toBe('::ffff:127.0.0.1');
    // The same handshake again is accepted but adds nothing.
    expect(c.startHandshake('::ffff:127.0.0.1', 7001, 17001)).toBe(true);
    expect(c.state.nodes.size).toBe(2);
  });

  it('same seed, same event log for a 6-node formation', () => {
    const run = (): string => {
      const sim = new Simulation({ seed: 42 });
      const names = startNodes(sim, 6);
      assignSlots(sim, names.slice(0, 3), true);
      meetAll(sim, names);
      sim.runUntil(() => converged(sim, names, 6), 30_000);
      sim.runFor(3000);
      return sim.eventLog.hash();
    };
    expect(run()).toBe(run());
  });
  it("a corrupted nodes.conf stops the start with Redis's message", () => {
    const sim = new Simulation({ seed: 59 });
    startNodes(sim, 1);
    sim.crash('n0');
    sim.node('n0').storage.writeAtomic('nodes.conf', Buffer.from('this is not a nodes.conf\n'));
    expect(() => sim.restart('n0')).toThrow(ClusterConfigError);
    expect(() => {
      const again = new Simulation({ seed: 59 });
      startNodes(again, 1);
      again.crash('n0');
      again.node('n0').storage.writeAtomic('nodes.conf', Buffer.from('garbage line\n'));
      again.restart('n0');
    }).toThrow('Unrecoverable error: corrupted cluster config file.');
  });
  it('a MEET to a port nobody listens on is retried, uncounted, until the node comes up', () => {
    const sim = new Simulation({ seed: 71 });
    startNodes(sim, 1);
    const c0 = clusterOf(sim, 'n0');
    expect(c0.startHandshake('127.0.0.1', BASE_PORT + 1, BASE_PORT + 1 + 10000)).toBe(true);
    sim.runFor(500);
    // Refused connections send nothing as far as Redis is concerned: no MEET counted, still a MEET to send.
    expect(c0.state.messagesSent[MessageType.MEET]).toBe(0);
    const pending = [...c0.state.nodes.values()].find((n) => n.inHandshake);
    expect(pending?.has(NodeFlag.MEET)).toBe(true);
    expect(pending?.pingSent).toBe(0);
    // The node starts within the handshake timeout: the next attempt meets it.
    startNodes(sim, 1, [], 1);
    const c1 = clusterOf(sim, 'n1');
    const met = (a: Cluster, b: Cluster): boolean => a.state.lookup(b.state.myself.name)?.inHandshake === false;
    sim.runUntil(() => met(c0, c1) && met(c1, c0), 10_000);
    expect(c0.state.messagesSent[MessageType.MEET]).toBe(1);
    expect(c1.state.messagesReceived[MessageType.MEET]).toBe(1);
  });
});

describe('cluster engine: replicas and failures', () => {
  it('a replica set with setMaster is seen as one by everyone', () => {
    const sim = new Simulation({ seed: 5 });
    const names = startNodes(sim, 4);
    assignSlots(sim, names.slice(0, 3), true);
    meetAll(sim, names);
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    const replica = clusterOf(sim, 'n3');
    const masterName = clusterOf(sim, 'n0').state.myself.name;
    replica.setMaster(nodeNamed(replica, masterName));
    replica.beforeReply();
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    for (const name of names) {
      const me = nodeNamed(clusterOf(sim, name), replica.state.myself.name);
      expect(me.isReplica).toBe(true);
      expect(me.master?.name).toBe(masterName);
    }
    // A replica advertises its master's slots and epoch.
    expect(replica.header().configEpoch).toBe(1);
    expect(replica.header().slaveof).toBe(masterName);
    // setMaster started replication from the master's data port; offsets then travel in the headers.
    sim.runUntil(() => sim.node('n3').node.replication.linkUp(), 10_000);
    expect(sim.node('n3').node.role).toBe('slave');
    const master = clusterOf(sim, 'n0');
    sim.runUntil(
      () => nodeNamed(master, replica.state.myself.name).replOffset === master.node.replication.offset(),
      10_000,
    );
  });

  it('a crashed master goes PFAIL then FAIL everywhere within node-timeout bounds, and FAIL clears on restart', () => {
    const { sim, names } = formThreeMasters(7);
    const victim = clusterOf(sim, 'n2').state.myself.name;
    const crashAt = sim.now();
    sim.crash('n2');
    const others = names.slice(0, 2).map((n) => clusterOf(sim, n));
    sim.runUntil(() => others.every((c) => nodeNamed(c, victim).timedOut || nodeNamed(c, victim).failed), 10_000);
    expect(sim.now() - crashAt).toBeGreaterThan(TIMEOUT);
    sim.runUntil(() => others.every((c) => nodeNamed(c, victim).failed), 10_000);
    // Detection takes about 1 to 1.5 node timeouts after the last PONG, plus gossip.
    expect(sim.now() - crashAt).toBeLessThan(TIMEOUT * 3);
    for (const c of others) expect(c.state.state).toBe('fail');
    expect(sim.eventLog.lines().some((l) => l.includes(`Marking node ${victim} as failing (quorum reached).`))).toBe(
      true,
    );

    // A master with slots keeps FAIL until node_timeout*2 after the failure, then clears once it answers.
    sim.restart('n2');
    expect(clusterOf(sim, 'n2').state.myself.name).toBe(victim);
    sim.runUntil(() => converged(sim, names, 3), 30_000);
    expect(
      sim.eventLog
        .lines()
        .some((l) =>
          l.includes(
            `Clear FAIL state for node ${victim}: is reachable again and nobody is serving its slots after some time.`,
          ),
        ),
    ).toBe(true);
  });

  it('nodes.conf survives a restart: same ID, epochs, role and slots', () => {
    const sim = new Simulation({ seed: 9 });
    const names = startNodes(sim, 4);
    assignSlots(sim, names.slice(0, 3), true);
    meetAll(sim, names);
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    const replica = clusterOf(sim, 'n3');
    replica.setMaster(nodeNamed(replica, clusterOf(sim, 'n1').state.myself.name));
    replica.beforeReply();
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    const before = { name: replica.state.myself.name, epoch: replica.state.currentEpoch, view: view(replica) };

    // A clean exit: the saves CLUSTER REPLICATE made without fsync are in the file (a power loss could undo them).
    sim.client('n3').call('SHUTDOWN', 'NOSAVE');
    sim.runUntil(() => sim.node('n3').state === 'stopped', 5000);
    sim.restart('n3');
    const again = clusterOf(sim, 'n3');
    expect(again.state.myself.name).toBe(before.name);
    expect(again.state.currentEpoch).toBe(before.epoch);
    expect(again.state.myself.isReplica).toBe(true);
    expect(view(again)).toEqual(before.view);
    expect(sim.eventLog.lines().some((l) => l.includes(`Node configuration loaded, I'm ${before.name}`))).toBe(true);
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    // The cron points a replica loaded from nodes.conf at its master.
    sim.runUntil(() => sim.node('n3').node.replication.linkUp(), 10_000);
  });
  it('a spare replica migrates to a master left without working replicas', () => {
    const sim = new Simulation({ seed: 53 });
    const names = startNodes(sim, 6);
    assignSlots(sim, names.slice(0, 3), true);
    meetAll(sim, names);
    sim.runUntil(() => converged(sim, names, 6), 30_000);
    const m0 = clusterOf(sim, 'n0').state.myself.name;
    const m1 = clusterOf(sim, 'n1').state.myself.name;
    for (const [replica, master] of [
      ['n3', m0],
      ['n4', m0],
      ['n5', m1],
    ] as const) {
      const c = clusterOf(sim, replica);
      c.setMaster(nodeNamed(c, master));
      c.beforeReply();
    }
    sim.runUntil(() => converged(sim, names, 6), 30_000);
    // n1 loses its only replica: one of n0's two replicas (the one with the smaller name) moves over.
    sim.crash('n5');
    const spare = ['n3', 'n4']
      .map((n) => clusterOf(sim, n))
      .sort((a, b) => (a.state.myself.name < b.state.myself.name ? -1 : 1));
    sim.runUntil(() => spare[0]!.state.myself.master?.name === m1, 30_000);
    expect(spare[1]!.state.myself.master?.name).toBe(m0);
    expect(sim.eventLog.lines().some((l) => l.includes(`Migrating to orphaned master ${m1}`))).toBe(true);
    const alive = names.filter((n) => n !== 'n5').map((n) => clusterOf(sim, n));
    sim.runUntil(() => alive.every((c) => nodeNamed(c, spare[0]!.state.myself.name).master?.name === m1), 30_000);
  });
  it('a paused master is flagged FAIL, and after it resumes the FAIL clears once node_timeout*2 has passed', () => {
    const { sim, names } = formThreeMasters(61);
    const victim = clusterOf(sim, 'n1').state.myself.name;
    sim.pause('n1');
    const others = ['n0', 'n2'].map((n) => clusterOf(sim, n));
    sim.runUntil(() => others.every((c) => nodeNamed(c, victim).failed), 10_000);
    const failedAt = sim.now();
    sim.resume('n1');
    // The resumed node itself saw nobody for a while: it flags the others, then clears them as PONGs come back.
    sim.runUntil(() => converged(sim, names, 3), 30_000);
    expect(sim.now() - failedAt).toBeGreaterThanOrEqual(TIMEOUT * 2);
  });

  it('same seed, same event log through a crash and a restart', () => {
    const run = (): string => {
      const { sim, names } = formThreeMasters(67);
      sim.crash('n2');
      sim.runFor(TIMEOUT * 3);
      sim.restart('n2');
      sim.runUntil(() => converged(sim, names, 3), 30_000);
      return sim.eventLog.hash();
    };
    expect(run()).toBe(run());
  });
  it('one master alone cannot fail a node: PFAIL without a majority never becomes FAIL, and clears on heal', () => {
    const { sim, names } = formThreeMasters(73);
    const c0 = clusterOf(sim, 'n0');
    const c1 = clusterOf(sim, 'n1');
    const target = clusterOf(sim, 'n2').state.myself.name;
    sim.partition('n0', 'n2');
    sim.runUntil(() => nodeNamed(c0, target).timedOut, 10_000);
    sim.runFor(TIMEOUT * 5);
    expect(nodeNamed(c0, target).failed).toBe(false);
    expect(nodeNamed(c0, target).timedOut).toBe(true);
    expect(nodeNamed(c1, target).flags & (NodeFlag.PFAIL | NodeFlag.FAIL)).toBe(0);
    // n1 holds n0's failure report, but n2 answers n1, so n2 is not even PFAIL there: nobody reaches a quorum.
    expect(nodeNamed(c1, target).failReports.map((r) => r.reporter.name)).toEqual([c0.state.myself.name]);
    sim.heal();
    sim.runUntil(() => converged(sim, names, 3), 30_000);
  });
});

describe('cluster engine: configuration', () => {
  it('FORGET removes a node and the blacklist keeps gossip from re-adding it for 60 s', () => {
    const { sim, names } = formThreeMasters(13);
    const c0 = clusterOf(sim, 'n0');
    const forgotten = clusterOf(sim, 'n2').state.myself.name;
    c0.forget(nodeNamed(c0, forgotten));
    c0.beforeReply();
    expect(c0.state.lookup(forgotten)).toBeUndefined();
    sim.runFor(20_000);
    expect(c0.state.lookup(forgotten)).toBeUndefined();
    expect(c0.state.blacklist.has(forgotten)).toBe(true);
    // After the TTL, n1's gossip (or n2's own PING) brings it back.
    sim.runFor(45_000);
    expect(c0.state.lookup(forgotten)).toBeDefined();
    sim.runUntil(() => converged(sim, names, 3), 30_000);
  });

  it('masters that share a configEpoch end up with distinct ones', () => {
    const sim = new Simulation({ seed: 17 });
    const names = startNodes(sim, 3, [['loglevel', ['verbose']]]);
    assignSlots(sim, names, false);
    meetAll(sim, names);
    sim.runUntil(() => {
      if (!converged(sim, names, 3)) return false;
      const epochs = names.map((n) => clusterOf(sim, n).state.myself.configEpoch);
      return new Set(epochs).size === 3;
    }, 60_000);
    // The node with the greatest name never moves; the others step past each other.
    const byName = names.map((n) => clusterOf(sim, n).state.myself).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(byName[2]!.configEpoch).toBe(0);
    expect(new Set(byName.map((n) => n.configEpoch)).size).toBe(3);
    expect(sim.eventLog.lines().some((l) => l.includes('WARNING: configEpoch collision with node'))).toBe(true);
  });

  it('a master with a stale slot claim gets an UPDATE and gives the slot up', () => {
    const { sim, names } = formThreeMasters(19);
    const c0 = clusterOf(sim, 'n0');
    const c1 = clusterOf(sim, 'n1');
    // n1 takes slot 0 from n0 with a newer epoch while n0 is cut off, so n0 keeps claiming it with epoch 1.
    sim.partition('n0', ['n1', 'n2']);
    c1.state.deleteSlot(0);
    c1.state.addSlot(0, c1.state.myself);
    c1.state.currentEpoch = 10;
    c1.state.myself.configEpoch = 10;
    c1.todo(ClusterTodo.SAVE_CONFIG);
    c1.beforeReply();
    sim.runFor(500);
    expect(c0.state.myself.ownsSlot(0)).toBe(true);
    sim.heal();
    sim.runUntil(() => !c0.state.myself.ownsSlot(0) && nodeNamed(c0, c1.state.myself.name).ownsSlot(0), 30_000);
    expect(c1.state.messagesSent[MessageType.UPDATE]).toBeGreaterThan(0);
    sim.runUntil(() => converged(sim, names, 3), 30_000);
  });

  it('a master that loses all its slots to a newer claim becomes a replica of the claimant', () => {
    const { sim, names } = formThreeMasters(23);
    const c0 = clusterOf(sim, 'n0');
    const c2 = clusterOf(sim, 'n2');
    const mine: number[] = [];
    for (let s = 0; s < SLOT_COUNT; s++) if (c2.state.myself.ownsSlot(s)) mine.push(s);
    for (const s of mine) {
      c0.state.deleteSlot(s);
      c0.state.addSlot(s, c0.state.myself);
    }
    c0.state.currentEpoch = 20;
    c0.state.myself.configEpoch = 20;
    sim.runUntil(() => c2.state.myself.isReplica, 30_000);
    expect(c2.state.myself.master?.name).toBe(c0.state.myself.name);
    sim.runUntil(() => converged(sim, names, 3), 30_000);
  });

  it('RESET HARD forgets everyone, renames the node and zeroes epochs', () => {
    const { sim } = formThreeMasters(29);
    const c0 = clusterOf(sim, 'n0');
    const oldName = c0.state.myself.name;
    c0.reset(true);
    c0.beforeReply();
    expect(c0.state.nodes.size).toBe(1);
    expect(c0.state.myself.name).not.toBe(oldName);
    expect(c0.state.currentEpoch).toBe(0);
    expect(c0.state.myself.configEpoch).toBe(0);
    expect(c0.state.myself.numSlots).toBe(0);
    const conf = sim.node('n0').storage.read('nodes.conf')?.toString('latin1') ?? '';
    expect(conf.startsWith(c0.state.myself.name)).toBe(true);
  });
});

describe('cluster engine: pub/sub and votes', () => {
  it('PUBLISH reaches subscribers on other nodes; SPUBLISH stays in the shard', () => {
    const sim = new Simulation({ seed: 37 });
    const names = startNodes(sim, 4);
    assignSlots(sim, names.slice(0, 3), true);
    meetAll(sim, names);
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    const replica = clusterOf(sim, 'n3');
    replica.setMaster(nodeNamed(replica, clusterOf(sim, 'n0').state.myself.name));
    replica.beforeReply();
    sim.runUntil(() => converged(sim, names, 4), 30_000);

    const sub1 = sim.client('n1');
    sub1.run('SUBSCRIBE', 'news');
    const sub3 = sim.client('n3');
    sub3.run('SSUBSCRIBE', 's2');
    const sub2 = sim.client('n2');
    sub2.run('SSUBSCRIBE', 's0');
    const publisher = sim.client('n0');
    expect(toPlain(publisher.run('PUBLISH', 'news', 'hello'))).toBe(0);
    expect(toPlain(publisher.run('SPUBLISH', 's2', 'local'))).toBe(0);
    sim.runUntil(() => sub1.pushes.length > 0 && sub3.pushes.length > 0, 5000);
    sim.runFor(500);
    expect(toPlain(sub1.pushes[0]!)).toEqual(['message', 'news', 'hello']);
    expect(toPlain(sub3.pushes[0]!)).toEqual(['smessage', 's2', 'local']);
    // Channel s2 hashes to n0's slots (s0 to n2's): PUBLISHSHARD only goes to n0's replicas.
    expect(sub2.pushes).toEqual([]);
    const c0 = clusterOf(sim, 'n0');
    expect(c0.state.messagesSent[MessageType.PUBLISH]).toBe(3);
    expect(c0.state.messagesSent[MessageType.PUBLISHSHARD]).toBe(1);
  });

  it('masters vote once per epoch for a replica of a failed master', () => {
    const sim = new Simulation({ seed: 41 });
    const names = startNodes(sim, 4, [['loglevel', ['verbose']]]);
    assignSlots(sim, names.slice(0, 3), true);
    meetAll(sim, names);
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    const replica = clusterOf(sim, 'n3');
    const masterName = clusterOf(sim, 'n2').state.myself.name;
    replica.setMaster(nodeNamed(replica, masterName));
    replica.beforeReply();
    sim.runUntil(() => converged(sim, names, 4), 30_000);

    const request = (): void => {
      replica.state.currentEpoch++;
      replica.broadcast({ ...replica.header(), type: MessageType.FAILOVER_AUTH_REQUEST });
    };
    // While the master is up, nobody votes.
    request();
    sim.runFor(300);
    expect(replica.state.messagesReceived[MessageType.FAILOVER_AUTH_ACK]).toBe(0);
    expect(sim.eventLog.lines().some((l) => l.includes('its master is up'))).toBe(true);

    sim.crash('n2');
    const voters = names.slice(0, 2).map((n) => clusterOf(sim, n));
    sim.runUntil(() => voters.every((c) => nodeNamed(c, masterName).failed), 20_000);
    request();
    sim.runFor(300);
    expect(replica.state.messagesReceived[MessageType.FAILOVER_AUTH_ACK]).toBe(2);
    const epoch = replica.state.currentEpoch;
    for (const c of voters) expect(c.state.lastVoteEpoch).toBe(epoch);
    expect(
      sim.eventLog
        .lines()
        .filter((l) => l.includes(`Failover auth granted to ${replica.state.myself.name} for epoch ${epoch}`)).length,
    ).toBe(2);
    // A second request for the same master within node_timeout*2 is refused.
    request();
    sim.runFor(300);
    expect(replica.state.messagesReceived[MessageType.FAILOVER_AUTH_ACK]).toBe(2);
    expect(sim.eventLog.lines().some((l) => l.includes("can't vote about this master before"))).toBe(true);
  });
});

describe('cluster engine: through the CLUSTER commands', () => {
  it('MEET + ADDSLOTSRANGE + SET-CONFIG-EPOCH + REPLICATE form a cluster every node describes alike', () => {
    const sim = new Simulation({ seed: 43 });
    const names = startNodes(sim, 4);
    const clients = names.map((n) => sim.client(n));
    const ranges = [
      [0, 5460],
      [5461, 10922],
      [10923, 16383],
    ];
    ranges.forEach(([from, to], i) => {
      expect(toPlain(clients[i]!.run('CLUSTER', 'ADDSLOTSRANGE', from!, to!))).toBe('OK');
      expect(toPlain(clients[i]!.run('CLUSTER', 'SET-CONFIG-EPOCH', i + 1))).toBe('OK');
    });
    for (let i = 1; i < 4; i++)
      expect(toPlain(clients[0]!.run('CLUSTER', 'MEET', '127.0.0.1', BASE_PORT + i))).toBe('OK');
    expect(toPlain(clients[0]!.run('CLUSTER', 'MEET', '127.0.0.1', 'x'))).toEqual({
      error: 'ERR Invalid TCP base port specified: x',
    });
    expect(toPlain(clients[0]!.run('CLUSTER', 'MEET', 'nowhere', 7001))).toEqual({
      error: 'ERR Invalid node address specified: nowhere:7001',
    });
    sim.runUntil(() => converged(sim, names, 4), 30_000);
    const masterId = String(toPlain(clients[0]!.run('CLUSTER', 'MYID')));
    expect(toPlain(clients[3]!.run('CLUSTER', 'REPLICATE', masterId))).toBe('OK');
    sim.runUntil(() => converged(sim, names, 4), 30_000);

    // CLUSTER NODES: the same lines everywhere once the local parts (myself, ping/pong times) are masked.
    const normalized = (i: number): string[] =>
      String(toPlain(clients[i]!.run('CLUSTER', 'NODES')))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const f = l.split(' ');
          f[2] = f[2]!.replace('myself,', '');
          f[4] = 'P';
          f[5] = 'P';
          return f.join(' ');
        })
        .sort();
    const first = normalized(0);
    expect(first).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect(normalized(i)).toEqual(first);
    const replicaLine = first.find((l) => l.includes(` slave ${masterId} `));
    expect(replicaLine).toMatch(/^[0-9a-f]{40} 127\.0\.0\.1:7003@17003 slave [0-9a-f]{40} P P 1 connected$/);
    for (const c of clients) {
      const info = String(toPlain(c.run('CLUSTER', 'INFO')));
      expect(info).toContain('cluster_state:ok');
      expect(info).toContain('cluster_known_nodes:4');
      expect(info).toContain('cluster_size:3');
      expect(info).toContain('cluster_current_epoch:3');
    }
  });

  it('a master that loses a slot to a newer claim deletes the keys it held there', () => {
    const { sim } = formThreeMasters(47);
    const c0 = clusterOf(sim, 'n0');
    const c1 = clusterOf(sim, 'n1');
    const client0 = sim.client('n0');
    // Key "b" hashes to slot 3300, one of n0's.
    expect(toPlain(client0.run('SET', 'b', 'v'))).toBe('OK');
    sim.partition('n1', ['n0', 'n2']);
    c1.state.deleteSlot(3300);
    c1.state.addSlot(3300, c1.state.myself);
    c1.state.currentEpoch = 30;
    c1.state.myself.configEpoch = 30;
    sim.heal();
    sim.runUntil(() => !c0.state.myself.ownsSlot(3300), 30_000);
    expect(c0.state.myself.isMaster).toBe(true);
    expect(toPlain(client0.run('DBSIZE'))).toBe(0);
    expect(toPlain(client0.run('GET', 'b'))).toEqual({ error: 'MOVED 3300 127.0.0.1:7001' });
  });
});

describe('cluster engine: robustness', () => {
  it('garbage, bad signatures and malformed messages on the bus never crash a node', () => {
    const { sim, names } = formThreeMasters(31);
    const tool = sim.endpoint('tool');
    const send = (data: Buffer): void => {
      const link = tool.net.connect('127.0.0.1', 17000);
      link.write(data);
    };
    send(Buffer.from('hello there, this is not a bus message at all'));
    const c1 = clusterOf(sim, 'n1');
    const valid = encodeBusMessage({ ...c1.header(), type: MessageType.PING, gossip: [], hostname: null });
    const badLength = Buffer.from(valid);
    badLength.writeUInt32BE(valid.length + 5, 4);
    send(Buffer.concat([badLength, Buffer.alloc(5)]));
    const badVersion = Buffer.from(valid);
    badVersion.writeUInt16BE(7, 8);
    send(badVersion);
    const unknownType = Buffer.from(valid);
    unknownType.writeUInt16BE(99, 12);
    send(unknownType);
    const badCount = Buffer.from(valid);
    badCount.writeUInt16BE(200, 14);
    send(badCount);
    // A PING from an unknown sender gets a PONG but is not added.
    const stranger = Buffer.from(valid);
    stranger.write('f'.repeat(40), 40, 'latin1');
    send(stranger);
    sim.runFor(2000);
    expect(sim.node('n0').state).toBe('running');
    expect(clusterOf(sim, 'n0').state.lookup('f'.repeat(40))).toBeUndefined();
    expect(
      sim.eventLog.lines().some((l) => l.includes('Bad message length or signature received from Cluster bus.')),
    ).toBe(true);
    expect(sim.eventLog.lines().some((l) => l.includes('Internal error'))).toBe(false);
    sim.runUntil(() => converged(sim, names, 3), 30_000);
  });
});
