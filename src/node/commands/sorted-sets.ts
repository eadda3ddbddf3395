// Command family — sorted sets (t_zset.c): ZADD and ZINCRBY, ZREM and the ZREMRANGEBY* trio, the read commands
// (ZCARD, ZSCORE, ZMSCORE, ZRANK, ZCOUNT, ZLEXCOUNT, ZSCAN, ZRANDMEMBER), every ZRANGE form with ZRANGESTORE, the
// pops (ZPOPMIN/MAX, ZMPOP and their blocking forms), and the set algebra (ZUNION/ZINTER/ZDIFF, their STORE forms and
// ZINTERCARD), with Redis 7.0.15's argument checks in Redis's order, reply shapes per protocol, keyspace events,
// dirty counts and propagation.

import { parseBlockingTimeout, parseDouble, parseInt64, parseInteger, parseScanCursor } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import type { Database } from '../database.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import {
  EMPTY_ARRAY,
  NIL,
  NIL_ARRAY,
  ZERO,
  array,
  bulk,
  double,
  error,
  integer,
  type ErrorReply,
  type Reply,
} from '../../protocol/reply.js';
import { formatDouble17g } from '../../protocol/format-double.js';
import { cKeyword, readValue } from '../strings/lookup.js';
import { RedisSet } from '../types/set.js';
import {
  lexGteMin,
  lexLteMax,
  scoreGteMin,
  scoreLteMax,
  type LexRange,
  type ScoreRange,
  type SkipNode,
} from '../types/skiplist.js';
import {
  SortedSet,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZADD_XX,
  listpackScoreText,
  parseLexRange,
  parseScoreRange,
  type ZsetLimits,
} from '../types/zset.js';
import type { Value } from '../values.js';

