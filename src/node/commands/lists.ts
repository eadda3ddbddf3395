// Command family — lists (t_list.c): LPUSH/RPUSH and their X forms, LPOP/RPOP with COUNT, LRANGE, LINDEX, LSET,
// LINSERT, LLEN, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH, LMPOP, and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and
// BLMPOP. A blocking command served at once is propagated as its non-blocking form; one served later (through the
// blocking registry) propagates that form itself, as serveClientBlockedOnList does.

import { parseBlockingTimeout, parseInteger, requireInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import type { Database } from '../database.js';
import { Errors, fail } from '../errors.js';
import { cKeyword, readValue } from '../strings/lookup.js';
import { ListValue, type ListEnd } from '../types/list.js';
import {
  EMPTY_ARRAY,
  NIL,
  NIL_ARRAY,
  OK,
  ZERO,
  array,
  bulk,
  bulkArray,
  error,
  integer,
  type Reply,
} from '../../protocol/reply.js';

/** The lists family's handlers by command name. */
export const listsCommands: CommandFamily = {
  lpush: (c, args) => _push(c, args, 'head', false),
  rpush: (c, args) => _push(c, args, 'tail', false),
  lpushx: (c, args) => _push(c, args, 'head', true),
  rpushx: (c, args) => _push(c, args, 'tail', true),
  lpop: (c, args) => _pop(c, args, 'head'),
  rpop: (c, args) => _pop(c, args, 'tail'),

  llen: (c, args) => {
    const list = _readList(c, args[1]!);
    return list === undefined ? ZERO : integer(list.length);
  },

  lrange: (c, args) => {
    const start = requireInteger(args[2]!);
    const end = requireInteger(args[3]!);
    const list = _readList(c, args[1]!);
    if (list === undefined) return EMPTY_ARRAY;
    return _rangeReply(list, start, end, false);
  },

  lindex: (c, args) => {
    const list = _readList(c, args[1]!);
    if (list === undefined) return NIL;
    const value = list.get(requireInteger(args[2]!));
    return value === undefined ? NIL : bulk(value);
  },

  lset: (c, args) => {
    const key = args[1]!;
    const list = _writeList(c, key);
    if (list === undefined) return Errors.noSuchKey();
    if (!list.set(requireInteger(args[2]!), args[3]!)) return Errors.outOfRange();
    c.db.touch(key);
    c.node.notify('l', 'lset', key, c.db.id);
    c.node.dirty++;
    return OK;
  },

  linsert: (c, args) => {
    const key = args[1]!;
    const where = cKeyword(args[2]!);
    if (where !== 'after' && where !== 'before') return Errors.syntax();
    const list = _writeList(c, key);
    if (list === undefined) return ZERO;
    if (!list.insert(args[3]!, args[4]!, where === 'after')) return _MINUS_ONE;
    c.db.touch(key);
    c.node.notify('l', 'linsert', key, c.db.id);
    c.node.dirty++;
    return integer(list.length);
  },

  lrem: (c, args) => {
    const key = args[1]!;
    const count = requireInteger(args[2]!);
    const list = _writeList(c, key);
    if (list === undefined) return ZERO;
    // -LONG_MIN overflows back to LONG_MIN, a limit never reached: like 0, it removes every match (from the tail).
    const removed = list.remove(args[3]!, Math.abs(count), count < 0);
    if (removed > 0) {
      c.db.touch(key);
      c.node.notify('l', 'lrem', key, c.db.id);
    }
    if (list.length === 0) _deleteEmptied(c, c.db, key);
    c.node.dirty += removed;
    return integer(removed);
  },

  ltrim: (c, args) => {
    const key = args[1]!;
    let start = requireInteger(args[2]!);
    let end = requireInteger(args[3]!);
    const list = _writeList(c, key);
    if (list === undefined) return OK;
    const llen = list.length;
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    let ltrim: number;
    let rtrim: number;
    if (start > end || start >= llen) {
      ltrim = llen;
      rtrim = 0;
    } else {
      if (end >= llen) end = llen - 1;
      ltrim = start;
      rtrim = llen - end - 1;
    }
    list.deleteRange(0, ltrim);
    list.deleteRange(-rtrim, rtrim);
    c.node.notify('l', 'ltrim', key, c.db.id);
    if (list.length === 0) _deleteEmptied(c, c.db, key);
    else c.db.touch(key);
    c.node.dirty += ltrim + rtrim;
    return OK;
  },

  lpos: _lpos,

  lmove: (c, args) => {
    const from = _where(args[3]!);
    const to = _where(args[4]!);
    return _lmove(c, args[1]!, args[2]!, from, to);
  },
  rpoplpush: (c, args) => _lmove(c, args[1]!, args[2]!, 'tail', 'head'),

  lmpop: (c, args) => {
    const { keys, end, count } = _parseMpop(args, 1);
    for (const key of keys) {
      const list = _writeList(c, key);
      if (list === undefined) continue;
      return _mpopFrom(c, key, list, end, count);
    }
    return NIL_ARRAY;
  },

  blpop: (c, args) => _blockingPop(c, args.slice(1, -1), 'head', args[args.length - 1]!, -1),
  brpop: (c, args) => _blockingPop(c, args.slice(1, -1), 'tail', args[args.length - 1]!, -1),
  blmpop: (c, args) => {
    const { keys, end, count } = _parseMpop(args, 2);
    return _blockingPop(c, keys, end, args[1]!, count);
  },
  blmove: (c, args) => {
    const from = _where(args[3]!);
    const to = _where(args[4]!);
    return _blockingMove(c, args, from, to, parseBlockingTimeout(args[5]!, c.node.now()));
  },
  brpoplpush: (c, args) => _blockingMove(c, args, 'tail', 'head', parseBlockingTimeout(args[3]!, c.node.now())),
};

// --- internal ---

const _MINUS_ONE = integer(-1);
const _LONG_MIN = -9223372036854775808;

/** A list for reading (lookupKeyRead): counts the hit or miss; WRONGTYPE for other types. */
function _readList(c: ClientSession, key: string): ListValue | undefined {
  const value = readValue(c, key);
  if (value === undefined) return undefined;
  if (typeof value === 'string' || value.type !== 'list') return fail(Errors.wrongType());
  return value as ListValue;
}

/** A list for writing (lookupKeyWrite): no stats; WRONGTYPE for other types. */
function _writeList(c: ClientSession, key: string): ListValue | undefined {
  return _listIn(c, c.db, key, true);
}

/** The list at `key` of `db`, with its access time refreshed and its fill adopted from the configuration. */
function _listIn(c: ClientSession, db: Database, key: string, strict: boolean): ListValue | undefined {
  const entry = db.lookup(key);
  if (entry === undefined) return undefined;
  const value = entry.value;
  if (typeof value === 'string' || value.type !== 'list') return strict ? fail(Errors.wrongType()) : undefined;
  entry.accessedAt = c.now;
  const list = value as ListValue;
  list.adopt(c.node.config.getNumber('list-max-listpack-size'), c.node.config.getNumber('list-compress-depth'));
  return list;
}

/** A new empty list with the configured node size and compression (createQuicklistObject + quicklistSetOptions). */
function _newList(c: ClientSession): ListValue {
  return new ListValue(
    c.node.config.getNumber('list-max-listpack-size'),
    c.node.config.getNumber('list-compress-depth'),
  );
}

/** LPUSH/RPUSH/LPUSHX/RPUSHX (pushGenericCommand). */
function _push(c: ClientSession, args: string[], end: ListEnd, xx: boolean): Reply {
  const key = args[1]!;
  let list = _writeList(c, key);
  if (list === undefined) {
    if (xx) return ZERO;
    list = _newList(c);
    c.db.set(key, list);
  }
  for (let j = 2; j < args.length; j++) list.push(args[j]!, end);
  c.node.dirty += args.length - 2;
  c.db.touch(key);
  c.node.notify('l', end === 'head' ? 'lpush' : 'rpush', key, c.db.id);
  return integer(list.length);
}

/** LPOP/RPOP with an optional count (popGenericCommand). */
function _pop(c: ClientSession, args: string[], end: ListEnd): Reply {
  if (args.length > 3) return Errors.wrongArity(end === 'head' ? 'lpop' : 'rpop');
  const hasCount = args.length === 3;
  const count = hasCount ? _positiveLong(args[2]!, 'value is out of range, must be positive') : 0;
  const key = args[1]!;
  const list = _writeList(c, key);
  if (list === undefined) return hasCount ? NIL_ARRAY : NIL;
  if (hasCount && count === 0) return EMPTY_ARRAY;
  if (!hasCount) {
    const value = list.pop(end)!;
    _elementsRemoved(c, c.db, key, list, end, 1);
    return bulk(value);
  }
  const items = _popRange(list, end, count);
  _elementsRemoved(c, c.db, key, list, end, items.length);
  return bulkArray(items);
}

/** Pops up to `count` elements from an end, in pop order (addListRangeReply + listTypeDelRange). */
function _popRange(list: ListValue, end: ListEnd, count: number): string[] {
  const llen = list.length;
  const n = Math.min(count, llen);
  if (end === 'head') {
    const items = list.range(0, n - 1);
    list.deleteRange(0, n);
    return items;
  }
  const items = list.range(llen - n, llen - 1).reverse();
  list.deleteRange(-n, n);
  return items;
}

/** Events, deletion of an emptied list and dirty after popping (listElementsRemoved). */
function _elementsRemoved(c: ClientSession, db: Database, key: string, list: ListValue, end: ListEnd, n: number): void {
  c.node.notify('l', end === 'head' ? 'lpop' : 'rpop', key, db.id);
  if (list.length === 0) _deleteEmptied(c, db, key);
  else db.touch(key);
  c.node.dirty += n;
}

/** Deletes a list that became empty, with the generic `del` event. */
function _deleteEmptied(c: ClientSession, db: Database, key: string): void {
  db.delete(key);
  c.node.notify('g', 'del', key, db.id);
}

/** The LRANGE reply for start..end with negative indexes (addListRangeReply). */
function _rangeReply(list: ListValue, start: number, end: number, reverse: boolean): Reply {
  const llen = list.length;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return EMPTY_ARRAY;
  if (end >= llen) end = llen - 1;
  const items = list.range(start, end);
  return bulkArray(reverse ? items.reverse() : items);
}

/** LEFT or RIGHT (getListPositionFromObjectOrReply). */
function _where(s: string): ListEnd {
  const word = cKeyword(s);
  if (word === 'left') return 'head';
  if (word === 'right') return 'tail';
  return fail(Errors.syntax());
}

/** A long in [0, LONG_MAX] (getPositiveLongFromObjectOrReply): `message` for non-integers and negatives alike. */
function _positiveLong(s: string, message: string): number {
  const v = parseInteger(s);
  return v === null || v < 0 ? fail(error(`ERR ${message}`)) : v;
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function _lpos(c: ClientSession, args: string[]): Reply {
  const element = args[2]!;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < args.length; j++) {
    const opt = cKeyword(args[j]!);
    const moreArgs = args.length - 1 - j > 0;
    if (opt === 'rank' && moreArgs) {
      rank = requireInteger(args[++j]!);
      if (rank === 0) {
        return error(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to " +
            'start from the end of the list',
        );
      }
    } else if (opt === 'count' && moreArgs) {
      count = _positiveLong(args[++j]!, "COUNT can't be negative");
    } else if (opt === 'maxlen' && moreArgs) {
      maxlen = _positiveLong(args[++j]!, "MAXLEN can't be negative");
    } else {
      return Errors.syntax();
    }
  }
  const fromHead = rank > 0;
  // -LONG_MIN overflows back to LONG_MIN: every match then reaches the rank, and `matches - rank + 1` wraps
  // negative, so COUNT never stops the scan.
  const wrapped = rank === _LONG_MIN;
  const wanted = wrapped ? 1 : Math.abs(rank);
  const list = _readList(c, args[1]!);
  if (list === undefined) return count !== -1 ? EMPTY_ARRAY : NIL;
  const llen = list.length;
  const found: Reply[] = [];
  let matchIndex = -1;
  let matches = 0;
  list.scan(fromHead, (value, index) => {
    if (maxlen !== 0 && index >= maxlen) return false;
    if (value !== element) return true;
    matches++;
    if (matches < wanted) return true;
    const at = fromHead ? index : llen - index - 1;
    if (count === -1) {
      matchIndex = at;
      return false;
    }
    found.push(integer(at));
    return !(count !== 0 && !wrapped && matches - wanted + 1 >= count);
  });
  if (count !== -1) return array(found);
  return matchIndex === -1 ? NIL : integer(matchIndex);
}

/** LMOVE / RPOPLPUSH (lmoveGenericCommand); BLMOVE and BRPOPLPUSH use it when the source has elements. */
function _lmove(c: ClientSession, src: string, dst: string, from: ListEnd, to: ListEnd): Reply {
  const source = _writeList(c, src);
  if (source === undefined) return NIL;
  const destination = _writeList(c, dst);
  return bulk(_move(c, c.db, src, source, dst, destination, from, to));
}

/** Pops from the source and pushes onto the destination, with lmoveGenericCommand's events and deletions. */
function _move(
  c: ClientSession,
  db: Database,
  src: string,
  source: ListValue,
  dst: string,
  destination: ListValue | undefined,
  from: ListEnd,
  to: ListEnd,
): string {
  const value = source.pop(from)!;
  _pushTo(c, db, dst, destination, value, to);
  c.node.notify('l', from === 'head' ? 'lpop' : 'rpop', src, db.id);
  if (source.length === 0) _deleteEmptied(c, db, src);
  else db.touch(src);
  c.node.dirty++;
  return value;
}

/** The push side of LMOVE: creates the destination if needed (lmoveHandlePush). */
function _pushTo(
  c: ClientSession,
  db: Database,
  key: string,
  list: ListValue | undefined,
  value: string,
  end: ListEnd,
): void {
  if (list === undefined) {
    list = _newList(c);
    db.set(key, list);
  }
  list.push(value, end);
  db.touch(key);
  c.node.notify('l', end === 'head' ? 'lpush' : 'rpush', key, db.id);
}

/** Parses LMPOP/BLMPOP's `numkeys key... LEFT|RIGHT [COUNT count]` from `numkeysIdx` (lmpopGenericCommand). */
function _parseMpop(args: string[], numkeysIdx: number): { keys: string[]; end: ListEnd; count: number } {
  const numkeys = parseInteger(args[numkeysIdx]!);
  if (numkeys === null || numkeys < 1) return fail(error('ERR numkeys should be greater than 0'));
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= args.length) return fail(Errors.syntax());
  const end = _where(args[whereIdx]!);
  let count = -1;
  for (let j = whereIdx + 1; j < args.length; j++) {
    const moreArgs = args.length - 1 - j > 0;
    if (count === -1 && cKeyword(args[j]!) === 'count' && moreArgs) {
      const v = parseInteger(args[++j]!);
      if (v === null || v < 1) return fail(error('ERR count should be greater than 0'));
      count = v;
    } else {
      return fail(Errors.syntax());
    }
  }
  return { keys: args.slice(numkeysIdx + 1, whereIdx), end, count: count === -1 ? 1 : count };
}

