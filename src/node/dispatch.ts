// The request pipeline of processCommand and call (server.c): lookup, arity, protection, auth, transaction
// queuing, then the handler with its stats and propagation. The order of the checks is Redis's, because it
// decides which error a client sees when several apply.

import { QUEUED, error, type Reply } from '../protocol/reply.js';
import type { ClientSession } from './client-session.js';
import { failsArity, type Command } from './command-table.js';
import { CommandError, Errors } from './errors.js';

/** Commands that run immediately even inside MULTI (processCommand's queuing exception list). */
const RUN_IN_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** Commands a RESP2 client may send while subscribed. */
const SUBSCRIBED_MODE = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

/**
 * Runs one request from a client and returns the reply to send (undefined when the command replies itself). `now` is
 * the time it runs at, when the caller has just read the clock; otherwise it is read here.
 */
export function processCommand(c: ClientSession, args: string[], now: number = c.node.now()): Reply | undefined {
  const node = c.node;
  node.commandTime = now;
  const command = node.commands.lookup(args);
  // CLIENT LIST `cmd=` names the command as looked up, even when it is then rejected or queued (c->lastcmd).
  c.lastCommand = command?.fullName ?? 'NULL';
  if (command === undefined) {
    const base = node.commands.get(args[0]!);
    return _reject(
      c,
      null,
      base !== undefined ? Errors.unknownSubcommand(args[0]!, args[1]!) : Errors.unknownCommand(args),
    );
  }
  if (failsArity(command, args.length)) return _reject(c, command, Errors.wrongArity(command.fullName));
  if (command.flags.has('protected') && !node.allowsDebug(c)) return _reject(c, command, Errors.debugDisabled());
  if (!c.authenticated && !command.flags.has('no_auth')) return _reject(c, command, Errors.noAuth());
  if (c.multi !== null && command.flags.has('no_multi')) return _reject(c, command, Errors.notAllowedInMulti());
  // The master link and the AOF loader must be obeyed: no redirection, no read-only refusal (mustObeyClient).
  const obey = c.isMaster;
  const redirect = obey ? null : node.redirect(c, command, args);
  if (redirect !== null) {
    // A redirected EXEC discards its transaction (discardTransaction); other commands only doom it (flagTransaction).
    if (command.name === 'exec' && c.multi !== null) {
      c.multi = null;
      node.unwatchAll(c);
      c.watchDirty = false;
    }
    return _reject(c, command, redirect);
  }
  const replicaCheck = obey ? null : _replicationCheck(c, command);
  if (replicaCheck !== null) return _reject(c, command, replicaCheck);
  // RESP2 subscribed mode is checked after the cluster and replica refusals, as in processCommand.
  if (c.resp === 2 && c.subscribed && !SUBSCRIBED_MODE.has(command.name)) {
    return _reject(
      c,
      command,
      error(
        `ERR Can't execute '${command.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      ),
    );
  }
  if (c.multi !== null && !RUN_IN_MULTI.has(command.name)) {
    c.multi.queue.push({ command, args });
    return QUEUED;
  }
  const offsetBefore = node.replication.masterReplOffset;
  const reply = call(c, command, args);
  node.flushPropagation();
  // c->woff: the stream offset right after this client's last propagated write, which WAIT waits for.
  if (node.replication.masterReplOffset !== offsetBefore) c.woff = node.replication.masterReplOffset;
  node.blocking.serveReady();
  return reply;
}

/** Runs a resolved command's handler with its stats and propagation (call in server.c); also used by EXEC. */
export function call(c: ClientSession, command: Command, args: string[]): Reply {
  const node = c.node;
  const dirtyBefore = node.dirty;
  c.propagateAs = null;
  c.propagateAlso = null;
  c.forcePropagation = false;
  let reply: Reply;
  try {
    reply = command.handler!(c, args);
  } catch (e) {
    if (e instanceof CommandError) reply = e.reply;
    else reply = node.internalError(command, e);
  }
  command.stats.calls++;
  node.stats.totalCommands++;
  if (reply.t === 'error') {
    command.stats.failedCalls++;
    node.countError(reply.s);
  }
  const also = c.propagateAlso as string[][] | null; // the handler may have set it
  // Consumed here, so EXEC does not propagate again what its queued commands asked for.
  c.propagateAlso = null;
  if (also !== null) for (const extra of also) node.propagate(c.db.id, extra);
  else if ((node.dirty !== dirtyBefore || c.forcePropagation) && command.flags.has('write'))
    node.propagate(c.db.id, c.propagateAs ?? args);
  return reply;
}

// --- internal ---

/**
 * processCommand's replication refusals, in its order: too few good replicas for a write (NOREPLICAS), a write on a
 * read-only replica (READONLY), a stale-denied command while the master link is down (MASTERDOWN).
 */
function _replicationCheck(c: ClientSession, command: Command): Reply | null {
  const node = c.node;
  const exec = command.name === 'exec' && c.multi !== null;
  const isWrite = command.flags.has('write') || (exec && c.multi!.queue.some((q) => q.command.flags.has('write')));
  const repl = node.replication;
  if (isWrite && repl.lacksGoodReplicas()) return Errors.noGoodReplicas();
  if (!repl.isReplica()) return null;
  if (isWrite && node.config.getBool('replica-read-only')) return Errors.readonlyReplica();
  const denyStale = !command.flags.has('stale') || (exec && c.multi!.queue.some((q) => !q.command.flags.has('stale')));
  if (denyStale && !repl.linkUp() && !node.config.getBool('replica-serve-stale-data')) return Errors.masterDown();
  return null;
}

/** Answers a request that fails before running; inside MULTI it also dooms the transaction (flagTransaction). */
function _reject(c: ClientSession, command: Command | null, reply: Reply): Reply {
  if (c.multi !== null) c.multi.aborted = true;
  if (command !== null) command.stats.rejectedCalls++;
  if (reply.t === 'error') c.node.countError(reply.s);
  return reply;
}
