// Manual failover, CLUSTER FAILOVER [FORCE|TAKEOVER] (cluster.c). Default: the replica sends MFSTART; its master
// pauses writes (a pause of its own purpose, apart from CLIENT PAUSE), flags its messages PAUSED and pings the
// replica every tick; the replica records the master's offset from the first PAUSED message, and once it has
// processed that much of the stream its election starts at once, asking for votes with FORCEACK. FORCE skips the
// master; TAKEOVER skips the votes too. Everything is abandoned after CLUSTER_MF_TIMEOUT (resetManualFailover,
// manualFailoverCheckTimeout, clusterHandleManualFailover, the MFSTART and PAUSED branches of clusterProcessPacket).

import type { BusLink } from './bus-link.js';
import type { BusHeader, HeaderOnlyMessage } from './bus-message.js';
import { busMessage, MessageFlag0 } from './bus-message.js';
import type { Cluster } from './cluster.js';
import { ClusterTodo } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import { MessageType } from './cluster-state.js';
import { MANUAL_FAILOVER_PAUSE_MULT, MANUAL_FAILOVER_TIMEOUT_MS } from './constants.js';
import { failoverReplaceYourMaster } from './failover.js';

/** The manual failover state (the mf_* fields of clusterState), on both the replica and its master. */
export class ManualFailoverState {
  /** When the manual failover is abandoned (mf_end); 0: none in progress. */
  end = 0;
  /** On a master: the replica that asked (mf_slave). */
  replica: ClusterNode | null = null;
  /** On a replica: the master's offset from its first PAUSED message (mf_master_offset); -1: not yet known. */
  masterOffset = -1;
  /** On a replica: whether the election may start (mf_can_start). */
  canStart = false;
}

/** CLUSTER FAILOVER's mode. */
export type ManualFailoverMode = 'default' | 'force' | 'takeover';

/** Why CLUSTER FAILOVER is refused, or null when it may go ahead (clusterCommand's preconditions). */
export function manualFailoverRefusal(
  cluster: Cluster,
  mode: ManualFailoverMode,
): 'not-replica' | 'master-unknown' | 'master-down' | null {
  const me = cluster.state.myself;
  if (me.isMaster) return 'not-replica';
  const master = me.master;
  if (master === null) return 'master-unknown';
  if (mode === 'default' && (master.failed || master.link === null)) return 'master-down';
  return null;
}

/** Starts a manual failover on this replica; the caller checked manualFailoverRefusal (CLUSTER FAILOVER). */
export function startManualFailover(cluster: Cluster, mode: ManualFailoverMode): void {
  const mf = cluster.manualFailover;
  resetManualFailover(cluster);
  mf.end = cluster.now() + MANUAL_FAILOVER_TIMEOUT_MS;
  if (mode === 'takeover') {
    // No agreement from anyone: a new configEpoch of my own, then the slots.
    cluster.log('warning', 'Taking over the master (user request).');
    cluster.bumpConfigEpochWithoutConsensus();
    failoverReplaceYourMaster(cluster);
  } else if (mode === 'force') {
    cluster.log('warning', 'Forced failover user request accepted.');
    mf.canStart = true;
  } else {
    cluster.log('warning', 'Manual failover user request accepted.');
    const master = cluster.state.myself.master;
    if (master !== null) {
      const start = busMessage<HeaderOnlyMessage>(cluster.header(), { type: MessageType.MFSTART });
      cluster.sendMessage(master.link as BusLink | null, start);
    }
  }
}

/** Clears the manual failover state; a master that paused its clients for one unpauses them (resetManualFailover). */
export function resetManualFailover(cluster: Cluster): void {
  const mf = cluster.manualFailover;
  if (mf.replica !== null) cluster.node.unpause('failover');
  cluster.node.replication.failoverPaused = false;
  mf.end = 0;
  mf.canStart = false;
  mf.replica = null;
  mf.masterOffset = -1;
}

/** Abandons a manual failover whose time is up (manualFailoverCheckTimeout). */
export function manualFailoverCheckTimeout(cluster: Cluster): void {
  const mf = cluster.manualFailover;
  if (mf.end !== 0 && mf.end < cluster.now()) {
    cluster.log('warning', 'Manual failover timed out.');
    resetManualFailover(cluster);
  }
}

/** On a replica: lets the election start once the stream has caught up with the paused master (clusterHandleManualFailover). */
export function handleManualFailover(cluster: Cluster): void {
  const mf = cluster.manualFailover;
  if (mf.end === 0 || mf.canStart || mf.masterOffset === -1) return;
  if (mf.masterOffset === cluster.node.replication.offset()) {
    mf.canStart = true;
    cluster.log('warning', 'All master replication stream processed, manual failover can start.');
    cluster.todo(ClusterTodo.HANDLE_FAILOVER);
    return;
  }
  cluster.todo(ClusterTodo.HANDLE_MANUALFAILOVER);
}

/** On a master: a replica of mine asks for a manual failover; pause writes and tell it my offset (MFSTART). */
export function receiveManualFailoverStart(cluster: Cluster, replica: ClusterNode, link: BusLink): void {
  const mf = cluster.manualFailover;
  const now = cluster.now();
  resetManualFailover(cluster);
  mf.end = now + MANUAL_FAILOVER_TIMEOUT_MS;
  mf.replica = replica;
  cluster.node.pauseClients(now + MANUAL_FAILOVER_TIMEOUT_MS * MANUAL_FAILOVER_PAUSE_MULT, true, 'failover');
  // Replication PINGs would move the offset the replica is waiting to reach.
  cluster.node.replication.failoverPaused = true;
  cluster.log('warning', `Manual failover requested by replica ${replica.name}.`);
  // This PING carries the PAUSED flag and the offset the pause froze: the replica may start as soon as it has it.
  cluster.sendPing(link, MessageType.PING);
}

/** On a replica in a manual failover: the first PAUSED header from my master gives the offset to reach. */
export function notePausedMasterOffset(cluster: Cluster, sender: ClusterNode, hdr: BusHeader): void {
  const mf = cluster.manualFailover;
  const me = cluster.state.myself;
  if (mf.end === 0 || !me.isReplica || me.master !== sender) return;
  if ((hdr.mflags & MessageFlag0.PAUSED) === 0 || mf.masterOffset !== -1) return;
  mf.masterOffset = sender.replOffset;
  cluster.todo(ClusterTodo.HANDLE_MANUALFAILOVER);
  cluster.log('warning', `Received replication offset for paused master manual failover: ${mf.masterOffset}`);
}

/** The mflags a header carries: PAUSED while I am a master in a manual failover (clusterBuildMessageHdr). */
export function headerManualFailoverFlags(cluster: Cluster): number {
  return cluster.state.myself.isMaster && cluster.manualFailover.end !== 0 ? MessageFlag0.PAUSED : 0;
}

/** Whether the master must keep pinging `node` every tick: it is the replica of my manual failover. */
export function pingsManualFailoverReplica(cluster: Cluster, node: ClusterNode): boolean {
  const mf = cluster.manualFailover;
  return mf.end !== 0 && cluster.state.myself.isMaster && mf.replica === node && node.link !== null;
}
