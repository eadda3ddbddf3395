// Slot ownership from other nodes' claims (clusterUpdateSlotsConfigWith): a claim wins a slot that is unassigned, not
// claimed by its owner, or owned with an older configEpoch, unless this node is importing it. Losing all of my (or my
// master's) slots makes me a replica of the winner; otherwise keys in slots I lost are deleted.

import type { Cluster } from './cluster.js';
import { ClusterTodo } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import { SLOT_COUNT } from './constants.js';

/** Whether a bitmap has a slot's bit (bitmapTestBit). */
export function bitmapHas(bitmap: Uint8Array, slot: number): boolean {
  return ((bitmap[slot >> 3] ?? 0) & (1 << (slot & 7))) !== 0;
}

/** Whether nobody claims a slot: unassigned, or its owner stopped claiming it (isSlotUnclaimed). */
export function isSlotUnclaimed(cluster: Cluster, slot: number): boolean {
  return cluster.state.slots[slot] === null || bitmapHas(cluster.ownerNotClaiming, slot);
}

/** Rebinds slots to `sender` per its claim at `senderConfigEpoch` (clusterUpdateSlotsConfigWith). */
export function updateSlotsConfigWith(
  cluster: Cluster,
  sender: ClusterNode,
  senderConfigEpoch: number,
  slots: Uint8Array,
): void {
  const state = cluster.state;
  const me = state.myself;
  const curMaster = me.isMaster ? me : me.master;
  if (sender === me) {
    cluster.log('warning', 'Discarding UPDATE message about myself.');
    return;
  }
  let newMaster: ClusterNode | null = null;
  const dirtySlots: number[] = [];
  let senderSlots = 0;
  let migratedOurSlots = 0;
  const notClaiming = cluster.ownerNotClaiming;

  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = state.slots[slot] ?? null;
    if (bitmapHas(slots, slot)) {
      senderSlots++;
      if (owner === sender) {
        notClaiming[slot >> 3]! &= ~(1 << (slot & 7));
        continue;
      }
      // An importing slot is being fixed by hand (redis-cli): leave it alone.
      if (state.importingFrom[slot] !== null) continue;
      if (isSlotUnclaimed(cluster, slot) || (owner !== null && owner.configEpoch < senderConfigEpoch)) {
        if (owner === me && cluster.countKeysInSlot(slot) > 0) dirtySlots.push(slot);
        if (owner !== null && owner === curMaster) {
          newMaster = sender;
          migratedOurSlots++;
        }
        state.deleteSlot(slot);
        state.addSlot(slot, sender);
        notClaiming[slot >> 3]! &= ~(1 << (slot & 7));
        cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE | ClusterTodo.FSYNC_CONFIG);
      }
    } else if (owner === sender) {
      notClaiming[slot >> 3]! |= 1 << (slot & 7);
    }
  }

  const allowMigration = cluster.node.config.getBool('cluster-allow-replica-migration');
  if (
    newMaster !== null &&
    curMaster !== null &&
    curMaster.numSlots === 0 &&
    (allowMigration || senderSlots === migratedOurSlots)
  ) {
    cluster.log('warning', `Configuration change detected. Reconfiguring myself as a replica of ${sender.name}`);
    cluster.setMaster(sender);
    cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE | ClusterTodo.FSYNC_CONFIG);
  } else if (me.master !== null && me.master.master !== null && me.master.master !== me) {
    const grandmaster = me.master.master;
    cluster.log('warning', `I'm a sub-replica! Reconfiguring myself as a replica of grandmaster ${grandmaster.name}`);
    cluster.setMaster(grandmaster);
    cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE | ClusterTodo.FSYNC_CONFIG);
  } else {
    for (const slot of dirtySlots) cluster.deleteKeysInSlot(slot);
  }
}