/** The sorted sets family's handlers by command name. */
export const sortedSetsCommands: CommandFamily = {
  zadd: (c, args) => _zadd(c, args, 0),
  zincrby: (c, args) => _zadd(c, args, ZADD_INCR),

  zrem(c, args) {
    const key = args[1]!;
    const zset = _lookupWrite(c, key);
    if (zset === undefined) return ZERO;
    let deleted = 0;
    let keyRemoved = false;
    for (let j = 2; j < args.length; j++) {
      if (zset.remove(args[j]!)) deleted++;
      if (zset.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
    if (deleted > 0) {
      c.node.notify('z', 'zrem', key, c.db.id);
      if (keyRemoved) c.node.notify('g', 'del', key, c.db.id);
      else c.db.touch(key);
      c.node.dirty += deleted;
    }
    return integer(deleted);
  },

  zremrangebyrank: (c, args) => _zremrange(c, args, 'rank'),
  zremrangebyscore: (c, args) => _zremrange(c, args, 'score'),
  zremrangebylex: (c, args) => _zremrange(c, args, 'lex'),

  zcard(c, args) {
    const zset = _lookupRead(c, args[1]!);
    return zset === undefined ? ZERO : integer(zset.size);
  },

  zscore(c, args) {
    const zset = _lookupRead(c, args[1]!);
    const score = zset?.score(args[2]!);
    return score === undefined ? NIL : double(score);
  },

  zmscore(c, args) {
    // A missing key answers like an empty set.
    const zset = _lookupRead(c, args[1]!);
    const out = new Array<Reply>(args.length - 2);
    for (let j = 2; j < args.length; j++) {
      const score = zset?.score(args[j]!);
      out[j - 2] = score === undefined ? NIL : double(score);
    }
    return array(out);
  },

  zrank: (c, args) => _zrank(c, args, false),
  zrevrank: (c, args) => _zrank(c, args, true),

  zcount(c, args) {
    const range = parseScoreRange(args[2]!, args[3]!) ?? fail(_ZErrors.notFloatRange());
    const zset = _lookupRead(c, args[1]!);
    return zset === undefined ? ZERO : integer(zset.countInRange(range));
  },

  zlexcount(c, args) {
    const range = parseLexRange(args[2]!, args[3]!) ?? fail(_ZErrors.notLexRange());
    const zset = _lookupRead(c, args[1]!);
    return zset === undefined ? ZERO : integer(zset.countInLexRange(range));
  },

  zrange: (c, args) => _zrange(c, args, 1, null, 'auto', 'auto'),
  zrangestore: (c, args) => _zrange(c, args, 2, args[1]!, 'auto', 'auto'),
  zrevrange: (c, args) => _zrange(c, args, 1, null, 'rank', 'reverse'),
  zrangebyscore: (c, args) => _zrange(c, args, 1, null, 'score', 'forward'),
  zrevrangebyscore: (c, args) => _zrange(c, args, 1, null, 'score', 'reverse'),
  zrangebylex: (c, args) => _zrange(c, args, 1, null, 'lex', 'forward'),
  zrevrangebylex: (c, args) => _zrange(c, args, 1, null, 'lex', 'reverse'),

  zunion: (c, args) => _setOperation(c, args, null, 1, 'union', false),
  zinter: (c, args) => _setOperation(c, args, null, 1, 'inter', false),
  zdiff: (c, args) => _setOperation(c, args, null, 1, 'diff', false),
  zintercard: (c, args) => _setOperation(c, args, null, 1, 'inter', true),
  zunionstore: (c, args) => _setOperation(c, args, args[1]!, 2, 'union', false),
  zinterstore: (c, args) => _setOperation(c, args, args[1]!, 2, 'inter', false),
  zdiffstore: (c, args) => _setOperation(c, args, args[1]!, 2, 'diff', false),

  zpopmin: (c, args) => _zpopMinMax(c, args, false),
  zpopmax: (c, args) => _zpopMinMax(c, args, true),
  bzpopmin: (c, args) => _blockingPop(c, args.slice(1, -1), false, args[args.length - 1]!, -1, false),
  bzpopmax: (c, args) => _blockingPop(c, args.slice(1, -1), true, args[args.length - 1]!, -1, false),
  zmpop: (c, args) => _zmpop(c, args, 1, false),
  bzmpop: (c, args) => _zmpop(c, args, 2, true),

  zrandmember: _zrandmember,
  zscan: _zscan,
};

// --- internal ---

/** Error replies specific to sorted sets (t_zset.c). */
const _ZErrors = {
  xxAndNx: (): ErrorReply => error('ERR XX and NX options at the same time are not compatible'),
  gtLtNx: (): ErrorReply => error('ERR GT, LT, and/or NX options at the same time are not compatible'),
  incrPairs: (): ErrorReply => error('ERR INCR option supports a single increment-element pair'),
  nan: (): ErrorReply => error('ERR resulting score is not a number (NaN)'),
  notFloatRange: (): ErrorReply => error('ERR min or max is not a float'),
  notLexRange: (): ErrorReply => error('ERR min or max not valid string range item'),
  limitNeedsBy: (): ErrorReply =>
    error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'),
  withscoresByLex: (): ErrorReply => error('ERR syntax error, WITHSCORES not supported in combination with BYLEX'),
  needsKey: (name: string): ErrorReply => error(`ERR at least 1 input key is needed for '${name}' command`),
  weight: (): ErrorReply => error('ERR weight value is not a float'),
  negativeLimit: (): ErrorReply => error("ERR LIMIT can't be negative"),
  mustBePositive: (): ErrorReply => error('ERR value is out of range, must be positive'),
  numkeys: (): ErrorReply => error('ERR numkeys should be greater than 0'),
  count: (): ErrorReply => error('ERR count should be greater than 0'),
  outOfRange: (): ErrorReply => error('ERR value is out of range'),
  randCountRange: (): ErrorReply =>
    error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
};

const _EMPTY_SCAN = array([bulk('0'), EMPTY_ARRAY]);
const _LONG_MAX = 2n ** 63n - 1n;

/** The listpack thresholds from the node's config. */
function _limits(c: ClientSession): ZsetLimits {
  return {
    maxEntries: c.node.config.getNumber('zset-max-listpack-entries'),
    maxValue: c.node.config.getNumber('zset-max-listpack-value'),
  };
}

/** The node's random generator, which skiplist levels and random picks draw from. */
function _random(c: ClientSession): () => number {
  const env = c.node.env;
  return () => env.random();
}

/** checkType for a sorted set. */
function _asZset(value: Value | undefined): SortedSet | undefined {
  if (value === undefined || value instanceof SortedSet) return value;
  return fail(Errors.wrongType());
}

/** lookupKeyRead plus checkType: counts a keyspace hit or miss. */
function _lookupRead(c: ClientSession, key: string): SortedSet | undefined {
  return _asZset(readValue(c, key));
}

/** lookupKeyWrite plus checkType, in `db` (a blocked client is served in the database it blocked in). */
function _lookupWrite(c: ClientSession, key: string, db: Database = c.db): SortedSet | undefined {
  const entry = db.lookup(key);
  if (entry === undefined) return undefined;
  entry.accessedAt = c.now;
  return _asZset(entry.value);
}

/** A member and score as a client sees them: flat in RESP2, a [member, score] pair in RESP3 (when `pairs`). */
function _pushScored(out: Reply[], member: string, score: number, withScores: boolean, pairs: boolean): void {
  if (!withScores) out.push(bulk(member));
  else if (pairs) out.push(array([bulk(member), double(score)]));
  else out.push(bulk(member), double(score));
}

// ---- ZADD / ZINCRBY ----

/** zaddGenericCommand: ZADD, and ZINCRBY as ZADD with INCR. */
function _zadd(c: ClientSession, args: string[], initialFlags: number): Reply {
  const key = args[1]!;
  let flags = initialFlags;
  let ch = false;
  let scoreIdx = 2;
  for (; scoreIdx < args.length; scoreIdx++) {
    const opt = cKeyword(args[scoreIdx]!);
    if (opt === 'nx') flags |= ZADD_NX;
    else if (opt === 'xx') flags |= ZADD_XX;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') flags |= ZADD_INCR;
    else if (opt === 'gt') flags |= ZADD_GT;
    else if (opt === 'lt') flags |= ZADD_LT;
    else break;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const words = args.length - scoreIdx;
  if (words % 2 !== 0 || words === 0) return Errors.syntax();
  const elements = words / 2;
  if (nx && xx) return _ZErrors.xxAndNx();
  if ((gt && nx) || (lt && nx) || (gt && lt)) return _ZErrors.gtLtNx();
  if (incr && elements > 1) return _ZErrors.incrPairs();
  // Every score is parsed before anything changes: the command runs fully or not at all.
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const score = parseDouble(args[scoreIdx + j * 2]!);
    if (score === null) return Errors.notFloat();
    scores[j] = score;
  }
  const limits = _limits(c);
  let zset = _lookupWrite(c, key);
  if (zset === undefined) {
    if (xx) return incr ? NIL : ZERO;
    zset = SortedSet.createFor(args[scoreIdx + 1]!, limits, _random(c));
    c.db.set(key, zset, true);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let failed = false;
  for (let j = 0; j < elements; j++) {
    const out = zset.add(scores[j]!, args[scoreIdx + 1 + j * 2]!, flags, limits);
    if ((out & ZADD_OUT_NAN) !== 0) {
      failed = true;
      break;
    }
    if ((out & ZADD_OUT_ADDED) !== 0) added++;
    if ((out & ZADD_OUT_UPDATED) !== 0) updated++;
    if ((out & ZADD_OUT_NOP) === 0) {
      processed++;
      score = zset.newScore;
    }
  }
  if (added + updated > 0) {
    c.db.touch(key);
    c.node.notify('z', incr ? 'zincr' : 'zadd', key, c.db.id);
  }
  // On NaN Redis skips the dirty count (goto cleanup): nothing is propagated.
  if (failed) return _ZErrors.nan();
  c.node.dirty += added + updated;
  if (incr) return processed > 0 ? double(score) : NIL;
  return integer(ch ? added + updated : added);
}

// ---- ZRANK / ZREVRANK ----

function _zrank(c: ClientSession, args: string[], reverse: boolean): Reply {
  const zset = _lookupRead(c, args[1]!);
  if (zset === undefined) return NIL;
  const rank = zset.rank(args[2]!, reverse);
  return rank >= 0 ? integer(rank) : NIL;
}

// ---- ZREMRANGEBYRANK / BYSCORE / BYLEX ----

/** zremrangeGenericCommand: the range is parsed before the key is looked up. */
function _zremrange(c: ClientSession, args: string[], type: 'rank' | 'score' | 'lex'): Reply {
  const key = args[1]!;
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (type === 'rank') {
    start = _long(args[2]!);
    end = _long(args[3]!);
  } else if (type === 'score') {
    scoreRange = parseScoreRange(args[2]!, args[3]!) ?? fail(_ZErrors.notFloatRange());
  } else {
    lexRange = parseLexRange(args[2]!, args[3]!) ?? fail(_ZErrors.notLexRange());
  }
  const zset = _lookupWrite(c, key);
  if (zset === undefined) return ZERO;
  let deleted: number;
  if (type === 'rank') {
    const llen = zset.size;
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return ZERO;
    if (end >= llen) end = llen - 1;
    deleted = zset.removeRangeByRank(start, end);
  } else if (type === 'score') {
    deleted = zset.removeRangeByScore(scoreRange!);
  } else {
    deleted = zset.removeRangeByLex(lexRange!);
  }
  if (deleted > 0) {
    const keyRemoved = zset.size === 0;
    if (keyRemoved) c.db.delete(key);
    else c.db.touch(key);
    c.node.notify('z', `zremrangeby${type}`, key, c.db.id);
    if (keyRemoved) c.node.notify('g', 'del', key, c.db.id);
  }
  c.node.dirty += deleted;
  return integer(deleted);
}

// ---- ZRANGE and friends ----

type _RangeType = 'auto' | 'rank' | 'score' | 'lex';
type _Direction = 'auto' | 'forward' | 'reverse';

/** Where range results go: to the client or into a destination key (the zrange_result_handler pair). */
interface _RangeSink {
  /** Called once before any result, with the result count when known in advance, else -1. */
  begin(length: number): void;
  emit(member: string, score: number): void;
  finish(count: number): Reply;
}

/**
 * zrangeGenericCommand: ZRANGE and ZRANGESTORE with their BYSCORE/BYLEX/REV/LIMIT/WITHSCORES options, and the older
 * Z[REV]RANGE[BYSCORE|BYLEX] commands, which fix the range type and direction.
 */
function _zrange(
  c: ClientSession,
  args: string[],
  argStart: number,
  dstKey: string | null,
  fixedType: _RangeType,
  fixedDirection: _Direction,
): Reply {
  const key = args[argStart]!;
  const store = dstKey !== null;
  let rangeType = fixedType;
  let direction = fixedDirection;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < args.length; j++) {
    const left = args.length - j - 1;
    const opt = cKeyword(args[j]!);
    if (!store && opt === 'withscores') {
      withScores = true;
    } else if (opt === 'limit' && left >= 2) {
      offset = _long(args[j + 1]!);
      limit = _long(args[j + 2]!);
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') {
      direction = 'reverse';
    } else if (rangeType === 'auto' && opt === 'bylex') {
      rangeType = 'lex';
    } else if (rangeType === 'auto' && opt === 'byscore') {
      rangeType = 'score';
    } else {
      return Errors.syntax();
    }
  }
  if (direction === 'auto') direction = 'forward';
  if (rangeType === 'auto') rangeType = 'rank';
  if (limit !== -1 && rangeType === 'rank') return _ZErrors.limitNeedsBy();
  if (withScores && rangeType === 'lex') return _ZErrors.withscoresByLex();
  const reverse = direction === 'reverse';
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  // BYSCORE and BYLEX take the range as max, min when reversed.
  if (reverse && rangeType !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (rangeType === 'rank') {
    start = _long(args[minIdx]!);
    end = _long(args[maxIdx]!);
  } else if (rangeType === 'score') {
    scoreRange = parseScoreRange(args[minIdx]!, args[maxIdx]!) ?? fail(_ZErrors.notFloatRange());
  } else {
    lexRange = parseLexRange(args[minIdx]!, args[maxIdx]!) ?? fail(_ZErrors.notLexRange());
  }
  const sink = store ? _storeSink(c, dstKey) : _clientSink(withScores, c.resp === 3);
  const zset = _lookupRead(c, key);
  if (zset === undefined) {
    if (!store) return EMPTY_ARRAY;
    sink.begin(-1);
    return sink.finish(0);
  }
  if (rangeType === 'rank') return _rangeByRank(zset, sink, start, end, reverse);
  if (rangeType === 'score') return _rangeByScore(zset, sink, scoreRange!, offset, limit, reverse);
  return _rangeByLex(zset, sink, lexRange!, offset, limit, reverse);
}

/** genericZrangebyrankCommand. */
function _rangeByRank(zset: SortedSet, sink: _RangeSink, start: number, end: number, reverse: boolean): Reply {
  const llen = zset.size;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    return sink.finish(0);
  }
  if (end >= llen) end = llen - 1;
  const count = end - start + 1;
  sink.begin(count);
  let node = reverse ? zset.atRank(llen - 1 - start) : zset.atRank(start);
  for (let i = 0; i < count && node !== null; i++) {
    sink.emit(node.member, node.score);
    node = reverse ? node.backward : node.next;
  }
  return sink.finish(count);
}

/** genericZrangebyscoreCommand: an offset walks past results unchecked, a negative one past the end. */
function _rangeByScore(
  zset: SortedSet,
  sink: _RangeSink,
  range: ScoreRange,
  offset: number,
  limit: number,
  reverse: boolean,
): Reply {
  sink.begin(-1);
  if (offset > 0 && offset >= zset.size) return sink.finish(0);
  let node = reverse ? zset.lastInRange(range) : zset.firstInRange(range);
  node = _skip(node, offset, reverse);
  let count = 0;
  for (; node !== null && limit !== 0; limit--) {
    if (reverse ? !scoreGteMin(node.score, range) : !scoreLteMax(node.score, range)) break;
    sink.emit(node.member, node.score);
    count++;
    node = reverse ? node.backward : node.next;
  }
  return sink.finish(count);
}

/** genericZrangebylexCommand. */
function _rangeByLex(
  zset: SortedSet,
  sink: _RangeSink,
  range: LexRange,
  offset: number,
  limit: number,
  reverse: boolean,
): Reply {
  sink.begin(-1);
  let node = reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range);
  node = _skip(node, offset, reverse);
  let count = 0;
  for (; node !== null && limit !== 0; limit--) {
    if (reverse ? !lexGteMin(node.member, range) : !lexLteMax(node.member, range)) break;
    sink.emit(node.member, node.score);
    count++;
    node = reverse ? node.backward : node.next;
  }
  return sink.finish(count);
}

/** Walks `offset` nodes on; a negative offset (which C's `offset--` never brings to 0) walks off the end. */
function _skip(node: SkipNode | null, offset: number, reverse: boolean): SkipNode | null {
  if (offset < 0) return null;
  for (; node !== null && offset > 0; offset--) node = reverse ? node.backward : node.next;
  return node;
}

/** Results as a reply: flat with scores in RESP2, [member, score] pairs in RESP3. */
function _clientSink(withScores: boolean, resp3: boolean): _RangeSink {
  const out: Reply[] = [];
  return {
    begin: () => {},
    emit: (member, score) => _pushScored(out, member, score, withScores, resp3),
    finish: () => (out.length === 0 ? EMPTY_ARRAY : array(out)),
  };
}

/**
 * Results into ZRANGESTORE's destination (zrangeResultBeginStore & co): a skiplist up front when the known count
 * exceeds zset-max-listpack-entries, else a listpack that converts as members are added.
 */
function _storeSink(c: ClientSession, dstKey: string): _RangeSink {
  const limits = _limits(c);
  let dst: SortedSet | null = null;
  return {
    begin: (length) => {
      dst = new SortedSet(length > limits.maxEntries ? 'skiplist' : 'listpack', _random(c));
    },
    emit: (member, score) => {
      dst!.add(score, member, 0, limits);
    },
    finish: (count) => {
      if (count > 0) {
        c.db.set(dstKey, dst!);
        c.node.notify('z', 'zrangestore', dstKey, c.db.id);
        c.node.dirty++;
        return integer(count);
      }
      if (c.db.delete(dstKey)) {
        c.node.notify('g', 'del', dstKey, c.db.id);
        c.node.dirty++;
      }
      return ZERO;
    },
  };
}

// ---- ZUNION / ZINTER / ZDIFF, their STORE forms, ZINTERCARD ----

/** One input of a set operation: a sorted set, a plain set (every score 1) or a missing key. */
interface _Source {
  readonly value: SortedSet | RedisSet | null;
  weight: number;
}

/** zunionInterDiffGenericCommand. */
function _setOperation(
  c: ClientSession,
  args: string[],
  dstKey: string | null,
  numkeysIdx: number,
  op: 'union' | 'inter' | 'diff',
  cardinalityOnly: boolean,
): Reply {
  const setnum = _long(args[numkeysIdx]!);
  if (setnum < 1) return _ZErrors.needsKey(_opName(op, dstKey !== null, cardinalityOnly));
  if (setnum > args.length - (numkeysIdx + 1)) return Errors.syntax();
  const sources: _Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = readValue(c, args[j]!);
    if (v === undefined) sources.push({ value: null, weight: 1 });
    else if (v instanceof SortedSet || v instanceof RedisSet) sources.push({ value: v, weight: 1 });
    else return Errors.wrongType();
  }
  let aggregate: 'sum' | 'min' | 'max' = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < args.length) {
    const remaining = args.length - j;
    const opt = cKeyword(args[j]!);
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const weight = parseDouble(args[j]!);
        if (weight === null) return _ZErrors.weight();
        sources[i]!.weight = weight;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'aggregate') {
      const how = cKeyword(args[j + 1]!);
      if (how !== 'sum' && how !== 'min' && how !== 'max') return Errors.syntax();
      aggregate = how;
      j += 2;
    } else if (dstKey === null && !cardinalityOnly && opt === 'withscores') {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'limit') {
      const n = parseInteger(args[j + 1]!);
      if (n === null || n < 0) return _ZErrors.negativeLimit();
      limit = n;
      j += 2;
    } else {
      return Errors.syntax();
    }
  }
  // The smallest input first (a stable sort, as glibc's merge-sorting qsort is).
  if (op !== 'diff') sources.sort((a, b) => _length(a) - _length(b));
  const result = new SortedSet('skiplist', _random(c));
  let cardinality = 0;
  if (op === 'inter') {
    cardinality = _inter(sources, aggregate, cardinalityOnly ? null : result, limit);
  } else if (op === 'union') {
    _union(sources, aggregate, result);
  } else {
    _diff(sources, result);
  }
  if (cardinalityOnly) return integer(cardinality);
  if (dstKey !== null) {
    if (result.size > 0) {
      result.convertToListpackIfFits(_limits(c), result.longestMember());
      c.db.set(dstKey, result);
      c.node.notify('z', `z${op}store`, dstKey, c.db.id);
      c.node.dirty++;
      return integer(result.size);
    }
    if (c.db.delete(dstKey)) {
      c.node.notify('g', 'del', dstKey, c.db.id);
      c.node.dirty++;
    }
    return ZERO;
  }
  const out: Reply[] = [];
  const pairs = c.resp === 3;
  for (const node of result.nodes()) _pushScored(out, node.member, node.score, withScores, pairs);
  return out.length === 0 ? EMPTY_ARRAY : array(out);
}

