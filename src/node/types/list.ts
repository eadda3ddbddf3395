// The list value type (quicklist.c, t_list.c). Redis 7.0.15 keeps every list as a quicklist: a doubly linked list of
// listpack nodes, each holding as many elements as `list-max-listpack-size` allows (negative: a byte budget of
// 4/8/16/32/64 KB per node; positive: an element count, capped at 8 KB), and elements of 1 GB or more in "plain"
// nodes of their own. OBJECT ENCODING therefore always answers 'quicklist' (the 'listpack' list encoding arrived in
// 7.2). The node layout is mirrored exactly, node sizes included, because it is visible: RDB and DUMP write one
// listpack per node, and DEBUG OBJECT reports the node count. Push and pop at either end are O(1) amortised (a node
// holds a bounded number of elements); index access walks nodes from the nearer end, as Redis does.

import { listpackEntrySize } from '../persistence/listpack.js';
import type { CollectionValue } from '../values.js';

/** Which end of a list (LIST_HEAD / LIST_TAIL). */
export type ListEnd = 'head' | 'tail';

/** Default `list-max-listpack-size` (quicklistCreate). */
export const DEFAULT_LIST_FILL = -2;

/** One quicklist node as RDB sees it: its elements and whether it is a plain (single huge element) node. */
export interface ListNodeView {
  readonly items: readonly string[];
  readonly plain: boolean;
  /** The node's listpack size in bytes (lpBytes), or the element's size for a plain node. */
  readonly bytes: number;
}

/** A list value (TYPE `list`). */
export class ListValue implements CollectionValue {
  readonly type = 'list' as const;
  private head: _Node | null = null;
  private tail: _Node | null = null;
  private count = 0;
  private nodes = 0;
  private fillValue: number | null;
  private depthValue: number;

  /**
   * An empty list. `fill` and `compressDepth` are `list-max-listpack-size` and `list-compress-depth` at creation
   * (quicklistSetOptions clamps them); a null fill is adopted from the configuration at the first write (see adopt).
   */
  constructor(fill: number | null = DEFAULT_LIST_FILL, compressDepth = 0) {
    this.fillValue = fill === null ? null : _clampFill(fill);
    this.depthValue = _clampDepth(compressDepth);
  }

  /** A list holding `items` pushed at the tail one by one (how Redis loads plain and ziplist RDB lists). */
  static of(items: Iterable<string>, fill: number | null = DEFAULT_LIST_FILL, compressDepth = 0): ListValue {
    const list = new ListValue(fill, compressDepth);
    for (const item of items) list.push(item, 'tail');
    return list;
  }

  /** Always 'quicklist' in Redis 7.0 (OBJECT ENCODING). */
  get encoding(): 'quicklist' {
    return 'quicklist';
  }

  /** Number of elements (LLEN). */
  get length(): number {
    return this.count;
  }

  /** Number of quicklist nodes (DEBUG OBJECT `ql_nodes`). */
  get nodeCount(): number {
    return this.nodes;
  }

  /** The fill factor in force (DEBUG OBJECT `ql_listpack_max`); the default until adopted for loaded lists. */
  get fill(): number {
    return this.fillValue ?? DEFAULT_LIST_FILL;
  }

  /** The compress depth (`list-compress-depth` at creation). */
  get compressDepth(): number {
    return this.depthValue;
  }

  /** The quicklist part of DEBUG OBJECT's reply, leading space included (` ql_nodes:… ql_uncompressed_size:…`). */
  debugObjectSuffix(): string {
    let bytes = 0;
    for (let n = this.head; n !== null; n = n.next) bytes += n.sz;
    const average = (this.count / this.nodes).toFixed(2);
    return (
      ` ql_nodes:${this.nodes} ql_avg_node:${average} ql_listpack_max:${this.fill}` +
      ` ql_compressed:${this.depthValue !== 0 ? 1 : 0} ql_uncompressed_size:${bytes}`
    );
  }

