// The ordered half of a sorted set: a skiplist ordered by (score, member bytes) whose links carry spans, so rank
// lookups and rank ranges cost O(log n), like Redis's zskiplist (t_zset.c). Members are latin1 strings, so JS string
// comparison is Redis's byte comparison (sdscmp). Levels are drawn with p = 1/4 up to 32 from an injected generator.

/** Redis's ZSKIPLIST_MAXLEVEL. */
export const SKIPLIST_MAX_LEVEL = 32;
/** Redis's ZSKIPLIST_P: the chance that a node reaches the next level. */
export const SKIPLIST_P = 0.25;

/** An interval of scores; `minex`/`maxex` make an end exclusive (zrangespec). */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minex: boolean;
  readonly maxex: boolean;
}

/** One end of a lexicographic interval: `-` (below everything), `+` (above everything) or a member (zlexrangespec). */
export type LexBound =
  { readonly kind: '-' } | { readonly kind: '+' } | { readonly kind: 'value'; readonly value: string };

/** An interval of members for BYLEX ranges; `minex`/`maxex` make an end exclusive. */
export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
  readonly minex: boolean;
  readonly maxex: boolean;
}

/** One element of the skiplist. */
export class SkipNode {
  /** The previous node on level 0, null for the first. */
  backward: SkipNode | null = null;
  /** The next node on each level this node reaches. */
  readonly forward: (SkipNode | null)[];
  /** How many level-0 steps each forward link skips. */
  readonly span: number[];

  constructor(
    public score: number,
    readonly member: string,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }

  /** The next node in order (level 0), or null for the last. */
  get next(): SkipNode | null {
    return this.forward[0]!;
  }
}

/** A skiplist of (score, member) pairs; callers guarantee that a member appears at most once. */
export class SkipList {
  /** Number of elements. */
  length = 0;
  /** The highest level in use. */
  level = 1;
  /** The last node, or null when empty. */
  tail: SkipNode | null = null;
  private readonly header = new SkipNode(0, '', SKIPLIST_MAX_LEVEL);

  constructor(private readonly random: () => number) {}

  /** The first node, or null when empty. */
  get first(): SkipNode | null {
    return this.header.forward[0]!;
  }

