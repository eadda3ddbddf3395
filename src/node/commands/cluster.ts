// Command family — CLUSTER and its subcommands, ASKING, READONLY, READWRITE (cluster.c clusterCommand,
// askingCommand, readonlyCommand, readwriteCommand). Checks, error texts and replies are Redis 7.0.15's; the
// protocol work behind MEET, REPLICATE, FORGET and RESET is the cluster engine's (src/cluster/cluster.ts), and
// FAILOVER's is src/cluster/manual-failover.ts.

import { OK, array, bulk, integer, simple, verbatim, type Reply } from '../../protocol/reply.js';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { Cluster, ClusterTodo } from '../../cluster/cluster.js';
import {
  clusterInfoText,
  clusterLinksReply,
  clusterReplicasReply,
  clusterShardsReply,
  clusterSlotsReply,
  describeNodes,
  type EndpointType,
  type ViewOptions,
} from '../../cluster/cluster-views.js';
import { SLOT_COUNT } from '../../cluster/constants.js';
import { keyHashSlot } from '../../cluster/key-slot.js';
import { manualFailoverRefusal, startManualFailover, type ManualFailoverMode } from '../../cluster/manual-failover.js';
import { parseInt64, parseInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { helpReply } from './help.js';

/** The cluster family's handlers by command name. */
export const clusterCommands: CommandFamily = {
  'cluster|help': (c, args) => {
    _cluster(c);
    return helpReply(args[0]!, _HELP);
  },

  'cluster|info': (c) => verbatim(clusterInfoText(_cluster(c).state)),

  'cluster|nodes': (c) => verbatim(describeNodes(_cluster(c).state, false)),

  'cluster|myid': (c) => bulk(_cluster(c).state.myself.name),

  'cluster|slots': (c) => clusterSlotsReply(_cluster(c).state, _viewOptions(c)),

  'cluster|shards': (c) => clusterShardsReply(_cluster(c).state, _viewOptions(c)),

  'cluster|links': (c) => clusterLinksReply(_cluster(c).state),

  'cluster|keyslot': (c, args) => {
    _cluster(c);
    return integer(keyHashSlot(args[2]!));
  },

  'cluster|meet'(c, args) {
    const cluster = _cluster(c);
    if (args.length > 5) return Errors.subcommandSyntax(args);
    const port = parseInteger(args[3]!);
    if (port === null) return Errors.meetInvalidPort(args[3]!);
    let cport = port + 10000;
    if (args.length === 5) {
      const given = parseInteger(args[4]!);
      if (given === null) return Errors.meetInvalidBusPort(args[4]!);
      cport = given;
    }
    if (!cluster.startHandshake(args[2]!, port, cport)) return Errors.meetInvalidAddress(args[2]!, args[3]!);
    return OK;
  },

  'cluster|flushslots'(c) {
    const cluster = _cluster(c);
    if (c.node.databases[0]!.size !== 0) return Errors.flushSlotsNotEmpty();
    cluster.state.deleteNodeSlots(cluster.state.myself);
    cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
    return OK;
  },

  'cluster|addslots': (c, args) => _changeSlots(c, args, false, false),
  'cluster|delslots': (c, args) => _changeSlots(c, args, true, false),
  'cluster|addslotsrange': (c, args) => _changeSlots(c, args, false, true),
  'cluster|delslotsrange': (c, args) => _changeSlots(c, args, true, true),

  'cluster|setslot': (c, args) => _setSlot(c, args),

  'cluster|bumpepoch'(c) {
    const cluster = _cluster(c);
    const bumped = cluster.bumpConfigEpochWithoutConsensus();
    return simple(`${bumped ? 'BUMPED' : 'STILL'} ${cluster.state.myself.configEpoch}`);
  },

  'cluster|saveconfig'(c) {
    // clusterSaveConfig reports errno; the storage layer gives no code, so the text is the generic EIO one.
    return _cluster(c).saveConfig(true) ? OK : Errors.clusterSaveConfigFailed('Input/output error');
  },

  'cluster|countkeysinslot'(c, args) {
    _cluster(c);
    const slot = parseInteger(args[2]!);
    if (slot === null) return Errors.notInteger();
    if (slot < 0 || slot >= SLOT_COUNT) return Errors.invalidSlotNumber();
    return integer(c.node.databases[0]!.countKeysInSlot(slot));
  },

  'cluster|getkeysinslot'(c, args) {
    _cluster(c);
    const slot = parseInteger(args[2]!);
    if (slot === null) return Errors.notInteger();
    const max = parseInteger(args[3]!);
    if (max === null) return Errors.notInteger();
    if (slot < 0 || slot >= SLOT_COUNT || max < 0) return Errors.invalidSlotOrKeyCount();
    return array(c.node.databases[0]!.keysInSlot(slot, max).map(bulk));
  },

  'cluster|forget'(c, args) {
    const cluster = _cluster(c);
    const node = _lookup(cluster, args[2]!);
    const me = cluster.state.myself;
    if (node === me) return Errors.forgetMyself();
    if (me.isReplica && me.master === node) return Errors.forgetMyMaster();
    cluster.forget(node);
    cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
    return OK;
  },

  'cluster|replicate'(c, args) {
    const cluster = _cluster(c);
    const node = _lookup(cluster, args[2]!);
    const me = cluster.state.myself;
    if (node === me) return Errors.replicateMyself();
    if (node.isReplica) return Errors.replicateReplica();
    // A master must be empty to become a replica; a replica may switch masters with data.
    if (me.isMaster && (me.numSlots !== 0 || c.node.databases[0]!.size !== 0)) return Errors.replicateNotEmpty();
    cluster.setMaster(node);
    cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
    return OK;
  },

  'cluster|failover': (c, args) => _failover(c, args),

  'cluster|replicas': (c, args) => _replicas(c, args),
  'cluster|slaves': (c, args) => _replicas(c, args),

  'cluster|count-failure-reports'(c, args) {
    const cluster = _cluster(c);
    const node = _lookup(cluster, args[2]!);
    const validity = c.node.config.getNumber('cluster-node-timeout') * 2;
    return integer(node.countFailureReports(c.node.now(), validity));
  },

  'cluster|set-config-epoch'(c, args) {
    const cluster = _cluster(c);
    const epoch = parseInt64(args[2]!);
    if (epoch === null) return Errors.notInteger();
    const state = cluster.state;
    if (epoch < 0n) return Errors.invalidConfigEpoch(epoch);
    if (state.nodes.size > 1) return Errors.configEpochOthersKnown();
    if (state.myself.configEpoch !== 0) return Errors.configEpochNonZero();
    state.myself.configEpoch = Number(epoch);
    c.node.log('warning', `configEpoch set to ${epoch} via CLUSTER SET-CONFIG-EPOCH`);
    if (state.currentEpoch < state.myself.configEpoch) state.currentEpoch = state.myself.configEpoch;
    cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
    return OK;
  },

  'cluster|reset'(c, args) {
    const cluster = _cluster(c);
    if (args.length > 3) return Errors.subcommandSyntax(args);
    let hard = false;
    if (args.length === 3) {
      const mode = args[2]!.toLowerCase();
      if (mode === 'hard') hard = true;
      else if (mode !== 'soft') return Errors.syntax();
    }
    if (cluster.state.myself.isMaster && c.db.size !== 0) return Errors.resetWithKeys();
    cluster.reset(hard);
    return OK;
  },

  asking(c) {
    _cluster(c);
    c.asking = true;
    return OK;
  },

  readonly(c) {
    _cluster(c);
    c.readOnly = true;
    return OK;
  },

  readwrite(c) {
    _cluster(c);
    c.readOnly = false;
    return OK;
  },
};

// --- internal ---

const _HELP = [
  'ADDSLOTS <slot> [<slot> ...]',
  '    Give the listed slots to this node.',
  'ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]',
  '    Give every slot of the listed ranges to this node.',
  'BUMPEPOCH',
  '    Move this node to a new, higher config epoch unless it already holds the highest.',
  'COUNT-FAILURE-REPORTS <node-id>',
  '    Tell how many live failure reports this node holds about <node-id>.',
  'COUNTKEYSINSLOT <slot>',
  '    Tell how many keys of <slot> this node stores.',
  'DELSLOTS <slot> [<slot> ...]',
  '    Make the listed slots unassigned, as far as this node knows.',
  'DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]',
  '    Make every slot of the listed ranges unassigned, as far as this node knows.',
  'FAILOVER [FORCE|TAKEOVER]',
  '    Make this replica the master of its shard (FORCE: without its master; TAKEOVER: without votes either).',
  'FORGET <node-id>',
  "    Drop <node-id> from this node's view of the cluster for a minute.",
  'GETKEYSINSLOT <slot> <count>',
  '    List up to <count> key names of <slot> stored here.',
  'FLUSHSLOTS',
  '    Drop every slot assigned to this node (its database must be empty).',
  'INFO',
  '    Show the cluster state and bus message counters.',
  'KEYSLOT <key>',
  '    Tell which hash slot <key> belongs to.',
  'MEET <ip> <port> [<bus-port>]',
  '    Start a handshake with the node at <ip>:<port>, joining the two clusters.',
  'MYID',
  "    Show this node's id.",
  'NODES',
  '    Describe every node this node knows, one per line:',
  '    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
  'REPLICATE <node-id>',
  '    Make this node a replica of the master <node-id>.',
  'RESET [HARD|SOFT]',
  '    Forget every other node and slot (HARD also renews the id and zeroes the epochs; default SOFT).',
  'SET-CONFIG-EPOCH <epoch>',
  '    Give a fresh node its first config epoch.',
  'SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)',
  '    Open a slot for migration, close it, or hand it to a node.',
  'REPLICAS <node-id>',
  '    Describe the replicas of the master <node-id>.',
  'SAVECONFIG',
  '    Write the cluster configuration file now.',
  'SLOTS',
  '    List the slot ranges, each with its start, end, master and replicas (address, port, id).',
  'SHARDS',
  '    List each shard with its slot ranges and the details of its nodes.',
  'LINKS',
  '    List the bus links between this node and its peers,',
  '    as an array with a map of attributes per link.',
];

/** The cluster subsystem, or the "cluster support disabled" error in standalone mode. */
function _cluster(c: ClientSession): Cluster {
  return c.node.cluster ?? fail(Errors.clusterDisabled());
}

/** A known node by name (clusterLookupNode), or `Unknown node <name>`. */
function _lookup(cluster: Cluster, name: string): ClusterNode {
  return cluster.state.lookup(name) ?? fail(Errors.unknownNode(name));
}

/** A slot argument (getSlotOrReply). */
function _slot(arg: string): number {
  const slot = parseInteger(arg);
  if (slot === null || slot < 0 || slot >= SLOT_COUNT) return fail(Errors.invalidSlot());
  return slot;
}

function _viewOptions(c: ClientSession): ViewOptions {
  return {
    endpointType: c.node.config.get('cluster-preferred-endpoint-type') as EndpointType,
    myReplOffset: c.node.replication.offset(),
  };
}

/**
 * ADDSLOTS / DELSLOTS and their RANGE forms: every argument is parsed, then every slot checked (busy or unassigned,
 * named twice) before any changes (checkSlotAssignmentsOrReply, clusterUpdateSlots).
 */
function _changeSlots(c: ClientSession, args: readonly string[], del: boolean, ranges: boolean): Reply {
  const cluster = _cluster(c);
  const state = cluster.state;
  const named = new Uint8Array(SLOT_COUNT);
  const check = (start: number, end: number): void => {
    for (let slot = start; slot <= end; slot++) {
      const owner = state.slots[slot] ?? null;
      if (del && owner === null) fail(Errors.slotAlreadyUnassigned(slot));
      if (!del && owner !== null) fail(Errors.slotBusy(slot));
      const seen = named[slot]!;
      named[slot] = seen + 1;
      if (seen === 1) fail(Errors.slotSpecifiedTwice(slot));
    }
  };
  if (ranges) {
    if (args.length % 2 === 1) return Errors.wrongArity(`cluster|${args[1]!.toLowerCase()}`);
    for (let j = 2; j < args.length; j += 2) {
      const start = _slot(args[j]!);
      const end = _slot(args[j + 1]!);
      if (start > end) return Errors.slotRangeInverted(start, end);
      check(start, end);
    }
  } else {
    const slots = args.slice(2).map(_slot);
    for (const slot of slots) check(slot, slot);
  }
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (named[slot] === 0) continue;
    // Owning (or dropping) the slot settles any import of it.
    state.importingFrom[slot] = null;
    if (del) state.deleteSlot(slot);
    else state.addSlot(slot, state.myself);
  }
  cluster.todo(ClusterTodo.UPDATE_STATE | ClusterTodo.SAVE_CONFIG);
  return OK;
}

