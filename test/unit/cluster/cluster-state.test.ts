import { describe, expect, it } from 'vitest';
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { ClusterState } from '../../../src/cluster/cluster-state.js';
import { NodeFlag } from '../../../src/cluster/constants.js';

const name = (c: string): string => c.repeat(40);

/** A state with myself (master `a`) and the given extra masters. */
function world(...others: string[]): { state: ClusterState; nodes: Map<string, ClusterNode> } {
  const state = new ClusterState(new ClusterNode(name('a'), NodeFlag.MYSELF | NodeFlag.MASTER, 0));
  const nodes = new Map<string, ClusterNode>([['a', state.myself]]);
  for (const c of others) {
    const node = new ClusterNode(name(c), NodeFlag.MASTER, 0);
    state.addNode(node);
    nodes.set(c, node);
  }
  return { state, nodes };
}

describe('ClusterState slots', () => {
  it('flags a master as a migration target on its first slot only when some master has replicas', () => {
    const { state, nodes } = world('b', 'c');
    state.addSlot(0, nodes.get('b')!);
    expect(nodes.get('b')!.has(NodeFlag.MIGRATE_TO)).toBe(false);

    const replica = new ClusterNode(name('d'), NodeFlag.SLAVE, 0);
    state.addNode(replica);
    replica.master = nodes.get('b')!;
    nodes.get('b')!.addReplica(replica);
    state.addSlot(1, nodes.get('c')!);
    expect(nodes.get('c')!.has(NodeFlag.MIGRATE_TO)).toBe(true);

    nodes.get('c')!.flags &= ~NodeFlag.MIGRATE_TO;
    state.addSlot(2, nodes.get('c')!);
    expect(nodes.get('c')!.has(NodeFlag.MIGRATE_TO)).toBe(false);
  });

  it('keeps owners and bitmaps in step when slots and nodes are deleted', () => {
    const { state, nodes } = world('b');
    const b = nodes.get('b')!;
    for (const slot of [5, 6, 7]) state.addSlot(slot, b);
    expect(state.addSlot(6, state.myself)).toBe(false);
    state.deleteSlot(6);
    expect([b.numSlots, b.ownsSlot(6), state.slots[6]]).toEqual([2, false, null]);
    state.importingFrom[9] = b;
    state.deleteNode(b);
    expect([state.slots[5], state.slots[7], state.importingFrom[9], state.lookup(name('b'))]).toEqual([
      null,
      null,
      null,
      undefined,
    ]);
  });
});
