// The set value (t_set.c, intset.c): an 'intset' — a sorted array of 64-bit integers that grows its element width
// and never narrows it — while every member is the canonical decimal form of an int64 and there are at most
// set-max-intset-entries of them; otherwise a 'hashtable', for good (Redis 7.0 has no listpack sets and never
// converts back). Members are latin1 strings like all data in the core.
//
// The hashtable keeps members in insertion order (Redis's order is its dict's hash order, which depends on a random
// per-process seed, so no order could match it) with O(1) add, remove and random pick, and scan cursors that are
// sequence numbers: a member present for a whole SSCAN is returned, as dictScan guarantees.

import { parseInt64 } from '../args.js';
import { encodeIntset, intsetWidthFor, type IntsetWidth } from '../persistence/intset.js';
import type { CollectionValue } from '../values.js';
import { ScanTable } from './scan-table.js';

/** set-max-intset-entries' default. */
export const SET_MAX_INTSET_ENTRIES_DEFAULT = 512;

/** The most entries an intset may hold whatever set-max-intset-entries says (setTypeAdd's 1G cap). */
export const SET_MAX_INTSET_ENTRIES_CAP = 1 << 30;

/** One SSCAN step's result. */
export interface SetScanPage {
  /** The next cursor, 0 when the iteration is complete. */
  cursor: number;
  members: string[];
}

/** A Redis set value. */
export class RedisSet implements CollectionValue {
  readonly type = 'set' as const;
  /** The intset's elements (first `intCount` used), or null once the set is a hashtable. */
  private ints: BigInt64Array | null;
  private intCount = 0;
  /** The intset's element width: grows with the values added, never shrinks (intsetUpgradeAndAdd). */
  private width: IntsetWidth = 2;
  private table: ScanTable | null = null;

  private constructor(intset: boolean) {
    this.ints = intset ? new BigInt64Array(4) : null;
    if (!intset) this.table = new ScanTable();
  }

  /** An empty set that can hold `firstMember`: an intset for an integer, else a hashtable (setTypeCreate). */
  static createFor(firstMember: string): RedisSet {
    return new RedisSet(parseInt64(firstMember) !== null);
  }

  /** An empty intset-encoded set, which the first non-integer member turns into a hashtable (createIntsetObject). */
  static emptyIntset(): RedisSet {
    return new RedisSet(true);
  }

  /** An empty hashtable-encoded set (createSetObject). */
  static emptyHashtable(): RedisSet {
    return new RedisSet(false);
  }

  /**
   * An intset-encoded set holding `values` (sorted ascending, distinct) at `width`, as read from an intset blob;
   * converted to a hashtable when it has more than `maxIntsetEntries` members, as rdbLoadObject does.
   */
  static fromIntset(values: BigInt64Array, width: IntsetWidth, maxIntsetEntries: number): RedisSet {
    const set = new RedisSet(true);
    set.ints = values;
    set.intCount = values.length;
    set.width = width;
    if (set.intCount > maxIntsetEntries) set._convertToHashtable();
    return set;
  }