  /**
   * Sets fill and compress depth for a list loaded from RDB or DUMP, which Redis builds with the configuration of the
   * moment (the loaders here have none at hand); no effect once set.
   */
  adopt(fill: number, compressDepth: number): void {
    if (this.fillValue !== null) return;
    this.fillValue = _clampFill(fill);
    this.depthValue = _clampDepth(compressDepth);
  }

  /** A deep copy with the same nodes, fill and depth (quicklistDup, for COPY). */
  clone(): ListValue {
    const copy = new ListValue(this.fillValue, this.depthValue);
    for (let n = this.head; n !== null; n = n.next) copy._appendNode(new _Node(n.items.slice(), n.sz, n.plain));
    return copy;
  }

  /** The nodes head to tail, for the RDB writer. */
  *nodeViews(): IterableIterator<ListNodeView> {
    for (let n = this.head; n !== null; n = n.next) yield { items: n.items, plain: n.plain, bytes: n.sz };
  }

  /** Appends a node loaded from RDB as is (quicklistAppendListpack / quicklistAppendPlainNode); empty ones are skipped. */
  appendNode(items: readonly string[], plain: boolean): void {
    if (items.length === 0) return;
    let sz = plain ? items[0]!.length : _LP_EMPTY;
    if (!plain) for (const item of items) sz += listpackEntrySize(item);
    this._appendNode(new _Node(items.slice(), sz, plain));
  }

  /** Pushes one element at an end (quicklistPushHead / quicklistPushTail). */
  push(value: string, end: ListEnd): void {
    const fill = this.fill;
    if (end === 'head') {
      const head = this.head;
      if (_isLarge(value)) {
        this._insertNode(head, _plainNode(value), false);
      } else if (head !== null && _allowInsert(head, fill, value.length)) {
        head.items.unshift(value);
        head.sz += listpackEntrySize(value);
      } else {
        this._insertNode(head, _packedNode([value]), false);
      }
    } else {
      const tail = this.tail;
      if (_isLarge(value)) {
        this._insertNode(tail, _plainNode(value), true);
      } else if (tail !== null && _allowInsert(tail, fill, value.length)) {
        tail.items.push(value);
        tail.sz += listpackEntrySize(value);
      } else {
        this._insertNode(tail, _packedNode([value]), true);
      }
    }
    this.count++;
  }

  /** Pops one element from an end, or undefined when empty (quicklistPopCustom). */
  pop(end: ListEnd): string | undefined {
    const node = end === 'head' ? this.head : this.tail;
    if (node === null) return undefined;
    const offset = end === 'head' ? 0 : node.items.length - 1;
    const value = node.items[offset]!;
    this._deleteAt(node, offset);
    return value;
  }

  /** The element at a zero-based index, negative counting from the tail; undefined when out of range (LINDEX). */
  get(index: number): string | undefined {
    const at = this._locate(index);
    return at === null ? undefined : at.node.items[at.offset];
  }

  /** Replaces the element at an index; false when out of range (quicklistReplaceAtIndex, LSET). */
  set(index: number, value: string): boolean {
    const at = this._locate(index);
    if (at === null) return false;
    const { node, offset } = at;
    if (!node.plain && !_isLarge(value)) {
      node.sz += listpackEntrySize(value) - listpackEntrySize(node.items[offset]!);
      node.items[offset] = value;
    } else if (node.plain && _isLarge(value)) {
      node.items[0] = value;
      node.sz = value.length;
    } else if (node.plain) {
      this._insert(node, offset, value, true);
      this._removeNode(node);
    } else {
      // A huge element in a packed node: it goes in after the old one, which is then the node's last element.
      this._insert(node, offset, value, true);
      this._deleteAt(node, node.items.length - 1);
    }
    return true;
  }

  /** Elements from `start` to `end` inclusive, both already clamped to 0 <= start <= end < length. */
  range(start: number, end: number): string[] {
    const out: string[] = new Array<string>(end - start + 1);
    const at = this._locate(start);
    if (at === null) return [];
    let node: _Node | null = at.node;
    let offset = at.offset;
    let i = 0;
    while (node !== null && i < out.length) {
      const items = node.items;
      for (; offset < items.length && i < out.length; offset++) out[i++] = items[offset]!;
      node = node.next;
      offset = 0;
    }
    return out;
  }

