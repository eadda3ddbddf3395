// What a cluster node shows of its view of the cluster: CLUSTER NODES lines (also the body of nodes.conf), CLUSTER
// INFO, and the CLUSTER SLOTS / SHARDS / REPLICAS / LINKS replies, with Redis 7.0.15's exact formats (cluster.c
// clusterGenNodeDescription, clusterCommand's INFO branch, clusterReplyMultiBulkSlots, clusterReplyShards,
// addReplyClusterLinksDescription). Pure functions of the ClusterState.

import { NIL, array, bulk, integer, map, type Reply } from '../protocol/reply.js';
import type { BusLinkHandle, ClusterNode } from './cluster-node.js';
import { MESSAGE_TYPE_NAMES, type ClusterState } from './cluster-state.js';
import { NodeFlag, SLOT_COUNT } from './constants.js';

/** `cluster-preferred-endpoint-type`: what MOVED, ASK, SLOTS and SHARDS name a node by. */
export type EndpointType = 'ip' | 'hostname' | 'unknown-endpoint';

/** What the SLOTS and SHARDS replies need beyond the state. */
export interface ViewOptions {
  readonly endpointType: EndpointType;
  /**
   * This node's own replication offset: master_repl_offset on a master, the processed offset on a replica (a node
   * does not track itself through `replOffset`).
   */
  readonly myReplOffset: number;
}

/** What a bus link may report for CLUSTER LINKS; links without it show `r` and empty buffers. */
export interface LinkStats {
  /** `r`, plus `w` while output is pending. */
  readonly linkEvents: string;
  readonly sendBufferAllocated: number;
  readonly sendBufferUsed: number;
}

/** The flag words in CLUSTER NODES order (redisNodeFlagsTable). */
const FLAG_WORDS: readonly (readonly [number, string])[] = [
  [NodeFlag.MYSELF, 'myself'],
  [NodeFlag.MASTER, 'master'],
  [NodeFlag.SLAVE, 'slave'],
  [NodeFlag.PFAIL, 'fail?'],
  [NodeFlag.FAIL, 'fail'],
  [NodeFlag.HANDSHAKE, 'handshake'],
  [NodeFlag.NOADDR, 'noaddr'],
  [NodeFlag.NOFAILOVER, 'nofailover'],
];

/** The comma-joined flag words of a node, or `noflags` (representClusterNodeFlags). */
export function describeFlags(flags: number): string {
  // Every node line needs this, and a cluster only ever shows a handful of flag combinations: remember them.
  let text = _flagTexts.get(flags);
  if (text === undefined) {
    const words: string[] = [];
    for (const [bit, word] of FLAG_WORDS) if ((flags & bit) !== 0) words.push(word);
    text = words.length === 0 ? 'noflags' : words.join(',');
    _flagTexts.set(flags, text);
  }
  return text;
}

/** describeFlags' results by flags value. */
const _flagTexts = new Map<number, string>();

/**
 * One CLUSTER NODES line without its `\n` (clusterGenNodeDescription). `forConfig` marks the nodes.conf use; without
 * TLS the line is the same either way (only a TLS cluster's plaintext port would differ).
 */
export function describeNode(state: ClusterState, node: ClusterNode, forConfig: boolean): string {
  void forConfig;
  return _nodeLine(state, node, _slotRuns(node));
}

/** Every node's line, each ending in `\n`; nodes in handshake are left out of nodes.conf (clusterGenNodesDescription). */
export function describeNodes(state: ClusterState, forConfig: boolean): string {
  const runs = _runsByOwner(state);
  let out = '';
  for (const node of state.nodes.values()) {
    if (forConfig && node.inHandshake) continue;
    out += _nodeLine(state, node, runs.get(node) ?? []) + '\n';
  }
  return out;
}

