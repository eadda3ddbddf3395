// clusterCron, every 100 ms: drops stale handshakes, (re)connects bus links, pings the node heard from least among a
// few random ones once a second and anyone not heard from for node_timeout/2, resets links that stopped answering,
// flags PFAIL, points replication at my master, and recomputes the state when something may have changed.

import type { BusLink } from './bus-link.js';
import type { Cluster } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import { MessageType } from './cluster-state.js';
import { NodeFlag, REPLICA_MIGRATION_DELAY_MS } from './constants.js';
import { handleReplicaFailover } from './failover.js';
import { handleManualFailover, manualFailoverCheckTimeout, pingsManualFailoverReplica } from './manual-failover.js';

/** Runs one clusterCron tick. */
export function clusterCron(cluster: Cluster): void {
  const state = cluster.state;
  const me = state.myself;
  const timeout = cluster.nodeTimeout();
  const now = cluster.now();
  cluster.cronIteration++;
  _updateMyselfHostname(cluster);

  const handshakeTimeout = Math.max(timeout, 1000);
  cluster.statsPfailNodes = 0;
  cluster.linksMemory = 0;
  for (const node of [...state.nodes.values()]) {
    if (state.lookup(node.name) !== node) continue;
    // Shrink the send buffers first, so only links still over the limit are freed; a freed outbound link is
    // reconnected just below, in the same tick.
    for (const link of [node.link, node.inboundLink] as (BusLink | null)[]) {
      if (link === null) continue;
      link.resizeSendBuffer();
      _freeLinkOverBufferLimit(cluster, link);
      if (!link.freed) cluster.linksMemory += link.memoryUsage;
    }
    if ((node.flags & (NodeFlag.MYSELF | NodeFlag.NOADDR)) !== 0) continue;
    if (node.timedOut) cluster.statsPfailNodes++;
    if (node.inHandshake && now - node.createdAt > handshakeTimeout) {
      cluster.deleteNode(node);
      continue;
    }
    if (node.link === null) cluster.connect(node);
  }

  // Once a second, ping the node with the oldest PONG among five random picks.
  if (cluster.cronIteration % 10 === 0) {
    const nodes = [...state.nodes.values()];
    let minPongNode: ClusterNode | null = null;
    for (let j = 0; j < 5 && nodes.length > 0; j++) {
      const candidate = nodes[Math.floor(cluster.node.env.random() * nodes.length)]!;
      if (candidate.link === null || candidate.pingSent !== 0) continue;
      if ((candidate.flags & (NodeFlag.MYSELF | NodeFlag.HANDSHAKE)) !== 0) continue;
      if (minPongNode === null || minPongNode.pongReceived > candidate.pongReceived) minPongNode = candidate;
    }
    if (minPongNode !== null) {
      cluster.log('debug', `Pinging node ${minPongNode.name}`);
      cluster.sendPing(minPongNode.link as BusLink, MessageType.PING);
    }
  }

  let orphanedMasters = 0;
  let maxReplicas = 0;
  let myMasterReplicas = 0;
  let updateState = false;
  for (const node of [...state.nodes.values()]) {
    if (state.lookup(node.name) !== node) continue;
    if ((node.flags & (NodeFlag.MYSELF | NodeFlag.NOADDR | NodeFlag.HANDSHAKE)) !== 0) continue;
    if (me.isReplica && node.isMaster && !node.failed) {
      const okReplicas = node.nonFailingReplicas();
      if (okReplicas === 0 && node.numSlots > 0 && node.has(NodeFlag.MIGRATE_TO)) orphanedMasters++;
      if (okReplicas > maxReplicas) maxReplicas = okReplicas;
      if (me.master === node) myMasterReplicas = okReplicas;
    }

    const pingDelay = now - node.pingSent;
    const dataDelay = now - node.dataReceived;
    const link = node.link as BusLink | null;
    // A link that stopped answering is reset; the next tick reconnects.
    if (
      link !== null &&
      now - link.createdAt > timeout &&
      node.pingSent !== 0 &&
      pingDelay > timeout / 2 &&
      dataDelay > timeout / 2
    ) {
      cluster.freeLink(link);
    }
    if (node.link !== null && node.pingSent === 0 && now - node.pongReceived > timeout / 2) {
      cluster.sendPing(node.link as BusLink, MessageType.PING);
      continue;
    }
    // A master in a manual failover pings the replica every tick, so it learns the paused offset fast.
    if (pingsManualFailoverReplica(cluster, node)) {
      cluster.sendPing(node.link as BusLink, MessageType.PING);
      continue;
    }
    if (node.pingSent === 0) continue;
    const nodeDelay = Math.min(pingDelay, dataDelay);
    if (nodeDelay > timeout && (node.flags & (NodeFlag.PFAIL | NodeFlag.FAIL)) === 0) {
      cluster.log('debug', `*** NODE ${node.name} possibly failing`);
      node.flags |= NodeFlag.PFAIL;
      updateState = true;
    }
  }

  // A replica (say, loaded from nodes.conf) that is not replicating yet starts now.
  if (me.isReplica && !cluster.node.replication.isReplica() && me.master !== null && me.master.hasAddress) {
    cluster.node.replication.setMaster(me.master.ip, me.master.port);
  }

  manualFailoverCheckTimeout(cluster);
  if (me.isReplica) {
    handleManualFailover(cluster);
    handleReplicaFailover(cluster);
  }

  if (me.isReplica && orphanedMasters > 0 && maxReplicas >= 2 && myMasterReplicas === maxReplicas) {
    if (cluster.node.config.getBool('cluster-allow-replica-migration')) _handleReplicaMigration(cluster, maxReplicas);
  }

  if (updateState || state.state === 'fail') cluster.updateState();
}

