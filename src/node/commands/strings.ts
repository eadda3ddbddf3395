// Command family — strings: GET, SET and its variants, MGET/MSET, the INCR family, INCRBYFLOAT, APPEND, STRLEN,
// GETRANGE/SETRANGE, GETEX, GETDEL and LCS (t_string.c).

import { parseInt64, parseInteger, requireInteger } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { NIL, ONE, OK, ZERO, array, bulk, bulkOrNil, integer, map, type Reply } from '../../protocol/reply.js';
import { computeLcs, lcsTableBytes } from '../strings/lcs.js';
import { LD_ZERO, addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../strings/long-double.js';
import { cKeyword, checkStringLength, maxStringLength, readString, readValue } from '../strings/lookup.js';
import { requireInt64, toIndex } from '../strings/range.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const EMPTY_BULK = bulk('');

// Option flags of SET and GETEX (the OBJ_* flags of parseExtendedStringArgumentsOrReply).
const NX = 1 << 0;
const XX = 1 << 1;
const EX = 1 << 2;
const PX = 1 << 3;
const KEEPTTL = 1 << 4;
const GET = 1 << 5;
const EXAT = 1 << 6;
const PXAT = 1 << 7;
const PERSIST = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/** The strings family's handlers by command name. */
export const stringsCommands: CommandFamily = {
  get: (c, args) => {
    const v = readString(c, args[1]!);
    return v === undefined ? NIL : bulk(v);
  },
  set: (c, args) => {
    const { flags, expire } = args.length > 3 ? _parseExtended(args, true) : _NO_OPTIONS;
    return _setGeneric(c, args, 'set', flags, args[1]!, args[2]!, expire, OK, NIL);
  },
  setnx: (c, args) => _setGeneric(c, args, 'setnx', NX, args[1]!, args[2]!, null, ONE, ZERO),
  setex: (c, args) => _setGeneric(c, args, 'setex', EX, args[1]!, args[3]!, args[2]!, OK, NIL),
  psetex: (c, args) => _setGeneric(c, args, 'psetex', PX, args[1]!, args[3]!, args[2]!, OK, NIL),
  getset: (c, args) => {
    const key = args[1]!;
    const old = readString(c, key);
    c.db.set(key, args[2]!);
    c.node.notify('$', 'set', key, c.db.id);
    c.node.dirty++;
    c.propagateAs = ['SET', key, args[2]!];
    return bulkOrNil(old);
  },
  getdel: (c, args) => {
    const key = args[1]!;
    const old = readString(c, key);
    if (old === undefined) return NIL;
    if (c.db.delete(key)) {
      c.propagateAs = ['DEL', key];
      c.node.notify('g', 'del', key, c.db.id);
      c.node.dirty++;
    }
    return bulk(old);
  },
  getex: _getex,
  mget: (c, args) => {
    const items: Reply[] = new Array<Reply>(args.length - 1);
    for (let j = 1; j < args.length; j++) {
      const v = readValue(c, args[j]!);
      items[j - 1] = typeof v === 'string' ? bulk(v) : NIL;
    }
    return array(items);
  },
  mset: (c, args) => _msetGeneric(c, args, false),
  msetnx: (c, args) => _msetGeneric(c, args, true),
  incr: (c, args) => _incrDecr(c, args[1]!, 1),
  decr: (c, args) => _incrDecr(c, args[1]!, -1),
  incrby: (c, args) => _incrDecr(c, args[1]!, _int64Arg(args[2]!)),
  decrby: (c, args) => {
    const by = _int64Arg(args[2]!);
    if (by === INT64_MIN) return fail(Errors.decrementOverflow());
    return _incrDecr(c, args[1]!, typeof by === 'number' ? 0 - by : -by);
  },
  incrbyfloat: _incrbyfloat,
  append: (c, args) => {
    const key = args[1]!;
    const tail = args[2]!;
    const old = c.db.getString(key);
    let value = tail;
    if (old !== undefined) {
      checkStringLength(c, old.length, tail.length);
      value = old + tail;
    }
    const entry = c.db.set(key, value, true);
    // dbUnshareStringValue: appending to an existing string leaves it raw-encoded.
    if (old !== undefined) entry.stringForm = 'raw';
    c.node.notify('$', 'append', key, c.db.id);
    c.node.dirty++;
    return integer(value.length);
  },
  strlen: (c, args) => {
    const v = readString(c, args[1]!);
    return v === undefined ? ZERO : integer(v.length);
  },
  getrange: _getrange,
  substr: _getrange,
  setrange: _setrange,
  lcs: _lcs,
};

// --- internal ---

interface _ExtendedArgs {
  readonly flags: number;
  /** The expire argument (EX/PX/EXAT/PXAT value), or null. */
  readonly expire: string | null;
}

const _NO_OPTIONS: _ExtendedArgs = { flags: 0, expire: null };

/**
 * Parses SET's options (from args[3]) or GETEX's (from args[2]) with the exact compatibility rules of
 * parseExtendedStringArgumentsOrReply: an option that clashes with one seen before is a syntax error, repeating
 * the same option is not, and an expire keyword needs a following argument.
 */
function _parseExtended(args: readonly string[], isSet: boolean): _ExtendedArgs {
  let flags = 0;
  let expire: string | null = null;
  for (let j = isSet ? 3 : 2; j < args.length; j++) {
    const opt = cKeyword(args[j]!);
    const hasNext = j < args.length - 1;
    if (opt === 'nx' && isSet && !(flags & XX)) flags |= NX;
    else if (opt === 'xx' && isSet && !(flags & NX)) flags |= XX;
    else if (opt === 'get' && isSet) flags |= GET;
    else if (opt === 'keepttl' && isSet && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (opt === 'persist' && !isSet && !(flags & (ANY_EXPIRE | KEEPTTL))) flags |= PERSIST;
    else if (opt === 'ex' && hasNext && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT))) {
      flags |= EX;
      expire = args[++j]!;
    } else if (opt === 'px' && hasNext && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT))) {
      flags |= PX;
      expire = args[++j]!;
    } else if (opt === 'exat' && hasNext && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT))) {
      flags |= EXAT;
      expire = args[++j]!;
    } else if (opt === 'pxat' && hasNext && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX))) {
      flags |= PXAT;
      expire = args[++j]!;
    } else {
      return fail(Errors.syntax());
    }
  }
  return { flags, expire };
}