  /** Every element head to tail. */
  *values(): IterableIterator<string> {
    for (let n = this.head; n !== null; n = n.next) yield* n.items;
  }

  /**
   * Visits elements one by one from the head (`fromHead`) or the tail, until `visit` returns false. `visit` gets
   * the element and how many were visited before it.
   */
  scan(fromHead: boolean, visit: (value: string, seen: number) => boolean): void {
    let seen = 0;
    if (fromHead) {
      for (let n = this.head; n !== null; n = n.next) {
        for (const item of n.items) if (!visit(item, seen++)) return;
      }
    } else {
      for (let n = this.tail; n !== null; n = n.prev) {
        const items = n.items;
        for (let i = items.length - 1; i >= 0; i--) if (!visit(items[i]!, seen++)) return;
      }
    }
  }

  /**
   * Inserts `value` before or after the first element equal to `pivot` from the head (LINSERT, _quicklistInsert);
   * returns false when there is no such element.
   */
  insert(pivot: string, value: string, after: boolean): boolean {
    for (let n = this.head; n !== null; n = n.next) {
      const offset = n.items.indexOf(pivot);
      if (offset !== -1) {
        this._insert(n, offset, value, after);
        return true;
      }
    }
    return false;
  }

  /**
   * Removes up to `limit` elements equal to `value` (0: all), scanning from the head, or from the tail when
   * `fromTail`; returns how many were removed (LREM, which deletes entry by entry without merging nodes).
   */
  remove(value: string, limit: number, fromTail: boolean): number {
    let removed = 0;
    let node = fromTail ? this.tail : this.head;
    while (node !== null && (limit === 0 || removed < limit)) {
      const next: _Node | null = fromTail ? node.prev : node.next;
      const items = node.items;
      if (fromTail) {
        for (let i = items.length - 1; i >= 0 && (limit === 0 || removed < limit); i--) {
          if (items[i] === value) {
            removed++;
            if (this._deleteAt(node, i)) break;
          }
        }
      } else {
        for (let i = 0; i < items.length && (limit === 0 || removed < limit);) {
          if (items[i] === value) {
            removed++;
            if (this._deleteAt(node, i)) break;
          } else {
            i++;
          }
        }
      }
      node = next;
    }
    return removed;
  }

  /**
   * Deletes `count` elements from index `start` (negative counts from the tail), trimming the count to the list's
   * end; returns whether anything was deleted (quicklistDelRange, used by LTRIM and the POP family's COUNT).
   */
  deleteRange(start: number, count: number): boolean {
    if (count <= 0) return false;
    const at = this._locate(start);
    if (at === null) return false;
    const from = start < 0 ? this.count + start : start;
    let extent = Math.min(count, this.count - from);
    let node: _Node | null = at.node;
    let offset = at.offset;
    while (extent > 0 && node !== null) {
      const next: _Node | null = node.next;
      const size = node.items.length;
      const del = offset === 0 && extent >= size ? size : Math.min(size - offset, extent);
      if (del === size || node.plain) {
        this._removeNode(node);
      } else {
        const gone = node.items.splice(offset, del);
        for (const item of gone) node.sz -= listpackEntrySize(item);
        this.count -= del;
      }
      extent -= del;
      node = next;
      offset = 0;
    }
    return true;
  }

  // --- internal ---

  /** The node and offset of an index (quicklistGetIteratorAtIdx), seeking from the nearer end; null if out of range. */
  private _locate(index: number): { node: _Node; offset: number } | null {
    const i = index < 0 ? this.count + index : index;
    if (i < 0 || i >= this.count) return null;
    if (i <= (this.count - 1) / 2) {
      let accum = 0;
      for (let n = this.head; n !== null; n = n.next) {
        if (accum + n.items.length > i) return { node: n, offset: i - accum };
        accum += n.items.length;
      }
    } else {
      let accum = this.count;
      for (let n = this.tail; n !== null; n = n.prev) {
        accum -= n.items.length;
        if (accum <= i) return { node: n, offset: i - accum };
      }
    }
    return null;
  }

