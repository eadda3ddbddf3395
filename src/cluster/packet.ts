// What a node does with one decoded bus message (clusterProcessPacket), step by step in Redis's order: find the
// sender, take its epochs and offset, answer PING/MEET, finish handshakes, track addresses, roles and slots, resolve
// epoch collisions, learn from gossip; then the FAIL, PUBLISH, UPDATE and failover-vote messages.

import type { BusLink } from './bus-link.js';
import type { BusHeader, BusMessage, PingMessage } from './bus-message.js';
import type { Cluster } from './cluster.js';
import { ClusterTodo } from './cluster.js';
import { ClusterNode } from './cluster-node.js';
import { MessageType } from './cluster-state.js';
import { NodeFlag, SLOT_COUNT } from './constants.js';
import { sendFailoverAuthIfNeeded } from './election.js';
import { countFailoverAuthAck } from './failover.js';
import { clearNodeFailureIfNeeded } from './failure-detection.js';
import { processGossipSection, processPingExtensions } from './gossip.js';
import { hostOf } from './ip-address.js';
import { notePausedMasterOffset, receiveManualFailoverStart } from './manual-failover.js';
import { bitmapHas, isSlotUnclaimed, updateSlotsConfigWith } from './slot-config.js';
import { randomHex } from '../env/env.js';

/**
 * Processes one message from `link`. `msg` is null for a frame of an unknown type, whose header Redis still applies.
 * Returns false when the link was freed while processing.
 */
export function processPacket(cluster: Cluster, link: BusLink, msg: BusMessage | null, hdr: BusHeader): boolean {
  const state = cluster.state;
  const me = state.myself;
  const now = cluster.now();
  const flags = hdr.flags;
  let senderConfigEpoch = 0;
  let senderCurrentEpoch = 0;

  const sender = _senderOf(cluster, link, hdr);
  if (sender !== null) sender.dataReceived = now;
  if (sender !== null && !sender.inHandshake) {
    senderCurrentEpoch = hdr.currentEpoch;
    senderConfigEpoch = hdr.configEpoch;
    if (senderCurrentEpoch > state.currentEpoch) state.currentEpoch = senderCurrentEpoch;
    if (senderConfigEpoch > sender.configEpoch) {
      sender.configEpoch = senderConfigEpoch;
      cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.FSYNC_CONFIG);
    }
    sender.replOffset = hdr.offset;
    sender.replOffsetTime = now;
    notePausedMasterOffset(cluster, sender, hdr);
  }
  if (msg === null) return true;

  if (msg.type === MessageType.PING || msg.type === MessageType.MEET) {
    // My own IP is whatever address peers reach me at, unless it is announced.
    if ((msg.type === MessageType.MEET || me.ip === '') && cluster.node.config.get('cluster-announce-ip') === '') {
      const ip = hostOf(link.link.localAddress);
      if (ip !== '' && ip !== me.ip) {
        me.ip = ip;
        cluster.log('warning', `IP address for this node updated to ${me.ip}`);
        cluster.todo(ClusterTodo.SAVE_CONFIG);
      }
    }
    // A MEET from a stranger: start a handshake back, with a random name until its PONG tells the real one.
    if (sender === null && msg.type === MessageType.MEET) {
      const node = new ClusterNode(randomHex(cluster.node.env, 40), NodeFlag.HANDSHAKE, now);
      node.ip = _peerIp(link, hdr.myip);
      node.port = hdr.port;
      node.pport = hdr.pport;
      node.cport = hdr.cport;
      state.addNode(node);
      cluster.todo(ClusterTodo.SAVE_CONFIG);
      processGossipSection(cluster, msg, link);
    }
    cluster.sendPing(link, MessageType.PONG);
  }

  if (msg.type === MessageType.PING || msg.type === MessageType.PONG || msg.type === MessageType.MEET) {
    return _processPingFamily(cluster, link, msg, sender, senderConfigEpoch, flags);
  }

  switch (msg.type) {
    case MessageType.FAIL: {
      if (sender === null) {
        cluster.log('notice', `Ignoring FAIL message from unknown node ${hdr.sender} about ${msg.failing}`);
        break;
      }
      const failing = state.lookup(msg.failing);
      if (failing !== undefined && (failing.flags & (NodeFlag.FAIL | NodeFlag.MYSELF)) === 0) {
        cluster.log('notice', `FAIL message received from ${hdr.sender} about ${msg.failing}`);
        failing.flags = (failing.flags | NodeFlag.FAIL) & ~NodeFlag.PFAIL;
        failing.failTime = now;
        cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
      }
      break;
    }
    case MessageType.PUBLISH:
    case MessageType.PUBLISHSHARD:
      if (sender === null) break;
      cluster.node.publish(msg.channel, msg.message, msg.type === MessageType.PUBLISH ? 'channel' : 'shard');
      break;
    case MessageType.FAILOVER_AUTH_REQUEST:
      if (sender === null) break;
      sendFailoverAuthIfNeeded(cluster, sender, msg);
      break;
    case MessageType.FAILOVER_AUTH_ACK:
      if (sender === null) break;
      countFailoverAuthAck(cluster, sender, senderCurrentEpoch);
      break;
    case MessageType.MFSTART:
      // Only a replica of mine may ask me.
      if (sender === null || sender.master !== me) break;
      receiveManualFailoverStart(cluster, sender, link);
      break;
    case MessageType.UPDATE: {
      if (sender === null) break;
      const n = state.lookup(msg.update.nodename);
      if (n === undefined) break;
      if (n.configEpoch >= msg.update.configEpoch) break;
      if (n.isReplica) state.setNodeAsMaster(n);
      n.configEpoch = msg.update.configEpoch;
      cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.FSYNC_CONFIG);
      updateSlotsConfigWith(cluster, n, msg.update.configEpoch, msg.update.slots);
      break;
    }
    case MessageType.MODULE:
      // redis-sim loads no modules: counted, never delivered.
      break;
  }
  return true;
}

