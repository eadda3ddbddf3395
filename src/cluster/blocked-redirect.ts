// Clients blocked on keys in cluster mode (clusterRedirectBlockedClientIfNeeded in cluster.c, run for each client by
// clientsCron): a client waiting on a key whose slot moved away, or became unassigned, or whose cluster went down,
// would wait for a write that can never come here, so it is released with the redirection instead.

import type { ErrorReply } from '../protocol/reply.js';
import type { ClientSession } from '../node/client-session.js';
import { Errors } from '../node/errors.js';
import type { Cluster } from './cluster.js';
import { keyHashSlot } from './key-slot.js';

/**
 * Releases every blocked client that this node can no longer serve, with its MOVED or CLUSTERDOWN error; called from
 * the node's cron. Redis's clientsCron visits at least 5 clients (or all, when fewer) per tick and every client within
 * a second; this checks every blocked client each tick, so a release can come sooner than in Redis, never later.
 */
export function redirectBlockedClients(cluster: Cluster): void {
  const node = cluster.node;
  if (node.blocking.size === 0) return;
  for (const c of node.blocking.clients()) {
    const redirect = blockedClientRedirect(cluster, c);
    if (redirect === null) continue;
    // addReplyError counts the error (errorstats); the blocked command's own stats are not touched (no
    // updateStatsOnUnblock on this path).
    node.countError(redirect.s);
    node.blocking.releaseWith(c, redirect);
  }
}

/** The error a blocked client must be released with, or null while this node still serves its keys. */
export function blockedClientRedirect(cluster: Cluster, c: ClientSession): ErrorReply | null {
  const keys = c.node.blocking.keysOf(c);
  if (keys === null) return null;
  const state = cluster.state;
  // Even with cluster-allow-reads-when-down: only a write could release the client, and none will come.
  if (state.state === 'fail') return Errors.clusterDown();
  // Every key of a blocking command is in one slot (CROSSSLOT otherwise), so the first one decides.
  const key = keys[0];
  if (key === undefined) return null;
  const slot = keyHashSlot(key);
  let owner = state.slots[slot] ?? null;
  const me = state.myself;
  // A READONLY client blocked in a read of my master's slot is served by me, its replica.
  const command = c.node.commands.get(c.lastCommand);
  const isWrite = command?.flags.has('write') ?? false;
  if (c.readOnly && !isWrite && me.isReplica && me.master === owner) owner = me;
  // A slot being imported keeps its clients, which were let in with ASKING.
  if (owner === me || state.importingFrom[slot] !== null) return null;
  return owner === null ? Errors.slotNotServed() : Errors.moved(slot, cluster.endpointOf(owner));
}
