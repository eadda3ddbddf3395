// The replica's side of a failover (cluster.c): when its master is FAIL (or a manual failover may start) a replica
// checks its data is recent enough, waits a delay that grows with its rank among its siblings, asks every node for a
// vote in a new epoch, counts the masters' ACKs, and with a majority takes its master's slots
// (clusterHandleSlaveFailover, clusterGetSlaveRank, clusterRequestFailoverAuth, clusterFailoverReplaceYourMaster,
// clusterLogCantFailover). The masters' side of the vote is election.ts; manual failover is manual-failover.ts.

import { busMessage, MessageFlag0, type HeaderOnlyMessage } from './bus-message.js';
import type { Cluster } from './cluster.js';
import { ClusterTodo } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import { MessageType } from './cluster-state.js';
import { NodeFlag, SLOT_COUNT } from './constants.js';
import { resetManualFailover } from './manual-failover.js';

/** Why a replica that should fail over cannot (CLUSTER_CANT_FAILOVER_*). */
export const CantFailover = {
  NONE: 0,
  DATA_AGE: 1,
  WAITING_DELAY: 2,
  EXPIRED: 3,
  WAITING_VOTES: 4,
} as const;

/** A repeated reason is logged again only after this many seconds (CLUSTER_CANT_FAILOVER_RELOG_PERIOD). */
export const CANT_FAILOVER_RELOG_PERIOD_SECONDS = 60 * 5;

/** The election state of a replica (the failover_auth_* fields of clusterState). */
export class ElectionState {
  /** When the election starts, or started (failover_auth_time); 0: never scheduled. */
  authTime = 0;
  /** Votes received so far (failover_auth_count). */
  authCount = 0;
  /** Whether the vote request went out (failover_auth_sent). */
  authSent = false;
  /** My rank among my master's replicas for this election (failover_auth_rank). */
  authRank = 0;
  /** The epoch of the current election (failover_auth_epoch). */
  authEpoch = 0;
  /** The last reason logged for not failing over (cant_failover_reason). */
  cantFailoverReason: number = CantFailover.NONE;
  /** When (unix seconds) that reason was last logged (clusterLogCantFailover's lastlog_time). */
  lastCantFailoverLog = 0;
}

/** Runs a replica's election state machine once: from cron, or from beforeReply when flagged (clusterHandleSlaveFailover). */
export function handleReplicaFailover(cluster: Cluster): void {
  const state = cluster.state;
  const me = state.myself;
  const election = cluster.election;
  const mf = cluster.manualFailover;
  const now = cluster.now();
  const authAge = now - election.authTime;
  const neededQuorum = Math.floor(state.size / 2) + 1;
  const manual = mf.end !== 0 && mf.canStart;
  const nodeTimeout = cluster.nodeTimeout();
  const config = cluster.node.config;

  cluster.clearTodo(ClusterTodo.HANDLE_FAILOVER);
  const authTimeout = Math.max(nodeTimeout * 2, 2000);
  const authRetryTime = authTimeout * 2;

  const master = me.master;
  if (
    me.isMaster ||
    master === null ||
    (!master.failed && !manual) ||
    (config.getBool('cluster-replica-no-failover') && !manual) ||
    master.numSlots === 0
  ) {
    election.cantFailoverReason = CantFailover.NONE;
    return;
  }

  // How long my data has been stale: the master link's silence, or how long it has been down. The time the master
  // took to be flagged FAIL is the baseline, so node_timeout of it is forgiven.
  const repl = cluster.node.replication;
  const nowSeconds = Math.floor(now / 1000);
  let dataAge = repl.linkUp()
    ? (nowSeconds - Math.floor(repl.lastInteraction() / 1000)) * 1000
    : (nowSeconds - Math.floor(repl.downSince() / 1000)) * 1000;
  if (dataAge > nodeTimeout) dataAge -= nodeTimeout;
  const validityFactor = config.getNumber('cluster-replica-validity-factor');
  const pingPeriod = config.getNumber('repl-ping-replica-period');
  if (validityFactor !== 0 && dataAge > pingPeriod * 1000 + nodeTimeout * validityFactor && !manual) {
    _logCantFailover(cluster, CantFailover.DATA_AGE);
    return;
  }

  // The last attempt is over (or there never was one): schedule the next election.
  if (authAge > authRetryTime) {
    election.authTime = now + 500 + Math.floor(cluster.node.env.random() * 500);
    election.authCount = 0;
    election.authSent = false;
    election.authRank = replicaRank(cluster);
    // Replicas with older data wait one more second per better sibling.
    election.authTime += election.authRank * 1000;
    if (mf.end !== 0) {
      election.authTime = now;
      election.authRank = 0;
      cluster.todo(ClusterTodo.HANDLE_FAILOVER);
    }
    cluster.log(
      'warning',
      `Start of election delayed for ${election.authTime - now} milliseconds (rank #${election.authRank}, offset ${repl.offset()}).`,
    );
    // Siblings learn my offset now, so their ranks take it into account.
    cluster.broadcastPong('local-replicas');
    return;
  }

  // Siblings may have told us better offsets since the election was scheduled: wait longer if my rank grew.
  if (!election.authSent && mf.end === 0) {
    const newRank = replicaRank(cluster);
    if (newRank > election.authRank) {
      const addedDelay = (newRank - election.authRank) * 1000;
      election.authTime += addedDelay;
      election.authRank = newRank;
      cluster.log('warning', `Replica rank updated to #${newRank}, added ${addedDelay} milliseconds of delay.`);
    }
  }

  if (now < election.authTime) {
    _logCantFailover(cluster, CantFailover.WAITING_DELAY);
    return;
  }
  if (authAge > authTimeout) {
    _logCantFailover(cluster, CantFailover.EXPIRED);
    return;
  }

  if (!election.authSent) {
    state.currentEpoch++;
    election.authEpoch = state.currentEpoch;
    cluster.log('warning', `Starting a failover election for epoch ${state.currentEpoch}.`);
    requestFailoverAuth(cluster);
    election.authSent = true;
    cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE | ClusterTodo.FSYNC_CONFIG);
    return;
  }

  if (election.authCount >= neededQuorum) {
    cluster.log('warning', "Failover election won: I'm the new master.");
    if (me.configEpoch < election.authEpoch) {
      me.configEpoch = election.authEpoch;
      cluster.log('warning', `configEpoch set to ${me.configEpoch} after successful failover`);
    }
    failoverReplaceYourMaster(cluster);
  } else {
    _logCantFailover(cluster, CantFailover.WAITING_VOTES);
  }
}

