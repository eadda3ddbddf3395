// Command family — connection: PING, ECHO, QUIT, HELLO, AUTH, SELECT, RESET.

import { OK, PONG, array, bulk, error, integer, mapOf, simple } from '../../protocol/reply.js';
import { parseInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors } from '../errors.js';
import { REDIS_VERSION } from '../version.js';

/** Whether `name` is acceptable for CLIENT SETNAME / HELLO SETNAME: printable ASCII without spaces (validateClientName). */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** The CLIENT SETNAME rejection. */
export const INVALID_CLIENT_NAME = () =>
  error('ERR Client names cannot contain spaces, newlines or special characters.');

/** Checks a username/password pair against `requirepass` (the default user is the only user). */
function _checkCredentials(c: ClientSession, user: string, password: string): boolean {
  const required = c.node.config.get('requirepass');
  if (user !== 'default') return false;
  return required === '' || password === required;
}

/** The connection family's handlers by command name. */
export const connectionCommands: CommandFamily = {
  ping(c, args) {
    if (args.length > 2) return Errors.wrongArity('ping');
    if (c.resp === 2 && c.subscribed) return array([bulk('pong'), bulk(args[1] ?? '')]);
    return args.length === 2 ? bulk(args[1]!) : PONG;
  },

  echo: (_c, args) => bulk(args[1]!),

  quit(c) {
    c.closeAfterReply();
    return OK;
  },

  auth(c, args) {
    if (args.length > 3) return Errors.syntax();
    if (args.length === 2 && c.node.config.get('requirepass') === '') return Errors.authNotConfigured();
    const [user, password] = args.length === 3 ? [args[1]!, args[2]!] : ['default', args[1]!];
    if (!_checkCredentials(c, user, password)) return Errors.wrongPass();
    c.authenticated = true;
    return OK;
  },

  hello(c, args) {
    let version: number = c.resp;
    if (args.length >= 2) {
      const v = parseInteger(args[1]!);
      if (v === null) return error('ERR Protocol version is not an integer or out of range');
      if (v < 2 || v > 3) return error('NOPROTO unsupported protocol version');
      version = v;
    }
    let credentials: [string, string] | null = null;
    let name: string | null = null;
    for (let i = 2; i < args.length; i++) {
      const opt = args[i]!.toLowerCase();
      const more = args.length - 1 - i;
      if (opt === 'auth' && more >= 2) {
        credentials = [args[i + 1]!, args[i + 2]!];
        i += 2;
      } else if (opt === 'setname' && more >= 1) {
        name = args[i + 1]!;
        i += 1;
      } else {
        return error(`ERR Syntax error in HELLO option '${args[i]}'`);
      }
    }
    if (credentials !== null) {
      if (!_checkCredentials(c, credentials[0], credentials[1])) return Errors.wrongPass();
      c.authenticated = true;
    }
    if (!c.authenticated) {
      return error(
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
      );
    }
    if (name !== null) {
      if (!isValidClientName(name)) return INVALID_CLIENT_NAME();
      c.name = name;
    }
    c.resp = version as 2 | 3;
    return mapOf([
      ['server', bulk('redis')],
      ['version', bulk(REDIS_VERSION)],
      ['proto', integer(c.resp)],
      ['id', integer(c.id)],
      ['mode', bulk(c.node.mode)],
      ['role', bulk(c.node.role === 'master' ? 'master' : 'replica')],
      ['modules', array([])],
    ]);
  },

  select(c, args) {
    const id = parseInteger(args[1]!);
    if (id === null) return Errors.notInteger();
    // getIntFromObjectOrReply: a valid 64-bit integer outside the C int range has its own message.
    if (id < -2147483648 || id > 2147483647) {
      return error('ERR value is out of range, value must between -2147483648 and 2147483647');
    }
    if (c.node.mode === 'cluster' && id !== 0) return error('ERR SELECT is not allowed in cluster mode');
    const db = c.node.databases[id];
    if (db === undefined || id < 0) return Errors.invalidDb();
    c.db = db;
    return OK;
  },

  reset(c) {
    c.resetState();
    return simple('RESET');
  },
};
