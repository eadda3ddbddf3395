// Client redirection in cluster mode (getNodeByQuery and clusterRedirectClient in cluster.c, the cluster checks of
// processCommand): which node serves a request, or the MOVED/ASK/TRYAGAIN/CROSSSLOT/CLUSTERDOWN error instead.
// The caller skips it for the master's replication link (mustObeyClient).

import type { ErrorReply } from '../protocol/reply.js';
import type { ClientSession } from '../node/client-session.js';
import { mayNeedRedirect, redirectKeyPositions } from '../node/command-keys.js';
import type { Command } from '../node/command-table.js';
import { Errors } from '../node/errors.js';
import type { ClusterNode } from './cluster-node.js';
import type { Cluster } from './cluster.js';
import { keyHashSlot } from './key-slot.js';

/** The redirection error for a request, or null when this node serves it. */
export function redirectFor(
  cluster: Cluster,
  c: ClientSession,
  command: Command,
  args: readonly string[],
): ErrorReply | null {
  const isExec = command.name === 'exec';
  // processCommand: commands that cannot have keys are never redirected.
  if (!isExec && !mayNeedRedirect(command)) return null;
  // Every request is treated as a transaction; EXEC outside MULTI just errors, here.
  let requests: readonly { command: Command; args: readonly string[] }[];
  if (isExec) {
    if (c.multi === null) return null;
    requests = c.multi.queue;
  } else {
    requests = [{ command, args }];
  }
  const state = cluster.state;
  const myself = state.myself;
  const db = c.node.databases[0]!;
  const isPubsubShard = _PUBSUB_SHARD.has(command.name);

  let firstKey: string | null = null;
  let slot = 0;
  let owner: ClusterNode | null = null;
  let multipleKeys = false;
  let migrating = false;
  let importing = false;
  let missing = 0;
  let existing = 0;
  for (const request of requests) {
    for (const pos of redirectKeyPositions(request.command, request.args)) {
      const key = request.args[pos]!;
      const keySlot = keyHashSlot(key);
      if (firstKey === null) {
        firstKey = key;
        slot = keySlot;
        owner = state.slots[slot] ?? null;
        if (owner === null) return Errors.slotNotServed();
        if (owner === myself && state.migratingTo[slot] !== null) migrating = true;
        else if (state.importingFrom[slot] !== null) importing = true;
      } else if (key !== firstKey) {
        if (keySlot !== slot) return Errors.crossSlot();
        multipleKeys = true;
      }
      // While the slot moves, count the keys we hold (expired ones count as missing, and are left in place).
      if ((migrating || importing) && !isPubsubShard) {
        if (db.holds(key) && !db.isLogicallyExpired(key)) existing++;
        else missing++;
      }
    }
  }
  if (owner === null) return null;

  const config = c.node.config;
  // getCommandFlags: EXEC's own flags, not its queued commands', decide the read-only-when-down case (as in 7.0).
  const isWrite = command.flags.has('write');
  if (state.state !== 'ok') {
    if (isPubsubShard) {
      if (!config.getBool('cluster-allow-pubsubshard-when-down')) return Errors.clusterDown();
    } else if (!config.getBool('cluster-allow-reads-when-down')) {
      return Errors.clusterDown();
    } else if (isWrite) {
      return Errors.clusterDownReadOnly();
    }
  }

  // MIGRATE works locally on an open slot, so keys can move freely.
  if ((migrating || importing) && command.name === 'migrate') return null;

  if (migrating && missing > 0) {
    if (existing > 0) return Errors.tryAgain();
    // processCommand serves whatever getNodeByQuery hands to myself, even an ASK to a slot "migrating" to me.
    const target = state.migratingTo[slot]!;
    return target === myself ? null : Errors.ask(slot, cluster.endpointOf(target));
  }

  if (importing && (c.asking || command.flags.has('asking'))) {
    if (multipleKeys && missing > 0) return Errors.tryAgain();
    return null;
  }

  // A replica in READONLY mode (or for sharded pub/sub) serves reads of its master's slots.
  const writes = isWrite || (isExec && requests.some((r) => r.command.flags.has('write')));
  if ((c.readOnly || isPubsubShard) && !writes && myself.isReplica && myself.master === owner) return null;

  if (owner === myself) return null;
  return Errors.moved(slot, cluster.endpointOf(owner));
}

// --- internal ---

/** Sharded pub/sub commands, whose "keys" are shard channels. */
const _PUBSUB_SHARD = new Set(['ssubscribe', 'sunsubscribe', 'spublish']);
