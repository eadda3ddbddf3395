// The plan of a Sentinel group, shared by `redis-sim sentinel`, the library's startSentinelGroup (realtime) and
// formSentinelGroup (simulation): which data nodes and Sentinels there are, their ports and the directives each one
// starts from, and when the group counts as ready. Pure: the runtimes do the starting.
//
// Layout: group g (master name `mymaster`, then `mymaster2`, …) takes `replicas + 1` consecutive data ports, its
// master first and then its replicas, starting at `port + g * (replicas + 1)`; Sentinel i takes `sentinelPort + i`.
// Every Sentinel monitors every group's master.

import type { Sentinel } from './sentinel.js';

/** Config directives in order, each as its name and argument words (as in redis.conf). */
export type GroupDirectives = readonly (readonly [string, readonly string[]])[];

/** What a Sentinel group is made of and how its Sentinels are tuned. */
export interface SentinelGroupSpec {
  /** Replication groups, each a master with its replicas. */
  readonly masters: number;
  /** Replicas per master. */
  readonly replicas: number;
  /** Sentinels, each monitoring every master. */
  readonly sentinels: number;
  /** `sentinel monitor … <quorum>`. */
  readonly quorum: number;
  /** The first data node's port; 0: every data node takes an ephemeral port. */
  readonly port: number;
  /** The first Sentinel's port; 0: every Sentinel takes an ephemeral port. */
  readonly sentinelPort: number;
  /** The address the masters are monitored at (and every node binds). */
  readonly host: string;
  /** `sentinel down-after-milliseconds`. */
  readonly downAfterMs: number;
  /** `sentinel failover-timeout`. */
  readonly failoverTimeoutMs: number;
  /** `sentinel parallel-syncs`. */
  readonly parallelSyncs: number;
  /** `appendonly` of every data node. */
  readonly appendonly: boolean;
}

/** Defaults of the spec's tuning, as `redis-sim sentinel` documents them. */
export const SENTINEL_GROUP_DEFAULTS = {
  masters: 1,
  replicas: 2,
  sentinels: 3,
  port: 6379,
  sentinelPort: 26379,
  host: '127.0.0.1',
  downAfterMs: 5000,
  failoverTimeoutMs: 60000,
  parallelSyncs: 1,
  appendonly: false,
} as const;

/** One planned data node. */
export interface PlannedDataNode {
  /** Its place among the data nodes (0 first). */
  readonly index: number;
  /** The master name of its group. */
  readonly group: string;
  /** Its role when the group starts. */
  readonly role: 'master' | 'replica';
  /** Its port; 0 for an ephemeral one. */
  readonly port: number;
}

/** The majority of `sentinels`: the quorum used when none is given. */
export function defaultQuorum(sentinels: number): number {
  return Math.floor(sentinels / 2) + 1;
}

/** The master name of group `index` (0 first): `mymaster`, `mymaster2`, `mymaster3`, … */
export function groupMasterName(index: number): string {
  return index === 0 ? 'mymaster' : `mymaster${index + 1}`;
}

/** Every data node in start order: each group's master, then its replicas. */
export function planDataNodes(spec: SentinelGroupSpec): PlannedDataNode[] {
  const nodes: PlannedDataNode[] = [];
  for (let g = 0; g < spec.masters; g++) {
    for (let r = 0; r <= spec.replicas; r++) {
      const index = nodes.length;
      nodes.push({
        index,
        group: groupMasterName(g),
        role: r === 0 ? 'master' : 'replica',
        port: spec.port === 0 ? 0 : spec.port + index,
      });
    }
  }
  return nodes;
}

/** The port of Sentinel `index`; 0 for an ephemeral one. */
export function sentinelPortOf(spec: SentinelGroupSpec, index: number): number {
  return spec.sentinelPort === 0 ? 0 : spec.sentinelPort + index;
}

/**
 * A data node's own directives: its port, persistence and, for a replica, `replicaof` its group's master (at
 * `masterPort`, known once the master listens). `repl-diskless-sync-delay 0` lets replicas sync at once rather than
 * after Redis's default 5 s wait for more replicas.
 */
export function dataNodeDirectives(
  spec: SentinelGroupSpec,
  node: PlannedDataNode,
  masterPort: number,
): GroupDirectives {
  return [
    ['port', [String(node.port)]],
    ['appendonly', [spec.appendonly ? 'yes' : 'no']],
    ['repl-diskless-sync-delay', ['0']],
    ...(node.role === 'replica' ? [['replicaof', [spec.host, String(masterPort)]] as const] : []),
  ];
}

/** A Sentinel's own directives: its port and, for every group, `monitor` and the group's timing. */
export function sentinelDirectives(
  spec: SentinelGroupSpec,
  port: number,
  masters: readonly { readonly name: string; readonly port: number }[],
): GroupDirectives {
  return [
    ['port', [String(port)]],
    ...masters.flatMap(({ name, port: masterPort }) => [
      ['sentinel', ['monitor', name, spec.host, String(masterPort), String(spec.quorum)]] as const,
      ['sentinel', ['down-after-milliseconds', name, String(spec.downAfterMs)]] as const,
      ['sentinel', ['failover-timeout', name, String(spec.failoverTimeoutMs)]] as const,
      ['sentinel', ['parallel-syncs', name, String(spec.parallelSyncs)]] as const,
    ]),
  ];
}

/** Directives as config file text, one per line, a word quoted when it is empty or holds spaces or quotes. */
export function directivesText(directives: GroupDirectives): string {
  const word = (w: string): string => (/^[^\s"'\\]+$/.test(w) ? w : JSON.stringify(w));
  return directives.map(([name, words]) => `${[name, ...words].map(word).join(' ')}\n`).join('');
}

/** Whether a Sentinel knows every group's replicas and every other Sentinel (SENTINEL MASTER's num-slaves, num-other-sentinels). */
export function sentinelKnowsGroup(sentinel: Sentinel, spec: SentinelGroupSpec): boolean {
  for (let g = 0; g < spec.masters; g++) {
    const master = sentinel.masters.get(groupMasterName(g));
    if (master === undefined || master.slaves.size < spec.replicas || master.sentinels.size < spec.sentinels - 1)
      return false;
  }
  return true;
}