/** The CLUSTER INFO text, CRLF lines (clusterCommand's INFO branch). */
export function clusterInfoText(state: ClusterState): string {
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  let fail = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = state.slots[slot];
    if (owner === null || owner === undefined) continue;
    assigned++;
    if (owner.failed) fail++;
    else if (owner.timedOut) pfail++;
    else ok++;
  }
  const lines = [
    `cluster_state:${state.state}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${state.nodes.size}`,
    `cluster_size:${state.size}`,
    `cluster_current_epoch:${state.currentEpoch}`,
    `cluster_my_epoch:${state.myEpoch()}`,
  ];
  for (const [direction, counts] of [
    ['sent', state.messagesSent],
    ['received', state.messagesReceived],
  ] as const) {
    let total = 0;
    counts.forEach((n, type) => {
      if (n === 0) return;
      total += n;
      lines.push(`cluster_stats_messages_${MESSAGE_TYPE_NAMES[type] ?? 'unknown'}_${direction}:${n}`);
    });
    lines.push(`cluster_stats_messages_${direction}:${total}`);
  }
  lines.push(`total_cluster_links_buffer_limit_exceeded:${state.linksBufferLimitExceeded}`);
  return lines.join('\r\n') + '\r\n';
}

/** The endpoint a node is named by (getPreferredEndpoint): its IP, its hostname (`?` if none), or ''. */
export function preferredEndpoint(node: ClusterNode, type: EndpointType): string {
  if (type === 'ip') return node.ip;
  if (type === 'hostname') return node.hostname !== '' ? node.hostname : '?';
  return '';
}

/**
 * CLUSTER SLOTS (clusterReplyMultiBulkSlots): one entry per maximal run of slots with the same owner, as
 * `[start, end, master, replicas…]`; replicas that are failed or have never replicated (offset 0) are left out.
 */
export function clusterSlotsReply(state: ClusterState, options: ViewOptions): Reply {
  const entries: Reply[] = [];
  _forEachOwnerRun(state, (owner, start, end) => {
    const nodes: Reply[] = [integer(start), integer(end), _slotsNodeReply(owner, options.endpointType)];
    for (const replica of owner.replicas) {
      if (_replicaAvailable(replica, options)) nodes.push(_slotsNodeReply(replica, options.endpointType));
    }
    entries.push(array(nodes));
  });
  return array(entries);
}

/**
 * CLUSTER SHARDS (clusterReplyShards): one map per master, even one without slots, with its slot ranges as a flat
 * `[start, end, …]` list and its nodes, master first.
 */
export function clusterShardsReply(state: ClusterState, options: ViewOptions): Reply {
  const runs = _runsByOwner(state);
  const shards: Reply[] = [];
  for (const node of state.nodes.values()) {
    if (!node.isMaster) continue;
    const slots = (runs.get(node) ?? []).flatMap(([start, end]) => [integer(start), integer(end)]);
    const members = [node, ...node.replicas].map((n) => _shardNodeReply(n, options));
    shards.push(map([bulk('slots'), array(slots), bulk('nodes'), array(members)]));
  }
  return array(shards);
}

/** CLUSTER REPLICAS: the CLUSTER NODES line of each replica of `master`, as bulk strings. */
export function clusterReplicasReply(state: ClusterState, master: ClusterNode): Reply {
  return array(master.replicas.map((replica) => bulk(describeNode(state, replica, false))));
}

/** CLUSTER LINKS (addReplyClusterLinksDescription): each node's outbound link, then its inbound one. */
export function clusterLinksReply(state: ClusterState): Reply {
  const links: Reply[] = [];
  for (const node of state.nodes.values()) {
    if (node.link !== null) links.push(_linkReply(node, node.link, 'to'));
    if (node.inboundLink !== null) links.push(_linkReply(node, node.inboundLink, 'from'));
  }
  return array(links);
}

// --- internal ---

/** The line of one node given its slot runs. */
function _nodeLine(state: ClusterState, node: ClusterNode, runs: readonly (readonly [number, number])[]): string {
  let line = `${node.name} ${node.ip}:${node.port}@${node.cport}`;
  if (node.hostname !== '') line += `,${node.hostname}`;
  line += ` ${describeFlags(node.flags)} ${node.master !== null ? node.master.name : '-'}`;
  // A replica shows its master's configEpoch.
  const epoch = node.isReplica && node.master !== null ? node.master.configEpoch : node.configEpoch;
  const pingSent = node.isMyself ? 0 : node.pingSent;
  const linked = node.link !== null || node.isMyself ? 'connected' : 'disconnected';
  line += ` ${pingSent} ${node.pongReceived} ${epoch} ${linked}`;
  for (const [start, end] of runs) line += start === end ? ` ${start}` : ` ${start}-${end}`;
  if (node === state.myself) {
    const migratingTo = state.migratingTo;
    const importingFrom = state.importingFrom;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const to = migratingTo[slot];
      const from = importingFrom[slot];
      if (to !== null && to !== undefined) line += ` [${slot}->-${to.name}]`;
      else if (from !== null && from !== undefined) line += ` [${slot}-<-${from.name}]`;
    }
  }
  return line;
}

