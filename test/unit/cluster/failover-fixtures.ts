// Simulated clusters for the failover tests: nodes n0..n(k) on ports 7000+, masters with even slot shares and
// distinct epochs, replicas attached with setMaster, formed and converged in virtual time; plus views and log probes.

import type { Cluster } from '../../../src/cluster/cluster.js';
import { ClusterTodo } from '../../../src/cluster/cluster.js';
import type { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { NodeFlag, SLOT_COUNT } from '../../../src/cluster/constants.js';
import { keyHashSlot } from '../../../src/cluster/key-slot.js';
import { Simulation } from '../../../src/sim/simulation.js';

/** The first node's port; node nI listens on BASE_PORT + I. */
export const BASE_PORT = 7000;

/** How a test cluster is laid out. */
export interface Layout {
  /** Seed of the simulation. */
  seed: number;
  /** Number of masters (n0..n(masters-1)). */
  masters: number;
  /** For each further node, the index of its master: [0, 1, 2] gives n3→n0, n4→n1, n5→n2. */
  replicaOf: readonly number[];
  /** cluster-node-timeout (ms); 5000 when omitted. */
  nodeTimeout?: number;
  /** Extra directives per node name. */
  extra?: Readonly<Record<string, [string, string[]][]>>;
}

/** A formed cluster. */
export interface FormedCluster {
  sim: Simulation;
  /** Every node name, masters first. */
  names: string[];
  /** Node name → cluster id. */
  ids: Map<string, string>;
}

/** The cluster subsystem of a running node. */
export function clusterOf(sim: Simulation, name: string): Cluster {
  const cluster = sim.node(name).node.cluster;
  if (cluster === null) throw new Error(`${name} is not in cluster mode`);
  return cluster;
}

/** A node record by cluster id as `c` knows it. */
export function nodeNamed(c: Cluster, id: string): ClusterNode {
  const n = c.state.lookup(id);
  if (n === undefined) throw new Error(`unknown node ${id}`);
  return n;
}

/** The slots master `index` of `count` serves: an even share, in order. */
export function slotRange(index: number, count: number): [number, number] {
  const per = Math.ceil(SLOT_COUNT / count);
  return [index * per, Math.min(SLOT_COUNT, (index + 1) * per) - 1];
}

/** `n` keys whose slots master `index` of `count` serves. */
export function keysOf(index: number, count: number, n: number, prefix = 'k'): string[] {
  const [from, to] = slotRange(index, count);
  const keys: string[] = [];
  for (let i = 0; keys.length < n; i++) {
    const key = `${prefix}:${i}`;
    const slot = keyHashSlot(key);
    if (slot >= from && slot <= to) keys.push(key);
  }
  return keys;
}

/** Starts, forms and converges a cluster as `layout` says; every replica's replication link is up at the end. */
export function formCluster(layout: Layout): FormedCluster {
  const sim = new Simulation({ seed: layout.seed });
  const total = layout.masters + layout.replicaOf.length;
  const names: string[] = [];
  for (let i = 0; i < total; i++) {
    const name = `n${i}`;
    sim.addNode(name, [
      ['port', [String(BASE_PORT + i)]],
      ['cluster-enabled', ['yes']],
      ['cluster-node-timeout', [String(layout.nodeTimeout ?? 5000)]],
      ...(layout.extra?.[name] ?? []),
    ]);
    names.push(name);
  }
  const ids = new Map(names.map((n) => [n, clusterOf(sim, n).state.myself.name]));
  for (let i = 0; i < layout.masters; i++) {
    const c = clusterOf(sim, names[i]!);
    const [from, to] = slotRange(i, layout.masters);
    for (let slot = from; slot <= to; slot++) c.state.addSlot(slot, c.state.myself);
    c.state.myself.configEpoch = i + 1;
    c.state.currentEpoch = i + 1;
    c.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
    c.beforeReply();
  }
  const first = clusterOf(sim, names[0]!);
  for (let i = 1; i < total; i++) first.startHandshake('127.0.0.1', BASE_PORT + i, BASE_PORT + i + 10000);
  sim.runUntil(() => converged(sim, names), 60_000);
  layout.replicaOf.forEach((masterIndex, j) => {
    const c = clusterOf(sim, names[layout.masters + j]!);
    c.setMaster(nodeNamed(c, ids.get(names[masterIndex]!)!));
    c.beforeReply();
  });
  sim.runUntil(
    () =>
      converged(sim, names) &&
      names.slice(layout.masters).every((n) => sim.node(n).node.replication.linkUp()) &&
      names.every(
        (n) => viewOf(clusterOf(sim, n)).filter((l) => l.includes(' replica-of ')).length === layout.replicaOf.length,
      ),
    60_000,
  );
  return { sim, names, ids };
}

/** One line per known node, without the local-only parts: id, role (and master), epoch, slot count. */
export function viewOf(c: Cluster): string[] {
  return [...c.state.nodes.values()]
    .map((n) => {
      const role = n.isReplica ? `replica-of ${n.master?.name ?? '?'}` : 'master';
      const epoch = n.isReplica && n.master !== null ? n.master.configEpoch : n.configEpoch;
      return `${n.name} ${role} ${epoch} ${n.numSlots}`;
    })
    .sort();
}

/** Every named node runs, is ok, sees no handshake/PFAIL/FAIL node, and all share one view. */
export function converged(sim: Simulation, names: readonly string[]): boolean {
  if (names.some((n) => sim.node(n).state !== 'running')) return false;
  const clusters = names.map((n) => clusterOf(sim, n));
  const settled = clusters.every(
    (c) =>
      c.state.state === 'ok' &&
      c.state.nodes.size === names.length &&
      [...c.state.nodes.values()].every((n) => (n.flags & (NodeFlag.HANDSHAKE | NodeFlag.PFAIL | NodeFlag.FAIL)) === 0),
  );
  if (!settled) return false;
  const first = JSON.stringify(viewOf(clusters[0]!));
  return clusters.every((c) => JSON.stringify(viewOf(c)) === first);
}

/** Whether every node in `observers` sees `id` as a master serving exactly the slots [from, to]. */
export function seenAsOwner(
  sim: Simulation,
  observers: readonly string[],
  id: string,
  from: number,
  to: number,
): boolean {
  return observers.every((o) => {
    const c = clusterOf(sim, o);
    const n = c.state.lookup(id);
    if (n === undefined || !n.isMaster || n.numSlots !== to - from + 1) return false;
    return c.state.slots[from] === n && c.state.slots[to] === n;
  });
}

/** The event-log lines node `name` logged (its `[name]` source) that contain `text`. */
export function logLines(sim: Simulation, name: string, text: string): string[] {
  return sim.eventLog.lines().filter((l) => l.includes(` [${name}] `) && l.includes(text));
}
