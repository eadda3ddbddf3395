// The cluster subsystem of a node in cluster mode (cluster.c): it owns the ClusterState, nodes.conf, the bus links,
// clusterCron and message processing. The node calls load/start/beforeReply/shutdown; the CLUSTER command family
// and the hosts call the methods below.
//
// CONTRACT (filled in by the engine work): method names and meanings are fixed; bodies are the engine's.

import type { Link } from '../env/env.js';
import type { RedisNode } from '../node/node.js';
import { ClusterNode } from './cluster-node.js';
import { ClusterState } from './cluster-state.js';
import { BUS_PORT_OFFSET, NodeFlag } from './constants.js';
import { randomHex } from '../env/env.js';

/** Work deferred to just before replies are sent (CLUSTER_TODO_* for clusterBeforeSleep). */
export const ClusterTodo = {
  HANDLE_FAILOVER: 1,
  UPDATE_STATE: 2,
  SAVE_CONFIG: 4,
  FSYNC_CONFIG: 8,
  HANDLE_MANUALFAILOVER: 16,
} as const;

/** A nodes.conf that cannot be loaded; the message is the line Redis logs before exiting. */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

/** The cluster side of one node. */
export class Cluster {
  /** The cluster as this node sees it. */
  readonly state: ClusterState;

  constructor(readonly node: RedisNode) {
    const me = new ClusterNode(randomHex(node.env, 40), NodeFlag.MYSELF | NodeFlag.MASTER, node.now());
    this.state = new ClusterState(me);
  }

  /** The bus port: `cluster-port`, or the data port + 10000. */
  get busPort(): number {
    const configured = this.node.config.getNumber('cluster-port');
    return configured !== 0 ? configured : this.node.config.getNumber('port') + BUS_PORT_OFFSET;
  }

  /** Loads nodes.conf, or creates this node's identity and saves it (clusterInit). Throws ClusterConfigError. */
  load(): void {}

  /** Starts clusterCron. */
  start(): void {}

  /** Stops the cron and closes every bus link (the process is exiting). */
  shutdown(): void {}

  /** Takes a link a peer opened to our bus port. */
  acceptLink(_link: Link): void {}

  /** Queues work for beforeReply (clusterDoBeforeSleep flags). */
  todo(_flags: number): void {}

  /** Runs queued work: failover handling, state update, config save (clusterBeforeSleep). */
  beforeReply(): void {}

  /** CLUSTER MEET: starts a handshake; false for an invalid address or port (clusterStartHandshake). */
  startHandshake(_ip: string, _port: number, _cport: number): boolean {
    return false;
  }

  /** Makes this node a replica of `master`, dropping its slots (clusterSetMaster). */
  setMaster(_master: ClusterNode): void {}

  /** CLUSTER RESET HARD|SOFT (clusterReset). */
  reset(_hard: boolean): void {}

  /** CLUSTER FORGET: deletes the node and blacklists its name for 60 s. */
  forget(_node: ClusterNode): void {}

  /** Recomputes cluster_state now (clusterUpdateState). */
  updateState(): void {}

  /** Sends a PONG to every node, or to my master's other replicas (clusterBroadcastPong). */
  broadcastPong(_target: 'all' | 'local-replicas'): void {}

  /** Sends PUBLISH (or PUBLISHSHARD to my shard) over the bus (clusterPropagatePublish). */
  propagatePublish(_channel: string, _message: string, _shard: boolean): void {}

  /** Writes nodes.conf now; returns false if it could not be written (clusterSaveConfig). */
  saveConfig(_fsync: boolean): boolean {
    return false;
  }

  /** `ip:port` (or hostname:port, per cluster-preferred-endpoint-type) that MOVED/ASK name for a node. */
  endpointOf(node: ClusterNode): string {
    return `${node.ip}:${node.port}`;
  }
}