/** CLUSTER SETSLOT <slot> IMPORTING|MIGRATING <node> | STABLE | NODE <node>. */
function _setSlot(c: ClientSession, args: readonly string[]): Reply {
  const cluster = _cluster(c);
  const state = cluster.state;
  const me = state.myself;
  if (me.isReplica) return Errors.setSlotOnReplica();
  const slot = _slot(args[2]!);
  const action = args[3]!.toLowerCase();
  const db = c.node.databases[0]!;
  if (action === 'migrating' && args.length === 5) {
    if (state.slots[slot] !== me) return Errors.notSlotOwner(slot);
    const target = state.lookup(args[4]!);
    if (target === undefined) return Errors.setSlotUnknownNode(args[4]!);
    if (target.isReplica) return Errors.targetNotMaster();
    state.migratingTo[slot] = target;
  } else if (action === 'importing' && args.length === 5) {
    if (state.slots[slot] === me) return Errors.alreadySlotOwner(slot);
    const source = state.lookup(args[4]!);
    if (source === undefined) return Errors.setSlotUnknownNode(args[4]!);
    if (source.isReplica) return Errors.targetNotMaster();
    state.importingFrom[slot] = source;
  } else if (action === 'stable' && args.length === 4) {
    state.importingFrom[slot] = null;
    state.migratingTo[slot] = null;
  } else if (action === 'node' && args.length === 5) {
    const node = _lookup(cluster, args[4]!);
    if (node.isReplica) return Errors.targetNotMaster();
    // Handing my slot to another node requires that none of its keys are left here.
    if (state.slots[slot] === me && node !== me && db.countKeysInSlot(slot) !== 0) {
      return Errors.slotStillHasKeys(slot);
    }
    if (db.countKeysInSlot(slot) === 0 && state.migratingTo[slot] !== null) state.migratingTo[slot] = null;
    const wasMine = state.slots[slot] === me;
    state.deleteSlot(slot);
    state.addSlot(slot, node);
    if (wasMine && node !== me && me.numSlots === 0 && c.node.config.getBool('cluster-allow-replica-migration')) {
      c.node.log('warning', `Configuration change detected. Reconfiguring myself as a replica of ${node.name}`);
      cluster.setMaster(node);
      cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE | ClusterTodo.FSYNC_CONFIG);
    }
    if (node === me && state.importingFrom[slot] !== null) {
      // A manually migrated slot: a new epoch lets the new owner win over the old one's claim.
      if (cluster.bumpConfigEpochWithoutConsensus()) {
        c.node.log('warning', `configEpoch updated after importing slot ${slot}`);
      }
      state.importingFrom[slot] = null;
      cluster.broadcastPong('all');
    }
  } else {
    return Errors.setSlotSyntax();
  }
  cluster.todo(ClusterTodo.SAVE_CONFIG | ClusterTodo.UPDATE_STATE);
  return OK;
}

/** CLUSTER REPLICAS / SLAVES <node-id>. */
/** CLUSTER FAILOVER [FORCE|TAKEOVER]; replies at once, the failover goes on in the background (clusterCommand). */
function _failover(c: ClientSession, args: readonly string[]): Reply {
  const cluster = _cluster(c);
  if (args.length > 3) return Errors.subcommandSyntax(args);
  let mode: ManualFailoverMode = 'default';
  if (args.length === 3) {
    const option = args[2]!.toLowerCase();
    if (option === 'force') mode = 'force';
    else if (option === 'takeover') mode = 'takeover';
    else return Errors.syntax();
  }
  const refusal = manualFailoverRefusal(cluster, mode);
  if (refusal === 'not-replica') return Errors.failoverOnMaster();
  if (refusal === 'master-unknown') return Errors.failoverMasterUnknown();
  if (refusal === 'master-down') return Errors.failoverMasterDown();
  startManualFailover(cluster, mode);
  return OK;
}

function _replicas(c: ClientSession, args: readonly string[]): Reply {
  const cluster = _cluster(c);
  const node = _lookup(cluster, args[2]!);
  if (node.isReplica) return Errors.nodeNotMaster();
  return clusterReplicasReply(cluster.state, node);
}
