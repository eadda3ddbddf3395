// Failure detection and the cluster state (cluster.c): PFAIL→FAIL promotion by a majority of masters' reports
// (markNodeAsFailingIfNeeded), clearing FAIL when a node answers again (clearNodeFailureIfNeeded), and
// clusterUpdateState's ok/fail decision with its writable and rejoin delays.

import type { Cluster } from './cluster.js';
import { ClusterTodo } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import {
  FAIL_REPORT_VALIDITY_MULT,
  FAIL_UNDO_TIME_MULT,
  NodeFlag,
  SLOT_COUNT,
  WRITABLE_DELAY_MS,
} from './constants.js';

/** clusterUpdateState's function-static timers, kept per node. */
export interface StateClock {
  /** When the state was first computed (first_call_time). */
  firstCallTime: number;
  /** When this node last found itself in the minority (among_minority_time). */
  amongMinorityTime: number;
}

/** A rejoin after being in the minority waits node_timeout, clamped to these bounds (CLUSTER_*_REJOIN_DELAY). */
export const MIN_REJOIN_DELAY_MS = 500;
export const MAX_REJOIN_DELAY_MS = 5000;

/** Valid failure reports about a node, dropping expired ones (clusterNodeFailureReportsCount). */
export function failureReportCount(cluster: Cluster, node: ClusterNode): number {
  return node.countFailureReports(cluster.now(), cluster.nodeTimeout() * FAIL_REPORT_VALIDITY_MULT);
}

/** Flags a PFAIL node FAIL once enough masters agree, and tells everyone (markNodeAsFailingIfNeeded). */
export function markNodeAsFailingIfNeeded(cluster: Cluster, node: ClusterNode): void {
  const neededQuorum = Math.floor(cluster.state.size / 2) + 1;
  if (!node.timedOut || node.failed) return;
  let failures = failureReportCount(cluster, node);
  if (cluster.state.myself.isMaster) failures++;
  if (failures < neededQuorum) return;
  cluster.log('notice', `Marking node ${node.name} as failing (quorum reached).`);
  node.flags = (node.flags & ~NodeFlag.PFAIL) | NodeFlag.FAIL;
  node.failTime = cluster.now();
  cluster.sendFail(node.name);
  cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
}

/** Clears FAIL from a node that answered a PING, when it is safe to (clearNodeFailureIfNeeded). */
export function clearNodeFailureIfNeeded(cluster: Cluster, node: ClusterNode): void {
  const now = cluster.now();
  if (node.isReplica || node.numSlots === 0) {
    const what = node.isReplica ? 'replica' : 'master without slots';
    cluster.log('notice', `Clear FAIL state for node ${node.name}: ${what} is reachable again.`);
    node.flags &= ~NodeFlag.FAIL;
    cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
  }
  if (node.isMaster && node.numSlots > 0 && now - node.failTime > cluster.nodeTimeout() * FAIL_UNDO_TIME_MULT) {
    cluster.log(
      'notice',
      `Clear FAIL state for node ${node.name}: is reachable again and nobody is serving its slots after some time.`,
    );
    node.flags &= ~NodeFlag.FAIL;
    cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
  }
}

/** Recomputes `ok`/`fail` and the cluster size (clusterUpdateState). */
export function clusterUpdateState(cluster: Cluster): void {
  const state = cluster.state;
  const clock = cluster.stateClock;
  const me = state.myself;
  const now = cluster.now();
  if (clock.firstCallTime === 0) clock.firstCallTime = now;
  // A master that starts (or restarts) failed waits before accepting writes, so it can learn the new configuration.
  if (me.isMaster && state.state === 'fail' && now - clock.firstCallTime < WRITABLE_DELAY_MS) return;

  let newState: 'ok' | 'fail' = 'ok';
  if (cluster.node.config.getBool('cluster-require-full-coverage')) {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const owner = state.slots[slot];
      if (owner === null || owner === undefined || owner.failed) {
        newState = 'fail';
        break;
      }
    }
  }

  let reachableMasters = 0;
  state.size = 0;
  for (const node of state.nodes.values()) {
    if (node.isMaster && node.numSlots > 0) {
      state.size++;
      if ((node.flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) === 0) reachableMasters++;
    }
  }
  if (reachableMasters < Math.floor(state.size / 2) + 1) {
    newState = 'fail';
    clock.amongMinorityTime = now;
  }

  if (newState === state.state) return;
  const rejoinDelay = Math.min(MAX_REJOIN_DELAY_MS, Math.max(MIN_REJOIN_DELAY_MS, cluster.nodeTimeout()));
  if (newState === 'ok' && me.isMaster && now - clock.amongMinorityTime < rejoinDelay) return;
  cluster.log('warning', `Cluster state changed: ${newState}`);
  state.state = newState;
}
