// The Sentinel group a scenario runs on: one master `m` (port 6379), replicas r1..rN (6380…) and Sentinels s1..sK
// (26379…) monitoring it under one name, built in a simulation and run until every Sentinel has discovered every
// replica and every other Sentinel, as a deployment is before anything goes wrong.

import type { Simulation } from '../simulation.js';

/** The monitored master's name in every scenario. */
export const MASTER_NAME = 'mymaster';

/** What to build: 1 master, `replicas` replicas, `sentinels` Sentinels with `quorum`. */
export interface SentinelTopology {
  readonly replicas: number;
  readonly sentinels: number;
  readonly quorum: number;
  /** down-after-milliseconds (default 2000: short, so runs take few virtual seconds). */
  readonly downAfterMs?: number;
  /** failover-timeout (default 6000). */
  readonly failoverTimeoutMs?: number;
}

/** A built group: node names by kind, in the order fault indices count them (servers first). */
export interface SentinelGroup {
  readonly servers: readonly string[];
  readonly sentinels: readonly string[];
  /** Servers then Sentinels. */
  readonly all: readonly string[];
  readonly quorum: number;
}

/** Thrown when the group does not reach its starting state (discovery did not complete). */
export class SentinelGroupError extends Error {
  override readonly name = 'SentinelGroupError';
}

/** Adds the group's nodes to `sim` and runs until discovery is complete (at most 60 s of virtual time). */
export function buildSentinelGroup(sim: Simulation, topology: SentinelTopology): SentinelGroup {
  const servers = ['m', ...Array.from({ length: topology.replicas }, (_, i) => `r${i + 1}`)];
  const sentinels = Array.from({ length: topology.sentinels }, (_, i) => `s${i + 1}`);
  const master = sim.addNode('m', [['repl-diskless-sync-delay', ['0']]]);
  const [host, port] = splitAddress(master.address);
  // Replicas are pointed at the master with REPLICAOF rather than a `replicaof` directive: the simulated servers have
  // no config file for Sentinel's CONFIG REWRITE to update, so a directive would bring a promoted replica back as a
  // replica of the old master after a restart (a replication loop Sentinel cannot undo). Without it, a restarted
  // server comes back as an empty master, as a redis-server started without a config file does.
  const setup = servers.slice(1).map((name) => {
    sim.addNode(name, [['repl-diskless-sync-delay', ['0']]]);
    return sim.client(name, { name: `setup.${name}` });
  });
  const calls = setup.map((client) => client.call('REPLICAOF', host, port));
  sim.runUntil(() => calls.every((c) => c.done), 10_000);
  for (const client of setup) client.close();
  for (const name of sentinels) {
    sim.addNode(
      name,
      [
        ['sentinel', ['monitor', MASTER_NAME, host, port, String(topology.quorum)]],
        ['sentinel', ['down-after-milliseconds', MASTER_NAME, String(topology.downAfterMs ?? 2000)]],
        ['sentinel', ['failover-timeout', MASTER_NAME, String(topology.failoverTimeoutMs ?? 6000)]],
      ],
      { sentinel: true },
    );
  }
  const group = { servers, sentinels, all: [...servers, ...sentinels], quorum: topology.quorum };
  const discovered = (): boolean =>
    servers.slice(1).every((r) => sim.node(r).node.replication.linkUp()) &&
    sentinels.every((s) => {
      const m = sim.node(s).node.sentinel!.masters.get(MASTER_NAME)!;
      const replicas = [...m.slaves.values()];
      return (
        replicas.length === topology.replicas &&
        replicas.every((r) => r.infoRefresh !== 0) &&
        m.sentinels.size === topology.sentinels - 1
      );
    });
  try {
    sim.runUntil(discovered, 60_000);
  } catch (e) {
    throw new SentinelGroupError(`The Sentinel group did not finish discovery: ${String(e)}`);
  }
  return group;
}

/** `[host, port]` of an address. */
export function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), address.slice(i + 1)];
}

/** The server name listening on `address`, or the address itself when no server does. */
export function serverAt(sim: Simulation, group: SentinelGroup, address: string): string {
  return group.servers.find((n) => sim.node(n).address === address) ?? address;
}
