// Command family — hashes: HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HINCRBY, HINCRBYFLOAT,
// HKEYS/HVALS/HGETALL, HSCAN and HRANDFIELD (t_hash.c), on the HashValue type with its listpack → hashtable rules.

import { parseInt64, parseInteger, parseScanCursor } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import { LD_ZERO, addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../strings/long-double.js';
import { cKeyword, readValue } from '../strings/lookup.js';
import { HashValue, type HashLimits } from '../types/hash.js';
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
  map,
  type Reply,
} from '../../protocol/reply.js';

/** The hashes family's handlers by command name. */
export const hashesCommands: CommandFamily = {
  hset: (c, args) => _hset(c, args, 'hset'),
  hmset: (c, args) => _hset(c, args, 'hmset'),
  hsetnx: (c, args) => {
    const key = args[1]!;
    const field = args[2]!;
    const existing = _writeHash(c, key);
    if (existing?.has(field) === true) return ZERO;
    const h = existing ?? new HashValue();
    const limits = _limits(c);
    h.convertForArguments(args, 2, limits);
    h.set(field, args[3]!, limits);
    _stored(c, key, h, existing);
    c.node.notify('h', 'hset', key, c.db.id);
    c.node.dirty++;
    return ONE;
  },
  hget: (c, args) => {
    const h = _readHash(c, args[1]!);
    const v = h?.get(args[2]!);
    return v === undefined ? NIL : bulk(v);
  },
  hmget: (c, args) => {
    const h = _readHash(c, args[1]!);
    const items: Reply[] = new Array<Reply>(args.length - 2);
    for (let i = 2; i < args.length; i++) {
      const v = h?.get(args[i]!);
      items[i - 2] = v === undefined ? NIL : bulk(v);
    }
    return array(items);
  },
  hdel: (c, args) => {
    const key = args[1]!;
    const h = _writeHash(c, key);
    if (h === undefined) return ZERO;
    let deleted = 0;
    let removed = false;
    for (let i = 2; i < args.length; i++) {
      if (!h.delete(args[i]!)) continue;
      deleted++;
      if (h.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
    if (deleted > 0) {
      if (!removed) c.db.touch(key);
      c.node.notify('h', 'hdel', key, c.db.id);
      if (removed) c.node.notify('g', 'del', key, c.db.id);
      c.node.dirty += deleted;
    }
    return integer(deleted);
  },
  hlen: (c, args) => {
    const h = _readHash(c, args[1]!);
    return h === undefined ? ZERO : integer(h.size);
  },
  hstrlen: (c, args) => {
    const v = _readHash(c, args[1]!)?.get(args[2]!);
    return v === undefined ? ZERO : integer(v.length);
  },
  hexists: (c, args) => (_readHash(c, args[1]!)?.has(args[2]!) === true ? ONE : ZERO),
  hincrby: _hincrby,
  hincrbyfloat: _hincrbyfloat,
  hkeys: (c, args) => {
    const h = _readHash(c, args[1]!);
    return h === undefined ? EMPTY_ARRAY : bulkArray([...h.fields()]);
  },
  hvals: (c, args) => {
    const h = _readHash(c, args[1]!);
    if (h === undefined) return EMPTY_ARRAY;
    const items: Reply[] = [];
    for (const [, value] of h.entries()) items.push(bulk(value));
    return array(items);
  },
  hgetall: (c, args) => {
    const h = _readHash(c, args[1]!);
    const items: Reply[] = [];
    if (h !== undefined) for (const [field, value] of h.entries()) items.push(bulk(field), bulk(value));
    return map(items);
  },
  hscan: _hscan,
  hrandfield: _hrandfield,
};

// --- internal ---

const _ERR_HASH_NOT_INTEGER = error('ERR hash value is not an integer');
const _ERR_HASH_NOT_FLOAT = error('ERR hash value is not a float');
const _ERR_NAN_OR_INFINITY = error('ERR value is NaN or Infinity');
const _ERR_OUT_OF_RANGE = error('ERR value is out of range');
const _ERR_COUNT_RANGE = error(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);

const _INT64_MIN = -(1n << 63n);
const _INT64_MAX = (1n << 63n) - 1n;
/** LONG_MAX / 2, the largest count HRANDFIELD ... WITHVALUES accepts (its reply has twice as many elements). */
const _HALF_LONG_MAX = _INT64_MAX / 2n;
/**
 * The most fields one HRANDFIELD with a negative count returns. Redis has no limit and would stream replies until it
 * runs out of memory; redis-sim refuses such counts with Redis's out-of-range error instead of exhausting the process.
 */
const _MAX_REPEATED_PICKS = 1 << 20;
const _EMPTY_SCAN = array([bulk('0'), EMPTY_ARRAY]);

/** The configured listpack thresholds. */
function _limits(c: ClientSession): HashLimits {
  const config = c.node.config;
  return {
    maxEntries: config.getNumber('hash-max-listpack-entries'),
    maxValue: config.getNumber('hash-max-listpack-value'),
  };
}

/** lookupKeyRead for a hash: counts a hit or miss; fails with WRONGTYPE for other types. */
function _readHash(c: ClientSession, key: string): HashValue | undefined {
  const v = readValue(c, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && v.type === 'hash') return v as HashValue;
  return fail(Errors.wrongType());
}

/** lookupKeyWrite for a hash: refreshes the access time, no stats; fails with WRONGTYPE for other types. */
function _writeHash(c: ClientSession, key: string): HashValue | undefined {
  const entry = c.db.lookup(key);
  if (entry === undefined) return undefined;
  const v = entry.value;
  if (typeof v === 'string' || v.type !== 'hash') return fail(Errors.wrongType());
  entry.accessedAt = c.now;
  return v as HashValue;
}

/** After a write: adds a new hash to the keyspace (dbAdd), or signals the in-place change of an existing one. */
function _stored(c: ClientSession, key: string, h: HashValue, existing: HashValue | undefined): void {
  if (existing === undefined) c.db.set(key, h, true);
  else c.db.touch(key);
}

/** HSET (replies with the number of fields added) and the deprecated HMSET (replies OK) (hsetCommand). */
function _hset(c: ClientSession, args: string[], name: string): Reply {
  if (args.length % 2 === 1) return fail(Errors.wrongArity(name));
  const key = args[1]!;
  const existing = _writeHash(c, key);
  const h = existing ?? new HashValue();
  const limits = _limits(c);
  h.convertForArguments(args, 2, limits);
  let added = 0;
  for (let i = 2; i < args.length; i += 2) if (h.set(args[i]!, args[i + 1]!, limits)) added++;
  _stored(c, key, h, existing);
  c.node.notify('h', 'hset', key, c.db.id);
  c.node.dirty += (args.length - 2) / 2;
  return name === 'hset' ? integer(added) : OK;
}

/** HINCRBY: the field must hold a 64-bit integer (string2ll) and the sum must not overflow (hincrbyCommand). */
function _hincrby(c: ClientSession, args: string[]): Reply {
  const key = args[1]!;
  const field = args[2]!;
  const incr = parseInt64(args[3]!);
  if (incr === null) return fail(Errors.notInteger());
  const existing = _writeHash(c, key);
  const old = existing?.get(field);
  const current = old === undefined ? 0n : parseInt64(old);
  if (current === null) return fail(_ERR_HASH_NOT_INTEGER);
  const sum = current + incr;
  if (sum < _INT64_MIN || sum > _INT64_MAX) return fail(Errors.overflow());
  const h = existing ?? new HashValue();
  h.set(field, sum.toString(), _limits(c));
  _stored(c, key, h, existing);
  c.node.notify('h', 'hincrby', key, c.db.id);
  c.node.dirty++;
  return integer(sum);
}

/**
 * HINCRBYFLOAT in long double arithmetic with INCRBYFLOAT's formatting; propagated as HSET of the result so replicas
 * and the AOF never redo the float arithmetic (hincrbyfloatCommand).
 */
function _hincrbyfloat(c: ClientSession, args: string[]): Reply {
  const key = args[1]!;
  const field = args[2]!;
  const incr = parseLongDouble(args[3]!);
  if (incr === null) return fail(Errors.notFloat());
  if (incr === 'inf') return fail(_ERR_NAN_OR_INFINITY);
  const existing = _writeHash(c, key);
  const old = existing?.get(field);
  const current = old === undefined ? LD_ZERO : parseLongDouble(old);
  if (current === null) return fail(_ERR_HASH_NOT_FLOAT);
  const sum = current === 'inf' ? null : addLongDouble(current, incr);
  if (sum === null) return fail(Errors.floatNanOrInfinity());
  const text = formatLongDoubleHuman(sum);
  const h = existing ?? new HashValue();
  h.set(field, text, _limits(c));
  _stored(c, key, h, existing);
  c.node.notify('h', 'hincrbyfloat', key, c.db.id);
  c.node.dirty++;
  c.propagateAs = ['HSET', key, field, text];
  return bulk(text);
}

/**
 * HSCAN: the cursor is checked first, then the key, then the options (scanGenericCommand). A listpack hash is
 * returned whole with cursor 0; a hashtable one in steps of about COUNT fields.
 */
function _hscan(c: ClientSession, args: string[]): Reply {
  const cursor = parseScanCursor(args[2]!);
  const h = _readHash(c, args[1]!);
  if (h === undefined) return _EMPTY_SCAN;
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < args.length; i += 2) {
    const option = cKeyword(args[i]!);
    const value = args[i + 1];
    if (value === undefined) return fail(Errors.syntax());
    if (option === 'count') {
      const n = parseInteger(value);
      if (n === null) return fail(Errors.notInteger());
      if (n < 1) return fail(Errors.syntax());
      count = n;
    } else if (option === 'match') {
      // Exactly `*` matches everything, so Redis skips matching altogether.
      pattern = value === '*' ? null : value;
    } else {
      return fail(Errors.syntax());
    }
  }
  let next = 0;
  let fields: Iterable<string>;
  if (h.isListpack) {
    fields = h.fields();
  } else {
    const page = h.scan(cursor, count);
    next = page.cursor;
    fields = page.fields;
  }
  const items: Reply[] = [];
  for (const field of fields) {
    if (pattern !== null && !globMatch(pattern, field)) continue;
    items.push(bulk(field), bulk(h.get(field)!));
  }
  return array([bulk(String(next)), array(items)]);
}

/**
 * HRANDFIELD key [count [WITHVALUES]]: the count and options are checked before the key (hrandfieldCommand). A
 * negative count allows repetitions; a positive one returns distinct fields, the whole hash when it is not smaller.
 */
function _hrandfield(c: ClientSession, args: string[]): Reply {
  const random = (): number => c.node.env.random();
  if (args.length === 2) {
    const h = _readHash(c, args[1]!);
    return h === undefined ? NIL : bulk(h.randomField(random));
  }
  const l = parseInt64(args[2]!);
  if (l === null) return fail(Errors.notInteger());
  if (l < -_INT64_MAX) return fail(_ERR_COUNT_RANGE);
  if (args.length > 4 || (args.length === 4 && cKeyword(args[3]!) !== 'withvalues')) return fail(Errors.syntax());
  const withValues = args.length === 4;
  if (withValues && (l < -_HALF_LONG_MAX || l > _HALF_LONG_MAX)) return fail(_ERR_OUT_OF_RANGE);
  const h = _readHash(c, args[1]!);
  if (h === undefined || l === 0n) return EMPTY_ARRAY;
  let fields: string[];
  if (l < 0n || l === 1n) {
    const count = l < 0n ? -l : l;
    if (count > BigInt(_MAX_REPEATED_PICKS)) return fail(_ERR_OUT_OF_RANGE);
    fields = h.randomFields(Number(count), random);
  } else {
    fields = h.distinctRandomFields(l > BigInt(h.size) ? h.size : Number(l), random);
  }
  if (!withValues) return bulkArray(fields);
  const items: Reply[] = [];
  if (c.resp === 2) {
    for (const field of fields) items.push(bulk(field), bulk(h.get(field)!));
  } else {
    for (const field of fields) items.push(array([bulk(field), bulk(h.get(field)!)]));
  }
  return array(items);
}
