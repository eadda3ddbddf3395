// Command family — DEBUG (debug.c debugCommand): the subcommands tools and test suites use — DIGEST, DIGEST-VALUE,
// OBJECT, RELOAD, LOADAOF, SLEEP, SET-ACTIVE-EXPIRE, SET-SKIP-CHECKSUM-VALIDATION, POPULATE, LOG, ERROR, HELP.
// Crash-inducing and allocator-specific subcommands are not implemented and answer like an unknown subcommand.
// Access is gated by `enable-debug-command` in dispatch (DEBUG carries Redis's hidden `protected` flag).

import { OK, array, error, sequence, simple, type Reply } from '../../protocol/reply.js';
import { parseInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import { ListValue } from '../types/list.js';
import { helpReply } from './help.js';
import type { CommandFamily } from '../command-table.js';
import type { Database, Entry } from '../database.js';
import { Errors } from '../errors.js';
import { datasetDigest, digestHex, newDigest, valueDigest } from '../persistence/digest.js';
import { rdbValueLength } from '../persistence/rdb.js';
import { objectEncoding, objectRefcount } from './object.js';

/** The debug family's handlers by command name. */
export const debugCommands: CommandFamily = {
  debug(c, args) {
    const sub = args[1]!.toLowerCase();
    const argc = args.length;
    switch (sub) {
      case 'help':
        if (argc === 2) return helpReply(args[0]!, _HELP);
        break;
      case 'digest':
        if (argc === 2) return simple(digestHex(datasetDigest(c.node.databases)));
        break;
      case 'digest-value':
        // dictFind, not lookupKey: logically expired keys still have a digest.
        return array(
          args.slice(2).map((key) => {
            const entry = _peek(c.db, key);
            return simple(
              digestHex(entry === undefined ? newDigest() : valueDigest(entry.value, entry.expiresAt !== 0)),
            );
          }),
        );
      case 'object':
        if (argc === 3) return _object(c, args[2]!);
        break;
      case 'reload':
        return _reload(c, args);
      case 'loadaof':
        return _loadAof(c);
      case 'sleep':
        if (argc === 3) return _sleep(c, args[2]!);
        break;
      case 'set-active-expire':
        if (argc === 3) {
          c.node.activeExpire = _atoi(args[2]!) !== 0;
          return OK;
        }
        break;
      case 'set-skip-checksum-validation':
        if (argc === 3) {
          c.node.persistence.skipChecksumValidation = _atoi(args[2]!) !== 0;
          return OK;
        }
        break;
      case 'populate':
        if (argc >= 3 && argc <= 5) return _populate(c, args);
        break;
      case 'log':
        if (argc === 3) {
          c.node.log('warning', `DEBUG LOG: ${args[2]}`);
          return OK;
        }
        break;
      case 'error':
        if (argc === 3) return error(args[2]!.replace(/[\r\n]/g, ' '));
        break;
    }
    return Errors.subcommandSyntax(args);
  },
};

// --- internal ---

/**
 * The entry for a key as stored, even a logically expired one, without reclaiming it (dictFind): DEBUG looks at
 * the dictionary directly. An expired key is found by a scan, which only DEBUG on expired keys pays for.
 */
function _peek(db: Database, key: string): Entry | undefined {
  if (!db.holds(key)) return undefined;
  if (!db.isLogicallyExpired(key)) return db.lookup(key);
  for (const [k, entry] of db.rawEntries()) if (k === key) return entry;
  return undefined;
}

/** DEBUG OBJECT key: Redis's status line; encoding and refcount are what OBJECT ENCODING/REFCOUNT report. */
function _object(c: ClientSession, key: string): Reply {
  const entry = _peek(c.db, key);
  if (entry === undefined) return Errors.noSuchKey();
  const value = entry.value;
  const address = (0x7f0000000000 + entry.seq * 0x30).toString(16);
  const lru = Math.floor(entry.accessedAt / 1000) & _LRU_CLOCK_MAX;
  const clock = Math.floor(c.node.now() / 1000) & _LRU_CLOCK_MAX;
  const idle = clock >= lru ? clock - lru : _LRU_CLOCK_MAX - lru + clock;
  return simple(
    `Value at:0x${address} refcount:${objectRefcount(c.node, entry)} encoding:${objectEncoding(entry)} ` +
      `serializedlength:${rdbValueLength(value, c.node.config.getBool('rdbcompression'))} lru:${lru} lru_seconds_idle:${idle}` +
      (value instanceof ListValue ? value.debugObjectSuffix() : ''),
  );
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]. */
function _reload(c: ClientSession, args: string[]): Reply {
  let save = true;
  let flush = true;
  for (let i = 2; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    if (option === 'merge')
      continue; // loaded keys always replace existing ones here
    else if (option === 'noflush') flush = false;
    else if (option === 'nosave') save = false;
    else return error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const outcome = c.node.persistence.reload({ save, flush });
  if (outcome === 'save-failed') return error('ERR');
  if (outcome === 'load-failed') return error('ERR Error trying to load the RDB dump');
  return OK;
}

/** DEBUG LOADAOF: Redis exits when the AOF cannot be loaded; here the client is told instead. */
function _loadAof(c: ClientSession): Reply {
  try {
    c.node.persistence.reloadAof();
  } catch (e) {
    return error(`ERR Error loading the append only file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return OK;
}

/**
 * DEBUG SLEEP seconds. Redis blocks its whole event loop; here every other client is paused for that long
 * (CLIENT PAUSE ALL) and this client's reply is held back until the time has passed. Inside EXEC, where a client
 * cannot wait, the pause still happens but the reply is immediate.
 */
function _sleep(c: ClientSession, text: string): Reply {
  const ms = Math.trunc(_strtod(text) * 1_000_000) / 1000;
  if (!(ms > 0)) return OK;
  const node = c.node;
  const until = node.now() + ms;
  if (node.pause === null || node.pause.writesOnly || node.pause.until < until) node.pauseClients(until, false);
  if (c.denyBlocking) return OK;
  c.hold = 'blocked';
  node.env.schedule(ms, () => {
    c.pushNow(OK);
    c.resume();
  });
  return sequence([]);
}

/** DEBUG POPULATE count [prefix] [size]: adds string keys `prefix:N` = `value:N`, skipping existing keys. */
function _populate(c: ClientSession, args: string[]): Reply {
  const count = _positive(args[2]!);
  if (typeof count !== 'number') return count;
  let size = 0;
  if (args.length === 5) {
    const parsed = _positive(args[4]!);
    if (typeof parsed !== 'number') return parsed;
    size = parsed;
  }
  const prefix = args.length >= 4 ? args[3]! : 'key';
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (c.db.lookup(key) !== undefined) continue;
    const text = `value:${j}`;
    const value = size === 0 ? text : text.slice(0, size).padEnd(size, '\0');
    c.db.set(key, value);
  }
  return OK;
}

/** getPositiveLongFromObjectOrReply: an integer >= 0, or the error to answer. */
function _positive(text: string): number | Reply {
  const n = parseInteger(text);
  if (n === null) return Errors.notInteger();
  if (n < 0) return error('ERR value is out of range, must be positive');
  return n;
}

/** C atoi: optional whitespace and sign, then digits; 0 when there are none. */
function _atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m === null ? 0 : Number.parseInt(m[1]!, 10);
}

/** C strtod on a prefix: the longest leading decimal number, 0 when there is none. */
function _strtod(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/** LRU_CLOCK_MAX: the 24-bit LRU clock wraps here. */
const _LRU_CLOCK_MAX = (1 << 24) - 1;

/** DEBUG HELP's lines for the subcommands redis-sim has. */
const _HELP: readonly string[] = [
  'DIGEST',
  '    Answer a 40-hex fingerprint of the whole dataset (all zeros when empty).',
  'DIGEST-VALUE <key> [<key> ...]',
  "    Answer the fingerprint of each key's value.",
  'ERROR <string>',
  '    Answer an error reply whose text is <string>.',
  'LOADAOF',
  '    Write out the AOF, then load the dataset back from it.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Describe the value stored at <key>: encoding, size, idle time.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys <prefix>:<n> (prefix `key` by default), without propagating them.',
  'RELOAD [MERGE] [NOFLUSH] [NOSAVE]',
  '    Save the snapshot and load it back (NOSAVE: load the existing one; NOFLUSH: keep current keys;',
  '    MERGE: let loaded keys replace current ones).',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Turn the background expiry of keys off (0) or back on (1).',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Skip (1) or require (0) checksum checks when loading snapshots and RESTORE payloads.',
  'SLEEP <seconds>',
  '    Hold every client for <seconds> (decimals allowed).',
];
