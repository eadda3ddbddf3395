// The plan `redis-cli --cluster create` makes before it touches any node (clusterManagerCommandCreate): which nodes
// become masters, the slot range each master gets, and which master each remaining node replicates. Pure: the same
// input gives the same layout.

import { SLOT_COUNT } from './constants.js';

/** A node to place, by the address the layout compares hosts with. */
export interface LayoutNode {
  readonly host: string;
  readonly port: number;
}

/**
 * What one node becomes: a master with one slot range, a replica of the master at `of` (an input index), or nothing
 * (a spare node neither of redis-cli's two replica passes placed: it stays an empty master).
 */
export type LayoutRole =
  | { readonly kind: 'master'; readonly first: number; readonly last: number }
  | { readonly kind: 'replica'; readonly of: number }
  | { readonly kind: 'empty' };

/** A planned cluster. */
export interface ClusterLayout {
  /** The role of every input node, in input order. */
  readonly roles: readonly LayoutRole[];
  /** Input indexes of the masters in redis-cli's `Master[i]` order (slot order). */
  readonly masters: readonly number[];
}

/** Options for planCluster. */
export interface LayoutOptions {
  /**
   * A [0, 1) source for redis-cli's anti-affinity optimizer (clusterManagerOptimizeAntiAffinity), which swaps
   * replicas at random while that does not make co-location worse. redis-cli seeds it from the clock, so its replica
   * choice varies between runs; without this option the optimizer does not run and the layout is redis-cli's
   * assignment before optimizing.
   */
  random?: () => number;
}

/** A node list that cannot make a cluster; the message is redis-cli's. */
export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** Plans masters, slot ranges and replicas for `nodes` with `replicas` replicas per master, as redis-cli does. */
export function planCluster(
  nodes: readonly LayoutNode[],
  replicas: number,
  options: LayoutOptions = {},
): ClusterLayout {
  const count = nodes.length;
  const mastersCount = Math.floor(count / (replicas + 1));
  if (mastersCount < 3) {
    throw new LayoutError(
      `Redis Cluster requires at least 3 master nodes. This is not possible with ${count} nodes and ${replicas} ` +
        `replicas per node. At least ${3 * (replicas + 1)} nodes are required.`,
    );
  }
  const interleaved = _interleaveHosts(nodes);
  const masters = interleaved.slice(0, mastersCount);
  const roles: (LayoutRole | null)[] = nodes.map(() => null);
  for (const [i, range] of slotRanges(mastersCount).entries()) roles[masters[i]!] = { kind: 'master', ...range };

  const replicaOf = _assignReplicas(nodes, masters, interleaved.slice(mastersCount), replicas);
  if (options.random !== undefined) _optimizeAntiAffinity(nodes, replicaOf, options.random);
  for (const [index, master] of replicaOf) roles[index] = { kind: 'replica', of: master };
  return { roles: roles.map((role) => role ?? { kind: 'empty' }), masters };
}

/**
 * The slot range of each of `mastersCount` masters. redis-cli computes them in single precision floats
 * (`slots_per_node` and `cursor` are C floats) and rounds with lround, so that is what we reproduce.
 */
export function slotRanges(mastersCount: number): { first: number; last: number }[] {
  const f = Math.fround;
  const perNode = f(SLOT_COUNT / mastersCount);
  const ranges: { first: number; last: number }[] = [];
  let first = 0;
  let cursor = f(0);
  for (let i = 0; i < mastersCount; i++) {
    let last = _lround(f(f(cursor + perNode) - 1));
    if (last > SLOT_COUNT || i === mastersCount - 1) last = SLOT_COUNT - 1;
    if (last < first) last = first;
    ranges.push({ first, last });
    first = last + 1;
    cursor = f(cursor + perNode);
  }
  return ranges;
}

// --- internal ---

/** C's lround: to the nearest integer, halves away from zero. */
function _lround(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Input indexes taken one host at a time, round robin over hosts in order of first appearance. */
function _interleaveHosts(nodes: readonly LayoutNode[]): number[] {
  const byHost = new Map<string, number[]>();
  for (const [i, node] of nodes.entries()) {
    const list = byHost.get(node.host);
    if (list === undefined) byHost.set(node.host, [i]);
    else list.push(i);
  }
  const queues = [...byHost.values()];
  const out: number[] = [];
  while (out.length < nodes.length) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next !== undefined) out.push(next);
    }
  }
  return out;
}