/** The command's full name, for the "at least 1 input key" error. */
function _opName(op: 'union' | 'inter' | 'diff', store: boolean, cardinalityOnly: boolean): string {
  if (cardinalityOnly) return 'zintercard';
  return `z${op}${store ? 'store' : ''}`;
}

/** zuiLength. */
function _length(src: _Source): number {
  return src.value === null ? 0 : src.value.size;
}

/** zuiNext over a whole source: [member, score], a sorted set from its highest score down (zuiInitIterator). */
function* _entries(src: _Source): IterableIterator<[string, number]> {
  const v = src.value;
  if (v === null) return;
  if (v instanceof SortedSet) {
    for (let node = v.last; node !== null; node = node.backward) yield [node.member, node.score];
  } else {
    for (const member of v.members()) yield [member, 1];
  }
}

/** zuiFind: a member's score in a source (1 for plain sets), or undefined. */
function _find(src: _Source, member: string): number | undefined {
  const v = src.value;
  if (v === null) return undefined;
  if (v instanceof SortedSet) return v.score(member);
  return v.has(member) ? 1 : undefined;
}

/** zunionInterAggregate: a SUM of +inf and -inf is 0, and MIN/MAX ignore NaN. */
function _aggregate(target: number, value: number, how: 'sum' | 'min' | 'max'): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** The intersection into `result` (or, when null, just its size up to `limit`); returns the size. */
function _inter(sources: _Source[], how: 'sum' | 'min' | 'max', result: SortedSet | null, limit: number): number {
  const first = sources[0]!;
  if (_length(first) === 0) return 0;
  let cardinality = 0;
  for (const [member, score0] of _entries(first)) {
    let score = first.weight * score0;
    if (Number.isNaN(score)) score = 0;
    let j = 1;
    for (; j < sources.length; j++) {
      const src = sources[j]!;
      // The same key twice: Redis reuses the element being iterated rather than looking it up.
      const found = src.value === first.value ? score0 : _find(src, member);
      if (found === undefined) break;
      score = _aggregate(score, found * src.weight, how);
    }
    if (j !== sources.length) continue;
    cardinality++;
    if (result === null) {
      if (limit > 0 && cardinality >= limit) break;
    } else {
      result.insert(score, member);
    }
  }
  return cardinality;
}

