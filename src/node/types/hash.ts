// The hash value type (t_hash.c): field → value with Redis 7.0's two encodings. A hash starts as 'listpack', where
// iteration follows insertion order (an updated field keeps its place, a re-added one goes to the end), and turns
// into 'hashtable' for good once it holds more than hash-max-listpack-entries fields or is given a field or value
// longer than hash-max-listpack-value bytes. Both encodings share one store: a Map for O(1) lookups (its order is the
// listpack order) plus an append-only scan order with tombstones, which gives O(1) random picks and HSCAN cursors
// that return every field present for the whole iteration, whatever else is added or deleted meanwhile.

import type { CollectionValue } from '../values.js';

/** The listpack thresholds of hashes: `hash-max-listpack-entries` and `hash-max-listpack-value`. */
export interface HashLimits {
  readonly maxEntries: number;
  readonly maxValue: number;
}

/** Redis 7.0's defaults, used where no configuration is at hand. */
export const DEFAULT_HASH_LIMITS: HashLimits = { maxEntries: 512, maxValue: 64 };

/** One HSCAN step over a hashtable-encoded hash: the fields visited and the next cursor (0 when done). */
export interface HashScanPage {
  readonly cursor: number;
  readonly fields: string[];
}

/** A hash value (TYPE `hash`). */
export class HashValue implements CollectionValue {
  readonly type = 'hash' as const;
  private listpack = true;
  private readonly slots = new Map<string, _Slot>();
  /** Fields by ascending scan sequence number, `undefined` where one was deleted. */
  private order: (string | undefined)[] = [];
  private orderSeq: number[] = [];
  private tombstones = 0;
  private nextSeq = 1;

  /** A hash holding `entries` in order, with the given encoding (what a loader or COPY builds). */
  static from(entries: Iterable<readonly [string, string]>, listpack = true): HashValue {
    const h = new HashValue();
    h.listpack = listpack;
    for (const [field, value] of entries) h._put(field, value);
    return h;
  }

  /** 'listpack' or 'hashtable' (OBJECT ENCODING). */
  get encoding(): 'listpack' | 'hashtable' {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /** Whether the hash is still listpack-encoded. */
  get isListpack(): boolean {
    return this.listpack;
  }

  /** Number of fields (HLEN). */
  get size(): number {
    return this.slots.size;
  }

  /** The value of a field, or undefined. */
  get(field: string): string | undefined {
    return this.slots.get(field)?.value;
  }

  /** Whether a field exists. */
  has(field: string): boolean {
    return this.slots.has(field);
  }

  /**
   * Sets a field, returning true when it was added and false when it was updated in place (hashTypeSet). A listpack
   * hash converts first when the field or value is too long, and afterwards when it has too many fields.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.listpack && (field.length > limits.maxValue || value.length > limits.maxValue)) this.toHashtable();
    const slot = this.slots.get(field);
    if (slot !== undefined) {
      slot.value = value;
      return false;
    }
    this._put(field, value);
    if (this.listpack && this.slots.size > limits.maxEntries) this.toHashtable();
    return true;
  }

  /**
   * Converts a listpack hash when any of `args[start..]` is longer than the value limit, before a command inserts
   * them (hashTypeTryConversion; Redis looks at every argument, fields and values alike, even ones it will not add).
   */
  convertForArguments(args: readonly string[], start: number, limits: HashLimits): void {
    if (!this.listpack) return;
    for (let i = start; i < args.length; i++) {
      if (args[i]!.length > limits.maxValue) {
        this.toHashtable();
        return;
      }
    }
  }

  /** Deletes a field; returns whether it existed (hashTypeDelete). */
  delete(field: string): boolean {
    const slot = this.slots.get(field);
    if (slot === undefined) return false;
    this.slots.delete(field);
    this.order[_lowerBound(this.orderSeq, slot.seq)] = undefined;
    this.tombstones++;
    if (this.tombstones > 16 && this.tombstones * 2 > this.order.length) this._compact();
    return true;
  }

  /** Switches to the hashtable encoding (hashTypeConvert); there is no way back. */
  toHashtable(): void {
    this.listpack = false;
  }

  /** Field/value pairs in iteration order (listpack order while listpack-encoded). */
  entries(): IterableIterator<[string, string]> {
    return _mapEntries(this.slots.entries());
  }

  /** Fields in iteration order. */
  fields(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** A deep copy with the same encoding and order (hashTypeDup). */
  clone(): HashValue {
    return HashValue.from(this.entries(), this.listpack);
  }

  /** A uniformly random field of a non-empty hash; `random` returns a number in [0, 1). */
  randomField(random: () => number): string {
    const n = this.order.length;
    for (;;) {
      const field = this.order[Math.floor(random() * n)];
      if (field !== undefined) return field;
    }
  }

  /** `count` uniformly random fields of a non-empty hash, repetitions allowed, in random order. */
  randomFields(count: number, random: () => number): string[] {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) out[i] = this.randomField(random);
    return out;
  }

  /**
   * `count` distinct random fields (all of them when `count` >= size). A listpack hash, or one where the sample is a
   * large share of the hash, yields them in iteration order by selection sampling (lpRandomPairsUnique; the CASE 3
   * path of hrandfieldWithCountCommand); otherwise random picks are deduplicated and yielded as drawn (CASE 4).
   */
  distinctRandomFields(count: number, random: () => number): string[] {
    const size = this.slots.size;
    if (count >= size) return [...this.slots.keys()];
    const out: string[] = [];
    if (this.listpack || count * 3 > size) {
      let remaining = count;
      let left = size;
      for (const field of this.slots.keys()) {
        if (random() * left < remaining) {
          out.push(field);
          if (--remaining === 0) break;
        }
        left--;
      }
      return out;
    }
    const seen = new Set<string>();
    while (out.length < count) {
      const field = this.randomField(random);
      if (seen.has(field)) continue;
      seen.add(field);
      out.push(field);
    }
    return out;
  }

  /**
   * One cursor step visiting up to `count` fields from `cursor` (0 starts), for HSCAN over a hashtable. Cursors are
   * scan sequence numbers: every field present from the first call to the last is returned exactly once.
   */
  scan(cursor: number, count: number): HashScanPage {
    const fields: string[] = [];
    const n = this.order.length;
    let i = _lowerBound(this.orderSeq, cursor);
    for (; i < n && fields.length < count; i++) {
      const field = this.order[i];
      if (field !== undefined) fields.push(field);
    }
    while (i < n && this.order[i] === undefined) i++;
    return { cursor: i < n ? this.orderSeq[i]! : 0, fields };
  }

  // --- internal ---

  private _put(field: string, value: string): void {
    const seq = this.nextSeq++;
    this.slots.set(field, { value, seq });
    this.order.push(field);
    this.orderSeq.push(seq);
  }

  /** Drops tombstones; sequence numbers, and so cursors, are unchanged. */
  private _compact(): void {
    const order: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const field = this.order[i];
      if (field !== undefined) {
        order.push(field);
        seqs.push(this.orderSeq[i]!);
      }
    }
    this.order = order;
    this.orderSeq = seqs;
    this.tombstones = 0;
  }
}

interface _Slot {
  value: string;
  readonly seq: number;
}

function* _mapEntries(it: IterableIterator<[string, _Slot]>): IterableIterator<[string, string]> {
  for (const [field, slot] of it) yield [field, slot.value];
}

/** The first index whose value is >= target in an ascending array. */
function _lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