/**
 * The replica assignment loop of clusterManagerCommandCreate: the spare nodes, rotated left by one, are handed to the
 * masters in order, preferring a node on another host; a second pass gives any spare nodes left one more master each.
 * Returns replica index → master index, in assignment order.
 */
function _assignReplicas(
  nodes: readonly LayoutNode[],
  masters: readonly number[],
  spare: readonly number[],
  replicas: number,
): Map<number, number> {
  const result = new Map<number, number>();
  if (spare.length === 0) return result;
  const pool: (number | null)[] = [...spare.slice(1), spare[0]!];
  let start = 0;
  let available = pool.length;
  for (const assignUnused of [false, true]) {
    if (assignUnused && available === 0) break;
    for (const master of masters) {
      const masterHost = nodes[master]!.host;
      let assigned = 0;
      while (assigned < replicas) {
        if (available === 0) break;
        let found: number | null = null;
        let firstSameHost = -1;
        for (let j = start; j < pool.length; j++) {
          const n = pool[j];
          if (n === null || n === undefined) continue;
          if (nodes[n]!.host !== masterHost) {
            found = n;
            pool[j] = null;
            break;
          }
          if (firstSameHost < 0) firstSameHost = j;
        }
        let replica: number | null = found;
        if (replica === null && firstSameHost >= 0) {
          replica = pool[firstSameHost]!;
          start = firstSameHost + 1;
        }
        if (replica === null) break;
        assigned++;
        available--;
        result.set(replica, master);
        if (assignUnused) break;
      }
    }
  }
  return result;
}

/** clusterManagerGetAntiAffinityScore: 10000 per replica on its master's host, 1 per replica sharing a host. */
function _antiAffinity(
  nodes: readonly LayoutNode[],
  replicaOf: ReadonlyMap<number, number>,
): {
  score: number;
  offenders: number[];
} {
  let score = 0;
  const offenders: number[] = [];
  const hosts = [...new Set(nodes.map((n) => n.host))];
  for (const host of hosts) {
    // Group by master id: the master itself is 'm', its replicas 's'.
    const groups = new Map<number, string>();
    for (const [i, node] of nodes.entries()) {
      if (node.host !== host) continue;
      const master = replicaOf.get(i);
      const key = master ?? i;
      const types = groups.get(key) ?? '';
      groups.set(key, master === undefined ? `m${types}` : `${types}s`);
    }
    for (const [key, types] of groups) {
      if (types.length < 2) continue;
      score += types.startsWith('m') ? 10000 * (types.length - 1) : types.length;
      for (const [i, node] of nodes.entries()) {
        if (replicaOf.get(i) === key && node.host === host) {
          offenders.push(i);
          break;
        }
      }
    }
  }
  return { score, offenders };
}

/** clusterManagerOptimizeAntiAffinity: random replica swaps, kept unless they make the score worse. */
function _optimizeAntiAffinity(
  nodes: readonly LayoutNode[],
  replicaOf: Map<number, number>,
  random: () => number,
): void {
  if (_antiAffinity(nodes, replicaOf).score === 0) return;
  const pick = (n: number): number => Math.floor(random() * n);
  for (let iterations = 500 * nodes.length; iterations > 0; iterations--) {
    const { score, offenders } = _antiAffinity(nodes, replicaOf);
    if (score === 0 || offenders.length === 0) break;
    const first = offenders[pick(offenders.length)]!;
    const others = [...replicaOf.keys()].filter((i) => i !== first).sort((a, b) => a - b);
    if (others.length === 0) break;
    const second = others[pick(others.length)]!;
    const a = replicaOf.get(first)!;
    const b = replicaOf.get(second)!;
    replicaOf.set(first, b);
    replicaOf.set(second, a);
    if (_antiAffinity(nodes, replicaOf).score > score) {
      replicaOf.set(first, a);
      replicaOf.set(second, b);
    }
  }
}
