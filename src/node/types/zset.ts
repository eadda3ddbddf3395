// The sorted set value (t_zset.c): a member → score map plus a skiplist ordered by (score, member) with spans, so
// lookups are O(1) and ranks, rank ranges and score/lex ranges O(log n). OBJECT ENCODING reports 'listpack' while
// the set is small (zset-max-listpack-entries / -value) and 'skiplist' after, for good: Redis 7.0 converts back only
// when it builds a new set (ZUNIONSTORE & co, RDB loading). The listpack form is also modelled where it shows:
// a listpack stores an integral score as an integer, so -0 becomes 0 there (zzlInsertAt, double2ll); and it finds
// the ends of a lexicographic range by scanning in order, which answers differently from a skiplist descent when
// scores are mixed (an undefined use that clients still make), so a listpack-encoded set scans too.
//
// A skiplist-encoded set also keeps its members in insertion order with sequence numbers, which serve as ZSCAN
// cursors: a member present for a whole scan is returned, as dictScan guarantees (Redis's own order is its dict's
// hash order, which no other implementation could match).

import { formatDouble17g } from '../../protocol/format-double.js';
import type { CollectionValue } from '../values.js';
import { SkipList, lexLteMax, type LexBound, type LexRange, type ScoreRange, type SkipNode } from './skiplist.js';
import { ScanTable } from './scan-table.js';

// ZADD's input flags (ZADD_IN_*) and zsetAdd's outcome flags (ZADD_OUT_*).
/** Add the score to the current one (INCR, ZINCRBY). */
export const ZADD_INCR = 1;
/** Only add new members. */
export const ZADD_NX = 2;
/** Only update existing members. */
export const ZADD_XX = 4;
/** Only update to a greater score. */
export const ZADD_GT = 8;
/** Only update to a lesser score. */
export const ZADD_LT = 16;
/** The resulting score was NaN: nothing changed. */
export const ZADD_OUT_NAN = 1;
/** The member was added. */
export const ZADD_OUT_ADDED = 2;
/** The member's score changed. */
export const ZADD_OUT_UPDATED = 4;
/** Nothing was done because of NX, XX, GT or LT. */
export const ZADD_OUT_NOP = 8;

/** The listpack thresholds in force (zset-max-listpack-entries and zset-max-listpack-value). */
export interface ZsetLimits {
  readonly maxEntries: number;
  readonly maxValue: number;
}

/** Redis's default thresholds, for values built without a node at hand (RDB loading). */
export const DEFAULT_ZSET_LIMITS: ZsetLimits = { maxEntries: 128, maxValue: 64 };

/** The largest magnitude a listpack stores as an integer (double2ll's LLONG_MAX/2 bound, as a double: 2^62). */
const LISTPACK_INT_LIMIT = 2 ** 62;

/** One ZSCAN step over a skiplist-encoded set. */
export interface ZsetScanPage {
  cursor: number;
  members: string[];
}

/** A Redis sorted set. */
export class SortedSet implements CollectionValue {
  readonly type = 'zset' as const;
  /** The score the last `add` computed (zsetAdd's `newscore`), unnormalised. */
  newScore = 0;
  private readonly dict = new Map<string, number>();
  private readonly list: SkipList;
  private listpack: boolean;
  private table: ScanTable | null;

  constructor(
    encoding: 'listpack' | 'skiplist',
    private readonly random: () => number,
  ) {
    this.list = new SkipList(random);
    this.listpack = encoding === 'listpack';
    this.table = this.listpack ? null : new ScanTable();
  }

  /** An empty set for ZADD's first member, encoded as zaddGenericCommand chooses (createZsetListpackObject or not). */
  static createFor(firstMember: string, limits: ZsetLimits, random: () => number): SortedSet {
    const skiplist = limits.maxEntries === 0 || limits.maxValue < firstMember.length;
    return new SortedSet(skiplist ? 'skiplist' : 'listpack', random);
  }