// --- internal ---

/** The sender: the link's node, or the node named in the header (attaching an inbound link to it) (getNodeFromLinkAndMsg). */
function _senderOf(cluster: Cluster, link: BusLink, hdr: BusHeader): ClusterNode | null {
  if (link.node !== null && !link.node.inHandshake) return link.node;
  const sender = cluster.state.lookup(hdr.sender) ?? null;
  if (sender !== null && link.node === null) cluster.setInboundLink(sender, link);
  return sender;
}

/** The announced IP, or the link's peer address (nodeIp2String). */
function _peerIp(link: BusLink, announced: string): string {
  return announced !== '' ? announced : hostOf(link.link.remoteAddress);
}

/** Updates a node's address from a message that came over a link other than ours to it (nodeUpdateAddressIfNeeded). */
function _updateAddressIfNeeded(cluster: Cluster, node: ClusterNode, link: BusLink, hdr: BusHeader): boolean {
  if (link === node.link) return false;
  const ip = _peerIp(link, hdr.myip);
  if (node.port === hdr.port && node.cport === hdr.cport && node.pport === hdr.pport && node.ip === ip) return false;
  node.ip = ip;
  node.port = hdr.port;
  node.pport = hdr.pport;
  node.cport = hdr.cport;
  if (node.link !== null) cluster.freeLink(node.link as BusLink);
  node.flags &= ~NodeFlag.NOADDR;
  cluster.log('warning', `Address updated for node ${node.name}, now ${node.ip}:${node.port}`);
  const me = cluster.state.myself;
  if (me.isReplica && me.master === node) cluster.node.replication.setMaster(node.ip, node.port);
  return true;
}

