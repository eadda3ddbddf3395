// Command family — SORT and SORT_RO (sort.c): sorting lists, sets and sorted sets numerically or by bytes, by their
// own elements or by weights looked up through `*` patterns (with `->field` for hashes), LIMIT, GET patterns, and
// STORE into a list.
//
// ALPHA compares like Redis under a C or C.UTF-8 locale (Debian's default): byte order. Without STORE, Redis uses
// strcoll, which stops at the first NUL byte, so elements equal up to a NUL tie (and keep their input order); with
// STORE it compares whole strings. Not reproduced: Redis reads errno without clearing it before its strtod, so after
// some earlier command left ERANGE behind, a numeric SORT of non-integer elements fails until something clears it.

import { parseInt64 } from '../args.js';
import type { ClientSession } from '../client-session.js';
import type { CommandFamily } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { NIL, array, bulk, error, integer, type Reply } from '../../protocol/reply.js';
import { cKeyword, readValue } from '../strings/lookup.js';
import type { HashValue } from '../types/hash.js';
import { DEFAULT_LIST_FILL, ListValue } from '../types/list.js';
import type { RedisSet } from '../types/set.js';
import { strtod, type SortedSet } from '../types/zset.js';

/** The SORT family's handlers by command name. */
export const sortCommands: CommandFamily = {
  sort: (c, args) => _sort(c, args, false),
  sort_ro: (c, args) => _sort(c, args, true),
};

/**
 * Looks up the value a SORT pattern names for an element (lookupKeyByPattern): `#` is the element itself; otherwise
 * the first `*` is replaced by the element and the key read as a string, or, with `->field` after the `*`, the
 * field of the hash at that key. Undefined when the pattern has no `*` or nothing is there.
 */
