// Client redirection in cluster mode (getNodeByQuery and clusterRedirectClient in cluster.c, the cluster checks of
// processCommand): which node serves a request, or the MOVED/ASK/TRYAGAIN/CROSSSLOT/CLUSTERDOWN error instead.
//
// CONTRACT: filled in by the redirection work.

import type { ErrorReply } from '../protocol/reply.js';
import type { ClientSession } from '../node/client-session.js';
import type { Command } from '../node/command-table.js';
import type { Cluster } from './cluster.js';

/** The redirection error for a request, or null when this node serves it. */
export function redirectFor(
  _cluster: Cluster,
  _c: ClientSession,
  _command: Command,
  _args: readonly string[],
): ErrorReply | null {
  return null;
}