  /** What OBJECT ENCODING reports. */
  get encoding(): 'listpack' | 'skiplist' {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  /** Number of members (ZCARD). */
  get size(): number {
    return this.dict.size;
  }

  /** The first node in order, or null when empty. */
  get first(): SkipNode | null {
    return this.list.first;
  }

  /** The last node in order, or null when empty. */
  get last(): SkipNode | null {
    return this.list.tail;
  }

  /** A member's score, or undefined when absent (zsetScore). */
  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /**
   * Adds or updates a member with ZADD's flags (zsetAdd): returns ZADD_OUT_* flags and leaves the resulting score in
   * `newScore`. A new member that does not fit a listpack converts the set to a skiplist first.
   */
  add(score: number, member: string, flags: number, limits: ZsetLimits): number {
    if (Number.isNaN(score)) return ZADD_OUT_NAN;
    const current = this.dict.get(member);
    if (current !== undefined) {
      if ((flags & ZADD_NX) !== 0) return ZADD_OUT_NOP;
      if ((flags & ZADD_INCR) !== 0) {
        score += current;
        if (Number.isNaN(score)) return ZADD_OUT_NAN;
      }
      if (((flags & ZADD_LT) !== 0 && score >= current) || ((flags & ZADD_GT) !== 0 && score <= current)) {
        return ZADD_OUT_NOP;
      }
      this.newScore = score;
      if (score === current) return 0;
      const stored = this._stored(score);
      this.list.updateScore(current, member, stored);
      this.dict.set(member, stored);
      return ZADD_OUT_UPDATED;
    }
    if ((flags & ZADD_XX) !== 0) return ZADD_OUT_NOP;
    if (this.listpack && (this.dict.size + 1 > limits.maxEntries || member.length > limits.maxValue)) {
      this.convertToSkiplist();
    }
    this.insert(score, member);
    this.newScore = score;
    return ZADD_OUT_ADDED;
  }

  /** Inserts a member known to be absent, without any conversion (loading, building results). */
  insert(score: number, member: string): void {
    const stored = this._stored(score);
    this.list.insert(stored, member);
    this.dict.set(member, stored);
    this.table?.add(member);
  }

  /** Removes a member; returns whether it was there (zsetDel). */
  remove(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    this.dict.delete(member);
    this.list.delete(score, member);
    this.table?.remove(member);
    return true;
  }

  /** A member's 0-based rank from the lowest (or, reversed, the highest) score, or -1 when absent (zsetRank). */
  rank(member: string, reverse: boolean): number {
    const score = this.dict.get(member);
    if (score === undefined) return -1;
    const rank = this.list.rankOf(score, member);
    return reverse ? this.dict.size - rank : rank - 1;
  }

  /** The node at a 0-based rank from the lowest score, or null. */
  atRank(rank: number): SkipNode | null {
    return this.list.byRank(rank + 1);
  }

  /** The first node with a score in range, or null. */
  firstInRange(range: ScoreRange): SkipNode | null {
    return this.list.firstInRange(range);
  }

  /** The last node with a score in range, or null. */
  lastInRange(range: ScoreRange): SkipNode | null {
    return this.list.lastInRange(range);
  }

  /**
   * The first node with a member in the lexicographic range, or null. Lexicographic ranges are only meaningful when
   * all scores are equal; otherwise the answer depends on the encoding, as in Redis: a listpack is scanned in order,
   * a skiplist descended.
   */
  firstInLexRange(range: LexRange): SkipNode | null {
    return this.listpack ? this.list.firstInLexRangeByScan(range) : this.list.firstInLexRange(range);
  }

  /** The last node with a member in the lexicographic range, or null (see firstInLexRange). */
  lastInLexRange(range: LexRange): SkipNode | null {
    return this.listpack ? this.list.lastInLexRangeByScan(range) : this.list.lastInLexRange(range);
  }

  /** How many members have a score in range, in O(log n) by ranks (ZCOUNT). */
  countInRange(range: ScoreRange): number {
    const first = this.list.firstInRange(range);
    if (first === null) return 0;
    return this._countBetween(first, this.list.lastInRange(range));
  }

  /**
   * How many members are in the lexicographic range (ZLEXCOUNT): for a listpack, the run from the first one in range
   * while within the maximum; for a skiplist, by ranks (see firstInLexRange about mixed scores).
   */
  countInLexRange(range: LexRange): number {
    const first = this.firstInLexRange(range);
    if (first === null) return 0;
    if (this.listpack) {
      let count = 0;
      for (let n: SkipNode | null = first; n !== null && lexLteMax(n.member, range); n = n.next) count++;
      return count;
    }
    return this._countBetween(first, this.list.lastInLexRange(range));
  }

  /** Removes the members with 0-based ranks start..end inclusive (already clamped); returns how many. */
  removeRangeByRank(start: number, end: number): number {
    return this.list.deleteRangeByRank(start + 1, end + 1, this._forget);
  }

  /** Removes the members with a score in range; returns how many. */
  removeRangeByScore(range: ScoreRange): number {
    return this.list.deleteRangeByScore(range, this._forget);
  }

  /** Removes the members in the lexicographic range; returns how many (see firstInLexRange about mixed scores). */
  removeRangeByLex(range: LexRange): number {
    if (this.listpack) return this.list.deleteRangeByLexByScan(range, this._forget);
    return this.list.deleteRangeByLex(range, this._forget);
  }

  /** A uniformly random node of a non-empty set (dictGetFairRandomKey / lpRandomPair). */
  randomNode(random: () => number): SkipNode {
    return this.list.byRank(1 + Math.floor(random() * this.dict.size))!;
  }

  /** Every node from the lowest score to the highest. */
  nodes(): IterableIterator<SkipNode> {
    return this.list.nodes();
  }

  /**
   * One ZSCAN step of a skiplist-encoded set from `cursor` over about `count` members; the next cursor is 0 when
   * done. (A listpack-encoded set is scanned all at once by the caller.)
   */
  scan(cursor: number, count: number): ZsetScanPage {
    if (this.table === null) return { cursor: 0, members: [...this.dict.keys()] };
    return this.table.scan(cursor, count);
  }

  /** Converts a listpack-encoded set to a skiplist (zsetConvert). */
  convertToSkiplist(): void {
    if (!this.listpack) return;
    this.listpack = false;
    this.table = new ScanTable();
    for (const member of this.dict.keys()) this.table.add(member);
  }

  /**
   * Converts a skiplist-encoded set to a listpack when it fits the limits, given its longest member
   * (zsetConvertToListpackIfNeeded): what ZUNIONSTORE & co and RDB loading do with the set they built.
   */
  convertToListpackIfFits(limits: ZsetLimits, longestMember: number): void {
    if (this.listpack || this.dict.size > limits.maxEntries || longestMember > limits.maxValue) return;
    this.listpack = true;
    this.table = null;
    // A listpack keeps integral scores as integers, so -0 turns into 0 (zzlInsertAt).
    for (let n = this.list.first; n !== null; n = n.next) {
      if (Object.is(n.score, -0)) {
        n.score = 0;
        this.dict.set(n.member, 0);
      }
    }
  }

  /** The length of the longest member. */
  longestMember(): number {
    let longest = 0;
    for (const member of this.dict.keys()) if (member.length > longest) longest = member.length;
    return longest;
  }

  /** A deep copy with the same encoding (zsetDup). */
  clone(): SortedSet {
    const copy = new SortedSet(this.encoding, this.random);
    for (let n = this.list.tail; n !== null; n = n.backward) copy.insert(n.score, n.member);
    return copy;
  }

  /** Checks the skiplist's invariants and its agreement with the member map; a description of the first breach. */
  check(): string | null {
    const broken = this.list.check();
    if (broken !== null) return broken;
    if (this.list.length !== this.dict.size) return `skiplist has ${this.list.length} nodes, map ${this.dict.size}`;
    for (const n of this.list.nodes()) {
      if (!Object.is(this.dict.get(n.member), n.score)) return `score of ${JSON.stringify(n.member)} disagrees`;
    }
    return null;
  }

  // --- internal ---

  /**
   * zcountCommand's arithmetic on a skiplist: everything from `first` on, minus everything after `last` — so when the
   * descent finds no last node (possible with mixed scores in a lex range) the count runs to the end.
   */
  private _countBetween(first: SkipNode, last: SkipNode | null): number {
    const length = this.dict.size;
    let count = length - (this.list.rankOf(first.score, first.member) - 1);
    if (last !== null) count -= length - this.list.rankOf(last.score, last.member);
    return count;
  }

  /** The score as the encoding stores it: a listpack turns -0 into the integer 0. */
  private _stored(score: number): number {
    return this.listpack && score === 0 ? 0 : score;
  }

  private readonly _forget = (member: string): void => {
    this.dict.delete(member);
    this.table?.remove(member);
  };
}

/**
 * How a listpack entry spells a score (zzlInsertAt): an integer when the score is integral and within ±2^62
 * (double2ll), else `%.17g` (d2string) — what a listpack ZSCAN returns and what RDB listpacks hold.
 */
export function listpackScoreText(score: number): string {
  if (!isListpackIntegerScore(score)) return formatDouble17g(score);
  // Past 2^53 JS's shortest spelling rounds (2^62 prints as …388000): spell the exact integer.
  return Math.abs(score) <= Number.MAX_SAFE_INTEGER ? String(score) : BigInt(score).toString();
}

/** Whether a score is stored as a listpack integer entry (double2ll succeeds). */
export function isListpackIntegerScore(score: number): boolean {
  return Number.isInteger(score) && score >= -LISTPACK_INT_LIMIT && score <= LISTPACK_INT_LIMIT;
}

/**
 * Parses the min and max of a score range (zslParseRange): `(` makes an end exclusive; the rest is read with strtod
 * over the argument as a C string, so leading spaces, hex floats, `inf`, overflow to infinity and even the empty
 * string (0) pass, while trailing bytes and NaN do not. Returns null when either end is invalid.
 */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const lo = _parseScoreBound(min);
  const hi = _parseScoreBound(max);
  if (lo === null || hi === null) return null;
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}

