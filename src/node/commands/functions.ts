// Command family — scripting: FUNCTION, SCRIPT, EVAL/EVALSHA(_RO) and FCALL(_RO) (functions.c, eval.c). redis-sim
// runs no Lua, so the library set is always empty: whatever can be answered truthfully about an empty library set
// and an empty script cache is (FUNCTION LIST/DUMP/RESTORE/STATS/FLUSH/DELETE/KILL, SCRIPT EXISTS/FLUSH/KILL), and
// whatever would run or load code answers an error saying scripting is not supported.

import {
  EMPTY_ARRAY,
  NIL,
  OK,
  ZERO,
  array,
  bulk,
  error,
  integer,
  mapOf,
  type ErrorReply,
  type Reply,
} from '../../protocol/reply.js';
import { keyword } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors } from '../errors.js';
import { crc64Init, crc64Update, crc64WriteLE } from '../persistence/crc64.js';
import { RDB_VERSION, RdbOpcode } from '../persistence/rdb-codec.js';
import { verifyDumpPayload } from '../persistence/rdb.js';
import { helpReply } from './help.js';

/** The error every command that would run or load Lua code answers. */
export function scriptingUnsupported(command: string): ErrorReply {
  return error(`ERR redis-sim does not support Lua scripting (${command}); see README`);
}

/** `NOTBUSY No scripts in execution right now.`: SCRIPT KILL and FUNCTION KILL when nothing runs (scriptKill). */
export const NOT_BUSY = (): ErrorReply => error('NOTBUSY No scripts in execution right now.');

/**
 * FUNCTION DUMP's payload for an empty library set (functionDumpCommand): no function records, then the RDB version
 * (2 bytes LE) and the CRC64 of those bytes (8 bytes LE) — byte for byte what Redis 7.0.15 answers.
 */
export function emptyFunctionsPayload(): Buffer {
  const out = Buffer.alloc(10);
  out[0] = RDB_VERSION & 0xff;
  out[1] = (RDB_VERSION >> 8) & 0xff;
  const state = crc64Init();
  crc64Update(state, out, 0, 2);
  crc64WriteLE(state, out, 2);
  return out;
}

/** The scripting family's handlers by command name. */
export const functionsCommands: CommandFamily = {
  'function|list': (_c, args) => {
    let withCode = false;
    let libraryName = false;
    for (let i = 2; i < args.length; i++) {
      const arg = keyword(args[i]!);
      if (!withCode && arg === 'withcode') {
        withCode = true;
      } else if (!libraryName && arg === 'libraryname') {
        if (i >= args.length - 1) return error('ERR library name argument was not given');
        libraryName = true;
        i++;
      } else {
        return error(`ERR Unknown argument ${args[i]!}`);
      }
    }
    return EMPTY_ARRAY;
  },
  'function|flush': (c, args) => {
    if (args.length > 3) return Errors.subcommandSyntax(args);
    if (args.length === 3) {
      const mode = keyword(args[2]!);
      if (mode !== 'sync' && mode !== 'async') return error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    }
    // Replicated and counted as a change even though the (always empty) library set stays as it was.
    c.node.dirty++;
    return OK;
  },
  'function|dump': () => bulk(emptyFunctionsPayload().toString('latin1')),
  'function|restore': _functionRestore,
  'function|delete': () => error('ERR Library not found'),
  'function|stats': () =>
    mapOf([
      ['running_script', NIL],
      [
        'engines',
        mapOf([
          [
            'LUA',
            mapOf([
              ['libraries_count', ZERO],
              ['functions_count', ZERO],
            ]),
          ],
        ]),
      ],
    ]),
  'function|kill': () => NOT_BUSY(),
  'function|load': (_c, args) => {
    // Every argument but the last (the code) must be REPLACE (functionLoadCommand).
    for (const option of args.slice(2, -1)) {
      if (keyword(option) !== 'replace') return error(`ERR Unknown option given: ${option}`);
    }
    return scriptingUnsupported('FUNCTION LOAD');
  },
  'function|help': (_c, args) => helpReply(args[0]!, _FUNCTION_HELP),

  'script|exists': (_c, args) => array(args.slice(2).map(() => integer(0))),
  'script|flush': (_c, args) => {
    const mode = args.length === 3 ? keyword(args[2]!) : null;
    if (args.length > 3 || (args.length === 3 && mode !== 'sync' && mode !== 'async')) {
      return error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    }
    return OK;
  },
  'script|kill': () => NOT_BUSY(),
  'script|load': () => scriptingUnsupported('SCRIPT LOAD'),
  'script|debug': () => scriptingUnsupported('SCRIPT DEBUG'),
  'script|help': (_c, args) => helpReply(args[0]!, _SCRIPT_HELP),

  eval: (_c, args) => scriptingUnsupported(args[0]!.toUpperCase()),
  evalsha: (_c, args) => scriptingUnsupported(args[0]!.toUpperCase()),
  eval_ro: (_c, args) => scriptingUnsupported(args[0]!.toUpperCase()),
  evalsha_ro: (_c, args) => scriptingUnsupported(args[0]!.toUpperCase()),
  fcall: (_c, args) => scriptingUnsupported(args[0]!.toUpperCase()),
  fcall_ro: (_c, args) => scriptingUnsupported(args[0]!.toUpperCase()),
};

// --- internal ---

/**
 * FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] (functionRestoreCommand): a payload without libraries — what
 * FUNCTION DUMP of an empty set gives, as `redis-cli --cluster add-node` copies it — restores fine (and is replicated);
 * one holding libraries cannot, as their code could never run here.
 */
function _functionRestore(c: ClientSession, args: string[]): Reply {
  if (args.length > 4) return Errors.subcommandSyntax(args);
  if (args.length === 4) {
    const policy = keyword(args[3]!);
    if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') {
      return error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    }
  }
  const payload = Buffer.from(args[2]!, 'latin1');
  if (!verifyDumpPayload(payload, !c.node.persistence.skipChecksumValidation)) {
    return error('ERR DUMP payload version or checksum are wrong');
  }
  if (payload.length > 10) {
    const type = payload[0]!;
    if (type !== RdbOpcode.FUNCTION && type !== RdbOpcode.FUNCTION2) {
      return error('ERR given type is not a function');
    }
    return scriptingUnsupported('FUNCTION RESTORE of a payload with libraries');
  }
  c.node.dirty++;
  return OK;
}

const _FUNCTION_HELP: readonly string[] = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

const _SCRIPT_HELP: readonly string[] = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];