/**
 * Turns an expire argument into an absolute unix time in ms (getExpireMillisecondsOrReply): it must be a positive
 * integer, and the result must not overflow a signed 64-bit integer.
 */
function _expireAt(c: ClientSession, expire: string, flags: number, command: string): bigint {
  let at = parseInt64(expire) ?? fail(Errors.notInteger());
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (at <= 0n || (seconds && at > INT64_MAX / 1000n)) return fail(Errors.invalidExpire(command));
  if (seconds) at *= 1000n;
  if (flags & (EX | PX)) at += BigInt(Math.trunc(c.now));
  if (at > INT64_MAX) return fail(Errors.invalidExpire(command));
  return at;
}

/** SET, SETNX, SETEX and PSETEX (setGenericCommand): expire first, then GET's type check, then NX/XX. */
function _setGeneric(
  c: ClientSession,
  args: readonly string[],
  command: string,
  flags: number,
  key: string,
  value: string,
  expire: string | null,
  okReply: Reply,
  abortReply: Reply,
): Reply {
  const at = expire === null ? null : _expireAt(c, expire, flags, command);
  const getReply = flags & GET ? bulkOrNil(readString(c, key)) : null;
  if (flags & (NX | XX)) {
    const found = c.db.has(key);
    if ((flags & NX && found) || (flags & XX && !found)) return getReply ?? abortReply;
  }
  c.db.set(key, value, (flags & KEEPTTL) !== 0);
  c.node.dirty++;
  c.node.notify('$', 'set', key, c.db.id);
  if (at !== null) {
    c.db.setExpiry(key, at);
    c.propagateAs = ['SET', key, value, 'PXAT', String(at)];
    c.node.notify('g', 'expire', key, c.db.id);
  } else if (getReply !== null) {
    c.propagateAs = args.filter((a, j) => j < 3 || cKeyword(a) !== 'get');
  }
  return getReply ?? okReply;
}