/** Maximal runs of a node's own slot bitmap. */
function _slotRuns(node: ClusterNode): [number, number][] {
  const runs: [number, number][] = [];
  if (node.numSlots === 0) return runs;
  let start = -1;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owned = node.ownsSlot(slot);
    if (owned && start === -1) start = slot;
    if (start !== -1 && (!owned || slot === SLOT_COUNT - 1)) {
      runs.push([start, owned ? slot : slot - 1]);
      start = -1;
    }
  }
  return runs;
}

/** Maximal runs of the slot table, by owner (clusterGenNodesSlotsInfo). */
function _runsByOwner(state: ClusterState): Map<ClusterNode, [number, number][]> {
  const runs = new Map<ClusterNode, [number, number][]>();
  _forEachOwnerRun(state, (owner, start, end) => {
    let list = runs.get(owner);
    if (list === undefined) runs.set(owner, (list = []));
    list.push([start, end]);
  });
  return runs;
}

/** Calls `visit` for each maximal run of slots with the same (non-null) owner, in slot order. */
function _forEachOwnerRun(state: ClusterState, visit: (owner: ClusterNode, start: number, end: number) => void): void {
  const slots = state.slots;
  let owner: ClusterNode | null = null;
  let start = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const current = slots[slot] ?? null;
    if (current === owner) continue;
    if (owner !== null) visit(owner, start, slot - 1);
    owner = current;
    start = slot;
  }
  if (owner !== null) visit(owner, start, SLOT_COUNT - 1);
}

/** isReplicaAvailable: not failed, and it has replicated something. */
function _replicaAvailable(node: ClusterNode, options: ViewOptions): boolean {
  if (node.failed) return false;
  return (node.isMyself ? options.myReplOffset : node.replOffset) !== 0;
}

/** One node of a CLUSTER SLOTS entry (addNodeToNodeReply): endpoint, port, id, then the other known endpoints. */
function _slotsNodeReply(node: ClusterNode, type: EndpointType): Reply {
  const endpoint = type === 'unknown-endpoint' ? NIL : bulk(preferredEndpoint(node, type));
  const extra: Reply[] = [];
  if (type !== 'ip') extra.push(bulk('ip'), bulk(node.ip));
  if (type !== 'hostname' && node.hostname !== '') extra.push(bulk('hostname'), bulk(node.hostname));
  return array([endpoint, integer(node.port), bulk(node.name), map(extra)]);
}

/** One node of a CLUSTER SHARDS entry (addNodeDetailsToShardReply). */
function _shardNodeReply(node: ClusterNode, options: ViewOptions): Reply {
  const items: Reply[] = [bulk('id'), bulk(node.name)];
  if (node.port !== 0) items.push(bulk('port'), integer(node.port));
  items.push(bulk('ip'), bulk(node.ip), bulk('endpoint'), bulk(preferredEndpoint(node, options.endpointType)));
  if (node.hostname !== '') items.push(bulk('hostname'), bulk(node.hostname));
  const offset = node.isMyself ? options.myReplOffset : node.replOffset;
  items.push(bulk('role'), bulk(node.isReplica ? 'replica' : 'master'));
  items.push(bulk('replication-offset'), integer(offset));
  const health = node.failed ? 'fail' : node.isReplica && offset === 0 ? 'loading' : 'online';
  items.push(bulk('health'), bulk(health));
  return map(items);
}

/** One link's map (addReplyClusterLinkDescription). */
function _linkReply(node: ClusterNode, handle: BusLinkHandle, direction: 'to' | 'from'): Reply {
  const link = handle as BusLinkHandle & Partial<LinkStats>;
  return map([
    bulk('direction'),
    bulk(direction),
    bulk('node'),
    bulk(node.name),
    bulk('create-time'),
    integer(link.createdAt),
    bulk('events'),
    bulk(link.linkEvents ?? 'r'),
    bulk('send-buffer-allocated'),
    integer(link.sendBufferAllocated ?? 0),
    bulk('send-buffer-used'),
    integer(link.sendBufferUsed ?? 0),
  ]);
}