/**
 * Parses the min and max of a lexicographic range (zslParseLexRange): `-` and `+` alone are the extremes, `(` and
 * `[` start an exclusive or inclusive member. Returns null when either end is invalid.
 */
export function parseLexRange(min: string, max: string): LexRange | null {
  const lo = _parseLexBound(min);
  const hi = _parseLexBound(max);
  if (lo === null || hi === null) return null;
  return { min: lo.bound, max: hi.bound, minex: lo.ex, maxex: hi.ex };
}

/**
 * C's strtod over `s` as a C string (cut at the first NUL): the value and the offset just past what it consumed, 0
 * when nothing could be converted (then the value is 0).
 */
export function strtod(s: string): { value: number; end: number } {
  let i = 0;
  while (i < s.length && _isSpace(s.charCodeAt(i))) i++;
  let sign = 1;
  let j = i;
  if (s[j] === '+' || s[j] === '-') {
    if (s[j] === '-') sign = -1;
    j++;
  }
  const rest = s.slice(j);
  const special = /^(?:(infinity|inf)|nan(\([0-9A-Za-z_]*\))?)/i.exec(rest);
  if (special !== null) {
    return { value: special[1] !== undefined ? sign * Infinity : NaN, end: j + special[0].length };
  }
  const hex = /^0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/.exec(rest);
  if (hex !== null) {
    const digits = (hex[1] ?? '') + (hex[2] ?? hex[3] ?? '');
    const fraction = (hex[2] ?? hex[3] ?? '').length;
    const exponent = hex[4] === undefined ? 0 : Number(hex[4]);
    const mantissa = Number(BigInt(`0x${digits}`));
    return { value: sign * mantissa * 2 ** (exponent - 4 * fraction), end: j + hex[0].length };
  }
  const dec = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(rest);
  if (dec !== null) return { value: sign * Number(dec[0]), end: j + dec[0].length };
  return { value: 0, end: 0 };
}