/** The union into `result`, aggregating scores in input order. */
function _union(sources: _Source[], how: 'sum' | 'min' | 'max', result: SortedSet): void {
  const accumulator = new Map<string, number>();
  for (const src of sources) {
    for (const [member, value] of _entries(src)) {
      let score = src.weight * value;
      if (Number.isNaN(score)) score = 0;
      const existing = accumulator.get(member);
      accumulator.set(member, existing === undefined ? score : _aggregate(existing, score, how));
    }
  }
  for (const [member, score] of accumulator) result.insert(score, member);
}

/** The first input minus the others, with the first input's scores (weights do not apply). */
function _diff(sources: _Source[], result: SortedSet): void {
  const first = sources[0]!;
  if (_length(first) === 0) return;
  // The first key repeated later: everything would be removed (zsetChooseDiffAlgorithm's shortcut).
  for (let j = 1; j < sources.length; j++) if (sources[j]!.value === first.value) return;
  for (const [member, score] of _entries(first)) {
    let found = false;
    for (let j = 1; j < sources.length && !found; j++) found = _find(sources[j]!, member) !== undefined;
    if (!found) result.insert(score, member);
  }
}

// ---- ZPOPMIN / ZPOPMAX / ZMPOP and the blocking forms ----

/** How genericZpopCommand shapes its reply. */
interface _PopShape {
  /** Name the key first (BZPOP*, ZMPOP). */
  readonly emitKey: boolean;
  /** [member, score] pairs instead of a flat list. */
  readonly nested: boolean;
  /** A null array rather than an empty one when nothing can be popped (ZMPOP). */
  readonly nilWhenEmpty: boolean;
}