/** GETEX: the value, and a new expiry, an immediate delete (EXAT/PXAT in the past) or PERSIST, propagated as such. */
function _getex(c: ClientSession, args: string[]): Reply {
  const { flags, expire } = _parseExtended(args, false);
  const key = args[1]!;
  const value = readString(c, key);
  if (value === undefined) return NIL;
  const at = expire === null ? null : _expireAt(c, expire, flags, 'getex');
  if (at !== null && flags & (EXAT | PXAT) && at <= BigInt(Math.trunc(c.now)) && c.node.role === 'master') {
    c.db.delete(key);
    c.propagateAs = ['DEL', key];
    c.node.notify('g', 'del', key, c.db.id);
    c.node.dirty++;
  } else if (at !== null) {
    c.db.setExpiry(key, at);
    c.propagateAs = ['PEXPIREAT', key, String(at)];
    c.node.notify('g', 'expire', key, c.db.id);
    c.node.dirty++;
  } else if (flags & PERSIST && c.db.expiryOf(key) !== 0) {
    c.db.setExpiry(key, 0);
    c.propagateAs = ['PERSIST', key];
    c.node.notify('g', 'persist', key, c.db.id);
    c.node.dirty++;
  }
  return bulk(value);
}

/** MSET and MSETNX; an even argument count is an arity error reported by the command itself. */
function _msetGeneric(c: ClientSession, args: readonly string[], nx: boolean): Reply {
  if (args.length % 2 === 0) return fail(Errors.wrongArity(nx ? 'msetnx' : 'mset'));
  if (nx) {
    for (let j = 1; j < args.length; j += 2) if (c.db.has(args[j]!)) return ZERO;
  }
  for (let j = 1; j < args.length; j += 2) {
    c.db.set(args[j]!, args[j + 1]!);
    c.node.notify('$', 'set', args[j]!, c.db.id);
  }
  c.node.dirty += (args.length - 1) / 2;
  return nx ? ONE : OK;
}

/** A 64-bit integer argument: a number when it is small enough to be exact, a bigint otherwise. */
function _int64Arg(s: string): number | bigint {
  const v = s.length < 16 ? parseInteger(s) : parseInt64(s);
  return v ?? fail(Errors.notInteger());
}

/** INCR, DECR, INCRBY and DECRBY (incrDecrCommand): 64-bit exact, keeping the key's TTL. */
function _incrDecr(c: ClientSession, key: string, by: number | bigint): Reply {
  const old = c.db.getString(key);
  let next: number | bigint = by;
  if (old !== undefined) {
    const cur = (old.length < 16 ? parseInteger(old) : parseInt64(old)) ?? fail(Errors.notInteger());
    if (typeof cur === 'number' && typeof by === 'number' && Number.isSafeInteger(cur + by)) next = cur + by;
    else next = BigInt(cur) + BigInt(by);
  }
  if (typeof next === 'bigint') {
    if (next > INT64_MAX || next < INT64_MIN) return fail(Errors.overflow());
    if (next >= Number.MIN_SAFE_INTEGER && next <= Number.MAX_SAFE_INTEGER) next = Number(next);
  }
  c.db.set(key, String(next), true);
  c.node.notify('$', 'incrby', key, c.db.id);
  c.node.dirty++;
  return integer(next);
}