export function lookupByPattern(c: ClientSession, pattern: string, element: string): string | undefined {
  // The pattern is searched as a C string (up to its first NUL), but what follows is used whole.
  if (pattern.charCodeAt(0) === 0x23 && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return element;
  const nul = pattern.indexOf('\0');
  const searchable = nul === -1 ? pattern : pattern.slice(0, nul);
  const star = searchable.indexOf('*');
  if (star === -1) return undefined;
  const arrow = searchable.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < pattern.length && pattern.charCodeAt(arrow + 2) !== 0;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const v = readValue(c, key);
  if (v === undefined) return undefined;
  if (hasField)
    return typeof v !== 'string' && v.type === 'hash' ? (v as HashValue).get(pattern.slice(arrow + 2)) : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A SORT weight as sortCommandGeneric reads it with strtod: the number, or null when Redis rejects it. */
export function parseSortScore(s: string): number | null {
  const { value, end } = strtod(s);
  // Nothing converted leaves strtod's end pointer at the start: fine only for an empty C string.
  if (end === 0) return s.length === 0 || s.charCodeAt(0) === 0 ? 0 : null;
  if (end < s.length && s.charCodeAt(end) !== 0) return null;
  if (Number.isNaN(value)) return null;
  const text = s.slice(0, end);
  if (!Number.isFinite(value)) return /^\s*[+-]?inf/i.test(text) ? value : null; // overflow is ERANGE
  if (Math.abs(value) < _MIN_NORMAL && !_exactTiny(text, value)) return null; // so is an inexact underflow
  return value;
}

/**
 * Sorts only enough of `items` that positions `lrange`..`rrange` hold what a full sort would put there: the
 * Bentley-McIlroy quicksort of Redis's pqsort.c, step for step, because it is not stable and elements that compare
 * equal (ALPHA by a pattern) come out in the order its swaps leave them.
 */
export function partialQuickSort<T>(items: T[], compare: (a: T, b: T) => number, lrange: number, rrange: number): void {
  _pqsort(items, 0, items.length, compare, lrange, rrange);
}

// --- internal ---

const _MIN_NORMAL = 2.2250738585072014e-308;

const _ERRORS = {
  scores: error("ERR One or more scores can't be converted into double"),
  byInCluster: error('ERR BY option of SORT denied in Cluster mode.'),
  getInCluster: error('ERR GET option of SORT denied in Cluster mode.'),
};

/** One element being sorted: the element, and its numeric weight or the string it is compared by. */
interface _Item {
  readonly obj: string;
  score: number;
  cmp: string | null;
}

type _Compare = (a: _Item, b: _Item) => number;

function _sort(c: ClientSession, args: string[], readonly: boolean): Reply {
  let desc = false;
  let alpha = false;
  let limitStart = 0n;
  let limitCount = -1n;
  let sortBy: string | null = null;
  let store: string | null = null;
  let dontSort = false;
  const gets: string[] = [];
  const cluster = c.node.mode === 'cluster';
  for (let j = 2; j < args.length; j++) {
    const left = args.length - j - 1;
    const option = cKeyword(args[j]!);
    if (option === 'asc') desc = false;
    else if (option === 'desc') desc = true;
    else if (option === 'alpha') alpha = true;
    else if (option === 'limit' && left >= 2) {
      limitStart = parseInt64(args[j + 1]!) ?? fail(Errors.notInteger());
      limitCount = parseInt64(args[j + 2]!) ?? fail(Errors.notInteger());
      j += 2;
    } else if (!readonly && option === 'store' && left >= 1) {
      store = args[++j]!;
    } else if (option === 'by' && left >= 1) {
      sortBy = args[++j]!;
      // A pattern without `*` names the same weight for every element: nothing to sort (and a later BY with a `*`
      // does not undo that, as in Redis).
      if (!_cString(sortBy).includes('*')) dontSort = true;
      else if (cluster) fail(_ERRORS.byInCluster);
    } else if (option === 'get' && left >= 1) {
      if (cluster) fail(_ERRORS.getInCluster);
      gets.push(args[++j]!);
    } else fail(Errors.syntax());
  }

  const value = readValue(c, args[1]!);
  if (value !== undefined && (typeof value === 'string' || !_SORTABLE.has(value.type))) fail(Errors.wrongType());
  const type = value === undefined ? 'list' : (value.type as 'list' | 'set' | 'zset');
  // An unsorted set would be stored in its hash order, which differs between replicas: Redis sorts it instead.
  if (dontSort && type === 'set' && store !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  // Redis converts a listpack sorted set for good, even for SORT_RO.
  if (type === 'zset') (value as SortedSet).convertToSkiplist();
  let vectorLen = value === undefined ? 0 : _sizeOf(value as ListValue | RedisSet | SortedSet);

  // LIMIT, clamped to the collection the way sortCommandGeneric does it.
  let start = Number(_clamp(limitStart, 0n, BigInt(vectorLen)));
  const count = Number(_clamp(limitCount, -1n, BigInt(vectorLen)));
  let end = count < 0 ? vectorLen - 1 : start + count - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;
  if ((type === 'zset' || type === 'list') && dontSort && (start !== 0 || end !== vectorLen - 1)) {
    vectorLen = end - start + 1;
  }

  let vector: _Item[];
  if (value === undefined) vector = [];
  else if (type === 'list' && dontSort) {
    // The requested range only, in list order (from the tail for DESC).
    vector = [];
    if (end >= start) {
      const list = value as ListValue;
      let skip = start;
      list.scan(!desc, (element) => {
        if (skip > 0) {
          skip--;
          return true;
        }
        vector.push(_item(element));
        return vector.length < vectorLen;
      });
      end -= start;
      start = 0;
    }
  } else if (type === 'list') vector = Array.from((value as ListValue).values(), _item);
  else if (type === 'set') vector = Array.from((value as RedisSet).members(), _item);
  else if (dontSort) {
    // The requested range of the sorted set in its own order (from the highest score for DESC).
    const zset = value as SortedSet;
    vector = [];
    let node = desc ? zset.atRank(zset.size - 1 - start) : zset.atRank(start);
    for (let n = 0; n < vectorLen && node !== null; n++) {
      vector.push(_item(node.member));
      node = desc ? node.backward : node.next;
    }
    end -= start;
    start = 0;
  } else vector = Array.from((value as SortedSet).nodes(), (node) => _item(node.member));

  let badScore = false;
  if (!dontSort) {
    for (const item of vector) {
      const by = sortBy === null ? item.obj : lookupByPattern(c, sortBy, item.obj);
      if (by === undefined) continue;
      if (alpha) {
        if (sortBy !== null) item.cmp = by;
      } else {
        const score = parseSortScore(by);
        if (score === null) badScore = true;
        else item.score = score;
      }
    }
    const compare = _comparator(alpha, sortBy !== null, store !== null, desc);
    if (sortBy !== null && (start !== 0 || end !== vector.length - 1)) partialQuickSort(vector, compare, start, end);
    else vector.sort(compare); // glibc's qsort is a stable merge sort, as Array#sort is
  }

  const outputLen = gets.length > 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (badScore) return fail(_ERRORS.scores);
  if (store === null) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      const element = vector[j]!.obj;
      if (gets.length === 0) out.push(bulk(element));
      for (const pattern of gets) {
        const found = lookupByPattern(c, pattern, element);
        out.push(found === undefined ? NIL : bulk(found));
      }
    }
    return array(out);
  }
  // createQuicklistObject: the stored list has the default node size and no compression, whatever the config says.
  const list = new ListValue(DEFAULT_LIST_FILL, 0);
  for (let j = start; j <= end; j++) {
    const element = vector[j]!.obj;
    if (gets.length === 0) list.push(element, 'tail');
    for (const pattern of gets) list.push(lookupByPattern(c, pattern, element) ?? '', 'tail');
  }
  if (outputLen > 0) {
    c.db.set(store, list);
    c.node.notify('l', 'sortstore', store, c.db.id);
    c.node.dirty += outputLen;
  } else if (c.db.delete(store)) {
    c.node.notify('g', 'del', store, c.db.id);
    c.node.dirty++;
  }
  return integer(outputLen);
}

const _SORTABLE = new Set(['list', 'set', 'zset']);

function _item(obj: string): _Item {
  return { obj, score: 0, cmp: null };
}

function _sizeOf(value: ListValue | RedisSet | SortedSet): number {
  return value instanceof ListValue ? value.length : value.size;
}

function _clamp(v: bigint, min: bigint, max: bigint): bigint {
  return v < min ? min : v > max ? max : v;
}

function _cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/** sortCompare for the given options, DESC negating every outcome (ties broken by the element included). */
function _comparator(alpha: boolean, byPattern: boolean, storing: boolean, desc: boolean): _Compare {
  let compare: _Compare;
  if (!alpha) {
    compare = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : _binary(a.obj, b.obj));
  } else if (byPattern) {
    const strings = storing ? _binary : _collate;
    compare = (a, b) => {
      if (a.cmp === null || b.cmp === null) return a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
      return strings(a.cmp, b.cmp);
    };
  } else {
    const strings = storing ? _binary : _collate;
    compare = (a, b) => strings(a.obj, b.obj);
  }
  return desc ? (a, b) => -compare(a, b) : compare;
}