function _processPingFamily(
  cluster: Cluster,
  link: BusLink,
  msg: PingMessage,
  sender: ClusterNode | null,
  senderConfigEpoch: number,
  flags: number,
): boolean {
  const state = cluster.state;
  const me = state.myself;
  const now = cluster.now();

  if (!link.inbound && link.node !== null) {
    const peer = link.node;
    if (peer.inHandshake) {
      // The handshake answered: either a node we already know at a new address, or a new node with its real name.
      if (sender !== null) {
        cluster.log('verbose', `Handshake: we already know node ${sender.name}, updating the address if needed.`);
        if (_updateAddressIfNeeded(cluster, sender, link, msg))
          cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
        cluster.deleteNode(peer);
        return false;
      }
      if (state.lookup(msg.sender) === undefined) state.renameNode(peer, msg.sender);
      cluster.log('debug', `Handshake with node ${peer.name} completed.`);
      peer.flags &= ~NodeFlag.HANDSHAKE;
      peer.flags |= flags & (NodeFlag.MASTER | NodeFlag.SLAVE);
      cluster.todo(ClusterTodo.SAVE_CONFIG);
    } else if (peer.name !== msg.sender) {
      // Someone else answers at this address now: forget the address until gossip tells us the new one.
      cluster.log(
        'debug',
        `PONG contains mismatching sender ID. About node ${peer.name} added ${now - peer.createdAt} ms ago, having flags ${peer.flags}`,
      );
      peer.flags |= NodeFlag.NOADDR;
      peer.ip = '';
      peer.port = 0;
      peer.pport = 0;
      peer.cport = 0;
      cluster.freeLink(link);
      cluster.todo(ClusterTodo.SAVE_CONFIG);
      return false;
    }
  }

  if (sender !== null) sender.flags = (sender.flags & ~NodeFlag.NOFAILOVER) | (flags & NodeFlag.NOFAILOVER);

  if (
    sender !== null &&
    msg.type === MessageType.PING &&
    !sender.inHandshake &&
    _updateAddressIfNeeded(cluster, sender, link, msg)
  )
    cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);

  if (!link.inbound && msg.type === MessageType.PONG && link.node !== null) {
    const peer = link.node;
    peer.pongReceived = now;
    peer.pingSent = 0;
    if (peer.timedOut) {
      peer.flags &= ~NodeFlag.PFAIL;
      cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
    } else if (peer.failed) {
      clearNodeFailureIfNeeded(cluster, peer);
    }
  }

  if (sender !== null) {
    if (msg.slaveof === null) {
      if (!sender.isMaster) {
        state.setNodeAsMaster(sender);
        if (sender === me) sender.flags &= ~NodeFlag.MIGRATE_TO;
        cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
      }
    } else {
      const master = state.lookup(msg.slaveof) ?? null;
      if (sender.isMaster) {
        state.deleteNodeSlots(sender);
        sender.flags = (sender.flags & ~(NodeFlag.MASTER | NodeFlag.MIGRATE_TO)) | NodeFlag.SLAVE;
        cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
      }
      if (master !== null && sender.master !== master && master !== sender) {
        sender.master?.removeReplica(sender);
        master.addReplica(sender);
        sender.master = master;
        cluster.todo(ClusterTodo.SAVE_CONFIG);
      }
    }
  }

  // Slots: a master's claim may change owners; a stale claim earns the sender an UPDATE.
  let dirtySlots = false;
  if (sender !== null) {
    const senderMaster = sender.isMaster ? sender : sender.master;
    if (senderMaster !== null) dirtySlots = !_sameBitmap(senderMaster.slots, msg.myslots);
  }
  if (sender !== null && sender.isMaster && dirtySlots)
    updateSlotsConfigWith(cluster, sender, senderConfigEpoch, msg.myslots);

  if (sender !== null && dirtySlots) {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (!bitmapHas(msg.myslots, slot)) continue;
      const owner = state.slots[slot] ?? null;
      if (owner === sender || owner === null || isSlotUnclaimed(cluster, slot)) continue;
      if (owner.configEpoch > senderConfigEpoch) {
        cluster.log(
          'verbose',
          `Node ${sender.name} has old slots configuration, sending an UPDATE message about ${owner.name}`,
        );
        cluster.sendUpdate(sender.link as BusLink | null, owner);
        break;
      }
    }
  }

  if (sender !== null && me.isMaster && sender.isMaster && senderConfigEpoch === me.configEpoch)
    _handleConfigEpochCollision(cluster, sender);

  if (sender !== null) {
    processGossipSection(cluster, msg, link);
    processPingExtensions(cluster, msg, link);
  }
  return true;
}

/** Two masters with the same configEpoch: the one with the smaller name moves on (clusterHandleConfigEpochCollision). */
function _handleConfigEpochCollision(cluster: Cluster, sender: ClusterNode): void {
  const me = cluster.state.myself;
  if (sender.configEpoch !== me.configEpoch || !sender.isMaster || !me.isMaster) return;
  if (sender.name <= me.name) return;
  cluster.state.currentEpoch++;
  me.configEpoch = cluster.state.currentEpoch;
  cluster.saveConfigOrDie(true);
  cluster.log(
    'verbose',
    `WARNING: configEpoch collision with node ${sender.name}. configEpoch set to ${me.configEpoch}`,
  );
}

function _sameBitmap(a: Uint8Array, b: Uint8Array): boolean {
  // A Buffer view compares with memcmp, many times faster than a byte loop over 2048 bytes for every message.
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
