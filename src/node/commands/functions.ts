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

// HELP wording is redis-sim's own; it says where redis-sim differs (no Lua).
const _FUNCTION_HELP: readonly string[] = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Register a library from its source code, REPLACE overwriting one of the same name',
  '    (an error here: redis-sim runs no Lua).',
  'DELETE <LIBRARY NAME>',
  '    Remove a library and every function it defines.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Describe each library: its name, engine, description and functions, plus its source with',
  '    WITHCODE. LIBRARYNAME keeps only the libraries whose name matches PATTERN.',
  'STATS',
  '    Describe the function running now, if any (name, calling command, milliseconds so far),',
  '    and list the engines available with their library and function counts.',
  'KILL',
  '    Stop the function running now, if it has not written anything.',
  'FLUSH [ASYNC|SYNC]',
  '    Remove every library, in the background (ASYNC) or right away (SYNC); with no mode,',
  '    lazyfree-lazy-user-flush decides.',
  'DUMP',
  '    Serialize every library into one payload that FUNCTION RESTORE accepts.',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Load the libraries of a FUNCTION DUMP payload. What happens to the libraries already here:',
  '    * FLUSH: they are removed first.',
  '    * APPEND (the default): they stay, and a library name found in both makes it fail.',
  '    * REPLACE: they stay, but one whose name is in the payload is swapped for the new one',
  '      (a clash between function names still makes it fail).',
];

const _SCRIPT_HELP: readonly string[] = [
  'DEBUG (YES|SYNC|NO)',
  '    Choose how the next scripts are debugged (an error here: redis-sim runs no Lua).',
  'EXISTS <sha1> [<sha1> ...]',
  '    Answer 1 or 0 for each SHA1: whether a script with that digest is cached.',
  'FLUSH [ASYNC|SYNC]',
  '    Empty the script cache, in the background (ASYNC) or right away (SYNC); with no mode,',
  '    lazyfree-lazy-user-flush decides.',
  'KILL',
  '    Stop the script running now, if it has not written anything.',
  'LOAD <script>',
  '    Cache a script without running it and answer its SHA1 (an error here: redis-sim runs no Lua).',
];