/** What a pop did, for the caller's propagation. */
interface _Popped {
  readonly reply: Reply;
  /** The key popped from, or null when nothing was popped. */
  readonly key: string | null;
  /** How many members were popped. */
  readonly count: number;
}

/**
 * genericZpopCommand: pops up to `count` members (-1: one, plain) from the first existing key of `keys` in `db`,
 * with the keyspace events and dirty count; WRONGTYPE stops at the first non-zset key met.
 */
function _pop(
  c: ClientSession,
  db: Database,
  keys: readonly string[],
  max: boolean,
  count: number,
  shape: _PopShape,
): _Popped {
  let key: string | null = null;
  let zset: SortedSet | undefined;
  for (const k of keys) {
    zset = _lookupWrite(c, k, db);
    if (zset !== undefined) {
      key = k;
      break;
    }
  }
  if (zset === undefined || key === null) {
    return { reply: shape.nilWhenEmpty ? NIL_ARRAY : EMPTY_ARRAY, key: null, count: 0 };
  }
  if (count === 0) return { reply: EMPTY_ARRAY, key: null, count: 0 };
  const n = Math.min(count === -1 ? 1 : count, zset.size);
  const items: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const node = max ? zset.last! : zset.first!;
    const { member, score } = node;
    zset.remove(member);
    c.node.dirty++;
    if (i === 0) c.node.notify('z', max ? 'zpopmax' : 'zpopmin', key, db.id);
    if (shape.nested) items.push(array([bulk(member), double(score)]));
    else items.push(bulk(member), double(score));
  }
  if (zset.size === 0) {
    db.delete(key);
    c.node.notify('g', 'del', key, db.id);
  } else {
    db.touch(key);
  }
  let reply: Reply;
  if (!shape.emitKey) reply = array(items);
  else if (shape.nested) reply = array([bulk(key), array(items)]);
  else reply = array([bulk(key), ...items]);
  return { reply, key, count: n };
}

