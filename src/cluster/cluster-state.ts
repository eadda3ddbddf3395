// The local node's view of the whole cluster (clusterState in cluster.h): every known node, who owns each slot, the
// slots being migrated or imported, epochs, the cluster state, and the bus message counters CLUSTER INFO prints.
// Pure data and the operations that keep it consistent; cluster.ts drives it.

import { ClusterNode } from './cluster-node.js';
import { NodeFlag, SLOT_COUNT } from './constants.js';

/** Bus message types, numbered as on the wire (CLUSTERMSG_TYPE_*). */
export const MessageType = {
  PING: 0,
  PONG: 1,
  MEET: 2,
  FAIL: 3,
  PUBLISH: 4,
  FAILOVER_AUTH_REQUEST: 5,
  FAILOVER_AUTH_ACK: 6,
  UPDATE: 7,
  MFSTART: 8,
  MODULE: 9,
  PUBLISHSHARD: 10,
} as const;

/** Number of message types (CLUSTERMSG_TYPE_COUNT). */
export const MESSAGE_TYPE_COUNT = 11;

/** The names CLUSTER INFO uses for each type's counters (clusterGetMessageTypeString). */
export const MESSAGE_TYPE_NAMES: readonly string[] = [
  'ping',
  'pong',
  'meet',
  'fail',
  'publish',
  'auth-req',
  'auth-ack',
  'update',
  'mfstart',
  'module',
  'publishshard',
];

/** The cluster as the local node sees it. */
export class ClusterState {
  /** The local node. */
  myself: ClusterNode;
  currentEpoch = 0;
  /** The epoch of the last vote this node granted. */
  lastVoteEpoch = 0;
  /** `ok` or `fail`; it starts as fail (clusterInit). */
  state: 'ok' | 'fail' = 'fail';
  /** Masters serving at least one slot (recomputed by the state update); 1 at start. */
  size = 1;
  /** Every known node by name, in insertion order (Redis prints its hash-table order, which clients ignore). */
  readonly nodes = new Map<string, ClusterNode>();
  /** Forgotten node names and when (unix seconds) they may be learned again. */
  readonly blacklist = new Map<string, number>();
  /** The owner of each slot. */
  readonly slots: (ClusterNode | null)[] = new Array<ClusterNode | null>(SLOT_COUNT).fill(null);
  /** For each slot this node is migrating, the target. */
  readonly migratingTo: (ClusterNode | null)[] = new Array<ClusterNode | null>(SLOT_COUNT).fill(null);
  /** For each slot this node is importing, the source. */
  readonly importingFrom: (ClusterNode | null)[] = new Array<ClusterNode | null>(SLOT_COUNT).fill(null);
  /** Messages sent and received, by type. */
  readonly messagesSent = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  readonly messagesReceived = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  /** Links freed for exceeding cluster-link-sendbuf-limit. */
  linksBufferLimitExceeded = 0;
  /** Called just before a slot loses its owner (clusterDelSlot's removeChannelsInSlot); set by the Cluster. */
  onSlotDeleted: ((slot: number, owner: ClusterNode) => void) | null = null;

  constructor(myself: ClusterNode) {
    this.myself = myself;
    this.nodes.set(myself.name, myself);
  }

  /** The node with this name, if known (clusterLookupNode). */
  lookup(name: string): ClusterNode | undefined {
    return this.nodes.get(name);
  }

  /** Adds a node record (clusterAddNode). */
  addNode(node: ClusterNode): void {
    this.nodes.set(node.name, node);
  }

  /**
   * Forgets a node (clusterDelNode): its slots become unassigned, migrations to or from it are cancelled, its failure
   * reports about others are dropped, and it leaves its master's replica list. The caller closes its links.
   */
  deleteNode(node: ClusterNode): void {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (this.importingFrom[slot] === node) this.importingFrom[slot] = null;
      if (this.migratingTo[slot] === node) this.migratingTo[slot] = null;
      if (this.slots[slot] === node) this.deleteSlot(slot);
    }
    for (const other of this.nodes.values()) other.removeFailureReport(node);
    node.master?.removeReplica(node);
    for (const replica of node.replicas) if (replica.master === node) replica.master = null;
    this.nodes.delete(node.name);
  }

  /** Gives a node record its real name once the handshake reveals it (clusterRenameNode). */
  renameNode(node: ClusterNode, newName: string): void {
    this.nodes.delete(node.name);
    node.name = newName;
    this.nodes.set(newName, node);
  }

  /** Assigns an unassigned slot to a node; false if the slot already has an owner (clusterAddSlot). */
  addSlot(slot: number, node: ClusterNode): boolean {
    if (this.slots[slot] !== null) return false;
    // A master getting its first slot becomes a target for replica migration when some other master has replicas
    // (clusterNodeSetSlotBit), so a cluster grown by add-node + reshard can receive a migrating replica.
    if (node.setSlotBit(slot) && node.numSlots === 1 && this._mastersHaveReplicas()) node.flags |= NodeFlag.MIGRATE_TO;
    this.slots[slot] = node;
    return true;
  }

  /** Unassigns a slot; false if it had no owner (clusterDelSlot). */
  deleteSlot(slot: number): boolean {
    const owner = this.slots[slot];
    if (owner === null || owner === undefined) return false;
    this.onSlotDeleted?.(slot, owner);
    owner.clearSlotBit(slot);
    this.slots[slot] = null;
    return true;
  }

  /** Unassigns every slot a node owns; returns how many (clusterDelNodeSlots). */
  deleteNodeSlots(node: ClusterNode): number {
    let deleted = 0;
    for (let slot = 0; slot < SLOT_COUNT && node.numSlots > 0; slot++) {
      // Skip eight slots at a time where the bitmap byte is empty; stop once the node has no slot left.
      if ((slot & 7) === 0 && node.slots[slot >> 3] === 0) {
        slot += 7;
        continue;
      }
      if (node.ownsSlot(slot) && this.deleteSlot(slot)) deleted++;
    }
    return deleted;
  }

  /** Makes a node a master, detaching it from its old master (clusterSetNodeAsMaster). */
  setNodeAsMaster(node: ClusterNode): void {
    if (node.isMaster) return;
    node.master?.removeReplica(node);
    // A replica turned master is a candidate target for replica migration.
    if (node.master !== null) node.flags |= NodeFlag.MIGRATE_TO;
    node.flags = (node.flags & ~NodeFlag.SLAVE) | NodeFlag.MASTER;
    node.master = null;
  }

  /** The largest configEpoch among all nodes (clusterGetMaxEpoch), at least currentEpoch. */
  maxEpoch(): number {
    let max = 0;
    for (const node of this.nodes.values()) if (node.configEpoch > max) max = node.configEpoch;
    return Math.max(max, this.currentEpoch);
  }

  /** My configEpoch, or my master's when I am a replica (CLUSTER INFO cluster_my_epoch, message headers). */
  myEpoch(): number {
    const me = this.myself;
    return me.isReplica && me.master !== null ? me.master.configEpoch : me.configEpoch;
  }

  // --- internal ---

  /** Whether any master has replicas (clusterMastersHaveSlaves). */
  private _mastersHaveReplicas(): boolean {
    for (const node of this.nodes.values()) if (node.isMaster && node.replicas.length > 0) return true;
    return false;
  }
}
