// Command family — CLIENT and its subcommands (networking.c clientCommand, Redis 7.0.15). TRACKING, CACHING,
// GETREDIR and TRACKINGINFO are not registered yet; SETINFO and NO-TOUCH are 7.2 commands and stay unknown.

import { NIL, OK, bulk, error, integer, sequence, verbatim, type Reply } from '../../protocol/reply.js';
import { parseInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors } from '../errors.js';
import { INVALID_CLIENT_NAME, isValidClientName } from './connection.js';
import { helpReply } from './help.js';

/** A client class as CLIENT LIST TYPE and CLIENT KILL TYPE name it (getClientType). */
export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** The class of a client (getClientType): the master link, an attached replica, a pub/sub subscriber, or normal. */
export function clientType(c: ClientSession): ClientType {
  if (c.isMaster) return 'master';
  if (c.replicaPeer?.attached === true) return 'replica';
  return c.subscribed ? 'pubsub' : 'normal';
}

/**
 * One CLIENT LIST line without its newline, fields in catClientInfoString's order. `caller` is the client running
 * CLIENT LIST/INFO with the arguments `callerArgs`: Redis reports its own request as still being in the query buffer.
 */
export function clientInfoLine(target: ClientSession, caller: ClientSession, callerArgs: readonly string[]): string {
  const nowSec = Math.floor(target.node.now() / 1000);
  const age = nowSec - Math.floor(target.createdAt / 1000);
  const idle = nowSec - Math.floor(target.lastInteraction / 1000);
  const self = target === caller;
  const qbuf = self ? _requestBytes(callerArgs) : target.queryBufferLength;
  // The query buffer is allocated while a client is active and released once it has been idle for 2 seconds.
  const qbufAlloc = self || idle < 2 ? Math.max(_QUERY_BUFFER_SIZE, qbuf) : qbuf;
  const argvMem = self ? callerArgs.reduce((n, a) => n + a.length, 0) : 0;
  let multiMem = 0;
  for (const q of target.multi?.queue ?? []) multiMem += q.args.reduce((n, a) => n + a.length, 0) + 8 * q.args.length;
  // The reply buffer starts at 16k and shrinks to 1k after a few quiet seconds (clientsCronResizeOutputBuffer).
  const rbs = age < 5 ? 16384 : 1024;
  const rbp = self ? rbs : 0;
  const totMem = 1800 + qbufAlloc + argvMem + multiMem + rbs - 1024;
  const fields = [
    `id=${target.id}`,
    `addr=${target.connection?.remoteAddress ?? ''}`,
    `laddr=${target.connection?.localAddress ?? ''}`,
    `fd=${target.connection === null ? -1 : target.id + 7}`,
    `name=${target.name}`,
    `age=${age}`,
    `idle=${idle}`,
    `flags=${_flags(target)}`,
    `db=${target.db.id}`,
    `sub=${target.channels.size}`,
    `psub=${target.patterns.size}`,
    `ssub=${target.shardChannels.size}`,
    `multi=${target.multi === null ? -1 : target.multi.queue.length}`,
    `qbuf=${qbuf}`,
    `qbuf-free=${qbufAlloc - qbuf}`,
    `argv-mem=${argvMem}`,
    `multi-mem=${multiMem}`,
    `rbs=${rbs}`,
    `rbp=${rbp}`,
    'obl=0',
    'oll=0',
    'omem=0',
    `tot-mem=${totMem}`,
    'events=r',
    `cmd=${target.lastCommand}`,
    'user=default',
    'redir=-1',
    `resp=${target.resp}`,
  ];
  return fields.join(' ');
}