/** ZPOPMIN/ZPOPMAX key [count]: flat in RESP2, and in RESP3 without a count; pairs in RESP3 with one. */
function _zpopMinMax(c: ClientSession, args: string[], max: boolean): Reply {
  if (args.length > 3) return Errors.syntax();
  let count = -1;
  if (args.length === 3) {
    const n = parseInteger(args[2]!);
    if (n === null || n < 0) return _ZErrors.mustBePositive();
    count = n;
  }
  const nested = c.resp === 3 && count !== -1;
  return _pop(c, c.db, [args[1]!], max, count, { emitKey: false, nested, nilWhenEmpty: false }).reply;
}

/** ZMPOP / BZMPOP: numkeys, keys, MIN|MAX, optional COUNT (zmpopGenericCommand). */
function _zmpop(c: ClientSession, args: string[], numkeysIdx: number, blocking: boolean): Reply {
  const numkeys = parseInteger(args[numkeysIdx]!);
  if (numkeys === null || numkeys < 1) return _ZErrors.numkeys();
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= args.length) return Errors.syntax();
  const where = cKeyword(args[whereIdx]!);
  if (where !== 'min' && where !== 'max') return Errors.syntax();
  let count = -1;
  for (let j = whereIdx + 1; j < args.length; j++) {
    const more = args.length - 1 - j;
    if (count === -1 && cKeyword(args[j]!) === 'count' && more > 0) {
      const n = parseInteger(args[++j]!);
      if (n === null || n < 1) return _ZErrors.count();
      count = n;
    } else {
      return Errors.syntax();
    }
  }
  if (count === -1) count = 1;
  const keys = args.slice(numkeysIdx + 1, whereIdx);
  if (blocking) return _blockingPop(c, keys, where === 'max', args[1]!, count, true);
  const popped = _pop(c, c.db, keys, where === 'max', count, { emitKey: true, nested: true, nilWhenEmpty: true });
  // Replicated as ZPOPMIN/ZPOPMAX with the count actually popped.
  if (popped.key !== null) c.propagateAs = [where === 'max' ? 'ZPOPMAX' : 'ZPOPMIN', popped.key, String(popped.count)];
  return popped.reply;
}

