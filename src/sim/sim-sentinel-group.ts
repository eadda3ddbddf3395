// A Sentinel group in a Simulation, in virtual time, from the same plan `redis-sim sentinel` and startSentinelGroup use:
// data nodes `<master name>-<i>` (`mymaster-0` the master, then its replicas), Sentinels `sentinel-<i>` (from 1).

import { toPlain } from '../protocol/reply-text.js';
import {
  SENTINEL_GROUP_DEFAULTS,
  dataNodeDirectives,
  defaultQuorum,
  planDataNodes,
  sentinelDirectives,
  sentinelKnowsGroup,
  sentinelPortOf,
  type SentinelGroupSpec,
} from '../sentinel/sentinel-group.js';
import type { SimClient } from './sim-client.js';
import type { Directives, Simulation } from './simulation.js';

/** Options for formSentinelGroup; every field has the `redis-sim sentinel` default (ports 6379 and 26379 up). */
export interface SimSentinelGroupOptions extends Partial<SentinelGroupSpec> {
  /** More directives for every data node. */
  directives?: Directives;
  /** Virtual ms the group may take to be ready. Default 60 000. */
  readyTimeoutMs?: number;
}

/** A Sentinel group formed in a simulation. */
export interface SimSentinelGroup {
  /** The group's shape and tuning, defaults filled in. */
  readonly spec: SentinelGroupSpec;
  /** Data node names in plan order, each with its group and starting role. */
  readonly nodes: readonly {
    readonly name: string;
    readonly group: string;
    readonly initialRole: 'master' | 'replica';
  }[];
  /** Sentinel node names. */
  readonly sentinels: readonly string[];
  /** `host:port` of master `name` as the first running Sentinel has it. Throws for an unknown name. */
  masterAddress(name?: string): string;
  /** Crashes the node that is master `name` now; returns its node name. */
  failMaster(name?: string): string;
  /**
   * Subscribes a client to `+switch-master` on every running Sentinel and runs the simulation until one announces a
   * new address for `name`; returns it as `host:port`. Throws SimulationTimeoutError after `timeoutMs` (default
   * 120 000) of virtual time.
   */
  waitForSwitchMaster(name?: string, timeoutMs?: number): string;
}

/**
 * Adds and starts the data nodes and Sentinels of a group, and runs the simulation until every Sentinel knows every
 * replica and every other Sentinel. Throws SimulationTimeoutError when that takes longer than `readyTimeoutMs`.
 */
export function formSentinelGroup(sim: Simulation, options: SimSentinelGroupOptions = {}): SimSentinelGroup {
  const d = SENTINEL_GROUP_DEFAULTS;
  const sentinelCount = options.sentinels ?? d.sentinels;
  const spec: SentinelGroupSpec = {
    masters: options.masters ?? d.masters,
    replicas: options.replicas ?? d.replicas,
    sentinels: sentinelCount,
    quorum: options.quorum ?? defaultQuorum(sentinelCount),
    port: options.port ?? d.port,
    sentinelPort: options.sentinelPort ?? d.sentinelPort,
    host: options.host ?? d.host,
    downAfterMs: options.downAfterMs ?? d.downAfterMs,
    failoverTimeoutMs: options.failoverTimeoutMs ?? d.failoverTimeoutMs,
    parallelSyncs: options.parallelSyncs ?? d.parallelSyncs,
    appendonly: options.appendonly ?? d.appendonly,
  };
  if (spec.port === 0 || spec.sentinelPort === 0)
    throw new Error('Expected fixed ports in a simulation (`port` and `sentinelPort` >= 1), got 0');
  const plan = planDataNodes(spec);
  const nodes = plan.map((p) => ({
    name: `${p.group}-${p.index - plan.findIndex((q) => q.group === p.group)}`,
    group: p.group,
    initialRole: p.role,
  }));
  const masters = plan.filter((p) => p.role === 'master').map((p) => ({ name: p.group, port: p.port }));
  for (const [i, p] of plan.entries()) {
    const masterPort = masters.find((m) => m.name === p.group)!.port;
    sim.addNode(nodes[i]!.name, [...dataNodeDirectives(spec, p, masterPort), ...(options.directives ?? [])], {
      host: spec.host,
    });
  }
  const sentinels: string[] = [];
  for (let i = 0; i < spec.sentinels; i++) {
    const name = `sentinel-${i + 1}`;
    sim.addNode(name, sentinelDirectives(spec, sentinelPortOf(spec, i), masters), { host: spec.host, sentinel: true });
    sentinels.push(name);
  }
  sim.runUntil(
    () => sentinels.every((s) => sentinelKnowsGroup(sim.node(s).node.sentinel!, spec)),
    options.readyTimeoutMs ?? 60_000,
  );
  const masterAddress = (name = 'mymaster'): string => {
    const running = sentinels.find((s) => sim.node(s).state === 'running');
    const master = running === undefined ? undefined : sim.node(running).node.sentinel!.masters.get(name);
    if (master === undefined) throw new Error(`Expected a master name the Sentinels monitor, got \`${name}\``);
    return `${master.addr.host}:${master.addr.port}`;
  };
  return {
    spec,
    nodes,
    sentinels,
    masterAddress,
    failMaster(name = 'mymaster') {
      const address = masterAddress(name);
      const node = sim.nodes().find((n) => n.address === address);
      if (node === undefined) throw new Error(`Expected a node of this simulation at ${address}, but there is none`);
      sim.crash(node.name);
      return node.name;
    },
    waitForSwitchMaster(name = 'mymaster', timeoutMs = 120_000) {
      const clients: SimClient[] = sentinels
        .filter((s) => sim.node(s).state === 'running')
        .map((s) => {
          const client = sim.client(s);
          client.run('SUBSCRIBE', '+switch-master');
          return client;
        });
      let found: string | null = null;
      try {
        sim.runUntil(() => {
          for (const client of clients) {
            for (const push of client.pushes) {
              const plain = toPlain(push);
              if (!Array.isArray(plain) || plain[0] !== 'message' || typeof plain[2] !== 'string') continue;
              const words = plain[2].split(' ');
              if (words.length === 5 && words[0] === name) found = `${words[3]}:${words[4]}`;
            }
          }
          return found !== null;
        }, timeoutMs);
      } finally {
        for (const client of clients) client.close();
      }
      return found!;
    },
  };
}