/** The client family's handlers by command name. */
export const clientCommands: CommandFamily = {
  'client|id': (c) => integer(c.id),

  'client|setname'(c, args) {
    const name = args[2]!;
    if (!isValidClientName(name)) return INVALID_CLIENT_NAME();
    c.name = name;
    return OK;
  },

  'client|getname': (c) => (c.name === '' ? NIL : bulk(c.name)),

  'client|info': (c, args) => verbatim(`${clientInfoLine(c, c, args)}\n`),

  'client|list'(c, args) {
    let type: ClientType | null = null;
    let chosen: ClientSession[] | null = null;
    if (args.length === 4 && args[2]!.toLowerCase() === 'type') {
      type = _typeByName(args[3]!);
      if (type === null) return _unknownType(args[3]!);
    } else if (args.length > 3 && args[2]!.toLowerCase() === 'id') {
      chosen = [];
      for (const arg of args.slice(3)) {
        const id = parseInteger(arg);
        if (id === null) return error('ERR Invalid client ID');
        const target = c.node.clients.get(id);
        if (target !== undefined) chosen.push(target);
      }
    } else if (args.length !== 2) {
      return Errors.syntax();
    }
    let out = '';
    for (const target of chosen ?? c.node.clients.values()) {
      if (type === null || clientType(target) === type) out += `${clientInfoLine(target, c, args)}\n`;
    }
    return verbatim(out);
  },

  'client|kill'(c, args) {
    const oldForm = args.length === 3;
    const filter: _KillFilter = { addr: null, laddr: null, type: null, id: 0, skipMe: !oldForm };
    if (oldForm) {
      filter.addr = args[2]!;
    } else {
      const rejected = _parseKillFilter(args, filter);
      if (rejected !== null) return rejected;
    }
    let killed = 0;
    let killSelf = false;
    for (const target of [...c.node.clients.values()]) {
      if (!_matchesKill(target, c, filter)) continue;
      if (target === c) killSelf = true;
      else target.kill();
      killed++;
    }
    // Closing ourselves waits until this reply is written (CLIENT_CLOSE_AFTER_REPLY).
    if (killSelf) c.closeAfterReply();
    if (!oldForm) return integer(killed);
    return killed === 0 ? error('ERR No such client') : OK;
  },

  'client|pause'(c, args) {
    let writesOnly = false;
    if (args.length === 4) {
      const mode = args[3]!.toLowerCase();
      if (mode === 'write') writesOnly = true;
      else if (mode !== 'all') return error('ERR CLIENT PAUSE mode must be WRITE or ALL');
    }
    const timeout = parseInteger(args[2]!);
    if (timeout === null) return error('ERR timeout is not an integer or out of range');
    if (timeout < 0) return Errors.timeoutNegative();
    const now = c.node.now();
    const until = timeout > 0 ? now + timeout : 0;
    // A CLIENT PAUSE already in force keeps its later end and its stricter mode: pauseClients merges them, apart
    // from a cluster manual failover's pause (pause purposes).
    c.node.pauseClients(until, writesOnly);
    return OK;
  },

  'client|unpause'(c) {
    c.node.unpause();
    return OK;
  },

  'client|reply'(c, args) {
    switch (args[2]!.toLowerCase()) {
      case 'on':
        c.replyMode = 'on';
        c.skipNext = false;
        return OK;
      case 'off':
        c.replyMode = 'off';
        return _NO_REPLY;
      case 'skip':
        if (c.replyMode !== 'off') c.skipNext = true;
        return _NO_REPLY;
      default:
        return Errors.syntax();
    }
  },

  'client|unblock'(c, args) {
    if (args.length > 4) return Errors.subcommandSyntax(args);
    const reason = args[3]?.toLowerCase() ?? 'timeout';
    if (reason !== 'timeout' && reason !== 'error')
      return error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    const id = parseInteger(args[2]!);
    if (id === null) return Errors.notInteger();
    const target = c.node.clients.get(id);
    return integer(target !== undefined && c.node.blocking.unblock(target, reason === 'error') ? 1 : 0);
  },

  'client|no-evict'(c, args) {
    const mode = args[2]!.toLowerCase();
    if (mode !== 'on' && mode !== 'off') return Errors.syntax();
    c.noEvict = mode === 'on';
    return OK;
  },

  'client|help': (_c, args) => helpReply(args[0]!, _HELP),
};

// --- internal ---

/** Nothing: CLIENT REPLY OFF and SKIP do not answer. */
const _NO_REPLY: Reply = sequence([]);

/** The query buffer Redis allocates for a request (PROTO_IOBUF_LEN plus sds overhead), as CLIENT LIST shows it. */
const _QUERY_BUFFER_SIZE = 20474;