/** How many of my master's other replicas (able to fail over) advertise a larger offset than mine (clusterGetSlaveRank). */
export function replicaRank(cluster: Cluster): number {
  const me = cluster.state.myself;
  const master = me.master;
  if (master === null) return 0;
  const myOffset = cluster.node.replication.offset();
  let rank = 0;
  for (const r of master.replicas) if (r !== me && !r.has(NodeFlag.NOFAILOVER) && r.replOffset > myOffset) rank++;
  return rank;
}

/** Asks every node for its vote; FORCEACK during a manual failover (clusterRequestFailoverAuth). */
export function requestFailoverAuth(cluster: Cluster): void {
  const header = cluster.header();
  if (cluster.manualFailover.end !== 0) header.mflags |= MessageFlag0.FORCEACK;
  cluster.broadcast(busMessage<HeaderOnlyMessage>(header, { type: MessageType.FAILOVER_AUTH_REQUEST }));
}

/**
 * Counts a FAILOVER_AUTH_ACK: only from a master serving slots whose currentEpoch has reached the election's
 * (clusterProcessPacket's FAILOVER_AUTH_ACK branch). `senderCurrentEpoch` is the message header's.
 */
export function countFailoverAuthAck(cluster: Cluster, sender: ClusterNode, senderCurrentEpoch: number): void {
  const election = cluster.election;
  if (sender.isMaster && sender.numSlots > 0 && senderCurrentEpoch >= election.authEpoch) {
    election.authCount++;
    // Maybe that was the vote that makes a majority: check before the next cron tick.
    cluster.todo(ClusterTodo.HANDLE_FAILOVER);
  }
}

/**
 * The end of every failover: I become a master, take all my old master's slots, and tell everyone; the caller has
 * given me a new configEpoch already (clusterFailoverReplaceYourMaster).
 */
export function failoverReplaceYourMaster(cluster: Cluster): void {
  const state = cluster.state;
  const me = state.myself;
  const oldMaster = me.master;
  if (me.isMaster || oldMaster === null) return;

  state.setNodeAsMaster(me);
  // clusterSetNodeAsMaster flags a promoted replica as a migration target, except myself.
  me.flags &= ~NodeFlag.MIGRATE_TO;
  cluster.node.replication.unsetMaster();

  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (!oldMaster.ownsSlot(slot)) continue;
    state.deleteSlot(slot);
    state.addSlot(slot, me);
  }

  cluster.updateState();
  cluster.saveConfigOrDie(true);
  cluster.broadcastPong('all');
  resetManualFailover(cluster);
}

// --- internal ---

/**
 * Logs why I cannot fail over, but only when the reason changed or the same one has lasted RELOG_PERIOD, and never
 * in the first node_timeout + 5 s after my master failed (clusterLogCantFailover).
 */
function _logCantFailover(cluster: Cluster, reason: number): void {
  const election = cluster.election;
  const me = cluster.state.myself;
  const nowSeconds = Math.floor(cluster.now() / 1000);
  const quietAfterFail = cluster.nodeTimeout() + 5000;
  if (
    reason === election.cantFailoverReason &&
    nowSeconds - election.lastCantFailoverLog < CANT_FAILOVER_RELOG_PERIOD_SECONDS
  )
    return;
  election.cantFailoverReason = reason;
  if (me.master !== null && me.master.failed && cluster.now() - me.master.failTime < quietAfterFail) return;
  election.lastCantFailoverLog = nowSeconds;
  cluster.log('warning', `Currently unable to failover: ${_CANT_FAILOVER_TEXT[reason] ?? 'Unknown reason code.'}`);
}

const _CANT_FAILOVER_TEXT: Record<number, string> = {
  [CantFailover.DATA_AGE]:
    "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.",
  [CantFailover.WAITING_DELAY]: 'Waiting the delay before I can start a new failover.',
  [CantFailover.EXPIRED]: 'Failover attempt expired.',
  [CantFailover.WAITING_VOTES]: 'Waiting for votes, but majority still not reached.',
};
