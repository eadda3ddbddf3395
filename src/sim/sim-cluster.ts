// Forms a cluster of simulated nodes in virtual time with the same former `redis-sim cluster` uses on real sockets:
// the former is one more endpoint of the simulated network, talking RESP to the nodes as redis-cli would.

import {
  ClusterFormError,
  startClusterFormer,
  type FormClusterOptions,
  type FormedCluster,
} from '../cluster/cluster-former.js';
import type { Simulation } from './simulation.js';

/** Options for formCluster in a simulation. */
export interface SimFormClusterOptions extends Partial<FormClusterOptions> {
  /** The former's endpoint name (it can be partitioned); `tool-<n>` when omitted. */
  readonly endpoint?: string;
}

/**
 * Forms a cluster of running cluster-mode nodes (by name; at least 3 masters) and runs the simulation until every node
 * reports `cluster_state:ok` with the planned roles. Throws ClusterFormError when that does not happen within
 * `timeoutMs` (default 60 000) of virtual time, or a node refuses (not a cluster node, not empty).
 */
export function formCluster(
  sim: Simulation,
  names: readonly string[],
  options: SimFormClusterOptions = {},
): FormedCluster {
  const { endpoint, ...rest } = options;
  const targets = names.map((name) => {
    const node = sim.node(name);
    const at = node.address.lastIndexOf(':');
    const busPort = node.node.cluster?.busPort;
    return {
      host: node.address.slice(0, at),
      port: Number(node.address.slice(at + 1)),
      ...(busPort === undefined ? {} : { busPort }),
    };
  });
  const tool = sim.endpoint(endpoint);
  let result: FormedCluster | ClusterFormError | null = null;
  const timeoutMs = rest.timeoutMs ?? 60_000;
  startClusterFormer(
    { net: tool.net, schedule: (ms, task) => sim.schedule(ms, task) },
    targets,
    { replicas: 0, ...rest, timeoutMs },
    (r) => (result = r),
  );
  // The former's own deadline ends the run; the margin only guards against a former that never reports.
  sim.runUntil(() => result !== null, timeoutMs + 1000);
  const formed = result as FormedCluster | ClusterFormError | null;
  if (formed === null || formed instanceof ClusterFormError) throw formed ?? new ClusterFormError('No result');
  return formed;
}