/** Pops up to `count` from one list with the nested [key, [elements]] reply, propagated as [LR]POP key n. */
function _mpopFrom(c: ClientSession, key: string, list: ListValue, end: ListEnd, count: number): Reply {
  const items = _popRange(list, end, count);
  _elementsRemoved(c, c.db, key, list, end, items.length);
  c.propagateAs = [end === 'head' ? 'LPOP' : 'RPOP', key, String(items.length)];
  return array([bulk(key), bulkArray(items)]);
}

/**
 * BLPOP/BRPOP (count -1) and BLMPOP (blockingPopGenericCommand): pops from the first non-empty list, or blocks the
 * client until one of the keys is pushed to.
 */
function _blockingPop(c: ClientSession, keys: string[], end: ListEnd, timeout: string, count: number): Reply {
  const deadline = parseBlockingTimeout(timeout, c.node.now());
  for (const key of keys) {
    const list = _writeList(c, key);
    if (list === undefined) continue;
    if (count !== -1) return _mpopFrom(c, key, list, end, count);
    const value = list.pop(end)!;
    _elementsRemoved(c, c.db, key, list, end, 1);
    c.propagateAs = [end === 'head' ? 'LPOP' : 'RPOP', key];
    return array([bulk(key), bulk(value)]);
  }
  const db = c.db;
  return c.node.blocking.block(c, {
    db,
    keys,
    deadline,
    tryServe: (key) => _serveBlockedPop(c, db, key, end, count),
    timeoutReply: NIL_ARRAY,
  });
}