/** compareStringObjects: bytes, then length. */
function _binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: bytes up to the first NUL of either string. */
function _collate(a: string, b: string): number {
  return _binary(_cString(a), _cString(b));
}

/** Whether a tiny (subnormal or zero) strtod result is exact, which is when glibc does not report ERANGE. */
function _exactTiny(text: string, value: number): boolean {
  const body = text.trim().replace(/^[+-]/, '');
  // Zero is exact only from an all-zero mantissa (and this spares a power of ten as large as the exponent).
  if (value === 0) return !/[1-9a-fA-F]/.test(body.replace(/[eEpP].*$/, '').replace(/^0[xX]/, ''));
  const units = BigInt(Math.abs(value) / 2 ** -1074); // the value in steps of the smallest subnormal
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(body);
  if (hex !== null) {
    const digits = BigInt(`0x0${hex[1] ?? ''}${hex[2] ?? ''}`);
    const shift = Number(hex[3] ?? '0') - 4 * (hex[2] ?? '').length + 1074;
    return shift >= 0 ? digits << BigInt(shift) === units : digits === units << BigInt(-shift);
  }
  const dec = /^([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(body);
  if (dec === null) return false;
  const digits = BigInt(`0${dec[1] ?? ''}${dec[2] ?? ''}`);
  const exponent = Number(dec[3] ?? '0') - (dec[2] ?? '').length;
  // digits * 10^exponent == units * 2^-1074
  if (exponent >= 0) return digits * 10n ** BigInt(exponent) * 2n ** 1074n === units;
  return digits * 2n ** 1074n === units * 10n ** BigInt(-exponent);
}

function _pqsort<T>(
  a: T[],
  base: number,
  n: number,
  cmp: (x: T, y: T) => number,
  lrange: number,
  rrange: number,
): void {
  const swap = (i: number, j: number): void => {
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  };
  const vecswap = (i: number, j: number, len: number): void => {
    for (let k = 0; k < len; k++) swap(i + k, j + k);
  };
  const med3 = (x: number, y: number, z: number): number =>
    cmp(a[x]!, a[y]!) < 0
      ? cmp(a[y]!, a[z]!) < 0
        ? y
        : cmp(a[x]!, a[z]!) < 0
          ? z
          : x
      : cmp(a[y]!, a[z]!) > 0
        ? y
        : cmp(a[x]!, a[z]!) < 0
          ? x
          : z;
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) {
        for (let pl = pm; pl > base && cmp(a[pl - 1]!, a[pl]!) > 0; pl--) swap(pl, pl - 1);
      }
      return;
    }
    let pm = base + (n >> 1);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = n >> 3;
        pl = med3(pl, pl + d, pl + 2 * d);
        pm = med3(pm - d, pm, pm + d);
        pn = med3(pn - 2 * d, pn - d, pn);
      }
      pm = med3(pl, pm, pn);
    }
    swap(base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(a[pb]!, a[base]!)) <= 0) {
        if (r === 0) swap(pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(a[pc]!, a[base]!)) >= 0) {
        if (r === 0) swap(pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(pb++, pc--);
    }
    const pn = base + n;
    let s = Math.min(pa - base, pb - pa);
    if (s > 0) vecswap(base, pb - s, s);
    s = Math.min(pd - pc, pn - pd - 1);
    if (s > 0) vecswap(pb, pn - s, s);
    // Recurse into the left part and loop on the right one, skipping parts that hold none of lrange..rrange.
    const leftLen = pb - pa;
    if (leftLen > 1 && !_outside(base, base + leftLen - 1, lrange, rrange)) {
      _pqsort(a, base, leftLen, cmp, lrange, rrange);
    }
    const rightLen = pd - pc;
    if (rightLen <= 1) return;
    base = pn - rightLen;
    n = rightLen;
    if (_outside(base, base + n - 1, lrange, rrange)) return;
  }
}

/** Whether the part first..last lies wholly before or wholly after lrange..rrange. */
function _outside(first: number, last: number, lrange: number, rrange: number): boolean {
  return (lrange < first && rrange < first) || (lrange > last && rrange > last);
}
