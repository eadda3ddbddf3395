// One numbered database: the keyspace with its expiry, lazy and active, with Redis's semantics (db.c, expire.c).
// Keys are latin1 strings. Every entry carries a scan sequence number so that SCAN keeps Redis's guarantee — a key
// present for the whole iteration is returned — across deletions and growth, without a hash-bucket cursor.

import { Errors, fail } from './errors.js';
import { SlotKeyIndex } from './slot-key-index.js';
import type { CollectionValue, Value } from './values.js';

/** What a database tells its node about; the node forwards to WATCH, keyspace events, AOF and replicas. */
export interface DatabaseHooks {
  /** The time that decides expiry: the node caches one per command, like Redis. */
  now(): number;
  /** A key was written or deleted (signalModifiedKey). */
  modified(db: Database, key: string): void;
  /** A key was deleted because it had expired (lazily or by the active cycle). */
  expired(db: Database, key: string): void;
  /** A key that did not exist was created (dbAdd's `new` keyspace event). */
  created?(db: Database, key: string): void;
  /** Whether expired keys may be deleted here (false on a replica, which waits for its master's DEL). */
  mayDeleteExpired(): boolean;
  /** Whether expired keys count as live: a replica running its master's commands (expireIfNeeded). */
  expiredKeysLive?(): boolean;
}

/**
 * How a string value was built, which decides its OBJECT ENCODING: 'encoded' went through tryObjectEncoding (SET and
 * friends: int, embstr or raw by content), 'plain' through createStringObject (INCRBYFLOAT: embstr or raw), 'raw'
 * was changed in place (dbUnshareStringValue: APPEND, SETRANGE, SETBIT, BITFIELD) or built raw (BITOP).
 */
export type StringForm = 'encoded' | 'plain' | 'raw';

/** One key's slot in the keyspace. */
export class Entry {
  /** Absolute expiry time in ms, or 0 for none; rounded when beyond 2^53 (see `expiresAtExact`). */
  expiresAt = 0;
  /**
   * The exact expiry when it is not a safe integer (Redis keeps 64-bit times; past 2^53 ms, ~year 287,000, a double
   * rounds them). `expiresAt` still serves every comparison with the clock, which such a time never meets.
   */
  expiresAtExact: bigint | undefined = undefined;
  /** How a string value was built (OBJECT ENCODING); `set` resets it, in-place string mutators mark 'raw'. */
  stringForm: StringForm = 'encoded';
  /** How many times `accessedAt` was refreshed: the accesses OBJECT FREQ's LFU counter is folded from. */
  accesses = 0;
  private lastAccess: number;
  constructor(
    public value: Value,
    /** Position in scan order; never reused. */
    readonly seq: number,
    accessedAt: number,
  ) {
    this.lastAccess = accessedAt;
  }

  /** The exact expiry for reporting, propagating and persisting it: a number, or a bigint past 2^53 ms. */
  get expiry(): number | bigint {
    return this.expiresAtExact ?? this.expiresAt;
  }

  /** Last access time in ms (OBJECT IDLETIME); setting it counts an access. */
  get accessedAt(): number {
    return this.lastAccess;
  }

  set accessedAt(at: number) {
    this.lastAccess = at;
    this.accesses++;
  }
}

/** The result of one SCAN step. */
export interface ScanPage {
  cursor: number;
  keys: string[];
}

/** A numbered keyspace with expiry. */
export class Database {
  private entries = new Map<string, Entry>();
  /** Keys that have an expiry, for the active expire cycle. */
  private volatile = new Set<string>();
  /** Scan order: keys by ascending seq, with `undefined` tombstones for deleted keys. */
  private order: (string | undefined)[] = [];
  private orderSeq: number[] = [];
  private tombstones = 0;
  private nextSeq = 1;
  private volatileIterator: IterableIterator<string> | null = null;
  /** Keys by hash slot, kept only for DB 0 of a cluster node (slots_to_keys). */
  private slotKeys: SlotKeyIndex | null = null;