/** Serves a client blocked in BLPOP/BRPOP/BLMPOP once `key` is ready (serveClientBlockedOnList). */
function _serveBlockedPop(c: ClientSession, db: Database, key: string, end: ListEnd, count: number): Reply | null {
  const list = _listIn(c, db, key, false);
  if (list === undefined) return null;
  const pop = end === 'head' ? 'LPOP' : 'RPOP';
  if (count !== -1) {
    const items = _popRange(list, end, count);
    c.node.propagate(db.id, [pop, key, String(items.length)]);
    _elementsRemoved(c, db, key, list, end, items.length);
    return array([bulk(key), bulkArray(items)]);
  }
  // Served BLPOP/BRPOP neither count as dirty nor signal the key: the push that readied it already did.
  c.node.propagate(db.id, [pop, key]);
  const value = list.pop(end)!;
  c.node.notify('l', end === 'head' ? 'lpop' : 'rpop', key, db.id);
  if (list.length === 0) _deleteEmptied(c, db, key);
  return array([bulk(key), bulk(value)]);
}

/** BLMOVE and BRPOPLPUSH (blmoveGenericCommand). */
function _blockingMove(c: ClientSession, args: string[], from: ListEnd, to: ListEnd, deadline: number): Reply {
  const src = args[1]!;
  const dst = args[2]!;
  const rpoplpush = args.length === 4;
  const source = _writeList(c, src);
  if (source !== undefined) {
    const reply = _lmove(c, src, dst, from, to);
    c.propagateAs = rpoplpush ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, args[3]!, args[4]!];
    return reply;
  }
  // Denied blocking (inside EXEC) answers a null bulk here, although a timeout answers a null array.
  if (c.denyBlocking) return NIL;
  const db = c.db;
  return c.node.blocking.block(c, {
    db,
    keys: [src],
    deadline,
    tryServe: (key) => _serveBlockedMove(c, db, key, dst, from, to, rpoplpush),
    timeoutReply: NIL_ARRAY,
  });
}

/** Serves a client blocked in BLMOVE/BRPOPLPUSH; a destination of another type ends it with WRONGTYPE. */
function _serveBlockedMove(
  c: ClientSession,
  db: Database,
  src: string,
  dst: string,
  from: ListEnd,
  to: ListEnd,
  rpoplpush: boolean,
): Reply | null {
  const source = _listIn(c, db, src, false);
  if (source === undefined) return null;
  const target = db.lookup(dst)?.value;
  if (target !== undefined && (typeof target === 'string' || target.type !== 'list')) return Errors.wrongType();
  const destination = _listIn(c, db, dst, false);
  const value = source.pop(from)!;
  _pushTo(c, db, dst, destination, value, to);
  c.node.propagate(db.id, rpoplpush ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, _END_WORD[from], _END_WORD[to]]);
  c.node.notify('l', from === 'head' ? 'lpop' : 'rpop', src, db.id);
  if (source.length === 0) _deleteEmptied(c, db, src);
  return bulk(value);
}

const _END_WORD: Record<ListEnd, string> = { head: 'LEFT', tail: 'RIGHT' };