  /** Inserts a member that is not yet present (zslInsert); returns its node. */
  insert(score: number, member: string): SkipNode {
    const update = _update;
    const rank = _rank;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      for (let f = x.forward[i]!; f !== null && _before(f, score, member); f = x.forward[i]!) {
        rank[i]! += x.span[i]!;
        x = f;
      }
      update[i] = x;
    }
    const level = this._randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(score, member, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.forward[i] = u.forward[i]!;
      u.forward[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    const after = node.forward[0]!;
    if (after !== null) after.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Removes the element with this score and member (zslDelete); returns whether it was there. */
  delete(score: number, member: string): boolean {
    const x = this._findPredecessors(score, member).forward[0]!;
    if (x === null || x.score !== score || x.member !== member) return false;
    this._unlink(x, _update);
    return true;
  }

  /**
   * Moves an existing element to a new score (zslUpdateScore): in place when its position does not change, else by
   * removing and re-inserting it. Returns the element's node.
   */
  updateScore(current: number, member: string, score: number): SkipNode {
    const x = this._findPredecessors(current, member).forward[0]!;
    if (x === null || x.score !== current || x.member !== member) throw new Error('skiplist: element not found');
    const prev = x.backward;
    const next = x.forward[0]!;
    if ((prev === null || prev.score < score) && (next === null || next.score > score)) {
      x.score = score;
      return x;
    }
    this._unlink(x, _update);
    return this.insert(score, member);
  }

  /** The 1-based rank of an element, or 0 when it is not there (zslGetRank). */
  rankOf(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (
        let f = x.forward[i]!;
        f !== null && (_before(f, score, member) || (f.score === score && f.member === member));
        f = x.forward[i]!
      ) {
        rank += x.span[i]!;
        x = f;
      }
      if (x !== this.header && x.member === member) return rank;
    }
    return 0;
  }

  /** The node at a 1-based rank, or null when out of range (zslGetElementByRank). */
  byRank(rank: number): SkipNode | null {
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && traversed + x.span[i]! <= rank; f = x.forward[i]!) {
        traversed += x.span[i]!;
        x = f;
      }
      if (traversed === rank) return x === this.header ? null : x;
    }
    return null;
  }

  /** The first node whose score is in range, or null (zslFirstInRange). */
  firstInRange(range: ScoreRange): SkipNode | null {
    if (!this._intersects(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && !scoreGteMin(f.score, range); f = x.forward[i]!) x = f;
    }
    const first = x.forward[0]!;
    return first !== null && scoreLteMax(first.score, range) ? first : null;
  }

  /** The last node whose score is in range, or null (zslLastInRange). */
  lastInRange(range: ScoreRange): SkipNode | null {
    if (!this._intersects(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && scoreLteMax(f.score, range); f = x.forward[i]!) x = f;
    }
    return x !== this.header && scoreGteMin(x.score, range) ? x : null;
  }

  /** The first node whose member is in the lexicographic range, or null (zslFirstInLexRange). */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this._intersectsLex(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && !lexGteMin(f.member, range); f = x.forward[i]!) x = f;
    }
    const first = x.forward[0]!;
    return first !== null && lexLteMax(first.member, range) ? first : null;
  }

  /** The last node whose member is in the lexicographic range, or null (zslLastInLexRange). */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this._intersectsLex(range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && lexLteMax(f.member, range); f = x.forward[i]!) x = f;
    }
    return x !== this.header && lexGteMin(x.member, range) ? x : null;
  }

  /**
   * The first node in order whose member is at least the range's minimum, if it is also within the maximum: the
   * linear scan of a listpack (zzlFirstInLexRange), which differs from the skiplist descent when members with
   * different scores are not in lexicographic order.
   */
  firstInLexRangeByScan(range: LexRange): SkipNode | null {
    if (!this._intersectsLex(range)) return null;
    for (let n = this.first; n !== null; n = n.forward[0]!) {
      if (lexGteMin(n.member, range)) return lexLteMax(n.member, range) ? n : null;
    }
    return null;
  }

  /** The last node whose member is within the maximum, if also at least the minimum (zzlLastInLexRange). */
  lastInLexRangeByScan(range: LexRange): SkipNode | null {
    if (!this._intersectsLex(range)) return null;
    for (let n = this.tail; n !== null; n = n.backward) {
      if (lexLteMax(n.member, range)) return lexGteMin(n.member, range) ? n : null;
    }
    return null;
  }

  /** Removes the run of members within the maximum that starts at firstInLexRangeByScan (zzlDeleteRangeByLex). */
  deleteRangeByLexByScan(range: LexRange, removed: (member: string) => void): number {
    let n = this.firstInLexRangeByScan(range);
    let count = 0;
    while (n !== null && lexLteMax(n.member, range)) {
      const next = n.forward[0]!;
      this.delete(n.score, n.member);
      removed(n.member);
      count++;
      n = next;
    }
    return count;
  }

  /** Removes every element with a score in range, calling `removed` for each (zslDeleteRangeByScore). */
  deleteRangeByScore(range: ScoreRange, removed: (member: string) => void): number {
    return this._deleteRange(
      (n) => scoreGteMin(n.score, range),
      (n) => scoreLteMax(n.score, range),
      removed,
    );
  }

  /** Removes every element whose member is in the lexicographic range (zslDeleteRangeByLex). */
  deleteRangeByLex(range: LexRange, removed: (member: string) => void): number {
    return this._deleteRange(
      (n) => lexGteMin(n.member, range),
      (n) => lexLteMax(n.member, range),
      removed,
    );
  }

  /** Removes the elements with 1-based ranks start..end inclusive (zslDeleteRangeByRank). */
  deleteRangeByRank(start: number, end: number, removed: (member: string) => void): number {
    const update = _update;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && traversed + x.span[i]! < start; f = x.forward[i]!) {
        traversed += x.span[i]!;
        x = f;
      }
      update[i] = x;
    }
    traversed++;
    let n = x.forward[0]!;
    let count = 0;
    while (n !== null && traversed <= end) {
      const next = n.forward[0]!;
      this._unlink(n, update);
      removed(n.member);
      count++;
      traversed++;
      n = next;
    }
    return count;
  }

  /** Every node in order. */
  *nodes(): IterableIterator<SkipNode> {
    for (let n = this.first; n !== null; n = n.forward[0]!) yield n;
  }

  /** Checks the structural invariants (order, spans, back links, length); returns a description of the first breach. */
  check(): string | null {
    let count = 0;
    let prev: SkipNode | null = null;
    for (let n = this.first; n !== null; n = n.forward[0]!) {
      if (n.backward !== prev) return `bad backward link at ${JSON.stringify(n.member)}`;
      if (prev !== null && !_before(prev, n.score, n.member)) return `out of order at ${JSON.stringify(n.member)}`;
      prev = n;
      count++;
    }
    if (count !== this.length) return `length ${this.length} but ${count} nodes`;
    if (this.tail !== prev) return 'bad tail';
    for (let i = 0; i < this.level; i++) {
      let rank = 0;
      let x: SkipNode = this.header;
      for (let f = x.forward[i]!; f !== null; f = x.forward[i]!) {
        rank += x.span[i]!;
        if (this.rankOf(f.score, f.member) !== rank) return `bad span on level ${i} before ${JSON.stringify(f.member)}`;
        x = f;
      }
    }
    return null;
  }

  // --- internal ---

  /** zslRandomLevel: each extra level with probability 1/4, at most 32. */
  private _randomLevel(): number {
    let level = 1;
    while (level < SKIPLIST_MAX_LEVEL && this.random() < SKIPLIST_P) level++;
    return level;
  }

  /** Fills `_update` with each level's last node before (score, member) and returns the level-0 one. */
  private _findPredecessors(score: number, member: string): SkipNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && _before(f, score, member); f = x.forward[i]!) x = f;
      _update[i] = x;
    }
    return x;
  }

  /** zslDeleteNode: unlinks `x` given each level's predecessor in `update`. */
  /** Unlinks the run of elements from the first one `aboveMin` accepts while `belowMax` accepts them. */
  private _deleteRange(
    aboveMin: (n: SkipNode) => boolean,
    belowMax: (n: SkipNode) => boolean,
    removed: (member: string) => void,
  ): number {
    const update = _update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]!; f !== null && !aboveMin(f); f = x.forward[i]!) x = f;
      update[i] = x;
    }
    let n = x.forward[0]!;
    let count = 0;
    while (n !== null && belowMax(n)) {
      const next = n.forward[0]!;
      this._unlink(n, update);
      removed(n.member);
      count++;
      n = next;
    }
    return count;
  }

  private _unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.forward[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.forward[i] = x.forward[i]!;
      } else {
        u.span[i]!--;
      }
    }
    const after = x.forward[0]!;
    if (after !== null) after.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** zslIsInRange: whether any element can be in range. */
  private _intersects(range: ScoreRange): boolean {
    if (range.min > range.max || (range.min === range.max && (range.minex || range.maxex))) return false;
    const last = this.tail;
    if (last === null || !scoreGteMin(last.score, range)) return false;
    const first = this.first;
    return first !== null && scoreLteMax(first.score, range);
  }

  /** zslIsInLexRange: whether any element can be in the lexicographic range. */
  private _intersectsLex(range: LexRange): boolean {
    const cmp = compareLexBounds(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.minex || range.maxex))) return false;
    const last = this.tail;
    if (last === null || !lexGteMin(last.member, range)) return false;
    const first = this.first;
    return first !== null && lexLteMax(first.member, range);
  }
}

