// The master's side of a replica election (clusterSendFailoverAuthIfNeeded): one vote per epoch, only for a replica of
// a failed master (or a forced manual failover), at most once per node_timeout*2 per master, and never for a claim
// over slots some owner holds with a newer configEpoch. The replica's own election is a later piece.

import type { BusLink } from './bus-link.js';
import type { BusHeader, HeaderOnlyMessage } from './bus-message.js';
import { busMessage, MessageFlag0 } from './bus-message.js';
import type { Cluster } from './cluster.js';
import { ClusterTodo } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import { MessageType } from './cluster-state.js';
import { SLOT_COUNT } from './constants.js';
import { bitmapHas, isSlotUnclaimed } from './slot-config.js';

/** Answers a FAILOVER_AUTH_REQUEST with an ACK when this master may vote for `node`. */
export function sendFailoverAuthIfNeeded(cluster: Cluster, node: ClusterNode, request: BusHeader): void {
  const state = cluster.state;
  const me = state.myself;
  const master = node.master;
  const forceAck = (request.mflags & MessageFlag0.FORCEACK) !== 0;
  const deny = (why: string): void => cluster.log('warning', `Failover auth denied to ${node.name}: ${why}`);

  if (me.isReplica || me.numSlots === 0) return;
  if (request.currentEpoch < state.currentEpoch) {
    deny(`reqEpoch (${request.currentEpoch}) < curEpoch(${state.currentEpoch})`);
    return;
  }
  if (state.lastVoteEpoch === state.currentEpoch) {
    deny(`already voted for epoch ${state.currentEpoch}`);
    return;
  }
  if (node.isMaster || master === null || (!master.failed && !forceAck)) {
    if (node.isMaster) deny('it is a master node');
    else if (master === null) deny("I don't know its master");
    else deny('its master is up');
    return;
  }
  const window = cluster.nodeTimeout() * 2;
  const since = cluster.now() - master.votedTime;
  if (since < window) {
    deny(`can't vote about this master before ${window - since} milliseconds`);
    return;
  }
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (!bitmapHas(request.myslots, slot)) continue;
    const owner = state.slots[slot] ?? null;
    if (owner === null || isSlotUnclaimed(cluster, slot) || owner.configEpoch <= request.configEpoch) continue;
    deny(`slot ${slot} epoch (${owner.configEpoch}) > reqEpoch (${request.configEpoch})`);
    return;
  }

  state.lastVoteEpoch = state.currentEpoch;
  master.votedTime = cluster.now();
  cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.FSYNC_CONFIG);
  const ack = busMessage<HeaderOnlyMessage>(cluster.header(), { type: MessageType.FAILOVER_AUTH_ACK });
  cluster.sendMessage(node.link as BusLink | null, ack);
  cluster.log('warning', `Failover auth granted to ${node.name} for epoch ${state.currentEpoch}`);
}
