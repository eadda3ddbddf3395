// Members in insertion order with stable scan cursors, for hashtable-encoded sets and skiplist-encoded sorted sets:
// a dense array with tombstones for removed members, an index from member to position, and per-position sequence
// numbers that survive compaction, so a member present for a whole SSCAN/ZSCAN iteration is returned exactly once.

/** One scan step's members and the next cursor (0 when done). */
export interface ScanTablePage {
  readonly cursor: number;
  readonly members: string[];
}

/** Members in insertion order, with O(1) add, remove and random pick, and cursor scans. */
export class ScanTable {
  private index = new Map<string, number>();
  private order: (string | undefined)[] = [];
  private seqs: number[] = [];
  private nextSeq = 1;
  private tombstones = 0;

  /** Number of members. */
  get size(): number {
    return this.index.size;
  }

  /** Whether a member is present. */
  has(member: string): boolean {
    return this.index.has(member);
  }

  /** Appends a member; false if it was already present. */
  add(member: string): boolean {
    if (this.index.has(member)) return false;
    this.index.set(member, this.order.length);
    this.order.push(member);
    this.seqs.push(this.nextSeq++);
    return true;
  }

  /** Removes a member; false if it was absent. */
  remove(member: string): boolean {
    const at = this.index.get(member);
    if (at === undefined) return false;
    this.index.delete(member);
    this.order[at] = undefined;
    this.tombstones++;
    if (this.index.size === 0) {
      this.order = [];
      this.seqs = [];
      this.tombstones = 0;
    } else if (this.tombstones > 16 && this.tombstones * 2 > this.order.length) {
      this._compact();
    }
    return true;
  }

  /** A uniformly chosen member of a non-empty table. */
  random(random: () => number): string {
    // At most half the slots are tombstones (or only a few), so this takes two tries on average.
    for (;;) {
      const member = this.order[Math.floor(random() * this.order.length)];
      if (member !== undefined) return member;
    }
  }

  /** The members in insertion order. */
  toArray(): string[] {
    if (this.tombstones === 0) return this.order.slice() as string[];
    const out: string[] = [];
    for (const m of this.order) if (m !== undefined) out.push(m);
    return out;
  }

  /** Iterates the members in insertion order. */
  *values(): IterableIterator<string> {
    for (const m of this.order) if (m !== undefined) yield m;
  }

  /** Visits up to `count` members from `cursor` (0 starts). */
  scan(cursor: number, count: number): ScanTablePage {
    const members: string[] = [];
    const n = this.order.length;
    let i = _lowerBound(this.seqs, cursor);
    for (; i < n && members.length < count; i++) {
      const m = this.order[i];
      if (m !== undefined) members.push(m);
    }
    while (i < n && this.order[i] === undefined) i++;
    return { cursor: i < n ? this.seqs[i]! : 0, members };
  }

  /** A copy with fresh cursors. */
  clone(): ScanTable {
    const copy = new ScanTable();
    for (const m of this.order) if (m !== undefined) copy.add(m);
    return copy;
  }

  /** Drops tombstones; sequence numbers (so cursors) stay, only positions move. */
  private _compact(): void {
    const order: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const m = this.order[i];
      if (m === undefined) continue;
      this.index.set(m, order.length);
      order.push(m);
      seqs.push(this.seqs[i]!);
    }
    this.order = order;
    this.seqs = seqs;
    this.tombstones = 0;
  }
}

// --- internal ---

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