/**
 * blockingGenericZpopCommand: pops from the first non-empty key, or parks the client until one of the keys gets
 * members (served then by the blocking registry) or the timeout passes. Propagates the non-blocking form.
 */
function _blockingPop(
  c: ClientSession,
  keys: readonly string[],
  max: boolean,
  timeout: string,
  count: number,
  nested: boolean,
): Reply {
  const deadline = parseBlockingTimeout(timeout, c.now);
  const shape: _PopShape = { emitKey: true, nested, nilWhenEmpty: nested };
  const popName = max ? 'ZPOPMAX' : 'ZPOPMIN';
  for (const key of keys) {
    if (_lookupWrite(c, key) === undefined) continue;
    const popped = _pop(c, c.db, [key], max, count, shape);
    c.propagateAs = count === -1 ? [popName, key] : [popName, key, String(popped.count)];
    return popped.reply;
  }
  const db = c.db;
  return c.node.blocking.block(c, {
    db,
    keys,
    deadline,
    timeoutReply: NIL_ARRAY,
    tryServe: (key) => {
      const value = db.get(key);
      if (!(value instanceof SortedSet)) return null;
      const popped = _pop(c, db, [key], max, count, shape);
      c.node.propagate(db.id, count === -1 ? [popName, key] : [popName, key, String(popped.count)]);
      return popped.reply;
    },
  });
}