  /** Deletes the element at `offset` of `node`, and the node when that empties it; true if it did (quicklistDelIndex). */
  private _deleteAt(node: _Node, offset: number): boolean {
    if (node.plain || node.items.length === 1) {
      this._removeNode(node);
      return true;
    }
    const items = node.items;
    const gone =
      offset === 0 ? items.shift()! : offset === items.length - 1 ? items.pop()! : items.splice(offset, 1)[0]!;
    node.sz -= listpackEntrySize(gone);
    this.count--;
    return false;
  }

  /** Inserts `value` next to the element at `offset` of `node` (_quicklistInsert), splitting and merging as Redis. */
  private _insert(node: _Node, offset: number, value: string, after: boolean): void {
    const fill = this.fill;
    const len = value.length;
    const size = node.items.length;
    const full = !_allowInsert(node, fill, len);
    const atTail = after && offset === size - 1;
    const atHead = !after && offset === 0;
    const availNext = atTail && node.next !== null && _allowInsert(node.next, fill, len);
    const availPrev = atHead && node.prev !== null && _allowInsert(node.prev, fill, len);
    this.count++;
    if (_isLarge(value)) {
      if (node.plain || atTail || atHead) {
        this._insertNode(node, _plainNode(value), after);
      } else {
        const split = this._split(node, offset, after);
        const plain = _plainNode(value);
        this._insertNode(node, plain, after);
        this._insertNode(plain, split, after);
      }
      return;
    }
    if (!full) {
      node.items.splice(after ? offset + 1 : offset, 0, value);
      node.sz += listpackEntrySize(value);
    } else if (atTail && availNext) {
      const next = node.next!;
      next.items.unshift(value);
      next.sz += listpackEntrySize(value);
    } else if (atHead && availPrev) {
      const prev = node.prev!;
      prev.items.push(value);
      prev.sz += listpackEntrySize(value);
    } else if (atTail || atHead) {
      this._insertNode(node, _packedNode([value]), after);
    } else {
      const split = this._split(node, offset, after);
      if (after) split.items.unshift(value);
      else split.items.push(value);
      split.sz += listpackEntrySize(value);
      this._insertNode(node, split, after);
      this._mergeAround(node);
    }
  }

  /**
   * Splits a node (_quicklistSplitNode): with `after`, the node keeps [0, offset] and the returned new node gets the
   * rest; otherwise the new node gets [0, offset) and the node keeps the rest. The new node is not linked yet.
   */
  private _split(node: _Node, offset: number, after: boolean): _Node {
    const cut = after ? offset + 1 : offset;
    const left = node.items.slice(0, cut);
    const right = node.items.slice(cut);
    node.items = after ? left : right;
    node.sz = _packedSize(node.items);
    return _packedNode(after ? right : left);
  }

  /** Merges neighbouring nodes around `center` where they fit in one (_quicklistMergeNodes). */
  private _mergeAround(center: _Node): void {
    const fill = this.fill;
    const prev = center.prev;
    const next = center.next;
    if (prev !== null && prev.prev !== null && _allowMerge(prev, prev.prev, fill)) this._merge(prev.prev, prev);
    if (next !== null && next.next !== null && _allowMerge(next, next.next, fill)) this._merge(next, next.next);
    let target = center;
    if (center.prev !== null && _allowMerge(center, center.prev, fill)) target = this._merge(center.prev, center);
    if (target.next !== null && _allowMerge(target, target.next, fill)) this._merge(target, target.next);
  }

  /** Merges `b` into `a` (its left neighbour) and returns `a` (_quicklistListpackMerge). */
  private _merge(a: _Node, b: _Node): _Node {
    a.items = a.items.concat(b.items);
    a.sz += b.sz - _LP_EMPTY;
    this._unlink(b);
    return a;
  }

  /** Links `node` after (or before) `at`; at the list's end when `at` is null (__quicklistInsertNode). */
  private _insertNode(at: _Node | null, node: _Node, after: boolean): void {
    if (at === null) {
      this.head = this.tail = node;
    } else if (after) {
      node.prev = at;
      node.next = at.next;
      if (at.next !== null) at.next.prev = node;
      at.next = node;
      if (this.tail === at) this.tail = node;
    } else {
      node.next = at;
      node.prev = at.prev;
      if (at.prev !== null) at.prev.next = node;
      at.prev = node;
      if (this.head === at) this.head = node;
    }
    this.nodes++;
  }