const _HELP = [
  'GETNAME',
  '    Answer the name given to this connection, or null.',
  'ID',
  '    Answer the numeric ID of this connection.',
  'INFO',
  '    Describe this connection in the CLIENT LIST format.',
  'KILL <ip:port>',
  '    Close the connection coming from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Close every connection matching all the given filters and answer how many were closed:',
  '    * ID <client-id>',
  '      The connection with this ID.',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Connections of this class.',
  '    * USER <username>',
  '      Connections authenticated as <username>.',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      The connection coming from this address.',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Connections made to this local address.',
  '    * SKIPME (YES|NO)',
  '      Whether to spare the calling connection (default: YES).',
  'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> [<client-id> ...]]',
  '    Describe connections, one line each, optionally only some classes or IDs.',
  'NO-EVICT (ON|OFF)',
  '    Exempt this connection from client eviction, or stop doing so.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Hold back all commands, or only writes, of every client for <timeout> milliseconds.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Release a client blocked by a blocking command, as if it timed out, or with an error.',
  'UNPAUSE',
  '    End a pause early and let held clients run.',
  'REPLY (ON|OFF|SKIP)',
  '    Send replies, stop sending them, or drop only the next one.',
  'SETNAME <name>',
  '    Name this connection (an empty name removes it).',
];

/** The filters of the new CLIENT KILL form; null/0 means "any". */
interface _KillFilter {
  addr: string | null;
  laddr: string | null;
  type: ClientType | null;
  id: number;
  skipMe: boolean;
}

/** Parses `<option> <value>` pairs into `filter`; returns the error reply for a bad option, else null. */
function _parseKillFilter(args: readonly string[], filter: _KillFilter): Reply | null {
  for (let i = 2; i < args.length; i += 2) {
    const option = args[i]!.toLowerCase();
    const value = args[i + 1];
    if (value === undefined) return Errors.syntax();
    switch (option) {
      case 'id': {
        const id = parseInteger(value);
        if (id === null || id < 1) return error('ERR client-id should be greater than 0');
        filter.id = id;
        break;
      }
      case 'type':
        filter.type = _typeByName(value);
        if (filter.type === null) return _unknownType(value);
        break;
      case 'addr':
        filter.addr = value;
        break;
      case 'laddr':
        filter.laddr = value;
        break;
      case 'user':
        // The default user is the only user until ACLs exist, and every connection is authenticated as it.
        if (value !== 'default') return error(`ERR No such user '${value}'`);
        break;
      case 'skipme': {
        const answer = value.toLowerCase();
        if (answer !== 'yes' && answer !== 'no') return Errors.syntax();
        filter.skipMe = answer === 'yes';
        break;
      }
      default:
        return Errors.syntax();
    }
  }
  return null;
}

function _matchesKill(target: ClientSession, caller: ClientSession, filter: _KillFilter): boolean {
  if (filter.addr !== null && (target.connection?.remoteAddress ?? '') !== filter.addr) return false;
  if (filter.laddr !== null && (target.connection?.localAddress ?? '') !== filter.laddr) return false;
  if (filter.type !== null && clientType(target) !== filter.type) return false;
  if (filter.id !== 0 && target.id !== filter.id) return false;
  return !(target === caller && filter.skipMe);
}

/** getClientTypeByName: `slave` is accepted as the old name of `replica`. */
function _typeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}

function _unknownType(name: string): Reply {
  return error(`ERR Unknown client type '${name}'`);
}

/** CLIENT LIST flags (catClientInfoString): S replica, M master, P pub/sub, x MULTI, b blocked, d dirty CAS, c closing, r READONLY, e no-evict. */
function _flags(c: ClientSession): string {
  let flags = '';
  if (c.replicaPeer?.attached === true) flags += 'S';
  if (c.isMaster) flags += 'M';
  if (c.subscribed) flags += 'P';
  if (c.multi !== null) flags += 'x';
  if (c.hold === 'blocked') flags += 'b';
  if (c.watchDirty) flags += 'd';
  if (c.closing) flags += 'c';
  if (c.readOnly) flags += 'r';
  if (c.noEvict) flags += 'e';
  return flags === '' ? 'N' : flags;
}

/** The size of a request in the multibulk encoding, as it sits in the query buffer while it runs. */
function _requestBytes(args: readonly string[]): number {
  let n = `*${args.length}\r\n`.length;
  for (const a of args) n += `$${a.length}\r\n`.length + a.length + 2;
  return n;
}