  /** What OBJECT ENCODING reports. */
  get encoding(): 'intset' | 'hashtable' {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  /** The intset's element width (2, 4 or 8 bytes); meaningful while the set is an intset. */
  get intsetWidth(): IntsetWidth {
    return this.width;
  }

  /** The number of members (SCARD). */
  get size(): number {
    return this.ints !== null ? this.intCount : this.table!.size;
  }

  /** Whether `member` belongs to the set (setTypeIsMember). */
  has(member: string): boolean {
    if (this.ints === null) return this.table!.has(member);
    const v = parseInt64(member);
    return v !== null && this._find(v) >= 0;
  }

  /**
   * Adds a member; returns false when it was already there (setTypeAdd). An intset turns into a hashtable for a
   * member that is not a canonical int64, or when it would exceed `maxIntsetEntries` (capped at 2^30).
   */
  add(member: string, maxIntsetEntries: number): boolean {
    if (this.ints === null) return this.table!.add(member);
    const v = parseInt64(member);
    if (v === null) {
      this._convertToHashtable();
      this.table!.add(member);
      return true;
    }
    const at = this._find(v);
    if (at >= 0) return false;
    this._insertAt(-at - 1, v);
    if (this.intCount > Math.min(maxIntsetEntries, SET_MAX_INTSET_ENTRIES_CAP)) this._convertToHashtable();
    return true;
  }

  /** Removes a member; returns whether it was there (setTypeRemove). The encoding never changes back. */
  remove(member: string): boolean {
    if (this.ints === null) return this.table!.remove(member);
    const v = parseInt64(member);
    if (v === null) return false;
    const at = this._find(v);
    if (at < 0) return false;
    const ints = this.ints;
    ints.copyWithin(at, at + 1, this.intCount);
    this.intCount--;
    return true;
  }

  /** A uniformly chosen member of a non-empty set (setTypeRandomElement); `random` returns [0, 1). */
  randomMember(random: () => number): string {
    if (this.ints !== null) return String(this.ints[Math.floor(random() * this.intCount)]!);
    return this.table!.random(random);
  }

  /** Every member in the set's iteration order: ascending for an intset, insertion order for a hashtable. */
  toArray(): string[] {
    if (this.ints === null) return this.table!.toArray();
    const out = new Array<string>(this.intCount);
    for (let i = 0; i < this.intCount; i++) out[i] = String(this.ints[i]!);
    return out;
  }

  /** Iterates the members in the set's iteration order. */
  *members(): IterableIterator<string> {
    if (this.ints === null) {
      yield* this.table!.values();
      return;
    }
    for (let i = 0; i < this.intCount; i++) yield String(this.ints[i]!);
  }

  /**
   * One SSCAN step. An intset answers everything at once with cursor 0, whatever the cursor, as scanGenericCommand
   * does for non-hashtable encodings; a hashtable visits about `count` members from `cursor`.
   */
  scan(cursor: number, count: number): SetScanPage {
    if (this.ints !== null) return { cursor: 0, members: this.toArray() };
    return this.table!.scan(cursor, count);
  }

  /** The intset blob (RDB_TYPE_SET_INTSET's payload); only for an intset-encoded set. */
  intsetBlob(): Buffer {
    if (this.ints === null) throw new Error('intsetBlob() on a hashtable-encoded set');
    return encodeIntset(this.ints, this.intCount, this.width);
  }

  /** A deep copy with the same encoding (and intset width), for COPY (setTypeDup). */
  clone(): RedisSet {
    const copy = new RedisSet(this.ints !== null);
    if (this.ints !== null) {
      copy.ints = this.ints.slice(0, Math.max(4, this.intCount));
      copy.intCount = this.intCount;
      copy.width = this.width;
    } else {
      copy.table = this.table!.clone();
    }
    return copy;
  }

  // --- internal ---

  /** Binary search: the index of `v`, or -(insertion point) - 1 (intsetSearch). */
  private _find(v: bigint): number {
    const ints = this.ints!;
    let lo = 0;
    let hi = this.intCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = ints[mid]!;
      if (x < v) lo = mid + 1;
      else if (x > v) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  private _insertAt(at: number, v: bigint): void {
    let ints = this.ints!;
    if (this.intCount === ints.length) {
      const grown = new BigInt64Array(ints.length * 2);
      grown.set(ints);
      this.ints = ints = grown;
    }
    ints.copyWithin(at + 1, at, this.intCount);
    ints[at] = v;
    this.intCount++;
    const w = intsetWidthFor(v);
    if (w > this.width) this.width = w;
  }

  /** setTypeConvert: the hashtable gets the integers in ascending order. */
  private _convertToHashtable(): void {
    const table = new ScanTable();
    for (let i = 0; i < this.intCount; i++) table.add(String(this.ints![i]!));
    this.table = table;
    this.ints = null;
    this.intCount = 0;
  }
}