/** INCRBYFLOAT in long double arithmetic, propagated as `SET key <result> KEEPTTL`. */
function _incrbyfloat(c: ClientSession, args: string[]): Reply {
  const key = args[1]!;
  const old = c.db.getString(key);
  const cur = old === undefined ? LD_ZERO : parseLongDouble(old);
  if (cur === null) return fail(Errors.notFloat());
  const by = parseLongDouble(args[2]!);
  if (by === null) return fail(Errors.notFloat());
  const sum = cur === 'inf' || by === 'inf' ? null : addLongDouble(cur, by);
  if (sum === null) return fail(Errors.floatNanOrInfinity());
  const text = formatLongDoubleHuman(sum);
  // createStringObjectFromLongDouble skips tryObjectEncoding: the result is never int-encoded.
  c.db.set(key, text, true).stringForm = 'plain';
  c.node.notify('$', 'incrbyfloat', key, c.db.id);
  c.node.dirty++;
  c.propagateAs = ['SET', key, text, 'KEEPTTL'];
  return bulk(text);
}

/** GETRANGE and SUBSTR: inclusive byte range with negative indexes from the end, clamped (getrangeCommand). */
function _getrange(c: ClientSession, args: string[]): Reply {
  const startArg = requireInt64(args[2]!);
  const endArg = requireInt64(args[3]!);
  const s = readString(c, args[1]!);
  if (s === undefined) return EMPTY_BULK;
  const len = s.length;
  if (startArg < 0n && endArg < 0n && startArg > endArg) return EMPTY_BULK;
  let start = toIndex(startArg);
  let end = toIndex(endArg);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return EMPTY_BULK;
  return bulk(s.slice(start, end + 1));
}

/** SETRANGE: overwrites at an offset, zero-padding as needed; an empty value changes nothing (setrangeCommand). */
function _setrange(c: ClientSession, args: string[]): Reply {
  const key = args[1]!;
  const offset = requireInteger(args[2]!);
  const value = args[3]!;
  if (offset < 0) return fail(Errors.offsetOutOfRange());
  const old = c.db.getString(key);
  if (value.length === 0) return old === undefined ? ZERO : integer(old.length);
  checkStringLength(c, offset, value.length);
  const base = old ?? '';
  const head = base.length >= offset ? base.slice(0, offset) : base + '\0'.repeat(offset - base.length);
  const next = head + value + base.slice(offset + value.length);
  c.db.set(key, next, true).stringForm = 'raw';
  c.node.notify('$', 'setrange', key, c.db.id);
  c.node.dirty++;
  return integer(next.length);
}

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] (lcsCommand): the checks in Redis's order. */
function _lcs(c: ClientSession, args: string[]): Reply {
  const va = readValue(c, args[1]!);
  const vb = readValue(c, args[2]!);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    return fail(Errors.lcsNotStrings());
  }
  const a = va ?? '';
  const b = vb ?? '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < args.length; j++) {
    const opt = cKeyword(args[j]!);
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && j < args.length - 1) minMatchLen = Math.max(0, requireInteger(args[++j]!));
    else return fail(Errors.syntax());
  }
  if (getLen && getIdx) return fail(Errors.lcsLenAndIdx());
  if (a.length >= 0xfffffffe || b.length >= 0xfffffffe) return fail(Errors.lcsTooLong());
  if (lcsTableBytes(a.length, b.length) > maxStringLength(c)) return fail(Errors.lcsMemory());
  const result = computeLcs(a, b, getIdx || !getLen);
  if (getIdx) {
    const matches: Reply[] = [];
    for (const r of result.ranges) {
      const matchLen = r.aEnd - r.aStart + 1;
      if (minMatchLen !== 0 && matchLen < minMatchLen) continue;
      const item: Reply[] = [array([integer(r.aStart), integer(r.aEnd)]), array([integer(r.bStart), integer(r.bEnd)])];
      if (withMatchLen) item.push(integer(matchLen));
      matches.push(array(item));
    }
    return map([bulk('matches'), array(matches), bulk('len'), integer(result.length)]);
  }
  return getLen ? integer(result.length) : bulk(result.text);
}