/** Whether a score is above the range's lower end (zslValueGteMin). */
export function scoreGteMin(score: number, range: ScoreRange): boolean {
  return range.minex ? score > range.min : score >= range.min;
}

/** Whether a score is below the range's upper end (zslValueLteMax). */
export function scoreLteMax(score: number, range: ScoreRange): boolean {
  return range.maxex ? score < range.max : score <= range.max;
}

/** Whether a member is above the range's lower end (zslLexValueGteMin). */
export function lexGteMin(member: string, range: LexRange): boolean {
  const cmp = _compareToBound(member, range.min);
  return range.minex ? cmp > 0 : cmp >= 0;
}

/** Whether a member is below the range's upper end (zslLexValueLteMax). */
export function lexLteMax(member: string, range: LexRange): boolean {
  const cmp = _compareToBound(member, range.max);
  return range.maxex ? cmp < 0 : cmp <= 0;
}

/** Compares two bounds as sdscmplex does: `-` is below and `+` above every string, and equal to itself. */
export function compareLexBounds(a: LexBound, b: LexBound): number {
  if (a.kind === b.kind && a.kind !== 'value') return 0;
  if (a.kind === '-' || b.kind === '+') return -1;
  if (a.kind === '+' || b.kind === '-') return 1;
  return _compare(a.value, (b as { value: string }).value);
}

// --- internal ---

/** Scratch arrays for the per-level predecessors and ranks of one operation (never held across calls). */
const _update: SkipNode[] = new Array<SkipNode>(SKIPLIST_MAX_LEVEL);
const _rank: number[] = new Array<number>(SKIPLIST_MAX_LEVEL).fill(0);

/** Whether node `n` sorts before (score, member). */
function _before(n: SkipNode, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

function _compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function _compareToBound(member: string, bound: LexBound): number {
  if (bound.kind === '-') return 1;
  if (bound.kind === '+') return -1;
  return _compare(member, bound.value);
}
