// Command family — replication: REPLCONF, PSYNC, SYNC, WAIT, REPLICAOF (and its old name SLAVEOF), ROLE, FAILOVER
// (replication.c replconfCommand, syncCommand, waitCommand, replicaofCommand, roleCommand, failoverCommand; Redis 7.0.15).

import { OK, simple, type Reply } from '../../protocol/reply.js';
import { encodeRequest } from '../../protocol/request-encoder.js';
import { parseInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors } from '../errors.js';
import { clientInfoLine } from './client.js';
import { NO_REPLY } from '../replication/master-side.js';

/** The replication family's handlers by command name. */
export const replicationCommands: CommandFamily = {
  replconf: _replconf,
  psync: (c, args) => c.node.replication.master.sync(c, args),
  sync: (c, args) => c.node.replication.master.sync(c, args),
  wait(c, args) {
    const numreplicas = parseInteger(args[1]!);
    if (numreplicas === null) return Errors.notInteger();
    const timeout = parseInteger(args[2]!);
    if (timeout === null) return Errors.waitTimeoutNotInteger();
    if (timeout < 0) return Errors.timeoutNegative();
    return c.node.replication.wait(c, numreplicas, timeout);
  },
  replicaof: _replicaof,
  slaveof: _replicaof,
  role: (c) => c.node.replication.roleReply(),
  failover: (c, args) => c.node.replication.failover.command(args),
};

// --- internal ---

/** replconfCommand: options in pairs; ACK and GETACK answer nothing. */
function _replconf(c: ClientSession, args: string[]): Reply {
  if (args.length % 2 === 0) return Errors.syntax();
  const repl = c.node.replication;
  for (let j = 1; j < args.length; j += 2) {
    const option = args[j]!.toLowerCase();
    const value = args[j + 1]!;
    if (option === 'listening-port') {
      const port = parseInteger(value);
      if (port === null) return Errors.notInteger();
      repl.master.peerOf(c).listeningPort = port;
    } else if (option === 'ip-address') {
      if (value.length >= _NET_HOST_STR_LEN) return Errors.replconfIpTooLong(value.length);
      repl.master.peerOf(c).announcedIp = value;
    } else if (option === 'capa') {
      const peer = repl.master.peerOf(c);
      if (value.toLowerCase() === 'eof') peer.capaEof = true;
      else if (value.toLowerCase() === 'psync2') peer.capaPsync2 = true;
    } else if (option === 'ack') {
      if (c.replicaPeer === null || !c.replicaPeer.attached) return NO_REPLY;
      const offset = parseInteger(value);
      if (offset === null) return NO_REPLY;
      repl.master.ack(c, offset);
      return NO_REPLY;
    } else if (option === 'getack') {
      if (c.isMaster) repl.answerGetack(encodeRequest(args).length);
      return NO_REPLY;
    } else if (option === 'rdb-only') {
      const flag = parseInteger(value);
      if (flag === null) return Errors.notInteger();
      if (flag < 0 || flag > 1) return Errors.valueOutOfRange(0, 1);
      repl.master.peerOf(c).rdbOnly = flag === 1;
    } else if (option === 'rdb-filter-only') {
      for (const filter of value.split(' ').filter((w) => w !== '')) {
        if (filter.toLowerCase() !== 'functions') return Errors.rdbFilterUnsupported(filter);
      }
    } else {
      return Errors.replconfUnrecognized(args[j]!);
    }
  }
  return OK;
}

/** replicaofCommand. */
function _replicaof(c: ClientSession, args: string[]): Reply {
  const node = c.node;
  const repl = node.replication;
  if (node.mode === 'cluster') return Errors.replicaofInCluster();
  if (repl.failover.state !== 'no-failover') return Errors.replicaofWhileFailingOver();
  if (args[1]!.toLowerCase() === 'no' && args[2]!.toLowerCase() === 'one') {
    if (repl.isReplica()) {
      repl.unsetMaster();
      node.log('notice', `MASTER MODE enabled (user request from '${clientInfoLine(c, c, args)}')`);
    }
    return OK;
  }
  if (c.replicaPeer?.attached === true) return Errors.commandInvalidForReplica();
  const port = parseInteger(args[2]!);
  if (port === null || port < 0 || port > 65535) return Errors.invalidMasterPort();
  if (
    repl.masterHost !== null &&
    repl.masterHost.toLowerCase() === args[1]!.toLowerCase() &&
    repl.masterPort === port
  ) {
    node.log(
      'notice',
      'REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.',
    );
    return simple('OK Already connected to specified master');
  }
  repl.setMaster(args[1]!, port);
  node.log('notice', `REPLICAOF ${args[1]}:${port} enabled (user request from '${clientInfoLine(c, c, args)}')`);
  return OK;
}

/** NET_HOST_STR_LEN: the longest host name REPLCONF ip-address accepts, plus one. */
const _NET_HOST_STR_LEN = 256;
