// Command family — keys: the type-agnostic keyspace commands of db.c and expire.c (DEL, EXISTS, TYPE, the EXPIRE
// and TTL families, KEYS, SCAN, RANDOMKEY, RENAME, COPY, MOVE, TOUCH, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB).

import {
  EMPTY_ARRAY,
  NIL,
  OK,
  ONE,
  ZERO,
  array,
  bulk,
  bulkArray,
  error,
  integer,
  simple,
  type ErrorReply,
  type Reply,
} from '../../protocol/reply.js';
import { keyword, parseInt64, parseInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import type { Database, Entry } from '../database.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import type { RedisNode } from '../node.js';
import { typeName } from '../values.js';

/** `ERR source and destination objects are the same` (shared.sameobjecterr): MOVE and COPY onto themselves. */
export const SAME_OBJECT = (): ErrorReply => error('ERR source and destination objects are the same');

/**
 * Empties one database (`dbId`) or all of them (-1) the way emptyData does: WATCHers are flagged first
 * (signalFlushedDb), then the keys are dropped. Returns how many keys were removed, for `dirty`.
 */
export function emptyData(node: RedisNode, dbId: number): number {
  const dbs = dbId === -1 ? node.databases : [node.databases[dbId]!];
  for (const db of dbs) {
    node.touchAllWatched(db);
    _wakeBlocked(node, db);
  }
  let removed = 0;
  for (const db of dbs) removed += db.flush();
  return removed;
}

/** The keys family's handlers by command name. */
export const keysCommands: CommandFamily = {
  del: (c, args) => _delete(c, args),
  // UNLINK only differs in freeing memory in the background, which nothing can observe here.
  unlink: (c, args) => _delete(c, args),

  exists(c, args) {
    let count = 0;
    for (let i = 1; i < args.length; i++) if (_lookupRead(c, args[i]!, false) !== undefined) count++;
    return integer(count);
  },

  type(c, args) {
    const entry = _lookupRead(c, args[1]!, false);
    return simple(entry === undefined ? 'none' : typeName(entry.value));
  },

  expire: (c, args) => _expire(c, args, BigInt(c.now), true),
  pexpire: (c, args) => _expire(c, args, BigInt(c.now), false),
  expireat: (c, args) => _expire(c, args, 0n, true),
  pexpireat: (c, args) => _expire(c, args, 0n, false),

  ttl: (c, args) => _ttl(c, args[1]!, false, false),
  pttl: (c, args) => _ttl(c, args[1]!, true, false),
  expiretime: (c, args) => _ttl(c, args[1]!, false, true),
  pexpiretime: (c, args) => _ttl(c, args[1]!, true, true),

  persist(c, args) {
    const key = args[1]!;
    const entry = _lookupWrite(c, c.db, key);
    if (entry === undefined || entry.expiresAt === 0) return ZERO;
    c.db.setExpiry(key, 0);
    c.node.notify('g', 'persist', key, c.db.id);
    c.node.dirty++;
    return ONE;
  },

  keys(c, args) {
    const pattern = args[1]!;
    const all = pattern === '*';
    const out: string[] = [];
    for (const key of c.db.keys()) if (all || globMatch(pattern, key)) out.push(key);
    return bulkArray(out);
  },

  scan(c, args) {
    const cursor = _parseCursor(args[1]!);
    let count = 10;
    let pattern: string | null = null;
    let type: string | null = null;
    for (let i = 2; i < args.length; i += 2) {
      const option = keyword(args[i]!);
      const value = args[i + 1];
      if (value === undefined) return Errors.syntax();
      if (option === 'count') {
        const n = parseInteger(value);
        if (n === null) return Errors.notInteger();
        if (n < 1) return Errors.syntax();
        count = n;
      } else if (option === 'match') {
        // Exactly `*` matches everything, so Redis drops it.
        pattern = value === '*' ? null : value;
      } else if (option === 'type') {
        type = keyword(value);
      } else {
        return Errors.syntax();
      }
    }
    const page = c.db.scan(cursor, count);
    const keys: string[] = [];
    for (const key of page.keys) {
      if (pattern !== null && !globMatch(pattern, key)) continue;
      if (type !== null) {
        // With a TYPE filter the type lookup already reclaimed expired keys, so scanGenericCommand's own expiry
        // check passes them: an expired key is reported as type `none`, and `TYPE none` returns it.
        const entry = _lookupRead(c, key, false);
        if ((entry === undefined ? 'none' : typeName(entry.value)) !== type) continue;
      } else if (c.db.lookup(key) === undefined) {
        continue;
      }
      keys.push(key);
    }
    return array([bulk(String(page.cursor)), keys.length === 0 ? EMPTY_ARRAY : bulkArray(keys)]);
  },

  randomkey(c) {
    const key = c.db.randomKey(() => c.node.env.random());
    return key === undefined ? NIL : bulk(key);
  },

  rename: (c, args) => _rename(c, args, false),
  renamenx: (c, args) => _rename(c, args, true),

  copy(c, args) {
    const node = c.node;
    const src = c.db;
    let dst = c.db;
    let replace = false;
    for (let i = 3; i < args.length; i++) {
      const option = keyword(args[i]!);
      if (option === 'replace') {
        replace = true;
      } else if (option === 'db' && i + 1 < args.length) {
        dst = _databaseArg(c, args[++i]!);
      } else {
        return Errors.syntax();
      }
    }
    if (node.mode === 'cluster' && (src.id !== 0 || dst.id !== 0)) {
      return error('ERR Copying to another database is not allowed in cluster mode');
    }
    const key = args[1]!;
    const newKey = args[2]!;
    if (src === dst && key === newKey) return SAME_OBJECT();
    const entry = _lookupRead(c, key, true);
    if (entry === undefined) return ZERO;
    const expiresAt = entry.expiry;
    if (_lookupWrite(c, dst, newKey) !== undefined) {
      if (!replace) return ZERO;
      dst.delete(newKey);
    }
    const value = typeof entry.value === 'string' ? entry.value : entry.value.clone();
    dst.set(newKey, value).stringForm = entry.stringForm;
    if (expiresAt !== 0) dst.setExpiry(newKey, expiresAt);
    node.notify('g', 'copy_to', newKey, dst.id);
    node.dirty++;
    return ONE;
  },

  move(c, args) {
    if (c.node.mode === 'cluster') return error('ERR MOVE is not allowed in cluster mode');
    const src = c.db;
    const dst = _databaseArg(c, args[2]!);
    if (src === dst) return SAME_OBJECT();
    const key = args[1]!;
    const entry = _lookupWrite(c, src, key);
    if (entry === undefined) return ZERO;
    const expiresAt = entry.expiry;
    if (_lookupWrite(c, dst, key) !== undefined) return ZERO;
    dst.set(key, entry.value).stringForm = entry.stringForm;
    if (expiresAt !== 0) dst.setExpiry(key, expiresAt);
    src.delete(key);
    c.node.notify('g', 'move_from', key, src.id);
    c.node.notify('g', 'move_to', key, dst.id);
    c.node.dirty++;
    return ONE;
  },

  touch(c, args) {
    let count = 0;
    for (let i = 1; i < args.length; i++) if (_lookupRead(c, args[i]!, true) !== undefined) count++;
    return integer(count);
  },

  dbsize: (c) => integer(c.db.size),

  flushdb(c, args) {
    _parseFlushMode(args);
    c.node.dirty += emptyData(c.node, c.db.id);
    // forceCommandPropagation: even an empty database's FLUSHDB reaches the AOF and replicas.
    c.forcePropagation = true;
    return OK;
  },

  flushall(c, args) {
    _parseFlushMode(args);
    c.node.dirty += emptyData(c.node, -1);
    // flushAllDataAndResetRDB: with save points configured, the emptied dataset is saved at once.
    c.node.persistence.afterFlushAll();
    c.forcePropagation = true;
    return OK;
  },

  swapdb(c, args) {
    if (c.node.mode === 'cluster') return error('ERR SWAPDB is not allowed in cluster mode');
    const id1 = _int32(args[1]!, 'ERR invalid first DB index');
    const id2 = _int32(args[2]!, 'ERR invalid second DB index');
    const db1 = c.node.databases[id1];
    const db2 = c.node.databases[id2];
    if (id1 < 0 || id2 < 0 || db1 === undefined || db2 === undefined) return Errors.invalidDb();
    if (db1 !== db2) {
      // dbSwapDatabases: watchers stay with their database number, so both sides see the other's keys.
      c.node.touchAllWatched(db1, db2);
      c.node.touchAllWatched(db2, db1);
      db1.swapWith(db2);
      // scanDatabaseForReadyKeys: a client blocked on a key may find it in the database swapped in.
      _wakeBlocked(c.node, db1);
      _wakeBlocked(c.node, db2);
    }
    c.node.dirty++;
    return OK;
  },
};

// --- internal ---

const _INT64_MAX = 2n ** 63n - 1n;
const _INT64_MIN = -(2n ** 63n);
const _UINT64_MAX = 2n ** 64n - 1n;

/** lookupKeyRead: a read lookup counts a keyspace hit or miss, fires `keymiss`, and refreshes the access time. */
function _lookupRead(c: ClientSession, key: string, touch: boolean): Entry | undefined {
  const entry = c.db.lookup(key);
  if (entry === undefined) {
    c.node.stats.keyspaceMisses++;
    c.node.notify('m', 'keymiss', key, c.db.id);
  } else {
    c.node.stats.keyspaceHits++;
    if (touch) entry.accessedAt = c.now;
  }
  return entry;
}

/** lookupKeyWrite: no keyspace stats, but the access time is refreshed like any lookup without NOTOUCH. */
function _lookupWrite(c: ClientSession, db: Database, key: string): Entry | undefined {
  const entry = db.lookup(key);
  if (entry !== undefined) entry.accessedAt = c.now;
  return entry;
}

/**
 * Lets clients blocked on keys of `db` re-check them after a bulk change that signals no single key (a swap, or a
 * flush, where XREADGROUP must learn its stream is gone). Their commands decide whether they can proceed.
 */
function _wakeBlocked(node: RedisNode, db: Database): void {
  if (node.blocking.size === 0) return;
  for (const key of db.keys()) node.blocking.keyModified(db, key);
}

/** DEL and UNLINK (delGenericCommand): expired keys are reclaimed first and do not count. */
function _delete(c: ClientSession, args: string[]): Reply {
  let deleted = 0;
  for (let i = 1; i < args.length; i++) {
    const key = args[i]!;
    if (!c.db.delete(key)) continue;
    c.node.notify('g', 'del', key, c.db.id);
    c.node.dirty++;
    deleted++;
  }
  return integer(deleted);
}

/** The flags of EXPIRE and friends (parseExtendedExpireArgumentsOrReply). */
interface _ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (expireGenericCommand); `basetime` is 0 for the absolute forms. */
function _expire(c: ClientSession, args: string[], basetime: bigint, seconds: boolean): Reply {
  const key = args[1]!;
  const flags = _parseExpireFlags(args);
  let when = parseInt64(args[2]!) ?? fail(Errors.notInteger());
  const name = args[0]!.toLowerCase();
  if (seconds) {
    // C's division truncates toward zero, as BigInt's does.
    if (when > _INT64_MAX / 1000n || when < _INT64_MIN / 1000n) return Errors.invalidExpire(name);
    when *= 1000n;
  }
  if (when > _INT64_MAX - basetime) return Errors.invalidExpire(name);
  when += basetime;

  const db = c.db;
  const entry = _lookupWrite(c, db, key);
  if (entry === undefined) return ZERO;
  if (flags !== null) {
    const current = entry.expiresAt === 0 ? null : BigInt(entry.expiry);
    if (flags.nx && current !== null) return ZERO;
    if (flags.xx && current === null) return ZERO;
    // No expiry counts as an infinite one: GT never passes it, LT always does.
    if (flags.gt && (current === null || when <= current)) return ZERO;
    if (flags.lt && current !== null && when >= current) return ZERO;
  }

  // checkAlreadyExpired: a time already past deletes the key, except while loading, and on a replica, which waits for
  // its master's DEL.
  if (when <= BigInt(c.now) && c.node.role === 'master' && !c.node.persistence.loading) {
    db.delete(key);
    c.node.dirty++;
    c.propagateAs = [c.node.config.getBool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
    c.node.notify('g', 'del', key, db.id);
    return ONE;
  }
  // 0 means "no expiry" in an Entry; the instant before is just as much in the past, and TTL reports both as 0.
  db.setExpiry(key, when === 0n ? -1 : when);
  // Redis 7.0 propagates every form as PEXPIREAT with the absolute time, keeping the NX/XX/GT/LT words.
  if (basetime !== 0n || seconds) c.propagateAs = ['PEXPIREAT', key, String(when), ...args.slice(3)];
  c.node.notify('g', 'expire', key, db.id);
  c.node.dirty++;
  return ONE;
}

/** Parses NX/XX/GT/LT after the time, with Redis's compatibility errors; null when none is given. */
function _parseExpireFlags(args: string[]): _ExpireFlags | null {
  if (args.length <= 3) return null;
  const flags: _ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let i = 3; i < args.length; i++) {
    const option = keyword(args[i]!);
    if (option === 'nx' || option === 'xx' || option === 'gt' || option === 'lt') flags[option] = true;
    else fail(error(`ERR Unsupported option ${args[i]!}`));
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) {
    fail(error('ERR NX and XX, GT or LT options at the same time are not compatible'));
  }
  if (flags.gt && flags.lt) fail(error('ERR GT and LT options at the same time are not compatible'));
  return flags;
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME (ttlGenericCommand): -2 when missing, -1 without expiry. */
function _ttl(c: ClientSession, key: string, ms: boolean, absolute: boolean): Reply {
  const entry = _lookupRead(c, key, false);
  if (entry === undefined) return integer(-2);
  if (entry.expiresAt === 0) return integer(-1);
  const exact = entry.expiresAtExact;
  if (exact !== undefined) {
    // Past 2^53 ms: Redis's 64-bit arithmetic, whose rounding to seconds does not wrap even at INT64_MAX.
    let ttl = absolute ? exact : exact - BigInt(Math.trunc(c.now));
    if (ttl < 0n) ttl = 0n;
    return integer(ms ? ttl : (ttl + 500n) / 1000n);
  }
  const ttl = Math.max(0, absolute ? entry.expiresAt : entry.expiresAt - c.now);
  return integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

/** RENAME and RENAMENX (renameGenericCommand): the value and its expiry move; renaming onto itself is a no-op. */
function _rename(c: ClientSession, args: string[], nx: boolean): Reply {
  const db = c.db;
  const from = args[1]!;
  const to = args[2]!;
  const entry = _lookupWrite(c, db, from);
  if (entry === undefined) return Errors.noSuchKey();
  if (from === to) return nx ? ZERO : OK;
  const { value, expiry: expiresAt } = entry;
  if (_lookupWrite(c, db, to) !== undefined) {
    if (nx) return ZERO;
    db.delete(to);
  }
  db.set(to, value).stringForm = entry.stringForm;
  if (expiresAt !== 0) db.setExpiry(to, expiresAt);
  db.delete(from);
  c.node.notify('g', 'rename_from', from, db.id);
  c.node.notify('g', 'rename_to', to, db.id);
  c.node.dirty++;
  return nx ? ONE : OK;
}

/**
 * Parses a SCAN cursor the way parseScanCursorOrReply uses strtoul: decimal, an optional sign (a negative cursor
 * wraps around 2^64), no leading space, and the empty string is 0. Reads up to a NUL byte, like C.
 */
function _parseCursor(arg: string): number {
  const nul = arg.indexOf('\0');
  const s = nul === -1 ? arg : arg.slice(0, nul);
  if (s === '') return 0;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return fail(error('ERR invalid cursor'));
  const magnitude = BigInt(m[2]!);
  if (magnitude > _UINT64_MAX) return fail(error('ERR invalid cursor'));
  const cursor = m[1] === '-' && magnitude !== 0n ? 2n ** 64n - magnitude : magnitude;
  // Our cursors are scan sequence numbers far below 2^53, so a rounded larger value behaves the same.
  return Number(cursor);
}

/** A database number argument of MOVE and COPY (getIntFromObjectOrReply, then selectDb's range check). */
function _databaseArg(c: ClientSession, arg: string): Database {
  const id = _int32(arg, null);
  const db = c.node.databases[id];
  return id < 0 || db === undefined ? fail(Errors.invalidDb()) : db;
}

/** getIntFromObjectOrReply: an integer within C's int, failing with `message` (or Redis's default texts). */
function _int32(arg: string, message: string | null): number {
  const n = parseInteger(arg);
  if (n === null) return fail(message === null ? Errors.notInteger() : error(message));
  if (n < -2147483648 || n > 2147483647) {
    return fail(error(message ?? 'ERR value is out of range, value must between -2147483648 and 2147483647'));
  }
  return n;
}

/** FLUSHDB/FLUSHALL take nothing, SYNC or ASYNC (getFlushCommandFlags); both flush at once here. */
function _parseFlushMode(args: string[]): void {
  if (args.length === 1) return;
  const mode = keyword(args[1]!);
  if (args.length > 2 || (mode !== 'sync' && mode !== 'async')) fail(Errors.syntax());
}
