// Command family — sets: SADD, SREM, SMOVE, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS, SPOP, SRANDMEMBER, SINTER,
// SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE and SSCAN (t_set.c), with Redis 7.0.15's reply
// shapes (RESP3 sets where Redis answers with addReplySetLen), keyspace events, dirty counts and propagation.

import { parseInt64, parseInteger, parseScanCursor } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import type { Entry } from '../database.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import {
  EMPTY_ARRAY,
  NIL,
  ONE,
  ZERO,
  array,
  bulk,
  error,
  integer,
  set as setReply,
  type ErrorReply,
  type Reply,
} from '../../protocol/reply.js';
import { cKeyword, readValue } from '../strings/lookup.js';
import { RedisSet } from '../types/set.js';
import type { Value } from '../values.js';

/** The sets family's handlers by command name. */
export const setsCommands: CommandFamily = {
  sadd(c, args) {
    const key = args[1]!;
    let set = _lookupWrite(c, key);
    if (set === undefined) {
      set = RedisSet.createFor(args[2]!);
      c.db.set(key, set, true);
    }
    const max = _maxIntsetEntries(c);
    let added = 0;
    for (let i = 2; i < args.length; i++) if (set.add(args[i]!, max)) added++;
    if (added > 0) {
      c.db.touch(key);
      c.node.notify('s', 'sadd', key, c.db.id);
    }
    c.node.dirty += added;
    return integer(added);
  },

  srem(c, args) {
    const key = args[1]!;
    const set = _lookupWrite(c, key);
    if (set === undefined) return ZERO;
    let deleted = 0;
    let keyRemoved = false;
    for (let i = 2; i < args.length; i++) {
      if (!set.remove(args[i]!)) continue;
      deleted++;
      if (set.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
    if (deleted > 0) {
      if (!keyRemoved) c.db.touch(key);
      c.node.notify('s', 'srem', key, c.db.id);
      if (keyRemoved) c.node.notify('g', 'del', key, c.db.id);
      c.node.dirty += deleted;
    }
    return integer(deleted);
  },

  smove(c, args) {
    const [, source, destination, member] = args as [string, string, string, string];
    const srcEntry = _lookupWriteEntry(c, source);
    const dstEntry = _lookupWriteEntry(c, destination);
    if (srcEntry === undefined) return ZERO;
    const src = _asSet(srcEntry.value);
    let dst = dstEntry === undefined ? undefined : _asSet(dstEntry.value);
    // The same key on both sides is a membership test (srcset == dstset).
    if (src === dst) return src.has(member) ? ONE : ZERO;
    if (!src.remove(member)) return ZERO;
    c.node.notify('s', 'srem', source, c.db.id);
    if (src.size === 0) {
      c.db.delete(source);
      c.node.notify('g', 'del', source, c.db.id);
    } else {
      c.db.touch(source);
    }
    if (dst === undefined) {
      dst = RedisSet.createFor(member);
      c.db.set(destination, dst, true);
    }
    c.node.dirty++;
    if (dst.add(member, _maxIntsetEntries(c))) {
      c.node.dirty++;
      c.db.touch(destination);
      c.node.notify('s', 'sadd', destination, c.db.id);
    }
    return ONE;
  },

  sismember(c, args) {
    const set = _lookupRead(c, args[1]!);
    return set !== undefined && set.has(args[2]!) ? ONE : ZERO;
  },

  smismember(c, args) {
    // A missing key is an empty set: every answer is 0.
    const set = _lookupRead(c, args[1]!);
    const out: Reply[] = new Array<Reply>(args.length - 2);
    for (let i = 2; i < args.length; i++) out[i - 2] = set !== undefined && set.has(args[i]!) ? ONE : ZERO;
    return array(out);
  },

  scard(c, args) {
    const set = _lookupRead(c, args[1]!);
    return set === undefined ? ZERO : integer(set.size);
  },

  // SMEMBERS is SINTER of one key in Redis 7.0 (sinterCommand), reply shape included.
  smembers: (c, args) => _inter(c, args.slice(1), null, false, 0),

  spop(c, args) {
    if (args.length === 3) return _popWithCount(c, args[1]!, args[2]!);
    if (args.length > 3) return Errors.syntax();
    const key = args[1]!;
    const set = _lookupWrite(c, key);
    if (set === undefined) return NIL;
    const member = set.randomMember(_random(c));
    set.remove(member);
    c.node.notify('s', 'spop', key, c.db.id);
    c.propagateAs = ['SREM', key, member];
    if (set.size === 0) {
      c.db.delete(key);
      c.node.notify('g', 'del', key, c.db.id);
    } else {
      c.db.touch(key);
    }
    c.node.dirty++;
    return bulk(member);
  },

  srandmember(c, args) {
    if (args.length === 3) return _randomWithCount(c, args[1]!, args[2]!);
    if (args.length > 3) return Errors.syntax();
    const set = _lookupRead(c, args[1]!);
    return set === undefined ? NIL : bulk(set.randomMember(_random(c)));
  },

  sinter: (c, args) => _inter(c, args.slice(1), null, false, 0),

  sintercard(c, args) {
    const numkeys = parseInteger(args[1]!);
    if (numkeys === null || numkeys < 1) return _SetErrors.numkeys();
    if (numkeys > args.length - 2) return _SetErrors.tooManyKeys();
    let limit = 0;
    for (let j = 2 + numkeys; j < args.length; j++) {
      if (cKeyword(args[j]!) === 'limit' && j < args.length - 1) {
        const n = parseInteger(args[++j]!);
        if (n === null || n < 0) return _SetErrors.negativeLimit();
        limit = n;
      } else {
        return Errors.syntax();
      }
    }
    return _inter(c, args.slice(2, 2 + numkeys), null, true, limit);
  },

  sinterstore: (c, args) => _inter(c, args.slice(2), args[1]!, false, 0),
  sunion: (c, args) => _unionDiff(c, args.slice(1), null, 'union'),
  sunionstore: (c, args) => _unionDiff(c, args.slice(2), args[1]!, 'union'),
  sdiff: (c, args) => _unionDiff(c, args.slice(1), null, 'diff'),
  sdiffstore: (c, args) => _unionDiff(c, args.slice(2), args[1]!, 'diff'),

  sscan(c, args) {
    const cursor = parseScanCursor(args[2]!);
    const set = _lookupRead(c, args[1]!);
    if (set === undefined) return _EMPTY_SCAN;
    let count = 10;
    let pattern: string | null = null;
    for (let i = 3; i < args.length; i += 2) {
      const option = cKeyword(args[i]!);
      const value = args[i + 1];
      if (option === 'count' && value !== undefined) {
        const n = parseInteger(value);
        if (n === null) return Errors.notInteger();
        if (n < 1) return Errors.syntax();
        count = n;
      } else if (option === 'match' && value !== undefined) {
        // Exactly `*` matches everything, so Redis skips matching.
        pattern = value === '*' ? null : value;
      } else {
        return Errors.syntax();
      }
    }
    const page = set.scan(cursor, count);
    const out: Reply[] = [];
    for (const m of page.members) if (pattern === null || globMatch(pattern, m)) out.push(bulk(m));
    return array([bulk(String(page.cursor)), out.length === 0 ? EMPTY_ARRAY : array(out)]);
  },
};

// --- internal ---

/** How many times bigger than the rest the popped part must be for SPOP to rebuild the set (SPOP_MOVE_STRATEGY_MUL). */
const _SPOP_MOVE_STRATEGY_MUL = 5;
/** Below this ratio of set size to count, SRANDMEMBER copies the set and removes members (SRANDMEMBER_SUB_STRATEGY_MUL). */
const _SRANDMEMBER_SUB_STRATEGY_MUL = 3;
/**
 * The most elements one SRANDMEMBER with a negative count may return. Redis streams any number (until the client's
 * output buffer limit, unlimited by default); redis-sim builds the reply in memory, so it refuses counts that would
 * exhaust it rather than crash the process.
 */
const _MAX_RANDOM_REPLY = 1 << 22;

const _EMPTY_SCAN = array([bulk('0'), EMPTY_ARRAY]);

/** The set family's own error texts (Redis 7.0.15's, observed). */
const _SetErrors = {
  numkeys: (): ErrorReply => error('ERR numkeys should be greater than 0'),
  tooManyKeys: (): ErrorReply => error("ERR Number of keys can't be greater than number of args"),
  negativeLimit: (): ErrorReply => error("ERR LIMIT can't be negative"),
  notPositive: (): ErrorReply => error('ERR value is out of range, must be positive'),
  countRange: (): ErrorReply =>
    error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
  replyTooLarge: (): ErrorReply =>
    error(`ERR redis-sim does not build replies of more than ${_MAX_RANDOM_REPLY} random elements`),
} as const;

const _INT64_MIN = -(2n ** 63n);

function _random(c: ClientSession): () => number {
  return () => c.node.env.random();
}

function _maxIntsetEntries(c: ClientSession): number {
  return c.node.config.getNumber('set-max-intset-entries');
}

function _asSet(value: Value): RedisSet {
  return value instanceof RedisSet ? value : fail(Errors.wrongType());
}

/** lookupKeyRead plus checkType: counts a hit or miss; undefined when missing; WRONGTYPE for other types. */
function _lookupRead(c: ClientSession, key: string): RedisSet | undefined {
  const value = readValue(c, key);
  return value === undefined ? undefined : _asSet(value);
}

/** lookupKeyWrite: no hit/miss counting, but the access time is refreshed. */
function _lookupWriteEntry(c: ClientSession, key: string): Entry | undefined {
  const entry = c.db.lookup(key);
  if (entry !== undefined) entry.accessedAt = c.now;
  return entry;
}

/** lookupKeyWrite plus checkType. */
function _lookupWrite(c: ClientSession, key: string): RedisSet | undefined {
  const entry = _lookupWriteEntry(c, key);
  return entry === undefined ? undefined : _asSet(entry.value);
}

function _members(members: readonly string[]): Reply[] {
  const out = new Array<Reply>(members.length);
  for (let i = 0; i < members.length; i++) out[i] = bulk(members[i]!);
  return out;
}

/** SPOP key count (spopWithCountCommand), with its three strategies and their propagation. */
function _popWithCount(c: ClientSession, key: string, countArg: string): Reply {
  const count = parseInteger(countArg);
  if (count === null || count < 0) return _SetErrors.notPositive();
  const set = _lookupWrite(c, key);
  if (set === undefined || count === 0) return setReply([]);
  const size = set.size;
  c.node.notify('s', 'spop', key, c.db.id);
  c.node.dirty += Math.min(count, size);
  // CASE 1: everything goes; the reply is SUNION of the key (a read lookup included), propagated as DEL.
  if (count >= size) {
    const reply = _unionDiff(c, [key], null, 'union');
    c.db.delete(key);
    c.node.notify('g', 'del', key, c.db.id);
    c.propagateAs = ['DEL', key];
    return reply;
  }
  const popped: string[] = [];
  const random = _random(c);
  let remaining = size - count;
  if (remaining * _SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: few members go: pick and remove them one by one.
    for (let i = 0; i < count; i++) {
      const member = set.randomMember(random);
      set.remove(member);
      popped.push(member);
    }
    c.db.touch(key);
  } else {
    // CASE 3: most members go: move the few that stay into a new set, and answer what is left of the old one.
    let kept: RedisSet | null = null;
    const max = _maxIntsetEntries(c);
    while (remaining-- > 0) {
      const member = set.randomMember(random);
      kept ??= RedisSet.createFor(member);
      kept.add(member, max);
      set.remove(member);
    }
    for (const member of set.members()) popped.push(member);
    c.db.set(key, kept!, true);
  }
  c.propagateAlso = popped.map((member) => ['SREM', key, member]);
  return setReply(_members(popped));
}

/** SRANDMEMBER key count (srandmemberWithCountCommand): distinct members for a positive count, repeats for negative. */
function _randomWithCount(c: ClientSession, key: string, countArg: string): Reply {
  const l = parseInt64(countArg);
  if (l === null) return Errors.notInteger();
  if (l === _INT64_MIN) return _SetErrors.countRange();
  const unique = l >= 0n;
  const count = Number(unique ? l : -l);
  const set = _lookupRead(c, key);
  if (set === undefined || count === 0) return EMPTY_ARRAY;
  const size = set.size;
  const random = _random(c);
  // CASE 1: a negative count (or 1) samples the whole set each time.
  if (!unique || count === 1) {
    if (count > _MAX_RANDOM_REPLY) return _SetErrors.replyTooLarge();
    const out = new Array<Reply>(count);
    for (let i = 0; i < count; i++) out[i] = bulk(set.randomMember(random));
    return array(out);
  }
  // CASE 2: at least the whole set: all of it, in its order.
  if (count >= size) return array(_members(set.toArray()));
  // CASE 3: most of the set: copy it and drop random members until `count` are left.
  if (count * _SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    const members = set.toArray();
    while (members.length > count) {
      const at = Math.floor(random() * members.length);
      members[at] = members[members.length - 1]!;
      members.pop();
    }
    return array(_members(members));
  }
  // CASE 4: a small part of a big set: draw until `count` distinct members came up.
  const picked = new Set<string>();
  while (picked.size < count) picked.add(set.randomMember(random));
  return array(_members([...picked]));
}

/** Removes the destination of a *STORE whose result is empty (the dbDelete branch of the generic commands). */
function _deleteDestination(c: ClientSession, destination: string): void {
  if (!c.db.delete(destination)) return;
  c.node.dirty++;
  c.node.notify('g', 'del', destination, c.db.id);
}

/** Stores a non-empty result under the destination (setKey: replaces any value and its TTL). */
function _storeDestination(c: ClientSession, destination: string, result: RedisSet, event: string): Reply {
  c.db.set(destination, result);
  c.node.notify('s', event, destination, c.db.id);
  c.node.dirty++;
  return integer(result.size);
}

/** Read lookups of every source key; a missing key is null. Fails with WRONGTYPE at the first key of another type. */
function _sources(c: ClientSession, keys: readonly string[]): (RedisSet | null)[] {
  const sets = new Array<RedisSet | null>(keys.length);
  for (let i = 0; i < keys.length; i++) sets[i] = _lookupRead(c, keys[i]!) ?? null;
  return sets;
}

/** SINTER, SMEMBERS, SINTERSTORE and SINTERCARD (sinterGenericCommand). */
function _inter(
  c: ClientSession,
  keys: readonly string[],
  destination: string | null,
  cardinalityOnly: boolean,
  limit: number,
): Reply {
  const found = _sources(c, keys);
  if (found.includes(null)) {
    if (destination !== null) {
      _deleteDestination(c, destination);
      return ZERO;
    }
    return cardinalityOnly ? ZERO : setReply([]);
  }
  // Smallest first, stable like glibc's merge-sorting qsort: it fixes which set's order the reply follows.
  const sets = (found as RedisSet[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0]!;
  const result = destination !== null ? RedisSet.emptyIntset() : null;
  const max = result !== null ? _maxIntsetEntries(c) : 0;
  const out: Reply[] = [];
  let cardinality = 0;
  for (const member of first.members()) {
    let inAll = true;
    for (let j = 1; j < sets.length; j++) {
      const other = sets[j]!;
      if (other !== first && !other.has(member)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    if (cardinalityOnly) {
      cardinality++;
      if (limit !== 0 && cardinality >= limit) break;
    } else if (result !== null) {
      result.add(member, max);
    } else {
      out.push(bulk(member));
    }
  }
  if (cardinalityOnly) return integer(cardinality);
  if (destination === null) return setReply(out);
  if (result!.size > 0) return _storeDestination(c, destination, result!, 'sinterstore');
  _deleteDestination(c, destination);
  return ZERO;
}

/** SUNION, SDIFF and their STORE forms (sunionDiffGenericCommand), with its choice of diff algorithm. */
function _unionDiff(
  c: ClientSession,
  keys: readonly string[],
  destination: string | null,
  op: 'union' | 'diff',
): Reply {
  const sets = _sources(c, keys);
  const first = sets[0] ?? null;
  let sameSet = false;
  for (let j = 1; j < sets.length; j++) if (first !== null && sets[j] === first) sameSet = true;
  const result = RedisSet.emptyIntset();
  const max = _maxIntsetEntries(c);
  if (op === 'union') {
    for (const s of sets) if (s !== null) for (const member of s.members()) result.add(member, max);
  } else if (first !== null && !sameSet) {
    // The algorithm changes the result's encoding: algorithm 2 adds the whole first set before removing, so a
    // member that is later removed may still have turned the result into a hashtable.
    let algoOneWork = 0;
    let algoTwoWork = 0;
    for (const s of sets) {
      if (s === null) continue;
      algoOneWork += first.size;
      algoTwoWork += s.size;
    }
    if (Math.floor(algoOneWork / 2) <= algoTwoWork) {
      for (const member of first.members()) {
        let elsewhere = false;
        for (let j = 1; j < sets.length; j++) {
          if (sets[j]?.has(member) === true) {
            elsewhere = true;
            break;
          }
        }
        if (!elsewhere) result.add(member, max);
      }
    } else {
      for (const member of first.members()) result.add(member, max);
      for (let j = 1; j < sets.length && result.size > 0; j++) {
        const s = sets[j];
        if (s !== null && s !== undefined) for (const member of s.members()) result.remove(member);
      }
    }
  }
  if (destination === null) return setReply(_members(result.toArray()));
  if (result.size > 0) return _storeDestination(c, destination, result, op === 'union' ? 'sunionstore' : 'sdiffstore');
  _deleteDestination(c, destination);
  return ZERO;
}