// --- internal ---

/** Frees a link whose send buffer outgrew cluster-link-sendbuf-limit, and counts it (freeClusterLinkOnBufferLimitReached). */
function _freeLinkOverBufferLimit(cluster: Cluster, link: BusLink): void {
  const limit = cluster.node.config.getNumber('cluster-link-sendbuf-limit');
  const allocated = link.sendBufferAllocated;
  if (limit === 0 || allocated <= limit) return;
  const direction = link.inbound ? 'from' : 'to';
  cluster.log(
    'warning',
    `Freeing cluster link(${direction} node ${link.node?.name ?? ''}, used memory: ${allocated}) due to exceeding send buffer memory limit.`,
  );
  cluster.freeLink(link);
  cluster.state.linksBufferLimitExceeded++;
}

/** Keeps my hostname equal to cluster-announce-hostname (clusterUpdateMyselfHostname; no save of its own). */
function _updateMyselfHostname(cluster: Cluster): void {
  cluster.state.myself.hostname = cluster.node.config.get('cluster-announce-hostname');
}

/** Moves me to an orphaned master when my master has replicas to spare (clusterHandleSlaveMigration). */
function _handleReplicaMigration(cluster: Cluster, maxReplicas: number): void {
  const state = cluster.state;
  const me = state.myself;
  const myMaster = me.master;
  const now = cluster.now();
  if (state.state !== 'ok' || myMaster === null) return;
  let okReplicas = 0;
  for (const r of myMaster.replicas) if ((r.flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) === 0) okReplicas++;
  if (okReplicas <= cluster.node.config.getNumber('cluster-migration-barrier')) return;

  let candidate = me;
  let target: ClusterNode | null = null;
  for (const node of state.nodes.values()) {
    let ok = 0;
    let isOrphaned = true;
    if (node.isReplica || node.failed) isOrphaned = false;
    if (!node.has(NodeFlag.MIGRATE_TO)) isOrphaned = false;
    if (node.isMaster) ok = node.nonFailingReplicas();
    if (ok > 0) isOrphaned = false;
    if (isOrphaned) {
      if (target === null && node.numSlots > 0) target = node;
      if (node.orphanedTime === 0) node.orphanedTime = now;
    } else {
      node.orphanedTime = 0;
    }
    // The replica with the smallest name among those of the best-covered masters is the one that moves.
    if (ok === maxReplicas) for (const r of node.replicas) if (r.name < candidate.name) candidate = r;
  }
  if (target !== null && candidate === me && now - target.orphanedTime > REPLICA_MIGRATION_DELAY_MS) {
    cluster.log('warning', `Migrating to orphaned master ${target.name}`);
    cluster.setMaster(target);
  }
}