// --- internal ---

function _isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function _cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

function _parseScoreBound(arg: string): { value: number; ex: boolean } | null {
  const s = _cString(arg);
  const ex = s.charCodeAt(0) === 0x28; // '('
  const text = ex ? s.slice(1) : s;
  const { value, end } = strtod(text);
  if (end !== text.length) return null;
  return Number.isNaN(value) ? null : { value, ex };
}

function _parseLexBound(arg: string): { bound: LexBound; ex: boolean } | null {
  // zslParseLexRangeItem looks at the first two bytes as a C string: `+` or `-` must end there.
  switch (arg.charCodeAt(0)) {
    case 0x2b: // '+'
      return arg.length === 1 || arg.charCodeAt(1) === 0 ? { bound: _MAX, ex: true } : null;
    case 0x2d: // '-'
      return arg.length === 1 || arg.charCodeAt(1) === 0 ? { bound: _MIN, ex: true } : null;
    case 0x28: // '('
      return { bound: { kind: 'value', value: arg.slice(1) }, ex: true };
    case 0x5b: // '['
      return { bound: { kind: 'value', value: arg.slice(1) }, ex: false };
    default:
      return null;
  }
}

const _MIN: LexBound = { kind: '-' };
const _MAX: LexBound = { kind: '+' };