  constructor(
    readonly id: number,
    private readonly hooks: DatabaseHooks,
  ) {}

  /** Starts keeping the keys by hash slot (cluster mode, DB 0: slotToKeyInit). */
  enableSlotIndex(): void {
    this.slotKeys ??= new SlotKeyIndex();
    this.slotKeys.rebuild(this.entries.keys());
  }

  /** Keys in a hash slot, expired or not; 0 without the slot index (countKeysInSlot). */
  countKeysInSlot(slot: number): number {
    return this.slotKeys?.count(slot) ?? 0;
  }

  /** Up to `count` keys of a hash slot, newest first (CLUSTER GETKEYSINSLOT). */
  keysInSlot(slot: number, count: number): string[] {
    return this.slotKeys?.keys(slot, count) ?? [];
  }

  /**
   * Deletes every key of a hash slot and returns how many there were (delKeysInSlot). Like Redis 7.0 it neither
   * notifies nor propagates: the node lost the slot, so the keys are someone else's.
   */
  deleteKeysInSlot(slot: number): number {
    const keys = this.slotKeys?.keys(slot, Infinity) ?? [];
    for (const key of keys) this._remove(key);
    return keys.length;
  }

  /** Number of keys, counting expired keys not yet reclaimed (like DBSIZE). */
  get size(): number {
    return this.entries.size;
  }

  /** Number of keys with an expiry (INFO keyspace `expires=`). */
  get volatileCount(): number {
    return this.volatile.size;
  }