  private _appendNode(node: _Node): void {
    this._insertNode(this.tail, node, true);
    this.count += node.items.length;
  }

  /** Unlinks a node and drops its elements from the count (__quicklistDelNode). */
  private _removeNode(node: _Node): void {
    this._unlink(node);
    this.count -= node.items.length;
  }

  private _unlink(node: _Node): void {
    if (node.prev !== null) node.prev.next = node.next;
    if (node.next !== null) node.next.prev = node.prev;
    if (this.head === node) this.head = node.next;
    if (this.tail === node) this.tail = node.prev;
    node.prev = node.next = null;
    this.nodes--;
  }
}

/** A quicklist node: its elements, its size in bytes (lpBytes for packed nodes) and its container kind. */
class _Node {
  prev: _Node | null = null;
  next: _Node | null = null;
  constructor(
    public items: string[],
    public sz: number,
    readonly plain: boolean,
  ) {}
}

/** lpBytes of an empty listpack: 6-byte header and the terminator. */
const _LP_EMPTY = 7;
/** SIZE_SAFETY_LIMIT: a count-limited node never grows past 8 KB. */
const _SIZE_SAFETY_LIMIT = 8192;
/** SIZE_ESTIMATE_OVERHEAD: what _quicklistNodeAllowInsert adds for an entry's encoding and backlen. */
const _SIZE_ESTIMATE_OVERHEAD = 8;
/** optimization_level: the byte budgets of fill -1 … -5. */
const _OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536] as const;
/** packed_threshold: elements this big get a plain node of their own. */
const _PACKED_THRESHOLD = 1 << 30;
/** FILL_MAX and COMPRESS_MAX of quicklistSetFill / quicklistSetCompressDepth. */
const _FILL_MAX = (1 << 15) - 1;
const _COMPRESS_MAX = (1 << 16) - 1;

function _clampFill(fill: number): number {
  return fill > _FILL_MAX ? _FILL_MAX : fill < -5 ? -5 : fill;
}

function _clampDepth(depth: number): number {
  return depth > _COMPRESS_MAX ? _COMPRESS_MAX : depth < 0 ? 0 : depth;
}

function _isLarge(value: string): boolean {
  return value.length >= _PACKED_THRESHOLD;
}

function _packedSize(items: readonly string[]): number {
  let sz = _LP_EMPTY;
  for (const item of items) sz += listpackEntrySize(item);
  return sz;
}

function _packedNode(items: string[]): _Node {
  return new _Node(items, _packedSize(items), false);
}

function _plainNode(value: string): _Node {
  return new _Node([value], value.length, true);
}

/** _quicklistNodeSizeMeetsOptimizationRequirement: within the byte budget of a negative fill. */
function _meetsBudget(sz: number, fill: number): boolean {
  if (fill >= 0) return false;
  const budget = _OPTIMIZATION_LEVEL[-fill - 1];
  return budget !== undefined && sz <= budget;
}

/** Whether an element of `len` bytes may join `node` (_quicklistNodeAllowInsert). */
function _allowInsert(node: _Node, fill: number, len: number): boolean {
  if (node.plain || len >= _PACKED_THRESHOLD) return false;
  const estimate = node.sz + len + _SIZE_ESTIMATE_OVERHEAD;
  if (_meetsBudget(estimate, fill)) return true;
  if (estimate > _SIZE_SAFETY_LIMIT) return false;
  return node.items.length < fill;
}

/** Whether two nodes fit in one (_quicklistNodeAllowMerge; its "- 11" is the ziplist header and end it assumes). */
function _allowMerge(a: _Node, b: _Node, fill: number): boolean {
  if (a.plain || b.plain) return false;
  const merged = a.sz + b.sz - 11;
  if (_meetsBudget(merged, fill)) return true;
  if (merged > _SIZE_SAFETY_LIMIT) return false;
  return a.items.length + b.items.length <= fill;
}
