// Shard channels live with their slot (removeChannelsInSlot in cluster.c): when a slot leaves this node's shard
// (DELSLOTS, FLUSHSLOTS, SETSLOT NODE, CLUSTER RESET, another master winning it over the bus, turning replica of another
// shard), the subscribers of its shard channels are unsubscribed and told so with `sunsubscribe`.

import type { TimerHandle } from '../env/env.js';
import type { ClientSession } from '../node/client-session.js';
import type { ClusterNode } from './cluster-node.js';
import type { Cluster } from './cluster.js';

/** Evicts the shard channels of slots that this node's shard loses; its subscribers get their notifications. */
export class SlotChannelEviction {
  /** Clients holding notifications not yet written (clients_pending_write). */
  private readonly pending = new Set<ClientSession>();
  private flushTimer: TimerHandle | null = null;

  constructor(private readonly cluster: Cluster) {}

  /**
   * clusterDelSlot's hook, called before `owner` loses `slot`: if I am in the shard serving the owner's slots (its
   * master and that master's replicas: clusterGetNodesServingMySlots), the slot's shard channels go.
   */
  slotDeleted(slot: number, owner: ClusterNode): void {
    const pubsub = this.cluster.node.pubsub;
    const channels = pubsub.shardChannelsInSlot(slot);
    if (channels.length === 0 || !_servesSlotsOf(this.cluster.state.myself, owner)) return;
    for (const channel of channels) {
      pubsub.dropShardChannel(channel, (c, notification) => {
        // The slot table is mid-change here: writing now would run beforeReply's deferred work on a half-done update.
        c.queuePush(notification);
        this.pending.add(c);
      });
    }
    this.flushTimer ??= this.cluster.node.env.schedule(0, () => this._flush());
  }

  // --- internal ---

  /** Writes the queued notifications once the change is complete (handleClientsWithPendingWrites). */
  private _flush(): void {
    this.flushTimer = null;
    const clients = [...this.pending];
    this.pending.clear();
    for (const c of clients) c.flush();
  }
}

// --- internal ---

/** Whether `me` is the owner's master or one of that master's replicas (clusterGetNodesServingMySlots). */
function _servesSlotsOf(me: ClusterNode, owner: ClusterNode): boolean {
  const primary = owner.isMaster ? owner : owner.master;
  // Redis asserts a slot owner has a known master; a stray replica owner serves only itself here.
  if (primary === null) return owner === me;
  return primary === me || primary.replicas.includes(me);
}