  /** Looks a key up for reading or writing, reclaiming it first if it has expired. */
  lookup(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && this.hooks.now() > entry.expiresAt && this.hooks.expiredKeysLive?.() !== true) {
      if (this.hooks.mayDeleteExpired()) this._expire(key);
      return undefined;
    }
    return entry;
  }

  /** The value of a key, or undefined when missing or expired; refreshes its access time. */
  get(key: string): Value | undefined {
    return this._access(key)?.value;
  }

  /** The string at a key, undefined when missing; fails with WRONGTYPE for other types. Refreshes the access time. */
  getString(key: string): string | undefined {
    const v = this._access(key)?.value;
    if (v === undefined || typeof v === 'string') return v;
    return fail(Errors.wrongType());
  }

  /**
   * The collection of the given type at a key, undefined when missing; fails with WRONGTYPE otherwise. Refreshes the
   * access time.
   */
  getCollection<T extends CollectionValue>(key: string, type: T['type']): T | undefined {
    const v = this._access(key)?.value;
    if (v === undefined) return undefined;
    if (typeof v !== 'string' && v.type === type) return v as T;
    return fail(Errors.wrongType());
  }

  /** Whether an entry exists for the key, even one that has expired but not been reclaimed yet. */
  holds(key: string): boolean {
    return this.entries.has(key);
  }

  /** Whether the key exists but has expired, without reclaiming it (keyIsExpired). */
  isLogicallyExpired(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.expiresAt !== 0 && this.hooks.now() > entry.expiresAt;
  }

  /** Whether a live key exists. */
  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Stores a value; the expiry is cleared unless `keepTtl`. Returns the entry. */
  set(key: string, value: Value, keepTtl = false): Entry {
    const entry = this.lookup(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.stringForm = 'encoded';
      entry.accessedAt = this.hooks.now();
      if (!keepTtl && entry.expiresAt !== 0) {
        entry.expiresAt = 0;
        entry.expiresAtExact = undefined;
        this.volatile.delete(key);
      }
      this.hooks.modified(this, key);
      return entry;
    }
    if (this.entries.has(key)) this._remove(key); // expired, but kept on a replica
    const created = new Entry(value, this.nextSeq++, this.hooks.now());
    this.entries.set(key, created);
    this.slotKeys?.add(key);
    this.order.push(key);
    this.orderSeq.push(created.seq);
    this.hooks.created?.(this, key);
    this.hooks.modified(this, key);
    return created;
  }

  /**
   * Adds a key read from an RDB payload, with its absolute expiry or 0 (dbAddRDBLoad): no keyspace event and no
   * modified-key signal, as loading replaces the whole dataset. A key already held is overwritten as by `set`.
   */
  load(key: string, value: Value, expiresAt: number | bigint): void {
    if (this.entries.has(key)) {
      this.set(key, value);
      if (expiresAt !== 0) this.setExpiry(key, expiresAt);
      return;
    }
    const created = new Entry(value, this.nextSeq++, this.hooks.now());
    this.entries.set(key, created);
    this.slotKeys?.add(key);
    this.order.push(key);
    this.orderSeq.push(created.seq);
    if (expiresAt === 0) return;
    const rounded = Number(expiresAt);
    created.expiresAt = rounded;
    if (typeof expiresAt === 'bigint' && !Number.isSafeInteger(rounded)) created.expiresAtExact = expiresAt;
    this.volatile.add(key);
  }

  /** Deletes a key; returns whether it existed (and was live). */
  delete(key: string): boolean {
    if (this.lookup(key) === undefined) return false;
    this._remove(key);
    this.hooks.modified(this, key);
    return true;
  }

  /** Signals an in-place change to a key's value (for WATCH and friends). */
  touch(key: string): void {
    this.hooks.modified(this, key);
  }

  /** The absolute expiry in ms of a live key, 0 if it has none, or undefined when missing. */
  expiryOf(key: string): number | undefined {
    return this.lookup(key)?.expiresAt;
  }

  /**
   * Sets or clears (0) the expiry of an existing key; returns false when the key is missing. A bigint is kept exact
   * when it is not a safe integer.
   */
  setExpiry(key: string, at: number | bigint): boolean {
    const entry = this.lookup(key);
    if (entry === undefined) return false;
    if (typeof at === 'bigint') {
      const rounded = Number(at);
      entry.expiresAtExact = Number.isSafeInteger(rounded) ? undefined : at;
      at = rounded;
    } else {
      entry.expiresAtExact = undefined;
    }
    entry.expiresAt = at;
    if (at === 0) this.volatile.delete(key);
    else this.volatile.add(key);
    this.hooks.modified(this, key);
    return true;
  }

  /** All live keys, in scan order. */
  *keys(): IterableIterator<string> {
    const now = this.hooks.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt === 0 || now <= entry.expiresAt) yield key;
    }
  }

  /** Every entry including expired ones, for persistence (which writes expiries as they are). */
  rawEntries(): IterableIterator<[string, Entry]> {
    return this.entries.entries();
  }

  /**
   * One SCAN step from `cursor` visiting about `count` keys (live or not; callers filter), returning the next cursor
   * (0 when done). Cursors are scan sequence numbers, so keys that exist throughout are returned exactly once.
   */
  scan(cursor: number, count: number): ScanPage {
    const keys: string[] = [];
    let i = _lowerBound(this.orderSeq, cursor);
    const n = this.order.length;
    for (; i < n && keys.length < count; i++) {
      const key = this.order[i];
      if (key !== undefined) keys.push(key);
    }
    while (i < n && this.order[i] === undefined) i++;
    return { cursor: i < n ? this.orderSeq[i]! : 0, keys };
  }

  /**
   * A random live key, or undefined when empty (RANDOMKEY); `random` is the node's generator. Like dbRandomKey, expired
   * keys it lands on are reclaimed on the way.
   */
  randomKey(random: () => number): string | undefined {
    for (let tries = 0; tries < 100 && this.entries.size > 0; tries++) {
      const key = this.order[Math.floor(random() * this.order.length)];
      if (key !== undefined && this.lookup(key) !== undefined) return key;
    }
    // Mostly tombstones or expired keys: walk them all (in scan order) rather than keep guessing.
    for (const key of [...this.entries.keys()]) if (this.lookup(key) !== undefined) return key;
    return undefined;
  }

  /**
   * Removes every key, expired or not, and returns how many there were (emptyDbStructure). It signals nothing: the
   * caller flags WATCHers first with `node.touchAllWatched`, as Redis's signalFlushedDb does.
   */
  flush(): number {
    const removed = this.entries.size;
    this.entries.clear();
    this.volatile.clear();
    this.order = [];
    this.orderSeq = [];
    this.tombstones = 0;
    this.volatileIterator = null;
    this.slotKeys?.clear();
    return removed;
  }

  /** Swaps contents with another database (SWAPDB); the caller flags WATCHers of both first (touchAllWatched). */
  swapWith(other: Database): void {
    [this.entries, other.entries] = [other.entries, this.entries];
    [this.volatile, other.volatile] = [other.volatile, this.volatile];
    [this.order, other.order] = [other.order, this.order];
    [this.orderSeq, other.orderSeq] = [other.orderSeq, this.orderSeq];
    [this.tombstones, other.tombstones] = [other.tombstones, this.tombstones];
    [this.nextSeq, other.nextSeq] = [other.nextSeq, this.nextSeq];
    this.volatileIterator = null;
    other.volatileIterator = null;
    // The index stays with the database it belongs to (DB 0), describing whatever was swapped in.
    this.slotKeys?.rebuild(this.entries.keys());
    other.slotKeys?.rebuild(other.entries.keys());
  }

  /**
   * One pass of the active expire cycle over at most `samples` keys with an expiry; returns how many were expired
   * and how many were looked at, so the caller can repeat while over a quarter expired (activeExpireCycle).
   */
  expireSample(samples: number): { expired: number; sampled: number } {
    let expired = 0;
    let sampled = 0;
    if (this.volatile.size === 0 || !this.hooks.mayDeleteExpired()) return { expired, sampled };
    const now = this.hooks.now();
    // Fixed up front: reclaiming keys shrinks the set, and no key should be sampled twice in one pass.
    const limit = Math.min(samples, this.volatile.size);
    let wrapped = false;
    while (sampled < limit) {
      this.volatileIterator ??= this.volatile.values();
      const next = this.volatileIterator.next();
      if (next.done === true) {
        // Resume from the start once per pass, so a pass that begins at the end still samples.
        this.volatileIterator = null;
        if (wrapped) break;
        wrapped = true;
        continue;
      }
      sampled++;
      const entry = this.entries.get(next.value);
      if (entry !== undefined && entry.expiresAt !== 0 && now > entry.expiresAt) {
        this._expire(next.value);
        expired++;
      }
    }
    return { expired, sampled };
  }

  // --- internal ---

  /** A lookup that refreshes the access time, as lookupKey does unless LOOKUP_NOTOUCH (OBJECT IDLETIME and FREQ). */
  private _access(key: string): Entry | undefined {
    const entry = this.lookup(key);
    if (entry !== undefined) entry.accessedAt = this.hooks.now();
    return entry;
  }

  private _expire(key: string): void {
    this._remove(key);
    this.hooks.expired(this, key);
    this.hooks.modified(this, key);
  }

  private _remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.slotKeys?.remove(key);
    if (entry.expiresAt !== 0) this.volatile.delete(key);
    const i = _lowerBound(this.orderSeq, entry.seq);
    this.order[i] = undefined;
    this.tombstones++;
    if (this.tombstones > 64 && this.tombstones * 2 > this.order.length) this._compact();
  }

  /** Drops tombstones; seq numbers (and so cursors) are unchanged, only positions move. */
  private _compact(): void {
    const order: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const key = this.order[i];
      if (key !== undefined) {
        order.push(key);
        seqs.push(this.orderSeq[i]!);
      }
    }
    this.order = order;
    this.orderSeq = seqs;
    this.tombstones = 0;
  }
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