// ---- ZRANDMEMBER ----

/** ZRANDMEMBER key [count [WITHSCORES]] (zrandmemberCommand). */
function _zrandmember(c: ClientSession, args: string[]): Reply {
  if (args.length >= 3) {
    const l = parseInt64(args[2]!) ?? fail(Errors.notInteger());
    if (l < -_LONG_MAX) return _ZErrors.randCountRange();
    let withScores = false;
    if (args.length > 4 || (args.length === 4 && cKeyword(args[3]!) !== 'withscores')) return Errors.syntax();
    if (args.length === 4) {
      withScores = true;
      // C's LONG_MAX/2 truncates: 4611686018427387903.
      if (l < -_LONG_MAX / 2n || l > _LONG_MAX / 2n) return _ZErrors.outOfRange();
    }
    return _zrandmemberWithCount(c, args[1]!, Number(l), withScores);
  }
  const zset = _lookupRead(c, args[1]!);
  if (zset === undefined) return NIL;
  return bulk(zset.randomNode(_random(c)).member);
}

/**
 * zrandmemberWithCountCommand: a negative count may repeat members (random order); a positive one returns distinct
 * members — the whole set when it asks for at least its size.
 */
function _zrandmemberWithCount(c: ClientSession, key: string, l: number, withScores: boolean): Reply {
  const zset = _lookupRead(c, key);
  if (zset === undefined) return EMPTY_ARRAY;
  const size = zset.size;
  const unique = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return EMPTY_ARRAY;
  const random = _random(c);
  const pairs = c.resp === 3;
  const out: Reply[] = [];
  if (!unique || count === 1) {
    for (let i = 0; i < count; i++) {
      const node = zset.randomNode(random);
      _pushScored(out, node.member, node.score, withScores, pairs);
    }
    return array(out);
  }
  if (count >= size) {
    // The whole set, in zuiNext's order: from the highest score down.
    for (let node = zset.last; node !== null; node = node.backward) {
      _pushScored(out, node.member, node.score, withScores, pairs);
    }
    return array(out);
  }
  // Distinct random ranks: a partial Fisher-Yates shuffle of [0, size) when the pick is a large share of the set,
  // else rejection sampling.
  const picked: number[] = [];
  if (count * 3 > size) {
    const ranks = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (size - i));
      [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
      picked.push(ranks[i]!);
    }
  } else {
    const seen = new Set<number>();
    while (picked.length < count) {
      const r = Math.floor(random() * size);
      if (seen.has(r)) continue;
      seen.add(r);
      picked.push(r);
    }
  }
  for (const r of picked) {
    const node = zset.atRank(r)!;
    _pushScored(out, node.member, node.score, withScores, pairs);
  }
  return array(out);
}

// ---- ZSCAN ----

/** ZSCAN key cursor [MATCH pattern] [COUNT count]: a listpack-encoded set is returned whole with cursor 0. */
function _zscan(c: ClientSession, args: string[]): Reply {
  const cursor = parseScanCursor(args[2]!);
  const zset = _lookupRead(c, args[1]!);
  if (zset === undefined) return _EMPTY_SCAN;
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < args.length; i += 2) {
    const option = cKeyword(args[i]!);
    const value = args[i + 1];
    if (option === 'count' && value !== undefined) {
      count = _long(value);
      if (count < 1) return Errors.syntax();
    } else if (option === 'match' && value !== undefined) {
      pattern = value === '*' ? null : value;
    } else {
      return Errors.syntax();
    }
  }
  const out: Reply[] = [];
  let next = 0;
  if (zset.encoding === 'listpack') {
    // Scores as the listpack holds them: integers as integers, the rest as %.17g.
    for (const node of zset.nodes()) {
      if (pattern === null || globMatch(pattern, node.member)) {
        out.push(bulk(node.member), bulk(listpackScoreText(node.score)));
      }
    }
  } else {
    const page = zset.scan(cursor, count);
    next = page.cursor;
    for (const member of page.members) {
      if (pattern !== null && !globMatch(pattern, member)) continue;
      out.push(bulk(member), bulk(formatDouble17g(zset.score(member)!)));
    }
  }
  return array([bulk(String(next)), out.length === 0 ? EMPTY_ARRAY : array(out)]);
}

/** getLongFromObjectOrReply: a 64-bit integer or `value is not an integer or out of range`. */
function _long(s: string): number {
  const v = parseInteger(s);
  return v === null ? fail(Errors.notInteger()) : v;
}
